//! Platforms without a backend: the title and thread names are kept in-process only.
//!
//! `get()`, frames and slots work as everywhere, but `set()` and `init()` return
//! [`Error::CommandLineUnchanged`](crate::Error::CommandLineUnchanged), and no other
//! process can read a title or a thread name.

use super::common::{self, not_available, requested, unchanged};
use super::local_name::{self, LocalName};
use crate::{Backend, Error};

pub use super::common::{NameOnly as Active, Request};
pub use super::local_name::MAX_LEN as COMM_MAX_LEN;

/// A thread name kept in-process.
pub type CommName = LocalName;

fn reason(request: &Request) -> Error {
    match requested(request) {
        Err(error) => error,
        Ok(Some(backend)) => not_available(backend),
        Ok(None) => unchanged("this platform has no backend that changes the command line"),
    }
}

/// Returns the name-only backend and its capacity.
pub fn predict(_request: &Request) -> (Backend, usize) {
    (Backend::NameOnly, common::IN_PROCESS_CAPACITY)
}

/// Starts the name-only backend, whose status gives the reason the command line stays
/// unchanged.
pub fn activate(request: &Request, _initial: &str) -> Active {
    Active::new(reason(request))
}

/// Returns the arguments `std` reports, joined by single spaces.
pub fn original_command_line() -> String {
    common::command_line_from_std()
}

/// Returns `None`: this platform has no process name to read.
pub fn process_comm() -> Option<CommName> {
    None
}

/// Returns false: this platform has no process name to change.
pub fn set_process_comm(_name: &CommName) -> bool {
    false
}

/// Returns the name last set on the calling thread, else the name `std` gave it.
pub fn current_thread() -> CommName {
    local_name::get()
}

/// Keeps `name` as the calling thread's name, in-process only.
pub fn set_current_thread(name: &CommName) -> bool {
    local_name::set(name)
}
