use proc_title::proc_title;

#[proc_title("")]
fn work() {}

fn main() {
    work();
}
