//! Command-line parsing for the supervisor and for the workers it starts.

use std::ffi::OsString;
use std::time::Duration;

pub const USAGE: &str = "\
Usage: erp [-d SECS | --duration SECS]

Runs a small ERP daemon: a supervisor and three worker processes whose titles
show what each one does. Watch them from another shell with

  ps -eo pid,comm,args | grep ERP
  ps -L -o tid,comm -p PID
  top -c

Options:
  -d, --duration SECS  run for SECS seconds, then stop the workers and exit
                       (default 10; fractions such as 2.5 are accepted)
  -h, --help           print this help and exit

The supervisor starts each worker as `erp --worker ROLE`, where ROLE is
cleaner, primes or collatz.
";

const DEFAULT_DURATION: Duration = Duration::from_secs(10);

/// The action that the command line selects.
#[derive(Debug, PartialEq)]
pub enum Command {
    Help,
    Supervise { duration: Duration },
    Work(Role),
}

/// The part a worker process plays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Role {
    Cleaner,
    Compute(Job),
}

/// The computation a CPU-bound worker runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Job {
    /// Counts the primes below a growing bound.
    Primes,
    /// Finds the longest Collatz chain that starts below a growing bound.
    Collatz,
}

impl Role {
    /// Every role, in the order the supervisor starts them.
    pub const ALL: [Role; 3] = [
        Role::Cleaner,
        Role::Compute(Job::Primes),
        Role::Compute(Job::Collatz),
    ];

    /// Returns the value of `--worker` that selects this role.
    pub fn argument(self) -> &'static str {
        match self {
            Role::Cleaner => "cleaner",
            Role::Compute(Job::Primes) => "primes",
            Role::Compute(Job::Collatz) => "collatz",
        }
    }

    /// Returns the title a worker shows from its first instant, before it sets its own.
    pub fn initial_title(self) -> String {
        match self {
            Role::Cleaner => "ERP: /tmp cleaner [starting]".to_owned(),
            Role::Compute(job) => format!("ERP: worker {} [starting]", job.worker_number()),
        }
    }

    /// Returns the name the supervisor uses for this worker in its messages.
    pub fn label(self) -> String {
        match self {
            Role::Cleaner => "cleaner".to_owned(),
            Role::Compute(job) => format!("worker {}", job.worker_number()),
        }
    }
}

impl Job {
    /// Returns the number in the worker's title and messages.
    pub fn worker_number(self) -> u32 {
        match self {
            Job::Primes => 1,
            Job::Collatz => 2,
        }
    }
}

/// Parses the arguments after the program name.
///
/// Returns a message naming the invalid argument when the command line is invalid.
pub fn parse(arguments: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut arguments = arguments.into_iter().map(into_string);
    let mut duration = DEFAULT_DURATION;
    while let Some(argument) = arguments.next() {
        let argument = argument?;
        match argument.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-d" | "--duration" => {
                let value = arguments.next().ok_or_else(|| {
                    format!("missing value for {argument}: expected a number of seconds")
                })??;
                duration = parse_duration(&value)?;
            }
            "--worker" => return parse_worker(arguments),
            _ => match argument.strip_prefix("--duration=") {
                Some(value) => duration = parse_duration(value)?,
                None => return Err(format!("unexpected argument '{argument}'")),
            },
        }
    }
    Ok(Command::Supervise { duration })
}

fn into_string(argument: OsString) -> Result<String, String> {
    argument
        .into_string()
        .map_err(|argument| format!("argument {argument:?} is not valid UTF-8"))
}

/// Parses the rest of `--worker ROLE`, which must be the whole command line.
fn parse_worker(
    mut arguments: impl Iterator<Item = Result<String, String>>,
) -> Result<Command, String> {
    let role = arguments
        .next()
        .ok_or("missing value for --worker: expected cleaner, primes or collatz")??;
    let role = Role::ALL
        .into_iter()
        .find(|candidate| candidate.argument() == role)
        .ok_or_else(|| {
            format!("invalid role '{role}' for --worker: expected cleaner, primes or collatz")
        })?;
    match arguments.next() {
        None => Ok(Command::Work(role)),
        Some(extra) => Err(format!("unexpected argument '{}' after --worker", extra?)),
    }
}

fn parse_duration(value: &str) -> Result<Duration, String> {
    let invalid = || format!("invalid duration '{value}': expected a positive number of seconds");
    let seconds: f64 = value.parse().map_err(|_| invalid())?;
    if seconds <= 0.0 {
        return Err(invalid());
    }
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("invalid duration '{value}': too long for this demo"))
}
