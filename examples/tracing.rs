//! Shows the entered `tracing` span in the title with `proc_title::tracing::StageLayer`,
//! and prints what `ps -o args` shows at each step.
//!
//! ```text
//! cargo run --example tracing --features tracing
//! ```
//!
//! The log lines come from `tracing-subscriber`'s `fmt` layer. A second thread enters a
//! span of its own while the main thread is inside its import, so its stage shows until
//! it exits that span.

use std::sync::mpsc;
use std::thread;

use tracing::{info, info_span};
use tracing_subscriber::prelude::*;

fn main() -> Result<(), proc_title::Error> {
    // Set a title before the first thread starts, so the backend that moves the command
    // line can start.
    let _title = proc_title::scope("tracing demo [<stage:idle>]")?;

    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_target(false))
        .with(proc_title::tracing::StageLayer::new().with_fields(["file", "batch"]))
        .init();
    show("before any span");

    let file = "orders.csv";
    let import = info_span!("import", file, rows = 3000);
    let _import = import.enter();
    show("in the import span");

    for batch in 1..=3 {
        let _batch = info_span!("load", batch).entered();
        info!(
            title = %proc_title::get(),
            stage = proc_title::stage_value().as_deref(),
            "loaded a batch",
        );
        show("in a load span");
    }
    show("back in the import span");

    // The cleaner enters its span, waits until the main thread has looked at the title,
    // then exits it.
    let (entered_sender, entered) = mpsc::channel();
    let (shown_sender, shown) = mpsc::channel::<()>();
    let cleaner = thread::spawn(move || {
        let _clean = info_span!("clean", file = "/tmp/erp").entered();
        let _ = entered_sender.send(());
        let _ = shown.recv();
    });
    let _ = entered.recv();
    show("while the cleaner thread is in its span");
    drop(shown_sender);
    if cleaner.join().is_err() {
        eprintln!("the cleaner thread panicked");
    }
    show("after the cleaner exited its span");

    drop(_import);
    show("after the import span");
    Ok(())
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
    println!("{moment:<42} ps shows: {command_line}");
}
