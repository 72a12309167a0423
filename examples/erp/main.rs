//! A small ERP daemon whose processes and threads tell `ps` and `top` what they do.
//!
//! Run it with
//!
//! ```text
//! cargo run --example erp                 # about ten seconds
//! cargo run --example erp -- -d 60        # a minute, to watch at leisure
//! ```
//!
//! A supervisor (`ERP: supervisor`) starts three worker processes by running its own
//! binary again: a cleaner that fills and empties a scratch directory under the system
//! temporary directory, and two CPU-bound workers that count primes and search Collatz
//! chains in steps. Each worker shows its current stage in its title, for example
//! `ERP: worker 1 [step 3/8]`, and each CPU worker runs two helper threads that name
//! themselves. About once a second the supervisor prints its process tree as `/proc`
//! shows it. When the time is up it closes the workers' stdin, waits for them to stop,
//! and exits.
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

    match cli::parse(std::env::args_os().skip(1)) {
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            std::process::ExitCode::SUCCESS
        }
        Ok(Command::Supervise { duration }) => supervisor::run(duration),
        Ok(Command::Work(cli::Role::Cleaner)) => cleaner::run(),
        Ok(Command::Work(cli::Role::Compute(job))) => compute::run(job),
        Err(message) => {
            eprintln!("erp: {message}");
            eprintln!("Run with --help for usage.");
            std::process::ExitCode::from(2)
        }
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
/// so this is reported, never fatal.
#[cfg(unix)]
fn report_title_error(label: &str, result: Result<(), proc_title::Error>) {
    if let Err(error) = result {
        eprintln!("erp {label}: {error}");
    }
}
