use proc_title::proc_title;

fn main() {
    let work = #[proc_title("ERP: worker")]
    || 1;
    let _ = work();
}
