//! What setting a title does to the process's arguments and environment: the values
//! `std::env` returns, what a child process inherits, and `/proc/PID/environ`.

#![cfg(target_os = "linux")]

mod common;

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use common::{page_size, probe_path, shown, start, start_paused, titled, with_nul, BACKENDS};

/// Returns the `NAME=VALUE` pairs `command` passes, sorted.
fn passed_vars(command: &Command) -> Vec<Vec<u8>> {
    let mut vars: Vec<Vec<u8>> = command
        .get_envs()
        .filter_map(|(name, value)| {
            let value = value?;
            Some([name.as_encoded_bytes(), b"=", value.as_encoded_bytes()].concat())
        })
        .collect();
    vars.sort();
    vars
}

fn sorted(mut vars: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    vars.sort();
    vars
}

fn shown_all(list: &[Vec<u8>]) -> Vec<String> {
    list.iter().map(|bytes| shown(bytes)).collect()
}

#[test]
fn args_and_vars_unchanged_after_sets() {
    let long = "ERP: long title ".repeat(30);
    let extra = ["alpha", "beta gamma", "€uro"];
    let mut arguments = vec![probe_path().into_os_string().into_encoded_bytes()];
    arguments.extend(extra.iter().map(|argument| argument.as_bytes().to_vec()));
    for backend in BACKENDS {
        let mut command = titled(backend, &[&long, "ERP: one", "ERP: two"]);
        command.args(extra);
        let expected_vars = passed_vars(&command);
        let (probe, report) = start(command);
        assert_eq!(report.results, ["ok", "ok", "ok"], "{backend}: set()");
        assert_eq!(
            shown_all(&report.args),
            shown_all(&arguments),
            "{backend}: std::env::args_os()"
        );
        assert_eq!(
            shown_all(&sorted(report.vars)),
            shown_all(&expected_vars),
            "{backend}: std::env::vars_os()"
        );
        probe.finish();
    }
}

#[test]
fn set_var_after_set_reaches_child() {
    let added = b"ERP_STAGE=loading orders".to_vec();
    for backend in BACKENDS {
        let mut command = titled(backend, &["ERP: import orders"]);
        command
            .env("PROBE_SET_VAR", "ERP_STAGE=loading orders")
            .env("PROBE_CHILD_ENV", "1");
        let mut expected = passed_vars(&command);
        expected.push(added.clone());
        let expected = sorted(expected);
        let (probe, report) = start(command);
        assert_eq!(report.results, ["ok"], "{backend}: set()");
        assert_eq!(
            shown_all(&sorted(report.vars)),
            shown_all(&expected),
            "{backend}: std::env::vars_os() after set_var"
        );
        assert_eq!(
            shown_all(&sorted(report.child_vars)),
            shown_all(&expected),
            "{backend}: environment of a child env"
        );
        probe.finish();
    }
}

#[test]
fn environ_unchanged_by_set() {
    // The in-place backend with relocation overwrites the environment strings, so it is
    // not listed.
    for backend in ["moved", "in-place-args"] {
        let mut probe = start_paused(titled(backend, &["ERP: import orders"]));
        let before = probe.environ();
        let report = probe.resume();
        assert_eq!(report.results, ["ok"], "{backend}: set()");
        assert_eq!(
            shown(&probe.environ()),
            shown(&before),
            "{backend}: /proc/PID/environ"
        );
        probe.finish();
    }
}

#[test]
fn in_place_args_cut_to_argument_area() {
    let title = "ERP: import orders ".repeat(40);
    let mut probe = start_paused(titled("in-place-args", &[&title]));
    let area = probe.cmdline().len();
    assert!(
        area < title.len(),
        "the title must exceed the argument area"
    );
    let report = probe.resume();
    let expected = &title[..area - 1];
    assert_eq!(report.results, ["ok"], "set()");
    assert_eq!(report.capacity, area - 1, "capacity()");
    assert_eq!(
        shown(&probe.cmdline()),
        shown(&with_nul(expected)),
        "/proc/PID/cmdline"
    );
    assert_eq!(probe.ps_args(), expected, "ps -o args");
    probe.finish();
}

#[test]
fn moved_long_title_with_tiny_start() {
    // argv[0] is "xy" and the environment is empty, so the original argument area
    // (under 80 bytes) is far smaller than the title.
    let settings = [
        "PROBE_BACKEND=moved",
        "PROBE_TITLES=0123456789",
        "PROBE_REPEAT=30",
    ];
    let title = "0123456789".repeat(30);
    let mut command = Command::new(probe_path());
    command
        .arg0("xy")
        .args(settings)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let (probe, report) = start(command);
    assert_eq!(report.vars.len(), 0, "the environment is empty");
    assert_eq!(report.results, ["ok"], "set()");
    assert_eq!(report.backend, "moved", "backend()");
    assert_eq!(report.capacity, page_size() - 1, "capacity()");
    assert_eq!(
        shown(&probe.cmdline()),
        shown(&with_nul(&title)),
        "/proc/PID/cmdline"
    );
    assert_eq!(probe.ps_args(), title, "ps -o args");
    assert!(probe.environ().is_empty(), "/proc/PID/environ stays empty");
    probe.finish();
}
