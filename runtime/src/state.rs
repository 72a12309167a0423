//! The process-wide title state and the update that renders it and writes it out.

use std::cell::Cell;

use crate::lock::{LockGuard, Locked};
use crate::registry::Registry;
use crate::render::render;
use crate::sys::{self, CommName};
use crate::text::{cut, TitleBuf};
use crate::{Backend, Comm, Error};

/// Everything behind the title lock.
pub struct State {
    pub registry: Registry,
    pub request: sys::Request,
    pub comm: Comm,
    active: Option<sys::Active>,
    /// The original command line, sanitized; computed on first use.
    original: Option<String>,
    rendered: TitleBuf,
    /// The title the command line shows now.
    shown: String,
    original_comm: Option<CommName>,
    shown_comm: Option<CommName>,
}

static STATE: Locked<State> = Locked::new(State::new());

extern "C" fn before_fork() {
    STATE.raw_lock();
}

extern "C" fn after_fork_in_parent() {
    STATE.raw_unlock();
}

extern "C" fn after_fork_in_child() {
    // SAFETY: `before_fork` took the mutex in this same thread, and only this thread
    // exists in the child.
    let state = unsafe { STATE.get_while_locked() };
    state.registry.remove_foreign(current_thread());
    STATE.raw_unlock();
}

/// Locks the title state.
pub fn lock() -> LockGuard<'static, State> {
    STATE.lock_fork_safe(before_fork, after_fork_in_parent, after_fork_in_child)
}

/// Identifies the calling thread for frame ownership.
#[cfg(unix)]
pub fn current_thread() -> u64 {
    // SAFETY: `pthread_self` has no preconditions.
    unsafe { libc::pthread_self() as u64 }
}

/// Identifies the calling thread for frame ownership: the address of a thread-local,
/// which is unique among live threads, as `pthread_self` is. Ownership only matters
/// after `fork`, which these platforms lack.
#[cfg(not(unix))]
pub fn current_thread() -> u64 {
    thread_local! {
        static MARKER: u8 = const { 0 };
    }
    MARKER
        .try_with(|marker| marker as *const u8 as u64)
        .unwrap_or(0)
}

impl State {
    const fn new() -> Self {
        State {
            registry: Registry::new(),
            request: sys::Request {
                backend: None,
                relocate_environment: true,
            },
            comm: Comm::FollowTitle,
            active: None,
            original: None,
            rendered: TitleBuf::new(0),
            shown: String::new(),
            original_comm: None,
            shown_comm: None,
        }
    }

    fn ensure_original(&mut self) {
        if self.original.is_some() {
            return;
        }
        let raw = sys::original_command_line();
        let mut sanitized = TitleBuf::new(raw.len());
        sanitized.reset(raw.len());
        sanitized.push_str(&raw);
        let original = sanitized.as_str().to_owned();
        self.shown.clear();
        self.shown.push_str(&original);
        self.original = Some(original);
    }

    /// Returns the active backend, if one has started.
    pub fn active(&self) -> Option<&sys::Active> {
        self.active.as_ref()
    }

    /// Returns what the process shows as its title now.
    pub fn shown(&mut self) -> &str {
        self.ensure_original();
        &self.shown
    }

    /// Returns the backend the first title change would start, or the active one.
    pub fn backend(&self) -> Backend {
        match &self.active {
            Some(active) => active.backend(),
            None => sys::predict(&self.request).0,
        }
    }

    /// Returns the capacity of the active backend, or of the one that would start.
    pub fn capacity(&self) -> usize {
        match &self.active {
            Some(active) => active.capacity(),
            None => sys::predict(&self.request).1,
        }
    }

    fn start(&mut self) {
        self.ensure_original();
        let original = self.original.as_deref().unwrap_or("");
        let active = sys::activate(&self.request, original);
        let shown = cut(original, active.capacity());
        self.shown.truncate(shown.len());
        self.original_comm = sys::process_comm();
        self.shown_comm = self.original_comm;
        self.rendered.reset(active.capacity());
        self.active = Some(active);
    }

    /// Renders the title and writes what changed: the command line and `comm`.
    ///
    /// Starts the backend on first use. Returns why the command line cannot follow the
    /// title when the backend is name-only.
    pub fn update(&mut self) -> Result<(), Error> {
        if self.active.is_none() {
            self.start();
        }
        let Some(active) = self.active.as_mut() else {
            return Ok(());
        };
        let original = self.original.as_deref().unwrap_or("");
        self.rendered.reset(active.capacity());
        render(&self.registry, original, &mut self.rendered);
        if self.rendered.as_str() != self.shown {
            active.write(self.rendered.as_bytes());
            self.shown.clear();
            self.shown.push_str(self.rendered.as_str());
        }
        let status = active.status();
        self.update_comm();
        status
    }

    /// Returns the `comm` the policy requests now, if any.
    fn wanted_comm(&self) -> Option<CommName> {
        match &self.comm {
            Comm::Keep => self.original_comm,
            Comm::Fixed(name) => Some(CommName::new(name)),
            Comm::FollowTitle => {
                if let Some(name) = self.registry.top_comm() {
                    return Some(CommName::new(name));
                }
                let showing_original =
                    self.registry.top_title().is_none() && self.registry.base().is_none();
                if showing_original || self.shown.is_empty() {
                    self.original_comm
                } else {
                    Some(CommName::new(&self.shown))
                }
            }
        }
    }

    fn update_comm(&mut self) {
        let Some(wanted) = self.wanted_comm() else {
            return;
        };
        if self.shown_comm != Some(wanted) && sys::set_process_comm(&wanted) {
            self.shown_comm = Some(wanted);
        }
    }

    /// Notes that a thread renamed itself, which may have changed the process's
    /// `comm` behind the runtime's back, so the next update writes it again.
    pub fn forget_comm(&mut self) {
        self.shown_comm = None;
    }

    /// Applies a changed `comm` policy at once if the backend has started.
    pub fn refresh_comm(&mut self) {
        if self.active.is_some() {
            self.update_comm();
        }
    }
}

thread_local! {
    static SCRATCH: Cell<String> = const { Cell::new(String::new()) };
}

/// Runs `f` with an empty string buffer, reused per thread so that formatting a title
/// allocates nothing once the buffer has grown.
pub fn with_scratch<R>(f: impl FnOnce(&mut String) -> R) -> R {
    // Taking the buffer out keeps a re-entrant call (a `Display` impl that sets a
    // title) safe: it finds an empty buffer and works on its own.
    let mut buffer = SCRATCH.try_with(Cell::take).unwrap_or_default();
    buffer.clear();
    let result = f(&mut buffer);
    let _ = SCRATCH.try_with(|cell| cell.set(buffer));
    result
}
