//! `fork` while other threads update the title: the child can set its own title and
//! exit, and its changes never reach the parent.

#![cfg(target_os = "linux")]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Tests in this file share one process title.
static TITLE_LOCK: Mutex<()> = Mutex::new(());

const CHILD_TIMEOUT: Duration = Duration::from_secs(20);

fn read_own_cmdline() -> Vec<u8> {
    std::fs::read("/proc/self/cmdline").expect("read /proc/self/cmdline")
}

/// In the child: sets a title, checks what the kernel shows, and exits without
/// running destructors or atexit handlers.
fn child_sets_title(title: &str) -> ! {
    let shown = proc_title::set(title).is_ok()
        && proc_title::get() == title
        && read_own_cmdline() == [title.as_bytes(), b"\0"].concat();
    // SAFETY: `_exit` ends the forked child at once; it is always safe to call.
    unsafe { libc::_exit(if shown { 0 } else { 1 }) }
}

/// Waits for `pid`, killing it and returning `None` if it does not exit in time.
fn wait_for(pid: libc::pid_t) -> Option<i32> {
    let deadline = Instant::now() + CHILD_TIMEOUT;
    loop {
        let mut status = 0;
        // SAFETY: `pid` is our own child and `status` is a valid out pointer.
        let done = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if done == pid {
            return libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
        }
        if Instant::now() > deadline {
            // SAFETY: killing and reaping our own child.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return None;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

fn fork_child(title: &str) -> libc::pid_t {
    // SAFETY: the child only sets its title, reads /proc and calls `_exit`; the runtime's
    // fork handlers make its lock usable there, and glibc's malloc is fork-safe.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed: {}", std::io::Error::last_os_error());
    if pid == 0 {
        child_sets_title(title);
    }
    pid
}

#[test]
fn forks_during_updates_never_hang() {
    let _lock = TITLE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    proc_title::set("fork parent").expect("set parent title");
    let stop = Arc::new(AtomicBool::new(false));
    let updaters: Vec<_> = (0..3)
        .map(|index| {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let _title = proc_title::scope("fork updater <stage>").expect("valid");
                    let _stage = proc_title::stage_fmt(format_args!("thread {index}"));
                }
            })
        })
        .collect();

    let mut failures = Vec::new();
    for round in 0..100 {
        let pid = fork_child(&format!("fork child {round}"));
        match wait_for(pid) {
            Some(0) => {}
            Some(code) => failures.push(format!("child {round} exited with {code}")),
            None => failures.push(format!("child {round} hung or was killed")),
        }
    }
    stop.store(true, Ordering::Relaxed);
    for updater in updaters {
        updater.join().expect("updater thread panicked");
    }

    assert_eq!(failures, Vec::<String>::new());
    assert_eq!(proc_title::get(), "fork parent");
    assert_eq!(read_own_cmdline(), b"fork parent\0");
}

#[test]
fn fork_from_other_thread_then_set() {
    let _lock = TITLE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    proc_title::set("fork parent").expect("set parent title");
    let status = thread::spawn(|| wait_for(fork_child("forked off main")))
        .join()
        .expect("forking thread panicked");
    assert_eq!(status, Some(0));
    assert_eq!(proc_title::get(), "fork parent");
}
