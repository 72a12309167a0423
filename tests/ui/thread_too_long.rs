use proc_title::proc_title;

#[proc_title("ERP: worker", thread = "erp-reader-thread")]
fn work() {}

fn main() {
    work();
}
