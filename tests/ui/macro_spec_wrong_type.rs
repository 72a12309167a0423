use proc_title::proctitle;

fn main() {
    let file = String::from("orders.csv");
    let _title = proctitle!("ERP: import {:.3} {:x}", 1.5, file);
}
