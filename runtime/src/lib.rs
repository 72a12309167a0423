//! Runtime of `proc-title`: the title model and the OS backends that make `ps`, `top`
//! and `/proc` show it.
//!
//! Most programs use the `proc-title` facade, which re-exports this crate together with
//! the `#[proc_title]` attribute and the `proctitle!` macro.
//!
//! The process shows one title, rendered from frames held by guards: [`scope`] pushes a
//! title template, [`slot`] and [`stage`] fill its slots, and dropping a guard restores
//! what was there. Beneath all frames sits the base title from [`set`]; with no base the
//! process shows its original command line.

#![deny(unsafe_op_in_unsafe_fn)]

use std::fmt;

mod error;
mod lock;
#[cfg(test)]
mod model_tests;
mod registry;
mod render;
mod scope;
mod state;
mod sys;
mod template;
mod text;
pub mod thread;
pub mod worker;

pub use error::Error;
pub use scope::{
    scope, scope_parts, slot, slot_fmt, stage, stage_fmt, Part, SlotGuard, TitleGuard,
};

/// A way of changing what `ps` shows as the command line.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// use proc_title::Backend;
///
/// assert_eq!(Backend::InPlace.to_string(), "in-place");
/// println!("titles would show through the {} backend", proc_title::backend());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// The kernel's argument area is moved to a page of the runtime's own with
    /// `prctl(PR_SET_MM_MAP)`. The original arguments and environment stay untouched.
    Moved,
    /// The original argument strings are overwritten, extended over the environment
    /// strings after those are copied to the heap unless relocation is turned off.
    InPlace,
    /// The command line stays as it was; only `comm` and the in-process title change.
    NameOnly,
    /// The C library's `setproctitle` shows the title: exactly on FreeBSD and DragonFly,
    /// after `PROGRAM: ` on NetBSD and OpenBSD. Requesting it elsewhere leaves the
    /// process name-only.
    SetProcTitle,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Moved => "moved",
            Backend::InPlace => "in-place",
            Backend::NameOnly => "name-only",
            Backend::SetProcTitle => "setproctitle",
        })
    }
}

/// The policy for the process's `comm`, the 15-byte name that `ps -o comm`, `top`,
/// `pgrep` and `killall` match.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// use proc_title::{Comm, Options};
///
/// // `pgrep erp-worker` and `killall erp-worker` keep matching whatever the title shows.
/// Options::new().comm(Comm::Fixed("erp-worker".into())).apply()?;
/// # Ok::<(), proc_title::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Comm {
    /// Follow the first 15 bytes of the title, cut at a character boundary. `killall`
    /// and `pgrep NAME` then match the title, not the program name.
    #[default]
    FollowTitle,
    /// Keep the `comm` the process started with.
    Keep,
    /// Use this name, cut to 15 bytes, from the first title change on.
    Fixed(String),
}

/// Settings for the title backend, applied with [`Options::apply`].
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// use proc_title::{Backend, Comm, Options};
///
/// Options::new()
///     .backend(Backend::InPlace)
///     .relocate_environment(false)
///     .comm(Comm::Keep)
///     .apply()?;
/// # Ok::<(), proc_title::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Options {
    backend: Option<Backend>,
    relocate_environment: bool,
    comm: Comm,
}

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}

impl Options {
    /// Returns the defaults: the first backend that works, environment relocation on,
    /// and `comm` following the title.
    pub fn new() -> Self {
        Options {
            backend: None,
            relocate_environment: true,
            comm: Comm::FollowTitle,
        }
    }

    /// Forces `backend` instead of trying each in turn. A forced backend that cannot
    /// start leaves the process name-only, and [`set`] returns the reason. The environment
    /// variable `PROC_TITLE_BACKEND` (`moved`, `in-place`, `setproctitle` or `none`)
    /// overrides this.
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = Some(backend);
        self
    }

    /// Lets the in-place backend extend the title over the environment strings after
    /// copying them to the heap (the default), or keeps it to the argument strings, so
    /// that `/proc/PID/environ` stays byte-identical.
    pub fn relocate_environment(mut self, relocate: bool) -> Self {
        self.relocate_environment = relocate;
        self
    }

    /// Sets the `comm` policy.
    pub fn comm(mut self, comm: Comm) -> Self {
        self.comm = comm;
        self
    }

    /// Applies the options.
    ///
    /// # Errors
    /// [`Error::AlreadyStarted`] if the backend settings differ from those of a backend
    /// that has already started, and [`Error::InvalidComm`] if a fixed `comm` contains a
    /// NUL byte. Nothing is changed on error.
    pub fn apply(self) -> Result<(), Error> {
        if let Comm::Fixed(name) = &self.comm {
            if name.contains('\0') {
                return Err(Error::InvalidComm);
            }
        }
        let mut state = state::lock();
        let request = sys::Request {
            backend: self.backend,
            relocate_environment: self.relocate_environment,
        };
        if let Some(active) = state.active() {
            let same = state.request.backend == request.backend
                && state.request.relocate_environment == request.relocate_environment;
            if !same {
                return Err(Error::AlreadyStarted {
                    active: active.backend(),
                });
            }
        }
        state.request = request;
        state.comm = self.comm;
        state.refresh_comm();
        Ok(())
    }
}

/// Sets the base title, shown while no title frame is alive.
///
/// Control characters and invisible formatting characters (bidirectional overrides,
/// zero-width characters) show as `?`, and a title longer than [`capacity`] is cut at a
/// character boundary. The first title change starts the backend.
///
/// # Errors
/// - [`Error::Nul`] if `title` contains a NUL byte; nothing is changed.
/// - [`Error::CommandLineUnchanged`] with the name-only backend: the in-process title
///   and `comm` changed, the command line could not.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// proc_title::set("ERP: supervisor")?;
/// assert_eq!(proc_title::get(), "ERP: supervisor");
/// assert!(proc_title::set("bad\0title").is_err());
/// assert_eq!(proc_title::get(), "ERP: supervisor");
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn set(title: &str) -> Result<(), Error> {
    if let Some(position) = text::find_nul(title) {
        return Err(Error::Nul { position });
    }
    let mut state = state::lock();
    state.registry.set_base(title);
    state.update()
}

/// Returns the title the process shows now.
///
/// Before any title change this is the original command line, its arguments joined by
/// single spaces.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let original = std::env::args().collect::<Vec<_>>().join(" ");
/// assert_eq!(proc_title::get(), original);
/// ```
pub fn get() -> String {
    state::lock().shown().to_owned()
}

/// Returns the value that fills slot `name` now, if a live slot frame gives one.
///
/// Useful for log lines and error reports; a slot's default is not a value.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let _title = proc_title::scope("ERP: import <stage:idle>")?;
/// assert_eq!(proc_title::slot_value("stage"), None);
/// let _stage = proc_title::stage("step 3/10");
/// assert_eq!(proc_title::slot_value("stage").as_deref(), Some("step 3/10"));
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn slot_value(name: &str) -> Option<String> {
    state::lock().registry.slot(name).map(str::to_owned)
}

/// Returns the value that fills the slot named `stage` now, if any.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let _stage = proc_title::stage("flushing");
/// assert_eq!(proc_title::stage_value().as_deref(), Some("flushing"));
/// ```
pub fn stage_value() -> Option<String> {
    slot_value("stage")
}

/// Returns the longest title, in bytes, that the process keeps in full.
///
/// With the moved and in-place backends this is what the command line shows. The
/// name-only backend shows no title in the command line; it keeps titles up to this
/// length in-process, for [`get`]. Before the first title change this is the capacity of
/// the backend that would start now.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let capacity = proc_title::capacity();
/// let long = "x".repeat(capacity + 10);
/// let _ = proc_title::set(&long);
/// assert_eq!(proc_title::get().len(), proc_title::capacity());
/// ```
pub fn capacity() -> usize {
    state::lock().capacity()
}

/// Returns the active backend, or the one the first title change would start.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// use proc_title::Backend;
///
/// proc_title::init()?;
/// let backend: Backend = proc_title::backend();
/// println!("ps shows titles through the {backend} backend");
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn backend() -> Backend {
    state::lock().backend()
}

/// Starts the backend now instead of at the first title change.
///
/// Call it early in `main`, before starting threads: the moved backend needs a single
/// thread. With the moved backend, `/proc/PID/cmdline` from then on contains the original
/// arguments joined by spaces as one string, so `ps` shows the same text.
///
/// # Errors
/// [`Error::CommandLineUnchanged`] if only the name-only backend could start.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// fn main() -> Result<(), proc_title::Error> {
///     proc_title::init()?;
///     std::thread::spawn(|| proc_title::set("ERP: worker")).join().unwrap()?;
///     Ok(())
/// }
/// ```
pub fn init() -> Result<(), Error> {
    state::lock().update()
}

#[doc(hidden)]
pub mod __private;
