//! The process `comm` (what `ps -o comm`, `top` and `pgrep` show) under each `Comm`
//! policy, and the name-only backend, checked from outside the process.

#![cfg(target_os = "linux")]

mod common;

use common::{
    backend_name, comm_of, nul_separated, probe_path, shown, start, titled, with_nul, BACKENDS,
    PROBE_COMM,
};

#[test]
fn comm_keep_leaves_name() {
    let title = "ERP: import orders";
    for backend in BACKENDS {
        let mut command = titled(backend, &[title]);
        command.env("PROBE_COMM", "keep");
        let (probe, report) = start(command);
        assert_eq!(report.options, "ok", "{backend}: Options::apply()");
        assert_eq!(report.results, ["ok"], "{backend}: set()");
        assert_eq!(probe.comm(), PROBE_COMM, "{backend}: /proc/PID/comm");
        assert_eq!(probe.ps_comm(), PROBE_COMM, "{backend}: ps -o comm");
        assert_eq!(probe.ps_args(), title, "{backend}: ps -o args");
        probe.finish();
    }
}

#[test]
fn comm_fixed_sets_name() {
    let cases = [
        ("erp-worker", "erp-worker"),
        ("erp-import-worker-7", "erp-import-work"),
        // Six snowmen are 18 bytes; five fit in 15.
        ("☃☃☃☃☃☃", "☃☃☃☃☃"),
    ];
    for backend in BACKENDS {
        for (name, expected) in cases {
            let mut command = titled(backend, &["ERP: import orders"]);
            command.env("PROBE_COMM", format!("fixed:{name}"));
            let (probe, report) = start(command);
            assert_eq!(report.options, "ok", "{backend} {name}: Options::apply()");
            assert_eq!(report.results, ["ok"], "{backend} {name}: set()");
            assert_eq!(probe.comm(), expected, "{backend} {name}: /proc/PID/comm");
            assert_eq!(probe.ps_comm(), expected, "{backend} {name}: ps -o comm");
            probe.finish();
        }
    }
}

#[test]
fn comm_follows_title_set_by_thread() {
    let title = "ERP: worker thread title";
    for backend in BACKENDS {
        let mut command = titled(backend, &[title]);
        command.env("PROBE_FROM_THREAD", "1");
        let (probe, report) = start(command);
        assert_eq!(report.init.as_deref(), Some("ok"), "{backend}: init()");
        assert_eq!(
            report.backend,
            backend_name(backend),
            "{backend}: backend()"
        );
        assert_eq!(report.results, ["ok"], "{backend}: set() on a thread");
        assert_eq!(probe.comm(), comm_of(title), "{backend}: /proc/PID/comm");
        assert_eq!(probe.ps_comm(), comm_of(title), "{backend}: ps -o comm");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&with_nul(title)),
            "{backend}: /proc/PID/cmdline"
        );
        probe.finish();
    }
}

#[test]
fn name_only_keeps_command_line() {
    let title = "ERP: nightly batch";
    let path = probe_path()
        .to_str()
        .expect("the probe path is UTF-8")
        .to_owned();
    // Through the environment variable, through the API, and the variable overriding
    // a different API choice.
    let cases = [("none", ""), ("", "name-only"), ("none", "moved")];
    for (variable, api) in cases {
        let case = format!("PROC_TITLE_BACKEND={variable:?} PROBE_BACKEND={api:?}");
        let mut command = titled(api, &[title]);
        command.env("PROC_TITLE_BACKEND", variable).arg("alpha");
        let (probe, report) = start(command);
        assert_eq!(report.results.len(), 1, "{case}: one set()");
        assert!(
            report.results[0].starts_with("err CommandLineUnchanged"),
            "{case}: set() returned {:?}",
            report.results[0]
        );
        assert_eq!(report.backend, "name-only", "{case}: backend()");
        assert_eq!(report.get, title, "{case}: get()");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&nul_separated(&[path.as_str(), "alpha"])),
            "{case}: /proc/PID/cmdline"
        );
        assert_eq!(
            probe.ps_args(),
            format!("{path} alpha"),
            "{case}: ps -o args"
        );
        assert_eq!(probe.comm(), comm_of(title), "{case}: /proc/PID/comm");
        assert_eq!(probe.ps_comm(), comm_of(title), "{case}: ps -o comm");
        probe.finish();
    }
}
