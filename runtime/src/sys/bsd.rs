//! FreeBSD, DragonFly, NetBSD and OpenBSD: the `setproctitle` backend, and thread names
//! through each system's `pthread` naming call.
//!
//! `setproctitle` keeps the title in a buffer of its own and points the process's
//! `ps_strings` at it; the original argument strings are never written. What `ps`
//! shows differs:
//! - FreeBSD and DragonFly show exactly the title, because the format `"-%s"` starts
//!   with `-`, which turns off their program-name prefix.
//! - NetBSD and OpenBSD always put the program name and `": "` in front, so `ps` shows
//!   `PROGRAM: title`. `get()` returns the title without that prefix, and the prefix
//!   counts against the capacity.
//!
//! The title is always the argument of a `%s` format, never the format itself.
//! `ps -o comm` shows the executable's name, which no call changes.

// NOTE: compiled and linted for FreeBSD and NetBSD (and for OpenBSD and DragonFly with
// a nightly `-Zbuild-std` build) but never run on any BSD.

use std::ffi::c_char;

use super::common::{self, not_available, requested, NameOnly};
use super::name::Name;
use crate::{Backend, Error};

pub use super::common::Request;

/// Maximum thread name length the system keeps, in bytes: FreeBSD's `MAXCOMLEN`.
#[cfg(target_os = "freebsd")]
pub const COMM_MAX_LEN: usize = 19;
/// Maximum thread name length the system keeps, in bytes: DragonFly's `MAXCOMLEN` less one.
// NOTE: taken from DragonFly's `MAXCOMLEN` (16) in <sys/param.h>; not checked on a
// DragonFly machine.
#[cfg(target_os = "dragonfly")]
pub const COMM_MAX_LEN: usize = 15;
/// Maximum thread name length the system keeps, in bytes: `PTHREAD_MAX_NAMELEN_NP` (32) less
/// the NUL.
#[cfg(target_os = "netbsd")]
pub const COMM_MAX_LEN: usize = 31;
/// Maximum thread name length the system keeps, in bytes.
// NOTE: 23 assumes the kernel's `_MAXCOMLEN` (24) bounds what `ps -H` shows, while
// libpthread itself stores up to 31 bytes; not checked on an OpenBSD machine.
#[cfg(target_os = "openbsd")]
pub const COMM_MAX_LEN: usize = 23;

/// A thread name of at most `COMM_MAX_LEN` bytes.
pub type CommName = Name<{ COMM_MAX_LEN + 1 }>;

/// Size of the buffer that `setproctitle` formats into, NUL included, in the libc of
/// all four systems (`SPT_BUFSIZE` or `MAX_PROCTITLE`).
const SETPROCTITLE_BUFFER: usize = 2048;

/// The format passed to `setproctitle`, with the title as its only argument.
#[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
const FORMAT: &std::ffi::CStr = c"-%s";
#[cfg(any(target_os = "netbsd", target_os = "openbsd"))]
const FORMAT: &std::ffi::CStr = c"%s";

/// `setproctitle` and `setproctitle_fast`, which take a format and its arguments.
type SetProcTitleFn = unsafe extern "C" fn(*const c_char, ...);

/// Returns the address of `setproctitle_fast`, if the C library has it.
///
/// FreeBSD 12 added it: it updates only the process's memory, and after its first
/// call the kernel reads the command line from there instead of its own copy.
#[cfg(target_os = "freebsd")]
fn fast_setproctitle() -> Option<usize> {
    // SAFETY: `dlsym` with `RTLD_DEFAULT` and a NUL-terminated name only looks the
    // symbol up.
    let address = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"setproctitle_fast".as_ptr()) };
    (!address.is_null()).then_some(address as usize)
}

#[cfg(not(target_os = "freebsd"))]
fn fast_setproctitle() -> Option<usize> {
    None
}

/// Returns the bytes `setproctitle` puts before the title: `PROGRAM: ` on NetBSD and
/// OpenBSD, nothing with the `-` format of FreeBSD and DragonFly.
#[cfg(any(target_os = "netbsd", target_os = "openbsd"))]
fn prefix_len() -> usize {
    // SAFETY: `getprogname` returns null or the C runtime's NUL-terminated name.
    let program = unsafe { libc::getprogname() };
    if program.is_null() {
        return 2;
    }
    // SAFETY: as above, the name is NUL-terminated.
    unsafe { std::ffi::CStr::from_ptr(program) }
        .to_bytes()
        .len()
        + 2
}

#[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
fn prefix_len() -> usize {
    0
}

fn setproctitle_capacity() -> usize {
    (SETPROCTITLE_BUFFER - 1).saturating_sub(prefix_len())
}

/// The `setproctitle` backend: a buffer for the NUL-terminated title and the function
/// that shows it.
#[derive(Debug)]
pub struct SetProcTitle {
    buffer: Vec<u8>,
    capacity: usize,
    /// Address of `setproctitle_fast`, or 0 to call `setproctitle`.
    fast: usize,
}

impl SetProcTitle {
    fn new() -> SetProcTitle {
        let capacity = setproctitle_capacity();
        SetProcTitle {
            buffer: Vec::with_capacity(capacity + 1),
            capacity,
            fast: fast_setproctitle().unwrap_or(0),
        }
    }

    // NOTE: without `setproctitle_fast` (DragonFly, FreeBSD before 12), `setproctitle`
    // also stores the title in the kernel's argument cache. That cache rejects a title
    // longer than about `kern.ps_arg_cache_limit` (256 bytes by default), so `ps` may
    // keep showing the cached text. Not checked on a machine.
    fn write(&mut self, title: &[u8]) {
        let len = title.len().min(self.capacity);
        self.buffer.clear();
        self.buffer.extend_from_slice(&title[..len]);
        self.buffer.push(0);
        let title = self.buffer.as_ptr().cast::<c_char>();
        let call: SetProcTitleFn = if self.fast == 0 {
            libc::setproctitle
        } else {
            // SAFETY: `fast` is the address `dlsym` returned for `setproctitle_fast`,
            // whose signature is `void setproctitle_fast(const char *, ...)`.
            unsafe { std::mem::transmute::<usize, SetProcTitleFn>(self.fast) }
        };
        // SAFETY: the format is a constant with a single `%s`, and its argument is the
        // NUL-terminated title in `buffer`, which contains no other NUL. Calls are
        // serialized by the title lock.
        unsafe { call(FORMAT.as_ptr(), title) }
    }
}

/// The backend in use and what it writes to.
#[derive(Debug)]
pub enum Active {
    SetProcTitle(SetProcTitle),
    NameOnly(NameOnly),
}

fn plan(request: &Request) -> Result<(), Error> {
    match requested(request) {
        Err(error) => Err(error),
        Ok(None | Some(Backend::SetProcTitle)) => Ok(()),
        Ok(Some(other)) => Err(not_available(other)),
    }
}

/// Returns the backend and capacity the next activation would have, changing nothing.
pub fn predict(request: &Request) -> (Backend, usize) {
    match plan(request) {
        Ok(()) => (Backend::SetProcTitle, setproctitle_capacity()),
        Err(_) => (Backend::NameOnly, common::IN_PROCESS_CAPACITY),
    }
}

/// Starts a backend; the command line shows the original arguments until the first
/// write.
pub fn activate(request: &Request, _initial: &str) -> Active {
    match plan(request) {
        Ok(()) => Active::SetProcTitle(SetProcTitle::new()),
        Err(error) => Active::NameOnly(NameOnly::new(error)),
    }
}

impl Active {
    /// Returns which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Active::SetProcTitle(_) => Backend::SetProcTitle,
            Active::NameOnly(name_only) => name_only.backend(),
        }
    }

    /// Returns the longest title shown in full.
    pub fn capacity(&self) -> usize {
        match self {
            Active::SetProcTitle(backend) => backend.capacity,
            Active::NameOnly(name_only) => name_only.capacity(),
        }
    }

    /// Shows `title`, at most `capacity()` bytes without NUL, as the command line.
    pub fn write(&mut self, title: &[u8]) {
        match self {
            Active::SetProcTitle(backend) => backend.write(title),
            Active::NameOnly(name_only) => name_only.write(title),
        }
    }

    /// Returns why the command line does not follow the title, if it does not.
    pub fn status(&self) -> Result<(), Error> {
        match self {
            Active::SetProcTitle(_) => Ok(()),
            Active::NameOnly(name_only) => name_only.status(),
        }
    }
}

/// Returns the original command line: the arguments joined by single spaces.
///
/// `setproctitle` leaves the argument strings alone, so `std` still has them.
pub fn original_command_line() -> String {
    common::command_line_from_std()
}

/// Returns `None`: the process name is the executable's, which no call changes.
pub fn process_comm() -> Option<CommName> {
    None
}

/// Returns false: the process name is the executable's, which no call changes.
pub fn set_process_comm(_name: &CommName) -> bool {
    false
}

/// Reads the calling thread's name.
#[cfg(target_os = "freebsd")]
pub fn current_thread() -> CommName {
    type GetNameFn = unsafe extern "C" fn(libc::pthread_t, *mut c_char, libc::size_t);
    let mut raw = [0u8; COMM_MAX_LEN + 1];
    // FreeBSD 12.2 added `pthread_get_name_np`, so it is looked up instead of linked,
    // and older systems still load the program.
    // SAFETY: `dlsym` with `RTLD_DEFAULT` and a NUL-terminated name only looks the
    // symbol up.
    let address = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"pthread_get_name_np".as_ptr()) };
    if !address.is_null() {
        // SAFETY: the address is `pthread_get_name_np`, whose signature `GetNameFn`
        // matches; it writes at most `raw.len()` bytes, NUL included.
        unsafe {
            let get_name = std::mem::transmute::<*mut libc::c_void, GetNameFn>(address);
            get_name(libc::pthread_self(), raw.as_mut_ptr().cast(), raw.len());
        }
    }
    CommName::from_raw(&raw)
}

/// Reads the calling thread's name.
#[cfg(any(target_os = "dragonfly", target_os = "openbsd"))]
pub fn current_thread() -> CommName {
    let mut raw = [0u8; COMM_MAX_LEN + 1];
    // SAFETY: writes at most `raw.len()` bytes, NUL included, into `raw`.
    unsafe {
        libc::pthread_get_name_np(libc::pthread_self(), raw.as_mut_ptr().cast(), raw.len());
    }
    CommName::from_raw(&raw)
}

/// Reads the calling thread's name.
#[cfg(target_os = "netbsd")]
pub fn current_thread() -> CommName {
    let mut raw = [0u8; COMM_MAX_LEN + 1];
    // SAFETY: writes at most `raw.len()` bytes, NUL included, into `raw`.
    unsafe {
        libc::pthread_getname_np(libc::pthread_self(), raw.as_mut_ptr().cast(), raw.len());
    }
    CommName::from_raw(&raw)
}

/// Names the calling thread; the call reports no failure.
#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "openbsd"))]
pub fn set_current_thread(name: &CommName) -> bool {
    // SAFETY: `as_ptr` is a NUL-terminated string that outlives the call.
    unsafe { libc::pthread_set_name_np(libc::pthread_self(), name.as_ptr()) };
    true
}

/// Names the calling thread; returns false if the call failed.
#[cfg(target_os = "netbsd")]
pub fn set_current_thread(name: &CommName) -> bool {
    // SAFETY: the format is a constant with a single `%s`, and its argument is the
    // NUL-terminated name, which outlives the call because NetBSD copies it.
    unsafe {
        libc::pthread_setname_np(libc::pthread_self(), c"%s".as_ptr(), name.as_ptr().cast()) == 0
    }
}
