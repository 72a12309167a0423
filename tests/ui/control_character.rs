use proc_title::proc_title;

#[proc_title("ERP:\tworker")]
fn work() {}

fn main() {
    work();
}
