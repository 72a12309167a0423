use proc_title::proctitle;

fn main() {
    let _stage = proctitle!(étape = "scanning");
}
