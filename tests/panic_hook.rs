//! Tests of `proc_title::panic::install_hook`. Each case panics in a child process, a new
//! run of this test binary, and the parent checks the child's standard error.

use std::process::{Command, Output};

/// Names the case that the `panic_child` test runs; set only in the child process.
const CASE_VARIABLE: &str = "PROC_TITLE_PANIC_CASE";

/// Runs `case` in a child process and returns its output.
fn run_case(case: &str) -> Output {
    let test_binary = std::env::current_exe().expect("the test binary has a path");
    Command::new(test_binary)
        .args(["panic_child", "--exact", "--ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(CASE_VARIABLE, case)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the test binary runs again as a child process")
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Returns the lines of `stderr` that the hook wrote.
fn while_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with("while:"))
        .collect()
}

#[test]
#[ignore = "runs only in the child process that the other tests start"]
fn panic_child() {
    let case = std::env::var(CASE_VARIABLE).unwrap_or_default();
    match case.as_str() {
        "stage in title" => {
            proc_title::panic::install_hook();
            let _title = proc_title::scope("ERP: import [<stage>]").unwrap();
            let _stage = proc_title::stage("step 3/10");
            panic!("disk full");
        }
        "stage outside title" => {
            proc_title::panic::install_hook();
            let _title = proc_title::scope("ERP: import").unwrap();
            let _stage = proc_title::stage("step 3/10");
            panic!("disk full");
        }
        "installed twice" => {
            proc_title::panic::install_hook();
            proc_title::panic::install_hook();
            let _title = proc_title::scope("ERP: import").unwrap();
            panic!("disk full");
        }
        "previous hook" => {
            std::panic::set_hook(Box::new(|_| eprintln!("previous hook ran")));
            proc_title::panic::install_hook();
            let _title = proc_title::scope("ERP: import").unwrap();
            panic!("disk full");
        }
        "other thread" => {
            proc_title::panic::install_hook();
            let _title = proc_title::scope("ERP: supervisor [<stage>]").unwrap();
            let worker = std::thread::spawn(|| {
                let _stage = proc_title::stage("checking worker 2");
                panic!("worker 2 is gone");
            });
            let joined = worker.join();
            // Exit without a second panic, so the hook runs once.
            std::process::exit(if joined.is_err() { 3 } else { 0 });
        }
        "no hook" => {
            let _title = proc_title::scope("ERP: import").unwrap();
            panic!("disk full");
        }
        _ => {}
    }
}

#[test]
fn hook_adds_title_with_stage() {
    let output = run_case("stage in title");
    let stderr = stderr_of(&output);
    assert!(
        !output.status.success(),
        "the child did not panic: {stderr}"
    );
    assert!(stderr.contains("disk full"), "{stderr}");
    assert_eq!(
        while_lines(&stderr),
        ["while: ERP: import [step 3/10]"],
        "{stderr}"
    );
}

#[test]
fn hook_writes_after_panic_message() {
    let output = run_case("stage in title");
    let stderr = stderr_of(&output);
    let message = stderr
        .find("disk full")
        .expect("the panic message is printed");
    let context = stderr.find("while:").expect("the hook's line is printed");
    assert!(message < context, "{stderr}");
}

#[test]
fn hook_adds_stage_missing_from_title() {
    let output = run_case("stage outside title");
    let stderr = stderr_of(&output);
    assert_eq!(
        while_lines(&stderr),
        ["while: ERP: import (stage: step 3/10)"],
        "{stderr}"
    );
}

#[test]
fn hook_installed_twice_writes_once() {
    let output = run_case("installed twice");
    let stderr = stderr_of(&output);
    assert_eq!(while_lines(&stderr), ["while: ERP: import"], "{stderr}");
}

#[test]
fn hook_calls_previous_hook_first() {
    let output = run_case("previous hook");
    let stderr = stderr_of(&output);
    let previous = stderr.find("previous hook ran");
    let context = stderr.find("while: ERP: import");
    assert!(previous.is_some(), "{stderr}");
    assert!(context.is_some(), "{stderr}");
    assert!(previous < context, "{stderr}");
}

#[test]
fn hook_reports_panic_on_other_thread() {
    let output = run_case("other thread");
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("worker 2 is gone"), "{stderr}");
    assert_eq!(
        while_lines(&stderr),
        ["while: ERP: supervisor [checking worker 2]"],
        "{stderr}"
    );
}

#[test]
fn no_line_without_hook() {
    let output = run_case("no hook");
    let stderr = stderr_of(&output);
    assert!(stderr.contains("disk full"), "{stderr}");
    assert!(while_lines(&stderr).is_empty(), "{stderr}");
}
