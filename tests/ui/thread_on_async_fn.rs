use proc_title::proc_title;

#[proc_title("ERP: worker", thread = "erp-reader")]
async fn work() {}

fn main() {
    drop(work());
}
