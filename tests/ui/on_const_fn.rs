use proc_title::proc_title;

#[proc_title("ERP: worker")]
const fn work() -> u32 {
    1
}

fn main() {
    let _ = work();
}
