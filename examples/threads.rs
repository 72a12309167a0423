//! Names worker threads and prints the thread list as `ps -L -o tid,comm` shows it.
//!
//! ```text
//! cargo run --example threads
//! ```
//!
//! Two threads run `export`, whose `thread = "..."` option names the thread for the
//! call. Two more name themselves with `proc_title::thread::scope`, which takes a name
//! built at run time. The list is printed while the names are set and again after
//! each thread has restored its old name. Thread names come from `/proc/self/task`, so
//! the list is filled in on Linux only.
//!
//! A new thread starts with the name of the thread that created it: here the first 15
//! bytes of the main title, because `comm` follows the title by default.

use std::sync::{Arc, Barrier};
use std::thread;

use proc_title::proc_title;

#[proc_title("threads demo: main")]
fn main() {
    // Each thread and the main thread meet at the barrier five times: once all threads
    // exist, once the names are set, once the list is printed, once the names are
    // restored, and once the list is printed again. All threads exist before the first
    // export changes the process title, so they all start with the same name.
    let barrier = Arc::new(Barrier::new(5));
    let mut threads = Vec::new();
    for index in 1..=2 {
        let barrier = Arc::clone(&barrier);
        threads.push(thread::spawn(move || {
            barrier.wait();
            export(index, &barrier);
            barrier.wait();
            barrier.wait();
        }));
    }
    for index in 1..=2 {
        let barrier = Arc::clone(&barrier);
        threads.push(thread::spawn(move || {
            barrier.wait();
            {
                let _name = proc_title::thread::scope(&format!("demo-calc-{index}"));
                barrier.wait();
                barrier.wait();
            }
            barrier.wait();
            barrier.wait();
        }));
    }

    barrier.wait();
    barrier.wait();
    print_threads("while the threads are named");
    barrier.wait();
    barrier.wait();
    print_threads("after each thread restored its name");
    barrier.wait();
    for thread in threads {
        if thread.join().is_err() {
            eprintln!("threads demo: a thread panicked");
        }
    }
}

/// Shows a title for the call and names the calling thread `demo-export` until it
/// returns. The title belongs to the process, so the export that started last shows.
#[proc_title("threads demo: export {index}", thread = "demo-export")]
fn export(index: u32, barrier: &Barrier) {
    barrier.wait();
    barrier.wait();
}

/// Prints the process title and each thread's id and name.
fn print_threads(moment: &str) {
    println!("{moment}:");
    println!("  ps -o args shows: {}", proc_title::get());
    let mut threads: Vec<(u32, String)> = match std::fs::read_dir("/proc/self/task") {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| {
                let tid = entry.file_name().to_str()?.parse().ok()?;
                let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
                Some((tid, comm.trim_end().to_owned()))
            })
            .collect(),
        Err(error) => {
            println!("  no thread list: reading /proc/self/task failed: {error}");
            return;
        }
    };
    threads.sort();
    println!("  {:>7} COMMAND", "TID");
    for (tid, comm) in threads {
        println!("  {tid:>7} {comm}");
    }
}
