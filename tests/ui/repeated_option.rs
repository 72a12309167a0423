use proc_title::proc_title;

#[proc_title("ERP: worker", comm = "erp-a", comm = "erp-b")]
fn work() {}

fn main() {
    work();
}
