use proc_title::proc_title;

#[proc_title("ERP: worker <1st:idle>")]
fn work() {}

fn main() {
    work();
}
