use proc_title::proc_title;

#[proc_title("ERP: worker", comm = "erp-worker-number-1")]
fn work() {}

fn main() {
    work();
}
