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

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: Request = Request {
        backend: None,
        relocate_environment: true,
    };

    #[test]
    fn backend_is_name_only() {
        let (backend, capacity) = predict(&DEFAULT);
        assert_eq!(backend, Backend::NameOnly);
        assert_eq!(capacity, common::IN_PROCESS_CAPACITY);
        let active = activate(&DEFAULT, "ignored");
        assert_eq!(active.backend(), Backend::NameOnly);
        let error = active.status().unwrap_err();
        assert!(error.to_string().contains("no backend"), "{error}");
    }

    // One test for everything that touches the process-wide title, so that tests
    // running in parallel never see each other's titles.
    #[test]
    fn title_model_works_in_process() {
        let result = crate::set("ERP: fallback");
        assert!(
            matches!(result, Err(Error::CommandLineUnchanged { errno: 0, .. })),
            "{result:?}"
        );
        assert_eq!(crate::get(), "ERP: fallback");
        assert_eq!(crate::backend(), Backend::NameOnly);

        {
            let _title = crate::scope("ERP: <stage:idle>").expect("template is valid");
            assert_eq!(crate::get(), "ERP: idle");
            {
                let _stage = crate::stage("loading");
                assert_eq!(crate::get(), "ERP: loading");
            }
            assert_eq!(crate::get(), "ERP: idle");
        }
        assert_eq!(crate::get(), "ERP: fallback");
    }

    #[test]
    fn thread_name_round_trips() {
        crate::thread::set("ERP: main loop").expect("name has no NUL");
        assert_eq!(crate::thread::get(), "ERP: main loop");
        assert!(!set_process_comm(&CommName::new("ignored")));
        assert_eq!(process_comm(), None);
    }

    #[test]
    fn original_command_line_comes_from_std() {
        let expected = std::env::args().collect::<Vec<_>>().join(" ");
        assert_eq!(original_command_line(), expected);
    }
}
