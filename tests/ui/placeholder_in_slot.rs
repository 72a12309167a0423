use proc_title::proc_title;

#[proc_title("ERP: worker <stage:{id}>")]
fn work(id: u32) {
    let _ = id;
}

fn main() {
    work(1);
}
