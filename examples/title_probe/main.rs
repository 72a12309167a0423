//! A process whose title the integration tests inspect from outside, with `ps` and
//! `/proc`. It is also handy by hand:
//!
//! ```text
//! PROBE_TITLES='ERP: import' cargo run --example title_probe
//! # in another terminal, while the probe waits: ps -o args=,comm= -C 'ERP: import'
//! ```
//!
//! Settings come from `PROBE_*` environment variables. An argument of the form
//! `PROBE_NAME=value` overrides the variable of that name, so a probe started with an
//! empty environment can still be configured. The probe applies them in this order:
//!
//! - `PROBE_GET_FROM_THREAD=1`: before anything else, call `get()` from a spawned
//!   thread and report what it returned.
//! - `PROBE_BACKEND`: `moved`, `in-place`, `in-place-args` (in place, environment not
//!   relocated) or `name-only`; unset lets the runtime choose.
//! - `PROBE_COMM`: `follow` (the default), `keep` or `fixed:NAME`.
//! - `PROBE_PAUSE=1`: after applying the options, print `paused` and wait for one
//!   line on stdin before going on.
//! - `PROBE_ENV_BEFORE`: environment edits to make before the first title, one per
//!   line: `clearenv` (libc's `clearenv`), `remove-all` (`std::env::remove_var` for
//!   each variable), `set NAME=VALUE`, `append NAME=SUFFIX` (to the current value), or
//!   `set-first VALUE` (give the first variable of `environ` a new value).
//! - `PROBE_INIT=1`: call `init()` on the main thread before setting titles.
//! - `PROBE_TITLES`: titles to set one after another, separated by newlines, escaped
//!   as described below.
//! - `PROBE_REPEAT=N`: repeat each title N times before setting it.
//! - `PROBE_FILL=DELTA`: call `init()`, then set one more title, `capacity() + DELTA`
//!   bytes long (DELTA may be negative): `x` repeated, ending with `PROBE_FILL_END`
//!   (default empty).
//! - `PROBE_FROM_THREAD=1`: call `init()` on the main thread, then set the titles
//!   from a spawned thread.
//! - `PROBE_SET_VAR=NAME=VALUE`: call `std::env::set_var` after the titles are set.
//! - `PROBE_ENV_AFTER`: environment edits, as in `PROBE_ENV_BEFORE`, to make after
//!   the titles are set.
//! - `PROBE_THREAD_NAMES`: start one thread per line, each naming itself with
//!   `thread::set`; they live until stdin closes unless `PROBE_THREADS_JOIN=1`, which
//!   joins them before the report.
//! - `PROBE_FORK=main` or `PROBE_FORK=thread`: fork from the main thread or from a
//!   spawned one; the child sets `PROBE_FORK_TITLE`, reports through a pipe whether
//!   `get()` returned it, and waits until stdin closes, for 120 seconds at most.
//! - `PROBE_CHILD_ENV=1`: run `env -0` after the titles are set and report what it
//!   printed.
//!
//! The probe then prints a report, one `key value` line per item, ends it with a line
//! `ready`, and waits until its stdin closes. It then lets its named threads end,
//! prints `fork-status CODE` for a forked child, and exits with status 0. In values and
//! in `PROBE_TITLES`, `\\` is a backslash and `\xHH` is the byte HH; every byte outside
//! printable ASCII is written that way in the report.

#[cfg(target_os = "linux")]
mod linux;

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() -> std::process::ExitCode {
    eprintln!("title_probe: the probe inspects Linux processes and runs on Linux only");
    std::process::ExitCode::FAILURE
}
