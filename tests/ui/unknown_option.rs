use proc_title::proc_title;

#[proc_title("ERP: worker", name = "worker")]
fn work() {}

fn main() {
    work();
}
