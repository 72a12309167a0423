//! A panic hook that reports what the process was doing when it panicked.
//!
//! A panic message shows where the code failed, but not which order, file or step the
//! process was working on. [`install_hook`] adds the title that the process shows at the
//! moment of the panic:
//!
//! ```
//! proc_title::panic::install_hook();
//!
//! let _title = proc_title::scope("ERP: import [<stage>]")?;
//! let _stage = proc_title::stage("step 3/10");
//! // A panic from here on prints, after the usual message:
//! // while: ERP: import [step 3/10]
//! # Ok::<(), proc_title::Error>(())
//! ```
//!
//! Code that reports errors some other way can read the same facts: [`get`](crate::get)
//! returns the title shown now and [`stage_value`](crate::stage_value) the value of the
//! `stage` slot:
//!
//! ```
//! let _title = proc_title::scope("ERP: worker 1 [<stage>]")?;
//! let _stage = proc_title::stage("step 3/10");
//! let report = format!(
//!     "upload failed in {:?} at stage {:?}",
//!     proc_title::get(),
//!     proc_title::stage_value(),
//! );
//! assert_eq!(
//!     report,
//!     r#"upload failed in "ERP: worker 1 [step 3/10]" at stage Some("step 3/10")"#,
//! );
//! # Ok::<(), proc_title::Error>(())
//! ```

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Wraps the current panic hook in one that, after the wrapped hook has run, writes
/// `while: TITLE` to standard error, with the title the process shows at the panic.
///
/// When the `stage` slot has a value that the title does not contain, as with a title
/// that has no `<stage>` slot, the line ends with ` (stage: VALUE)`. The line is written in one
/// call, and an error writing it is ignored.
///
/// Only the first call installs the hook; later calls do nothing, so the line is never
/// written twice. A hook set later with [`std::panic::set_hook`] replaces this one,
/// unless it calls the hook it took with [`std::panic::take_hook`].
///
/// # Examples
/// ```
/// // Early in `main`, before a panic can happen:
/// proc_title::panic::install_hook();
/// ```
pub fn install_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::AcqRel) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        write_context();
    }));
}

/// Writes the `while:` line for the panic being reported.
fn write_context() {
    // NOTE: reading the title takes the runtime's title lock, so a panic raised by the
    // runtime while the same thread holds that lock would block here. The runtime runs
    // no caller code under the lock, so only a bug in the runtime could cause this.
    let title = crate::get();
    let mut line = format!("while: {title}");
    if let Some(stage) = crate::stage_value() {
        if !title.contains(&stage) {
            line.push_str(&format!(" (stage: {stage})"));
        }
    }
    line.push('\n');
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
