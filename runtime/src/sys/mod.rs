//! Operating-system backends, one module per platform family.
//!
//! Each module exports the same items: `Request`, `Active`, `activate`, `predict`,
//! `original_command_line`, `process_comm`, `set_process_comm`, `CommName`,
//! `COMM_MAX_LEN`, `current_thread` and `set_current_thread`.
//!
//! | platform | command line | thread names |
//! | --- | --- | --- |
//! | Linux (glibc, musl) | moved area, else in place, else unchanged | `prctl(PR_SET_NAME)` |
//! | macOS | in place over `argv` | `pthread_setname_np` |
//! | FreeBSD, DragonFly, NetBSD, OpenBSD | `setproctitle` | the `pthread` naming call |
//! | Windows | unchanged | `SetThreadDescription` |
//! | any other | unchanged | kept in-process |

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::*;

// Linux uses the request and its parsing; the other platforms use all of it.
#[cfg_attr(target_os = "linux", allow(dead_code))]
mod common;
#[cfg(any(not(target_os = "linux"), test))]
#[cfg_attr(all(target_os = "linux", test), allow(dead_code))]
mod name;

#[cfg(any(
    test,
    not(any(
        target_os = "linux",
        target_os = "macos",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd"
    ))
))]
mod local_name;

#[cfg(any(target_os = "macos", test))]
#[cfg_attr(all(not(target_os = "macos"), test), allow(dead_code))]
mod arg_strings;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
pub use macos::*;

#[cfg(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
mod bsd;
#[cfg(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
pub use bsd::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

#[cfg(not(any(
    target_os = "linux",
    target_os = "macos",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    windows
)))]
mod unsupported;
#[cfg(not(any(
    target_os = "linux",
    target_os = "macos",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    windows
)))]
pub use unsupported::*;
