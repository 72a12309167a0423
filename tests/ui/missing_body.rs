use proc_title::proc_title;

trait Job {
    #[proc_title("ERP: job")]
    fn run(&self);
}

fn main() {}
