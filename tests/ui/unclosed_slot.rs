use proc_title::proc_title;

#[proc_title("ERP: worker <stage")]
fn work() {}

fn main() {
    work();
}
