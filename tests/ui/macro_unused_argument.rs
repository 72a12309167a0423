use proc_title::proctitle;

fn main() {
    let _title = proctitle!("ERP: import {}", "orders.csv", 2);
}
