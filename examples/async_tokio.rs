//! Sets titles from async code on a multi-threaded tokio runtime and prints what
//! `ps -o args` shows at each step.
//!
//! ```text
//! cargo run --example async_tokio
//! ```
//!
//! `#[proc_title]` on an `async fn` shows its title from the first poll until the future
//! completes or is dropped, and a `proctitle!(stage = ...)` guard keeps its stage while
//! the task waits at an `.await`, whichever worker thread polls it next.

use std::time::Duration;

use proc_title::{proc_title, proctitle};

#[proc_title("tokio demo: main")]
fn main() -> std::io::Result<()> {
    // The title is set by the first statement of `main`, before the runtime starts its
    // worker threads, so the backend can start while the process has a single thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()?;
    runtime.block_on(run());
    Ok(())
}

async fn run() {
    show("before the import");

    let task = tokio::spawn(import("orders.csv".to_owned(), 3));
    // The import task now sleeps at its first `.await` with its stage set.
    tokio::time::sleep(Duration::from_millis(150)).await;
    show("while the import task waits");
    if let Err(error) = task.await {
        eprintln!("the import task failed: {error}");
    }
    show("after the import");

    // A future dropped before it completes removes its title as well.
    let late = tokio::time::timeout(
        Duration::from_millis(200),
        import("late.csv".to_owned(), 10),
    );
    if late.await.is_err() {
        show("after the import timed out");
    }
}

#[proc_title("tokio demo: import {file} [<stage:queued>]")]
async fn import(file: String, steps: u32) {
    for step in 1..=steps {
        let _stage = proctitle!(stage = "step {}/{}", step, steps);
        tokio::time::sleep(Duration::from_millis(300)).await;
        show(&format!("import of {file}, after an .await"));
    }
}

/// Prints what `ps -o args` shows for this process.
fn show(moment: &str) {
    // `ps -o args` reads /proc/PID/cmdline, which has a NUL byte after each argument.
    let command_line = match std::fs::read("/proc/self/cmdline") {
        Ok(bytes) => String::from_utf8_lossy(&bytes)
            .trim_end_matches('\0')
            .replace('\0', " "),
        Err(_) => proc_title::get(),
    };
    println!("{moment:<40} ps shows: {command_line}");
}
