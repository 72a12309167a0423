//! Random titles of any content, up to 64 KiB long, passed to `set()` with each backend
//! that writes the command line.
//!
//! Every `set()` must return without a panic, and `get()` must return the sanitized
//! title cut to the capacity, which `/proc/self/cmdline` shows exactly. Nothing outside
//! the title's area may change: `std::env::args_os()`, `std::env::vars_os()`, the
//! executable name the kernel stores after the environment strings, and
//! `/proc/self/environ` unless the in-place backend relocated the environment.
//!
//! The test harness runs several threads, and with more than one thread the runtime
//! only starts the in-place backend without relocation. Each backend therefore runs in
//! a forked child, which has a single thread.

#![cfg(target_os = "linux")]

use std::cell::RefCell;
use std::ffi::{c_char, CStr, OsString};
use std::panic::{self, AssertUnwindSafe};

use proc_title::{Backend, Error, Options};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Maximum length of a generated title, in bytes.
const MAX_TITLE: usize = 64 * 1024;

/// Seconds a child may run before `SIGALRM` ends it.
const CHILD_TIMEOUT_SECONDS: u32 = 600;

/// Returns `unit` repeated, and cut at a character boundary, to at most `length`
/// bytes. Long titles are built this way because a 64 KiB vector of independently
/// generated elements takes proptest seconds per case in a debug build.
fn repeated(unit: &str, length: usize) -> String {
    let mut title = String::with_capacity(length);
    for c in unit.chars().cycle() {
        if unit.is_empty() || title.len() + c.len_utf8() > length {
            break;
        }
        title.push(c);
    }
    title
}

/// Titles: random bytes read as UTF-8 with and without NUL, random characters of any
/// plane, and mixes of multi-byte, control and NUL characters. Lengths run up to
/// 64 KiB, with short ones and those near one page weighted up.
fn title() -> impl Strategy<Value = String> {
    let special = prop_oneof![
        Just('€'),
        Just('☃'),
        Just('x'),
        Just(' '),
        Just('\0'),
        Just('\n'),
        Just('\u{85}'),
        Just('\u{7f}'),
        Just('\u{10ffff}'),
    ];
    let lossy = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    let length = prop_oneof![0..=64usize, 4000..=4200usize, 0..=MAX_TITLE];
    let units = prop_oneof![
        vec(any::<u8>(), 1..600).prop_map(lossy),
        vec(1u8.., 1..600).prop_map(lossy),
        vec(any::<char>(), 1..200).prop_map(String::from_iter),
        vec(special, 1..200).prop_map(String::from_iter),
    ];
    prop_oneof![
        1 => vec(any::<u8>(), 0..=MAX_TITLE).prop_map(lossy),
        9 => (units, length).prop_map(|(unit, length)| repeated(&unit, length)),
    ]
}

/// Returns true for the characters the runtime shows as `?`: control characters, and
/// the invisible formatting characters that could hide or reorder a title.
fn is_replaced(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
        )
}

/// Returns `title` as the runtime shows it: replaced characters as `?`, cut at a
/// character boundary to at most `capacity` bytes.
fn expected_title(title: &str, capacity: usize) -> String {
    let mut shown = String::new();
    for c in title.chars() {
        let c = if is_replaced(c) { '?' } else { c };
        if shown.len() + c.len_utf8() > capacity {
            break;
        }
        shown.push(c);
    }
    shown
}

/// Describes where two byte strings differ, with the bytes around that spot, briefly
/// enough for a failure message.
fn difference(name: &str, seen: &[u8], expected: &[u8]) -> String {
    let at = seen
        .iter()
        .zip(expected)
        .position(|(a, b)| a != b)
        .unwrap_or(seen.len().min(expected.len()));
    let window = |bytes: &[u8]| {
        let start = at.saturating_sub(8).min(bytes.len());
        let end = (at + 8).min(bytes.len());
        format!("{:?}", String::from_utf8_lossy(&bytes[start..end]))
    };
    format!(
        "{name} differs at byte {at}: {} bytes seen, {} expected; around it {} seen, {} expected",
        seen.len(),
        expected.len(),
        window(seen),
        window(expected)
    )
}

/// Returns the path the kernel stored for `AT_EXECFN`, just after the environment
/// strings, so a write past the environment area changes it.
fn executable_name() -> Vec<u8> {
    // SAFETY: `getauxval` has no preconditions.
    let pointer = unsafe { libc::getauxval(libc::AT_EXECFN) } as *const c_char;
    if pointer.is_null() {
        return Vec::new();
    }
    // SAFETY: the kernel stores a NUL-terminated path at `AT_EXECFN`, which stays mapped.
    unsafe { CStr::from_ptr(pointer) }.to_bytes().to_vec()
}

fn read_self(file: &str) -> Vec<u8> {
    std::fs::read(format!("/proc/self/{file}")).unwrap_or_default()
}

/// What must stay the same whatever the title.
#[derive(PartialEq)]
struct Untouched {
    args: Vec<OsString>,
    vars: Vec<(OsString, OsString)>,
    executable_name: Vec<u8>,
    /// `/proc/self/environ`, when the backend keeps it.
    environ: Option<Vec<u8>>,
}

impl Untouched {
    fn read(with_environ: bool) -> Untouched {
        Untouched {
            args: std::env::args_os().collect(),
            vars: std::env::vars_os().collect(),
            executable_name: executable_name(),
            environ: with_environ.then(|| read_self("environ")),
        }
    }
}

/// The title and command line the process showed after the previous case.
struct Shown {
    /// What `get()` returned.
    title: String,
    /// `/proc/self/cmdline`.
    cmdline: Vec<u8>,
}

/// Sets `title` and checks the outcome against `before` and what `previous` recorded.
fn check_title(
    title: &str,
    before: &Untouched,
    keeps_environ: bool,
    previous: &mut Shown,
) -> Result<(), TestCaseError> {
    let result = panic::catch_unwind(|| proc_title::set(title))
        .map_err(|_| TestCaseError::fail("set() panicked"))?;
    let shown = proc_title::get();
    let capacity = proc_title::capacity();
    let accepted = result.is_ok();
    match title.bytes().position(|byte| byte == 0) {
        Some(position) => {
            prop_assert_eq!(result, Err(Error::Nul { position }));
            prop_assert!(shown == previous.title, "a title with a NUL changed get()");
        }
        None => {
            prop_assert_eq!(result, Ok(()));
            let expected = expected_title(title, capacity);
            prop_assert!(
                shown == expected,
                "{}",
                difference("get()", shown.as_bytes(), expected.as_bytes())
            );
        }
    }
    prop_assert!(shown.len() <= capacity, "get() is longer than capacity()");

    let cmdline = read_self("cmdline");
    // A rejected title leaves the command line as it was, which before the first write
    // of the in-place backend is still the original arguments, NUL-separated.
    let expected_cmdline = match accepted {
        true => [shown.as_bytes(), b"\0"].concat(),
        false => previous.cmdline.clone(),
    };
    prop_assert!(
        cmdline == expected_cmdline,
        "{}",
        difference("/proc/self/cmdline", &cmdline, &expected_cmdline)
    );

    let after = Untouched::read(keeps_environ);
    prop_assert!(after.args == before.args, "std::env::args_os() changed");
    prop_assert!(after.vars == before.vars, "std::env::vars_os() changed");
    prop_assert!(
        after.executable_name == before.executable_name,
        "the AT_EXECFN path after the environment changed"
    );
    if let (Some(seen), Some(expected)) = (&after.environ, &before.environ) {
        prop_assert!(
            seen == expected,
            "{}",
            difference("/proc/self/environ", seen, expected)
        );
    }
    *previous = Shown {
        title: shown,
        cmdline,
    };
    Ok(())
}

/// Runs the random titles in this process, which must have a single thread.
fn run_titles(
    options: Options,
    backend: Backend,
    keeps_environ: bool,
    cases: u32,
) -> Result<(), String> {
    options
        .apply()
        .map_err(|error| format!("Options::apply() failed: {error}"))?;
    let before = Untouched::read(keeps_environ);

    proc_title::init().map_err(|error| format!("init() failed: {error}"))?;
    if proc_title::backend() != backend {
        return Err(format!(
            "the {} backend started instead of {backend}",
            proc_title::backend()
        ));
    }
    let initial = Shown {
        title: proc_title::get(),
        cmdline: read_self("cmdline"),
    };
    let mut original_cmdline = Vec::new();
    for argument in &before.args {
        original_cmdline.extend_from_slice(argument.as_encoded_bytes());
        original_cmdline.push(0);
    }
    let joined_cmdline = [initial.title.as_bytes(), b"\0"].concat();
    // The moved backend starts out showing the arguments joined by spaces; the
    // in-place backend writes nothing until the first title.
    if initial.cmdline != original_cmdline && initial.cmdline != joined_cmdline {
        return Err(format!(
            "after init(), /proc/self/cmdline is {:?}",
            String::from_utf8_lossy(&initial.cmdline)
        ));
    }
    let previous = RefCell::new(initial);

    // Every case starts from the title the previous one left, so a shrunk input would
    // not fail for the reason the original did: shrinking is off.
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 0,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    runner
        .run(&title(), |title| {
            check_title(&title, &before, keeps_environ, &mut previous.borrow_mut())
        })
        .map_err(|error| {
            let message = error.to_string();
            let mut end = message.len().min(4096);
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message[..end].to_owned()
        })
}

/// Runs `run_titles` in a forked child; returns its exit status and message.
fn run_in_child(options: Options, backend: Backend, keeps_environ: bool) -> (i32, String) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe2` writes.
    let piped = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(
        piped,
        0,
        "pipe2 failed: {}",
        std::io::Error::last_os_error()
    );
    let [read_end, write_end] = fds;

    // SAFETY: the child runs only the title checks, which allocate through glibc's
    // fork-safe malloc and use the runtime's lock, released by its fork handlers. It
    // writes its outcome to the pipe and ends with `_exit`, so it never returns into
    // the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed: {}", std::io::Error::last_os_error());
    if pid == 0 {
        // SAFETY: `alarm` only schedules SIGALRM, which ends a child that hangs.
        unsafe { libc::alarm(CHILD_TIMEOUT_SECONDS) };
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            run_titles(options, backend, keeps_environ, 256)
        }));
        let (code, message) = match outcome {
            Ok(Ok(())) => (0, String::new()),
            Ok(Err(message)) => (1, message),
            Err(payload) => {
                let text = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("no message");
                (2, format!("the child panicked outside a test case: {text}"))
            }
        };
        // SAFETY: writes the message to the pipe this process owns, then exits without
        // running the harness's destructors.
        unsafe {
            libc::write(write_end, message.as_ptr().cast(), message.len());
            libc::_exit(code)
        }
    }

    // SAFETY: `write_end` belongs to this process and is closed once.
    unsafe { libc::close(write_end) };
    let mut message = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        // SAFETY: reads at most `buffer.len()` bytes into `buffer`.
        let got = unsafe { libc::read(read_end, buffer.as_mut_ptr().cast(), buffer.len()) };
        if got <= 0 {
            break;
        }
        message.extend_from_slice(&buffer[..got as usize]);
    }
    // SAFETY: `read_end` belongs to this process and is closed once.
    unsafe { libc::close(read_end) };
    let mut status = 0;
    // SAFETY: `pid` is this process's child and `status` is a valid out pointer.
    let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(waited, pid, "waitpid failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    (code, String::from_utf8_lossy(&message).into_owned())
}

#[test]
fn random_titles_stay_in_area() {
    let runs = [
        (
            "moved",
            Options::new().backend(Backend::Moved),
            Backend::Moved,
            true,
        ),
        (
            "in-place",
            Options::new().backend(Backend::InPlace),
            Backend::InPlace,
            false,
        ),
        (
            "in-place without relocation",
            Options::new()
                .backend(Backend::InPlace)
                .relocate_environment(false),
            Backend::InPlace,
            true,
        ),
    ];
    let mut failures = Vec::new();
    for (name, options, backend, keeps_environ) in runs {
        let (code, message) = run_in_child(options, backend, keeps_environ);
        if code != 0 {
            failures.push(format!("{name}: exit status {code}: {message}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
