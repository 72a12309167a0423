use proc_title::proc_title;

#[proc_title("ERP: worker")]
struct Worker {
    id: u32,
}

fn main() {
    let worker = Worker { id: 1 };
    let _ = worker.id;
}
