//! The error type of title operations.

use std::fmt;

use crate::Backend;

/// The error of a title operation, naming what failed.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// use proc_title::Error;
///
/// let error = proc_title::set("ERP: a\0b").unwrap_err();
/// assert_eq!(error, Error::Nul { position: 6 });
/// assert_eq!(
///     error.to_string(),
///     "title contains a NUL byte at byte 6; nothing was changed"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The title contains a NUL byte at this byte offset; nothing was changed.
    Nul {
        /// Byte offset of the first NUL.
        position: usize,
    },
    /// The template is malformed; nothing was changed.
    Template {
        /// Byte offset of the `<` that opens the malformed slot.
        position: usize,
        /// The problem, in a few words.
        problem: &'static str,
    },
    /// The active backend cannot change the command line, so `ps -o args` still shows
    /// the original; the in-process title and `comm` did change.
    CommandLineUnchanged {
        /// The reason no argument area can be written.
        reason: &'static str,
        /// The OS error number behind `reason`, or 0.
        errno: i32,
    },
    /// A backend setting was applied after the backend had started.
    AlreadyStarted {
        /// The backend in use.
        active: Backend,
    },
    /// The fixed `comm` name contains a NUL byte.
    InvalidComm,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Nul { position } => {
                write!(
                    f,
                    "title contains a NUL byte at byte {position}; nothing was changed"
                )
            }
            Error::Template { position, problem } => {
                write!(f, "invalid title template: {problem} at byte {position}")
            }
            Error::CommandLineUnchanged { reason, errno } => {
                write!(f, "the command line could not be changed: {reason}")?;
                if *errno != 0 {
                    write!(f, " ({})", std::io::Error::from_raw_os_error(*errno))?;
                }
                f.write_str("; only comm and the in-process title follow the title")
            }
            Error::AlreadyStarted { active } => write!(
                f,
                "the title backend has already started as {active}; \
                 choose the backend before the first title change"
            ),
            Error::InvalidComm => f.write_str("the comm name contains a NUL byte"),
        }
    }
}

impl std::error::Error for Error {}
