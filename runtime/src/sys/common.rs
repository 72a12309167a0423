//! Pieces shared by the backends of every platform but Linux: the request, the
//! `PROC_TITLE_BACKEND` override and the name-only backend.

use std::ffi::OsStr;

use crate::{Backend, Error};

/// Environment variable that forces a backend: `moved`, `in-place`, `setproctitle` or
/// `none`. A backend the platform lacks leaves the process name-only.
pub const BACKEND_VARIABLE: &str = "PROC_TITLE_BACKEND";

/// Maximum title length, in bytes, kept in-process when the command line cannot show
/// it: the same as the Linux moved area on 4 KiB pages.
pub const IN_PROCESS_CAPACITY: usize = 4095;

/// The backend settings the process requests.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    /// A backend chosen through the API; the environment variable overrides it.
    pub backend: Option<Backend>,
    /// Whether an in-place backend may relocate the environment strings.
    pub relocate_environment: bool,
}

/// Returns the error of a backend that leaves the command line as it was.
pub fn unchanged(reason: &'static str) -> Error {
    Error::CommandLineUnchanged { reason, errno: 0 }
}

/// Returns the backend requested through the environment variable, else the API.
pub fn requested(request: &Request) -> Result<Option<Backend>, Error> {
    parse_requested(std::env::var_os(BACKEND_VARIABLE).as_deref(), request)
}

/// Returns the backend that `variable`, the value of `PROC_TITLE_BACKEND`, requests,
/// else the one `request` names.
pub fn parse_requested(
    variable: Option<&OsStr>,
    request: &Request,
) -> Result<Option<Backend>, Error> {
    let Some(value) = variable else {
        return Ok(request.backend);
    };
    match value.to_str() {
        Some("") => Ok(request.backend),
        Some("moved") => Ok(Some(Backend::Moved)),
        Some("in-place") => Ok(Some(Backend::InPlace)),
        #[cfg(any(
            target_os = "freebsd",
            target_os = "dragonfly",
            target_os = "netbsd",
            target_os = "openbsd"
        ))]
        Some("setproctitle") => Ok(Some(Backend::SetProcTitle)),
        #[cfg(not(any(
            target_os = "freebsd",
            target_os = "dragonfly",
            target_os = "netbsd",
            target_os = "openbsd"
        )))]
        Some("setproctitle") => Err(unchanged(
            "PROC_TITLE_BACKEND requests setproctitle, which only the BSDs provide",
        )),
        Some("none") => Ok(Some(Backend::NameOnly)),
        _ => Err(unchanged(
            "PROC_TITLE_BACKEND is set to a value other than moved, in-place, \
             setproctitle or none",
        )),
    }
}

/// Returns the error for a requested backend that this platform lacks.
pub fn not_available(backend: Backend) -> Error {
    match backend {
        Backend::Moved => unchanged("the moved backend needs Linux's prctl(PR_SET_MM_MAP)"),
        Backend::InPlace => unchanged("the in-place backend is not available on this platform"),
        Backend::NameOnly => unchanged("the name-only backend was requested"),
        #[allow(unreachable_patterns)]
        _ => unchanged("the requested backend is not available on this platform"),
    }
}

/// The name-only backend: the title is kept in-process, the command line stays as it
/// was.
#[derive(Debug)]
pub struct NameOnly {
    error: Error,
}

impl NameOnly {
    /// Creates the backend; `error` is the reason the command line stays unchanged.
    pub fn new(error: Error) -> NameOnly {
        NameOnly { error }
    }

    /// Returns [`Backend::NameOnly`].
    pub fn backend(&self) -> Backend {
        Backend::NameOnly
    }

    /// Returns the longest title kept in-process.
    pub fn capacity(&self) -> usize {
        IN_PROCESS_CAPACITY
    }

    /// Does nothing: no argument area is written.
    pub fn write(&mut self, _title: &[u8]) {}

    /// Returns why the command line does not follow the title.
    pub fn status(&self) -> Result<(), Error> {
        Err(self.error.clone())
    }
}

/// Returns the arguments `std::env::args_os` reports, joined by single spaces, with
/// invalid UTF-8 replaced.
pub fn command_line_from_std() -> String {
    let mut joined = String::new();
    for (index, argument) in std::env::args_os().enumerate() {
        if index > 0 {
            joined.push(' ');
        }
        joined.push_str(&argument.to_string_lossy());
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: Request = Request {
        backend: None,
        relocate_environment: true,
    };

    fn parse(value: Option<&str>, request: &Request) -> Result<Option<Backend>, Error> {
        parse_requested(value.map(OsStr::new), request)
    }

    #[test]
    fn unset_variable_keeps_api_choice() {
        let request = Request {
            backend: Some(Backend::InPlace),
            ..DEFAULT
        };
        assert_eq!(parse(None, &request), Ok(Some(Backend::InPlace)));
        assert_eq!(parse(Some(""), &request), Ok(Some(Backend::InPlace)));
        assert_eq!(parse(None, &DEFAULT), Ok(None));
    }

    #[test]
    fn variable_overrides_api_choice() {
        let request = Request {
            backend: Some(Backend::InPlace),
            ..DEFAULT
        };
        assert_eq!(parse(Some("moved"), &request), Ok(Some(Backend::Moved)));
        assert_eq!(parse(Some("none"), &request), Ok(Some(Backend::NameOnly)));
        assert_eq!(
            parse(Some("in-place"), &DEFAULT),
            Ok(Some(Backend::InPlace))
        );
    }

    #[test]
    fn unknown_variable_value_is_error() {
        let error = parse(Some("fast"), &DEFAULT).unwrap_err();
        assert!(matches!(
            error,
            Error::CommandLineUnchanged { errno: 0, .. }
        ));
        assert!(error.to_string().contains("PROC_TITLE_BACKEND"));
    }

    #[cfg(not(any(
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd"
    )))]
    #[test]
    fn setproctitle_outside_bsd_is_error() {
        let error = parse(Some("setproctitle"), &DEFAULT).unwrap_err();
        assert!(error.to_string().contains("only the BSDs"));
    }

    #[test]
    fn name_only_keeps_title_in_process() {
        let mut backend = NameOnly::new(unchanged("no backend here"));
        backend.write(b"ignored");
        assert_eq!(backend.backend(), Backend::NameOnly);
        assert_eq!(backend.capacity(), IN_PROCESS_CAPACITY);
        assert_eq!(backend.status(), Err(unchanged("no backend here")));
    }

    #[test]
    fn not_available_names_backend() {
        let moved = not_available(Backend::Moved).to_string();
        assert!(moved.contains("PR_SET_MM_MAP"), "{moved}");
        let in_place = not_available(Backend::InPlace).to_string();
        assert!(in_place.contains("in-place"), "{in_place}");
    }

    #[test]
    fn std_command_line_joins_arguments() {
        let expected = std::env::args().collect::<Vec<_>>().join(" ");
        assert_eq!(command_line_from_std(), expected);
    }
}
