#![deny(unused_must_use)]

use proc_title::proctitle;

fn main() {
    proctitle!("ERP: import {}", "orders.csv");
}
