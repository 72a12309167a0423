//! The stop request a worker receives from its supervisor.
//!
//! The supervisor gives each worker a pipe as stdin and closes it to request a stop.
//! The kernel also closes the pipe when the supervisor dies, even by `SIGKILL`, so the
//! workers then stop as well.

use std::io;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

/// A flag that a watcher thread sets once stdin reaches end of file.
pub struct StopSignal {
    requested: Mutex<bool>,
    changed: Condvar,
}

impl StopSignal {
    /// Starts a thread, named `erp-stdin-watch`, that sets the signal when stdin closes.
    pub fn watch_stdin(label: &str) -> io::Result<Arc<StopSignal>> {
        let signal = Arc::new(StopSignal {
            requested: Mutex::new(false),
            changed: Condvar::new(),
        });
        let watched = Arc::clone(&signal);
        let label = label.to_owned();
        thread::Builder::new().spawn(move || {
            crate::report_title_error(&label, proc_title::thread::set("erp-stdin-watch"));
            // Nothing is ever written to the pipe, so this returns when it closes.
            if let Err(error) = io::copy(&mut io::stdin(), &mut io::sink()) {
                eprintln!("erp {label}: reading stdin failed, stopping: {error}");
            }
            watched.request();
        })?;
        Ok(signal)
    }

    /// Returns whether a stop was requested.
    pub fn is_requested(&self) -> bool {
        *self
            .requested
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits up to `timeout` for a stop request and returns whether one arrived.
    pub fn wait(&self, timeout: Duration) -> bool {
        let requested = self
            .requested
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (requested, _) = self
            .changed
            .wait_timeout_while(requested, timeout, |requested| !*requested)
            .unwrap_or_else(PoisonError::into_inner);
        *requested
    }

    fn request(&self) {
        *self
            .requested
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = true;
        self.changed.notify_all();
    }
}
