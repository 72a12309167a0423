//! Starts worker processes in the two usual ways and prints what `ps -o args` shows for
//! each of them.
//!
//! ```text
//! cargo run --example workers
//! ```
//!
//! - Re-executed: `proc_title::worker::command` runs this program again with the
//!   worker's title as `argv[0]`, so the worker shows its title before it runs any code.
//!   The worker then takes over with `#[proc_title]` and fills its stage.
//! - Forked: a child made by `fork` inherits the parent's title and sets its own.
//!
//! Titles of other processes are read from `/proc/PID/cmdline`, so this runs on Linux
//! only.

#[cfg(target_os = "linux")]
use std::process::ExitCode;
#[cfg(target_os = "linux")]
use std::time::Duration;

#[cfg(target_os = "linux")]
use proc_title::{proc_title, proctitle};

/// The environment variable that carries a re-executed worker's number.
#[cfg(target_os = "linux")]
const WORKER_VARIABLE: &str = "WORKERS_DEMO_WORKER";
/// How long each stage of a worker lasts, so the parent can catch it.
#[cfg(target_os = "linux")]
const STAGE: Duration = Duration::from_millis(600);
/// Wait before the first reading: right after `spawn` returns, `/proc/PID/cmdline` of
/// the new process has been seen to read as empty.
#[cfg(target_os = "linux")]
const SETTLE: Duration = Duration::from_millis(100);

#[cfg(target_os = "linux")]
fn main() -> ExitCode {
    // Start the backend while this is the only thread, as the `moved` backend requires.
    if let Err(error) = proc_title::init() {
        eprintln!("workers demo: {error}");
    }
    match std::env::var(WORKER_VARIABLE) {
        Ok(number) => match number.parse() {
            Ok(number) => {
                work(number);
                ExitCode::SUCCESS
            }
            Err(_) => {
                eprintln!("workers demo: invalid {WORKER_VARIABLE} '{number}': expected a number");
                ExitCode::FAILURE
            }
        },
        Err(_) => match supervise() {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("workers demo: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!(
        "workers demo: this demo reads other processes' titles from /proc, so it needs Linux"
    );
}

/// Starts one re-executed worker and one forked child, and prints their titles as
/// they change.
#[cfg(target_os = "linux")]
#[proc_title("workers demo: parent")]
fn supervise() -> std::io::Result<()> {
    let mut worker = proc_title::worker::command("workers demo: worker 1 [starting]")?
        .env(WORKER_VARIABLE, "1")
        .spawn()?;
    let forked = fork_child()?;

    std::thread::sleep(SETTLE);
    print_title("parent", std::process::id());
    print_title("re-executed worker, just started", worker.id());
    print_title("forked child, just started", forked);

    for moment in 1..=3 {
        std::thread::sleep(STAGE);
        print_title(
            &format!("re-executed worker after {moment} stage(s)"),
            worker.id(),
        );
        print_title(&format!("forked child after {moment} stage(s)"), forked);
    }

    let status = worker.wait()?;
    println!("worker 1 exited: {status}");
    wait_for(forked)?;
    Ok(())
}

/// Runs the stages of re-executed worker `number`.
#[cfg(target_os = "linux")]
#[proc_title("workers demo: worker {number} [<stage:starting>]")]
fn work(number: u32) {
    std::thread::sleep(STAGE / 2);
    for step in 1..=3 {
        let _stage = proctitle!(stage = "step {}/{}", step, 3);
        std::thread::sleep(STAGE);
    }
}

/// Forks a child that shows its own title for three and a half stages and exits, and
/// returns its pid.
#[cfg(target_os = "linux")]
fn fork_child() -> std::io::Result<u32> {
    // SAFETY: the process has a single thread, so the child starts with every lock
    // free, and the child leaves through `_exit` without returning into `main`.
    match unsafe { libc::fork() } {
        -1 => Err(std::io::Error::last_os_error()),
        0 => {
            {
                // Until this runs, the child shows the title it inherited from the parent.
                let _title = proctitle!(
                    "workers demo: forked child of {}",
                    std::os::unix::process::parent_id()
                );
                std::thread::sleep(STAGE * 7 / 2);
            }
            // SAFETY: `_exit` ends the child at once, without running the parent's
            // exit handlers a second time.
            unsafe { libc::_exit(0) }
        }
        pid => Ok(pid as u32),
    }
}

/// Waits for the forked child `pid` to exit.
#[cfg(target_os = "linux")]
fn wait_for(pid: u32) -> std::io::Result<()> {
    let mut status = 0;
    // SAFETY: `pid` is a child of this process that no one else waits for, and `status`
    // is a valid place for the result.
    if unsafe { libc::waitpid(pid as libc::pid_t, &mut status, 0) } == -1 {
        return Err(std::io::Error::last_os_error());
    }
    println!(
        "forked child exited with status {}",
        libc::WEXITSTATUS(status)
    );
    Ok(())
}

/// Prints `/proc/PID/cmdline` as `ps -o args` shows it: NUL bytes between arguments as
/// spaces.
#[cfg(target_os = "linux")]
fn print_title(moment: &str, pid: u32) {
    let command_line = match std::fs::read(format!("/proc/{pid}/cmdline")) {
        Ok(bytes) => String::from_utf8_lossy(&bytes)
            .trim_end_matches('\0')
            .replace('\0', " "),
        Err(error) => format!("(reading /proc/{pid}/cmdline failed: {error})"),
    };
    println!("{moment:<40} pid {pid:>7}: {command_line}");
}
