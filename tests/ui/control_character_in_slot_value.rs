use proc_title::proctitle;

fn main() {
    let _stage = proctitle!(stage = "line one\nline two");
}
