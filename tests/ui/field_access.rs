use proc_title::proc_title;

struct Worker {
    id: u32,
}

impl Worker {
    #[proc_title("ERP: worker {self.id}")]
    fn work(&self) {
        let _ = self.id;
    }
}

fn main() {
    Worker { id: 1 }.work();
}
