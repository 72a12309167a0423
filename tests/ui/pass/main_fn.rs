use proc_title::{proc_title, proctitle};

const ANSWER: u32 = 42;

#[proc_title("ui pass: main {ANSWER} <stage:starting>", comm = "ui-pass")]
fn main() {
    assert_eq!(proc_title::get(), "ui pass: main 42 starting");
    let _stage = proctitle!(stage = "running");
    assert_eq!(proc_title::get(), "ui pass: main 42 running");
}
