//! The supervisor's table of its process tree, read from `/proc` as `ps` reads it.

use std::fs;
use std::process::ExitStatus;
use std::time::Duration;

/// A process in the table.
pub struct Entry {
    pub pid: u32,
    /// The exit status once the supervisor has reaped the process.
    pub exited: Option<ExitStatus>,
}

/// Prints one row per entry: the pid, the `comm` that `ps -o comm` and `top` show, and
/// the title that `ps -o args` and `top -c` show.
pub fn print(elapsed: Duration, entries: &[Entry]) {
    println!();
    println!("process tree after {:.1} s:", elapsed.as_secs_f64());
    println!("{:>7}  {:<15}  TITLE (/proc/PID/cmdline)", "PID", "COMM");
    for entry in entries {
        let (comm, title) = match entry.exited {
            Some(status) => ("-".to_owned(), format!("(exited: {status})")),
            None => (
                read_comm(entry.pid).unwrap_or_else(|| "-".to_owned()),
                read_command_line(entry.pid).unwrap_or_else(|| "-".to_owned()),
            ),
        };
        println!("{:>7}  {comm:<15}  {title}", entry.pid);
    }
}

/// Returns `/proc/PID/comm` without its trailing newline.
fn read_comm(pid: u32) -> Option<String> {
    let comm = fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    Some(comm.trim_end_matches('\n').to_owned())
}

/// Returns `/proc/PID/cmdline` with the NUL bytes between arguments shown as spaces,
/// as `ps -o args` shows it.
fn read_command_line(pid: u32) -> Option<String> {
    let bytes = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    Some(text.trim_end_matches('\0').replace('\0', " "))
}
