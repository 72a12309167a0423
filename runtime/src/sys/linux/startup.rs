//! What the process was started with: the argument and environment tables.
//!
//! glibc calls `.init_array` functions with `(argc, argv, envp)`, both for the program
//! and for libraries loaded with `dlopen`. The constructor only records the tables and
//! the thread count; it writes nothing, so starting the runtime changes nothing that
//! `ps` or `/proc` shows.

use std::ffi::{c_char, c_int};
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};

static ARGC: AtomicUsize = AtomicUsize::new(0);
static ARGV: AtomicPtr<*mut c_char> = AtomicPtr::new(ptr::null_mut());
static ENVP: AtomicPtr<*mut c_char> = AtomicPtr::new(ptr::null_mut());
static THREADS_AT_START: AtomicU64 = AtomicU64::new(0);

/// The tables recorded at start-up.
#[derive(Debug, Clone, Copy)]
pub struct Startup {
    /// Number of entries in `argv`.
    pub argc: usize,
    /// The argument table; null if no constructor ran with arguments.
    pub argv: *mut *mut c_char,
    /// The environment table the process started with.
    pub envp: *mut *mut c_char,
    /// Threads running when the constructor ran; above 1 when a threaded host loaded
    /// this code with `dlopen`.
    pub threads_at_start: u64,
}

/// Returns the tables recorded at start-up.
pub fn get() -> Startup {
    Startup {
        argc: ARGC.load(Ordering::Acquire),
        argv: ARGV.load(Ordering::Acquire),
        envp: ENVP.load(Ordering::Acquire),
        threads_at_start: THREADS_AT_START.load(Ordering::Acquire),
    }
}

#[cfg(all(target_env = "gnu", not(miri)))]
#[used]
#[link_section = ".init_array"]
static CAPTURE: extern "C" fn(c_int, *mut *mut c_char, *mut *mut c_char) = capture;

#[cfg(target_env = "gnu")]
extern "C" fn capture(argc: c_int, argv: *mut *mut c_char, envp: *mut *mut c_char) {
    if argv.is_null() {
        return;
    }
    let threads = super::stat::read().map_or(0, |stat| stat.threads);
    THREADS_AT_START.store(threads, Ordering::Release);
    ENVP.store(envp, Ordering::Release);
    ARGV.store(argv, Ordering::Release);
    ARGC.store(usize::try_from(argc).unwrap_or(0), Ordering::Release);
}

// NOTE: musl calls constructors without arguments, so on musl no tables are recorded
// and the runtime falls back to the name-only backend.
