use proc_title::proc_title;

#[proc_title("ERP: import {file:x}")]
fn import(file: &str) {
    let _ = file;
}

fn main() {
    import("orders.csv");
}
