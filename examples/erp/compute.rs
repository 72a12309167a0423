//! The CPU-bound workers: worker 1 counts primes, worker 2 looks for long Collatz chains.
//!
//! A worker runs in rounds of [`STEPS`] steps and shows `[step I/N]` in its title. Each
//! step splits the next block of numbers between two helper threads. While a helper
//! computes its half, the thread is named `erp-calc` (which `ps -L` shows) and the title
//! adds the numbers it examines: `ERP: worker 1 [step 3/8: 15001..20001]`.

use std::error::Error;
use std::ops::Range;
use std::process::{self, ExitCode};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use proc_title::{proc_title, proctitle};

use crate::cli::Job;
use crate::stop::StopSignal;

const STEPS: u32 = 8;
/// Intended duration of one step, so that `ps` can catch each one.
const STEP_TARGET: Duration = Duration::from_millis(400);
const FIRST_BLOCK: u64 = 10_000;
const SAVING: Duration = Duration::from_millis(500);

/// Runs a CPU-bound worker until its stdin closes.
pub fn run(job: Job) -> ExitCode {
    let label = format!("worker {}", job.worker_number());
    let stop = match StopSignal::watch_stdin(&label) {
        Ok(stop) => stop,
        Err(error) => {
            eprintln!("erp {label}: starting the stdin watcher thread failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    match compute_until_stopped(job, job.worker_number(), &stop) {
        Ok(rounds) => {
            println!(
                "erp {label} (pid {}): stopped in round {rounds}",
                process::id()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("erp {label} (pid {}): {error}", process::id());
            ExitCode::FAILURE
        }
    }
}

/// The numbers searched so far and what was found in them.
struct Progress {
    /// The next number to examine. Every number below it has been examined.
    end: u64,
    /// The prime count, or the longest Collatz chain, over `1..end`.
    result: u64,
    /// How many numbers the next step examines.
    block: u64,
}

/// Runs rounds of steps until a stop is requested, and returns the number of rounds
/// started.
///
/// The title matches [`crate::cli::Role::initial_title`], so it does not change when the
/// worker takes over from the title it was started with.
#[proc_title("ERP: worker {id} [<stage:starting>]")]
fn compute_until_stopped(job: Job, id: u32, stop: &StopSignal) -> Result<u32, Box<dyn Error>> {
    let helpers = [Helper::start(job, id, 1)?, Helper::start(job, id, 2)?];
    let mut progress = Progress {
        end: 1,
        result: 0,
        block: FIRST_BLOCK,
    };

    let mut rounds = 0;
    while !stop.is_requested() {
        rounds += 1;
        for step in 1..=STEPS {
            if stop.is_requested() {
                break;
            }
            let _stage = proctitle!(stage = "step {}/{}", step, STEPS);
            run_step(job, &helpers, &mut progress)?;
        }

        let _stage = proctitle!(stage = "saving results");
        println!(
            "erp worker {id} (pid {}): {}",
            process::id(),
            describe(job, &progress)
        );
        stop.wait(SAVING);
    }
    for helper in helpers {
        helper.join()?;
    }
    Ok(rounds)
}

/// Examines the next block of numbers, half on each helper thread.
fn run_step(job: Job, helpers: &[Helper; 2], progress: &mut Progress) -> Result<(), String> {
    let started = Instant::now();
    let middle = progress.end + progress.block / 2;
    let end = progress.end + progress.block;
    helpers[0].send(progress.end..middle)?;
    helpers[1].send(middle..end)?;
    for helper in helpers {
        progress.result = combine(job, progress.result, helper.receive()?);
    }
    progress.end = end;
    progress.block = next_block(progress.block, started.elapsed());
    Ok(())
}

/// Sizes the next block so that a step takes about [`STEP_TARGET`], because speed
/// differs widely between debug and release builds and between machines.
fn next_block(block: u64, elapsed: Duration) -> u64 {
    let scale = STEP_TARGET.as_secs_f64() / elapsed.as_secs_f64().max(0.001);
    let next = block as f64 * scale.clamp(0.5, 4.0);
    (next as u64).max(FIRST_BLOCK)
}

fn describe(job: Job, progress: &Progress) -> String {
    match job {
        Job::Primes => format!("{} primes below {}", progress.result, progress.end),
        Job::Collatz => format!(
            "the longest Collatz chain starting below {} has {} steps",
            progress.end, progress.result
        ),
    }
}

/// Returns the prime count, or the longest Collatz chain, over `numbers`.
///
/// It runs on a helper thread, named `erp-calc` for the call. Its title frame is the
/// latest of the process while it runs, so the title repeats the worker's stage and adds
/// the range.
#[proc_title("ERP: worker {id} [<stage>: {numbers:?}]", thread = "erp-calc")]
fn compute(job: Job, id: u32, numbers: Range<u64>) -> u64 {
    match job {
        Job::Primes => numbers.filter(|&n| is_prime(n)).count() as u64,
        Job::Collatz => numbers.map(collatz_steps).max().unwrap_or(0),
    }
}

/// Merges the results of two disjoint ranges.
fn combine(job: Job, a: u64, b: u64) -> u64 {
    match job {
        Job::Primes => a + b,
        Job::Collatz => a.max(b),
    }
}

fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n % 2 == 0 {
        return n == 2;
    }
    let mut divisor = 3;
    while divisor * divisor <= n {
        if n % divisor == 0 {
            return false;
        }
        divisor += 2;
    }
    true
}

/// Returns how many steps of `n -> n / 2` or `n -> 3n + 1` take `n` to 1.
fn collatz_steps(n: u64) -> u64 {
    // Intermediate values outgrow the start by far, so they get 128 bits.
    let mut value = u128::from(n.max(1));
    let mut steps = 0;
    while value != 1 {
        value = if value % 2 == 0 {
            value / 2
        } else {
            3 * value + 1
        };
        steps += 1;
    }
    steps
}

/// A helper thread that computes on the ranges it is sent.
///
/// Dropping the helper closes its work channel, which ends the thread.
struct Helper {
    name: String,
    work: mpsc::Sender<Range<u64>>,
    results: mpsc::Receiver<u64>,
    thread: thread::JoinHandle<()>,
}

impl Helper {
    /// Starts helper `index` of worker `id`.
    fn start(job: Job, id: u32, index: u32) -> std::io::Result<Helper> {
        let name = format!("{index} of worker {id}");
        let (work, work_receiver) = mpsc::channel::<Range<u64>>();
        let (result_sender, results) = mpsc::channel();
        let thread = thread::Builder::new().spawn(move || {
            for numbers in work_receiver {
                if result_sender.send(compute(job, id, numbers)).is_err() {
                    break;
                }
            }
        })?;
        Ok(Helper {
            name,
            work,
            results,
            thread,
        })
    }

    /// Closes the work channel and waits for the thread to end.
    fn join(self) -> Result<(), String> {
        drop(self.work);
        self.thread
            .join()
            .map_err(|_| format!("helper thread {} panicked", self.name))
    }

    fn send(&self, numbers: Range<u64>) -> Result<(), String> {
        self.work
            .send(numbers)
            .map_err(|_| format!("helper thread {} stopped unexpectedly", self.name))
    }

    fn receive(&self) -> Result<u64, String> {
        self.results
            .recv()
            .map_err(|_| format!("helper thread {} stopped unexpectedly", self.name))
    }
}
