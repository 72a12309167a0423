use proc_title::proc_title;

#[proc_title("ERP: <stage:idle> then <stage>")]
fn work() {}

fn main() {
    work();
}
