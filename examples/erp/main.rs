//! A small ERP daemon whose processes and threads tell `ps` and `top` what they do.
//!
//! Run it with
//!
//! ```text
//! cargo run --example erp                 # about ten seconds
//! cargo run --example erp -- -d 60        # a minute, to watch at leisure
//! ```
//!
//! A supervisor (`ERP: supervisor [watching 3 workers]`) starts three worker processes
//! by running its own binary again: a cleaner that fills and empties a scratch directory
//! under the system temporary directory, and two CPU-bound workers that count primes and
//! search Collatz chains in steps. Each worker shows its current stage in its title, for
//! example `ERP: worker 1 [step 3/8]`, and each CPU worker runs two helper threads that
//! name themselves while they compute. About once a second the supervisor prints its
//! process tree as `/proc` shows it. When the time is up it closes the workers' stdin,
//! waits for them to stop, and exits.
//!
//! Each role's entry function carries its title in a `#[proc_title("...")]` attribute,
//! and fills the title's `<stage>` slot with `proctitle!(stage = "...")`. `main` itself
//! has no title attribute because it runs in the supervisor and in every worker, and a
//! title on it would show in the workers before and after their own.
//!
//! While it runs, look at it from another shell:
//!
//! ```text
//! ps -eo pid,comm,args | grep ERP     # each process with its current stage
//! ps -L -o tid,comm -p PID            # the named threads of one worker
//! top -c                              # titles in place of the command name
//! ```
//!
//! The process table comes from `/proc`, so it is filled in on Linux only.

#[cfg(unix)]
mod cleaner;
#[cfg(unix)]
mod cli;
#[cfg(unix)]
mod compute;
#[cfg(unix)]
mod proc_table;
#[cfg(unix)]
mod stop;
#[cfg(unix)]
mod supervisor;

#[cfg(unix)]
fn main() -> std::process::ExitCode {
    use cli::Command;

    let command = match cli::parse(std::env::args_os().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("erp: {message}");
            eprintln!("Run with --help for usage.");
            return std::process::ExitCode::from(2);
        }
    };

    // Start the title backend while this is the only thread: the `moved` backend cannot
    // start once a worker has started its stdin watcher and helper threads.
    match &command {
        Command::Help => {}
        Command::Supervise { .. } => report_title_error("supervisor", proc_title::init()),
        Command::Work(role) => report_title_error(&role.label(), proc_title::init()),
    }
    match command {
        Command::Help => {
            print!("{}", cli::USAGE);
            std::process::ExitCode::SUCCESS
        }
        Command::Supervise { duration } => supervisor::run(duration),
        Command::Work(cli::Role::Cleaner) => cleaner::run(),
        Command::Work(cli::Role::Compute(job)) => compute::run(job),
    }
}

#[cfg(not(unix))]
fn main() {
    eprintln!("erp: this demo needs a Unix system, where ps and top show process titles");
}

/// Prints a failed title change and carries on.
///
/// The name-only backend returns [`proc_title::Error::CommandLineUnchanged`] on every
/// change: `ps -o comm` follows the title, `ps -o args` does not. The demo still works,
/// so this is reported, never fatal. Titles set by `#[proc_title]` and `proctitle!`
/// report no error: they show what the backend can show.
#[cfg(unix)]
fn report_title_error(label: &str, result: Result<(), proc_title::Error>) {
    if let Err(error) = result {
        eprintln!("erp {label}: {error}");
    }
}
