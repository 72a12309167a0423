//! The cleaner worker: writes files into a scratch directory and removes them again.
//!
//! Its title shows each stage, and removing a file is a stage nested in the scan:
//! `[scanning DIR]`, then `[removing FILE]`, then `[scanning DIR]` again.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{self, ExitCode};
use std::time::Duration;

use proc_title::{proc_title, proctitle};

use crate::stop::StopSignal;

const LABEL: &str = "cleaner";
const FILES_PER_ROUND: u32 = 4;
/// Pause after each file operation, so that every stage stays in the title long enough
/// to be seen with `ps`.
const PAUSE: Duration = Duration::from_millis(300);
const IDLE: Duration = Duration::from_secs(1);

/// Runs the cleaner until its stdin closes.
pub fn run() -> ExitCode {
    let stop = match StopSignal::watch_stdin(LABEL) {
        Ok(stop) => stop,
        Err(error) => {
            eprintln!("erp {LABEL}: starting the stdin watcher thread failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    match clean_until_stopped(&stop) {
        Ok(rounds) => {
            println!(
                "erp {LABEL} (pid {}): stopped in round {rounds}",
                process::id()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("erp {LABEL} (pid {}): {error}", process::id());
            ExitCode::FAILURE
        }
    }
}

/// Runs rounds of writing and cleaning until a stop is requested, and returns the
/// number of rounds started.
///
/// `comm` is fixed, so `ps -o comm`, `top` and `pgrep erp-cleaner` find the cleaner
/// whatever its stage.
#[proc_title("ERP: /tmp cleaner [<stage:starting>]", comm = "erp-cleaner")]
fn clean_until_stopped(stop: &StopSignal) -> io::Result<u32> {
    let scratch = ScratchDir::create()?;
    println!(
        "erp {LABEL} (pid {}): cleaning {}",
        process::id(),
        scratch.path.display()
    );

    let mut rounds = 0;
    while !stop.is_requested() {
        rounds += 1;
        write_files(&scratch.path, rounds, stop)?;
        remove_files(&scratch.path, stop)?;

        let _stage = proctitle!(stage = "idle");
        stop.wait(IDLE);
    }
    Ok(rounds)
}

/// Writes the files that the next scan removes, standing in for the temporary files an
/// ERP system leaves behind.
fn write_files(dir: &Path, round: u32, stop: &StopSignal) -> io::Result<()> {
    let _stage = proctitle!(stage = "writing {}", dir.display());
    for index in 1..=FILES_PER_ROUND {
        let path = dir.join(format!("report-{round}-{index}.tmp"));
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|error| context(error, &path))?;
        writeln!(file, "draft report {index} of round {round}")
            .map_err(|error| context(error, &path))?;
        if stop.wait(PAUSE) {
            break;
        }
    }
    Ok(())
}

/// Scans `dir` and removes every file in it, one nested stage per file.
fn remove_files(dir: &Path, stop: &StopSignal) -> io::Result<()> {
    let _stage = proctitle!(stage = "scanning {}", dir.display());
    let mut removed = 0;
    for entry in fs::read_dir(dir).map_err(|error| context(error, dir))? {
        if stop.wait(PAUSE) {
            break;
        }
        let path = entry.map_err(|error| context(error, dir))?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        // Shown in place of the scan's stage until `_removing` is dropped.
        let _removing = proctitle!(stage = "removing {}", name);
        stop.wait(PAUSE);
        fs::remove_file(&path).map_err(|error| context(error, &path))?;
        removed += 1;
    }
    println!(
        "erp {LABEL} (pid {}): removed {removed} file(s)",
        process::id()
    );
    Ok(())
}

/// Adds the path to an I/O error, which the standard library leaves out.
fn context(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// A directory under the system temporary directory, removed with its contents when
/// dropped.
struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    fn create() -> io::Result<ScratchDir> {
        let path = std::env::temp_dir().join(format!("erp-cleaner-{}", process::id()));
        fs::create_dir(&path).map_err(|error| context(error, &path))?;
        Ok(ScratchDir { path })
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if let Err(error) = fs::remove_dir_all(&self.path) {
            eprintln!(
                "erp {LABEL}: removing {} failed: {error}",
                self.path.display()
            );
        }
    }
}
