//! The supervisor: starts the workers, prints the process table once a second, and
//! stops the workers when the time is up.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, ExitCode, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use proc_title::{proc_title, proctitle};

use crate::cli::Role;
use crate::proc_table::{self, Entry};

const LABEL: &str = "supervisor";
const TABLE_INTERVAL: Duration = Duration::from_secs(1);
/// How long a worker may take to stop after its stdin closes before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
const POLL_INTERVAL: Duration = Duration::from_millis(50);

struct Worker {
    role: Role,
    child: Child,
    /// The exit status once the worker has been reaped.
    exited: Option<ExitStatus>,
}

/// Runs the supervisor for `duration`. Exits with failure if a worker fails to start or
/// to stop.
///
/// `comm` is fixed, so `ps -o comm`, `top` and `pgrep erp-supervisor` find the
/// supervisor whatever its stage.
#[proc_title("ERP: supervisor [<stage:starting workers>]", comm = "erp-supervisor")]
pub fn run(duration: Duration) -> ExitCode {
    println!(
        "erp {LABEL} (pid {}): title backend {}, capacity {} bytes, running for {:.1} s",
        std::process::id(),
        proc_title::backend(),
        proc_title::capacity(),
        duration.as_secs_f64(),
    );

    let mut workers = match start_workers() {
        Ok(workers) => workers,
        Err(error) => {
            // The workers already started stop by themselves: dropping them closes
            // their stdin.
            eprintln!("erp {LABEL}: starting a worker failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    {
        let _stage = proctitle!(stage = "watching {} workers", workers.len());
        print_tables(&mut workers, duration);
    }
    if stop_workers(&mut workers) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn start_workers() -> io::Result<Vec<Worker>> {
    Role::ALL.into_iter().map(start_worker).collect()
}

/// Runs this program again as `--worker ROLE`, with a pipe as stdin.
fn start_worker(role: Role) -> io::Result<Worker> {
    // The command passes the title as `argv[0]`, which `ps` shows first, so the worker
    // shows its title before it sets one itself.
    let child = proc_title::worker::command(&role.initial_title())?
        .args(["--worker", role.argument()])
        .stdin(Stdio::piped())
        // A process group of its own keeps Ctrl-C in the terminal from reaching the
        // worker. Only the supervisor dies, which closes the worker's stdin, so the
        // worker still stops cleanly and the cleaner removes its directory.
        .process_group(0)
        .spawn()?;
    println!(
        "erp {LABEL}: started {} as pid {}",
        role.label(),
        child.id()
    );
    Ok(Worker {
        role,
        child,
        exited: None,
    })
}

/// Prints the process table about once a second until `duration` has passed.
fn print_tables(workers: &mut [Worker], duration: Duration) {
    let started = Instant::now();
    loop {
        for worker in workers.iter_mut() {
            reap_if_exited(worker);
        }
        proc_table::print(started.elapsed(), &table_entries(workers));

        let remaining = duration.saturating_sub(started.elapsed());
        if remaining.is_zero() {
            return;
        }
        thread::sleep(remaining.min(TABLE_INTERVAL));
    }
}

/// Returns the supervisor's own row followed by one row per worker.
fn table_entries(workers: &[Worker]) -> Vec<Entry> {
    let supervisor = Entry {
        pid: std::process::id(),
        exited: None,
    };
    let workers = workers.iter().map(|worker| Entry {
        pid: worker.child.id(),
        exited: worker.exited,
    });
    std::iter::once(supervisor).chain(workers).collect()
}

/// Records the exit status of a worker that ended before it was asked to.
fn reap_if_exited(worker: &mut Worker) {
    if worker.exited.is_some() {
        return;
    }
    match worker.child.try_wait() {
        Ok(None) => {}
        Ok(Some(status)) => {
            eprintln!(
                "erp {LABEL}: {} (pid {}) ended early: {status}",
                worker.role.label(),
                worker.child.id()
            );
            worker.exited = Some(status);
        }
        Err(error) => eprintln!(
            "erp {LABEL}: checking {} (pid {}) failed: {error}",
            worker.role.label(),
            worker.child.id()
        ),
    }
}

/// Closes every worker's stdin, waits for all of them, and returns whether each one
/// stopped in time with a success status.
fn stop_workers(workers: &mut [Worker]) -> bool {
    let _stage = proctitle!(stage = "stopping workers");
    println!("erp {LABEL}: stopping the workers");
    for worker in workers.iter_mut() {
        drop(worker.child.stdin.take());
    }

    let deadline = Instant::now() + STOP_TIMEOUT;
    let mut all_succeeded = true;
    for worker in workers {
        let label = worker.role.label();
        let pid = worker.child.id();
        match wait_until(worker, deadline) {
            Ok(status) if status.success() => println!("erp {LABEL}: {label} (pid {pid}) stopped"),
            Ok(status) => {
                eprintln!("erp {LABEL}: {label} (pid {pid}) failed: {status}");
                all_succeeded = false;
            }
            Err(error) => {
                eprintln!("erp {LABEL}: stopping {label} (pid {pid}) failed: {error}");
                all_succeeded = false;
            }
        }
    }
    all_succeeded
}

/// Waits for `worker` to exit, and kills it if it is still running at `deadline`.
fn wait_until(worker: &mut Worker, deadline: Instant) -> io::Result<ExitStatus> {
    if let Some(status) = worker.exited {
        return Ok(status);
    }
    while Instant::now() < deadline {
        if let Some(status) = worker.child.try_wait()? {
            return Ok(status);
        }
        thread::sleep(POLL_INTERVAL);
    }
    worker.child.kill()?;
    worker.child.wait()?;
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        format!(
            "still running {} s after its stdin closed, so it was killed",
            STOP_TIMEOUT.as_secs()
        ),
    ))
}
