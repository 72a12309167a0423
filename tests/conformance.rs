//! Behaviour that programs moving from Python's `setproctitle` rely on, checked from
//! outside the process with `ps` and `/proc`: the original command line before any
//! title, titles with unusual command lines and environments, and the capacity limits.
//!
//! `tests/conformance_processes.rs` covers fork, thread names, an empty `argv` and a
//! library loaded with `dlopen`.

#![cfg(target_os = "linux")]

mod common;

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{
    backend_name, comm_of, nul_separated, probe_command, probe_command_at, probe_path, shown,
    start, start_paused, title_list, titled, with_nul, BACKENDS,
};

/// `PROBE_BACKEND` values for every backend, the runtime's own choice first.
const ALL_SETTINGS: [&str; 5] = ["", "moved", "in-place", "in-place-args", "name-only"];

/// `PROBE_BACKEND` values for the backends that change the command line.
const WRITING_SETTINGS: [&str; 4] = ["", "moved", "in-place", "in-place-args"];

/// Returns `text` cut to at most `max` bytes at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn probe_path_text() -> String {
    probe_path()
        .to_str()
        .expect("the probe path is UTF-8")
        .to_owned()
}

/// Returns the backend name `backend()` reports for a `PROBE_BACKEND` value, where
/// an empty value lets the runtime choose the moved backend.
fn expected_backend(setting: &str) -> &'static str {
    match setting {
        "" => "moved",
        "name-only" => "name-only",
        _ => backend_name(setting),
    }
}

/// Returns the `NAME=VALUE` pairs `command` passes.
fn passed_vars(command: &Command) -> Vec<Vec<u8>> {
    command
        .get_envs()
        .filter_map(|(name, value)| {
            let value = value?;
            Some([name.as_bytes(), b"=", value.as_bytes()].concat())
        })
        .collect()
}

fn sorted(mut list: Vec<Vec<u8>>) -> Vec<String> {
    list.sort();
    list.iter().map(|bytes| shown(bytes)).collect()
}

/// A directory under the build's scratch space, removed when dropped.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(name: &str) -> ScratchDir {
        let path =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|error| panic!("creating {} failed: {error}", path.display()));
        ScratchDir(path)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn get_before_set_is_complete() {
    let argument_lists: [&[&str]; 2] = [&["--port", "8080", "z"], &["-", "€uro", "☃"]];
    for setting in ALL_SETTINGS {
        for arguments in argument_lists {
            for empty_environment in [false, true] {
                for init in [false, true] {
                    let case = format!(
                        "backend {setting:?}, arguments {arguments:?}, \
                         empty environment {empty_environment}, init() {init}"
                    );
                    let mut command = probe_command();
                    let mut argv = vec![probe_path_text()];
                    if empty_environment {
                        // With no environment the argument area ends the stack strings,
                        // so an off-by-one there would cut the last character.
                        command.env_clear();
                        let settings = [
                            format!("PROBE_BACKEND={setting}"),
                            format!("PROBE_INIT={}", u8::from(init)),
                        ];
                        command.args(&settings);
                        argv.extend(settings);
                    } else {
                        command
                            .env("PROBE_BACKEND", setting)
                            .env("PROBE_INIT", if init { "1" } else { "0" });
                    }
                    command.args(arguments);
                    argv.extend(arguments.iter().map(|argument| argument.to_string()));
                    let expected = argv.join(" ");

                    let (probe, report) = start(command);
                    assert_eq!(report.options, "ok", "{case}: Options::apply()");
                    assert!(report.results.is_empty(), "{case}: no set() ran");
                    assert_eq!(report.get, expected, "{case}: get()");
                    assert_eq!(
                        report.backend,
                        expected_backend(setting),
                        "{case}: backend()"
                    );
                    assert_eq!(probe.ps_args(), expected, "{case}: ps -o args");
                    probe.finish();
                }
            }
        }
    }
}

#[test]
fn main_thread_title_in_ps_and_status() {
    // "ERP: worker 12☃" is 17 bytes, so the 15-byte name ends before the snowman.
    let title = "ERP: worker 12☃ importing orders";
    let name = "ERP: worker 12";
    assert_eq!(comm_of(title), name);
    for setting in WRITING_SETTINGS {
        let mut command = titled(setting, &[title]);
        // Room for the title in the argument area alone.
        command.arg("p".repeat(64));
        let (probe, report) = start(command);
        assert_eq!(report.results, ["ok"], "{setting:?}: set()");
        assert_eq!(
            report.backend,
            expected_backend(setting),
            "{setting:?}: backend()"
        );
        assert_eq!(report.get, title, "{setting:?}: get()");
        assert_eq!(probe.ps_args(), title, "{setting:?}: ps -o args");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&with_nul(title)),
            "{setting:?}: /proc/PID/cmdline"
        );
        assert_eq!(probe.ps_comm(), name, "{setting:?}: ps -o comm");
        assert_eq!(
            probe.status_name(),
            name,
            "{setting:?}: Name in /proc/PID/status"
        );
        assert_eq!(probe.comm(), name, "{setting:?}: /proc/PID/comm");
        probe.finish();
    }
}

#[test]
fn long_title_then_environment_changes() {
    for setting in BACKENDS {
        let mut command = probe_command();
        // Room for the title in the environment strings, for the in-place backend.
        command.env("ERP_PADDING", "p".repeat(2048));
        let path = std::env::var("PATH").unwrap_or_default();
        let original_len = probe_path_text().len();
        let title: String = "ERP: long title "
            .chars()
            .cycle()
            .take(original_len + 1024)
            .collect();
        command
            .env("PROBE_BACKEND", setting)
            .env("PROBE_TITLES", title_list(&[&title]))
            .env(
                "PROBE_ENV_AFTER",
                "set ERP_ADDED=added after the title\nappend PATH=:/opt/erp/bin",
            )
            .env("PROBE_CHILD_ENV", "1");
        let added = b"ERP_ADDED=added after the title".to_vec();
        let appended = format!("PATH={path}:/opt/erp/bin").into_bytes();
        let mut expected_vars = passed_vars(&command);
        for pair in expected_vars.iter_mut() {
            if pair.starts_with(b"PATH=") {
                pair.clone_from(&appended);
            }
        }
        expected_vars.push(added);
        let expected_vars = sorted(expected_vars);
        let (probe, report) = start(command);
        assert_eq!(report.results, ["ok"], "{setting}: set()");
        let expected = cut(&title, report.capacity);
        if setting != "in-place-args" {
            assert_eq!(expected, title, "{setting}: the title fits the capacity");
        }
        assert_eq!(report.get, expected, "{setting}: get()");
        assert!(
            title.starts_with(&report.get),
            "{setting}: get() is the start of the title"
        );
        assert_eq!(probe.ps_args(), expected, "{setting}: ps -o args");
        assert_eq!(
            sorted(report.vars),
            expected_vars,
            "{setting}: std::env::vars_os()"
        );
        assert_eq!(
            sorted(report.child_vars),
            expected_vars,
            "{setting}: environment of a child env"
        );
        probe.finish();
    }
}

#[test]
fn huge_command_line_then_short_title() {
    let title = "ERP: idle";
    // 64 arguments of 1 KiB, then 160 arguments of 1 KiB: more than 128 KiB in all.
    for count in [64, 160] {
        let arguments: Vec<String> = (0..count)
            .map(|index| {
                let letter = char::from(b'a' + (index % 26) as u8);
                letter.to_string().repeat(1024)
            })
            .collect();
        let mut argv = vec![probe_path().into_os_string().into_encoded_bytes()];
        argv.extend(
            arguments
                .iter()
                .map(|argument| argument.as_bytes().to_vec()),
        );
        for setting in WRITING_SETTINGS {
            let case = format!("{count} arguments, backend {setting:?}");
            let mut command = titled(setting, &[title]);
            command.args(&arguments);
            let (probe, report) = start(command);
            assert_eq!(report.results, ["ok"], "{case}: set()");
            assert_eq!(report.get, title, "{case}: get()");
            assert_eq!(probe.ps_args(), title, "{case}: ps -o args");
            assert_eq!(
                shown(&probe.cmdline()),
                shown(&with_nul(title)),
                "{case}: /proc/PID/cmdline"
            );
            assert!(
                report.args == argv,
                "{case}: std::env::args_os() changed; the first differing argument is {:?}",
                report
                    .args
                    .iter()
                    .zip(&argv)
                    .position(|(seen, passed)| seen != passed)
            );
            probe.finish();
        }
    }
}

#[test]
fn non_ascii_path_and_arguments() {
    let directory = ScratchDir::new("conformance-verzeichnis ☃ ü");
    let link = directory.0.join("prøbe-€");
    std::os::unix::fs::symlink(probe_path(), &link).expect("creating the symlink failed");
    let link_text = link.to_str().expect("the link path is UTF-8").to_owned();
    let arguments = ["-", "€", "☃ snow", "--name=Jürgen"];
    let title = "ERP: Prüfung € ☃ -";
    for setting in WRITING_SETTINGS {
        let mut command = probe_command_at(&link);
        command
            .env("PROBE_BACKEND", setting)
            .env("PROBE_TITLES", title_list(&[title]));
        command.args(arguments);
        let mut probe = start_paused(command);

        let mut original = vec![link_text.as_str()];
        original.extend(arguments);
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&nul_separated(&original)),
            "{setting:?}: /proc/PID/cmdline before set()"
        );
        // The kernel names the process after the file it executed: the link.
        assert_eq!(probe.ps_comm(), "prøbe-€", "{setting:?}: ps -o comm before");

        let report = probe.resume();
        assert_eq!(report.results, ["ok"], "{setting:?}: set()");
        assert_eq!(report.get, title, "{setting:?}: get()");
        assert_eq!(probe.ps_args(), title, "{setting:?}: ps -o args");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&with_nul(title)),
            "{setting:?}: /proc/PID/cmdline"
        );
        assert_eq!(probe.ps_comm(), comm_of(title), "{setting:?}: ps -o comm");
        assert_eq!(
            probe.status_name(),
            comm_of(title),
            "{setting:?}: Name in /proc/PID/status"
        );
        let expected_args: Vec<String> = original.iter().map(|a| shown(a.as_bytes())).collect();
        let seen_args: Vec<String> = report.args.iter().map(|a| shown(a)).collect();
        assert_eq!(seen_args, expected_args, "{setting:?}: std::env::args_os()");
        probe.finish();
    }
}

/// Checks the in-place backend without relocation: the title is cut to the argument
/// area and `/proc/PID/environ` keeps every byte.
fn check_environ_kept(case: &str, mut command: Command) {
    let expected_vars = sorted(passed_vars(&command));
    let original_len = probe_path_text().len();
    let title: String = "ERP: ten times "
        .chars()
        .cycle()
        .take(10 * original_len)
        .collect();
    command
        .env("PROBE_BACKEND", "in-place-args")
        .env("PROBE_TITLES", title_list(&[&title]));
    let mut probe = start_paused(command);
    let environ_before = probe.environ();
    let area = probe.cmdline().len();
    assert!(
        area < title.len(),
        "{case}: the title exceeds the argument area"
    );

    let report = probe.resume();
    let expected = cut(&title, area - 1);
    assert_eq!(report.results, ["ok"], "{case}: set()");
    assert_eq!(report.capacity, area - 1, "{case}: capacity()");
    assert_eq!(report.get, expected, "{case}: get()");
    assert_eq!(probe.ps_args(), expected, "{case}: ps -o args");
    assert_eq!(
        shown(&probe.cmdline()),
        shown(&with_nul(expected)),
        "{case}: /proc/PID/cmdline"
    );
    let environ_after = probe.environ();
    assert_eq!(
        environ_after.len(),
        environ_before.len(),
        "{case}: length of /proc/PID/environ"
    );
    assert!(
        environ_after == environ_before,
        "{case}: /proc/PID/environ changed at byte {:?}",
        environ_after
            .iter()
            .zip(&environ_before)
            .position(|(after, before)| after != before)
    );
    // The probe settings, some added after `expected_vars` was taken, are left out.
    let mut seen_vars = report.vars.clone();
    seen_vars.retain(|pair| !pair.starts_with(b"PROBE_"));
    let mut expected_vars = expected_vars;
    expected_vars.retain(|pair| !pair.starts_with("PROBE_"));
    assert_eq!(
        sorted(seen_vars),
        expected_vars,
        "{case}: std::env::vars_os()"
    );
    probe.finish();
}

#[test]
fn no_relocation_keeps_environ() {
    check_environ_kept("small environment", probe_command());

    // 26 variables of 1 KiB to 26 KiB: 351 KiB of environment strings.
    let mut command = probe_command();
    for index in 0..26u8 {
        let letter = char::from(b'A' + index);
        let value = letter.to_string().repeat(1024 * (usize::from(index) + 1));
        command.env(format!("ERP_BIG_{letter}"), value);
    }
    check_environ_kept("26 variables of 1 to 26 KiB", command);
}

#[test]
fn cleared_environment_before_first_set() {
    let title = "ERP: no environment";
    for edit in ["clearenv", "remove-all"] {
        for setting in WRITING_SETTINGS {
            let case = format!("{edit}, backend {setting:?}");
            let mut command = titled(setting, &[title]);
            command.env("PROBE_ENV_BEFORE", edit);
            let (probe, report) = start(command);
            assert_eq!(report.results, ["ok"], "{case}: set()");
            assert!(report.vars.is_empty(), "{case}: the environment is empty");
            assert_eq!(report.get, title, "{case}: get()");
            assert_eq!(probe.ps_args(), title, "{case}: ps -o args");
            assert_eq!(
                shown(&probe.cmdline()),
                shown(&with_nul(title)),
                "{case}: /proc/PID/cmdline"
            );
            assert_eq!(probe.ps_comm(), comm_of(title), "{case}: ps -o comm");
            probe.finish();
        }
    }
}

#[test]
fn first_variable_replaced_before_set() {
    let title = "ERP: after setenv";
    let path = std::env::var("PATH").unwrap_or_default();
    // The probe's command passes its variables sorted by name, so PATH comes first.
    let replaced = format!("{path}:/opt/replaced");
    for setting in ALL_SETTINGS {
        let mut command = titled(setting, &[title]);
        command
            .env(
                "PROBE_ENV_BEFORE",
                format!("set-first {replaced}\nset ERP_NEW=added before the title"),
            )
            .env("PROBE_CHILD_ENV", "1");
        let (probe, report) = start(command);
        assert_eq!(report.results.len(), 1, "{setting:?}: one set()");
        let result = &report.results[0];
        if result == "ok" {
            assert_eq!(probe.ps_args(), title, "{setting:?}: ps -o args");
            assert_eq!(
                shown(&probe.cmdline()),
                shown(&with_nul(title)),
                "{setting:?}: /proc/PID/cmdline"
            );
        } else {
            // The only acceptable failure is the name-only backend's error.
            assert_eq!(setting, "name-only", "{setting:?}: set() returned {result}");
            assert!(
                result.starts_with("err CommandLineUnchanged"),
                "{setting:?}: set() returned {result}"
            );
        }
        assert_eq!(report.get, title, "{setting:?}: get()");
        assert_eq!(probe.ps_comm(), comm_of(title), "{setting:?}: ps -o comm");
        let first = format!("PATH={replaced}").into_bytes();
        let added = b"ERP_NEW=added before the title".to_vec();
        assert_eq!(
            report.vars.first().map(|pair| shown(pair)),
            Some(shown(&first)),
            "{setting:?}: first variable of std::env::vars_os()"
        );
        assert!(
            report.vars.contains(&added),
            "{setting:?}: std::env::vars_os() lacks the added variable"
        );
        assert!(
            report.child_vars.contains(&first) && report.child_vars.contains(&added),
            "{setting:?}: a child env lacks a changed variable: {:?}",
            sorted(report.child_vars.clone())
        );
        probe.finish();
    }
}

#[test]
fn capacity_exact_and_one_more() {
    for setting in BACKENDS {
        // A title of exactly the capacity, ending with a three-byte character, shows in
        // full. One byte more cuts inside that character, so all of it goes.
        for (delta, cut_len) in [("0", 0), ("1", 3)] {
            let case = format!("backend {setting}, capacity + {delta}");
            let mut command = titled(setting, &[]);
            command
                .env("PROBE_FILL", delta)
                .env("PROBE_FILL_END", "€")
                .arg("p".repeat(64));
            let (probe, report) = start(command);
            let title = report.fill_title.clone().expect("the probe built a title");
            assert_eq!(report.init.as_deref(), Some("ok"), "{case}: init()");
            assert_eq!(report.results, ["ok"], "{case}: set()");
            let expected = &title[..title.len() - cut_len];
            assert_eq!(
                expected.len(),
                report.capacity - cut_len + delta.parse::<usize>().unwrap(),
                "{case}: length of the expected title"
            );
            assert_eq!(report.get, expected, "{case}: get()");
            assert_eq!(probe.ps_args(), expected, "{case}: ps -o args");
            assert_eq!(
                shown(&probe.cmdline()),
                shown(&with_nul(expected)),
                "{case}: /proc/PID/cmdline"
            );
            probe.finish();
        }
    }
}

#[test]
fn nul_title_changes_nothing_outside() {
    let first = "ERP: before the NUL";
    for setting in ALL_SETTINGS {
        let (probe, report) = start(titled(setting, &[first, "ERP: bad\0title"]));
        assert_eq!(report.results.len(), 2, "{setting:?}: two set() calls");
        assert_eq!(
            report.results[1], "err Nul { position: 8 }",
            "{setting:?}: set() with a NUL"
        );
        assert_eq!(report.get, first, "{setting:?}: get()");
        assert_eq!(probe.ps_comm(), comm_of(first), "{setting:?}: ps -o comm");
        assert_eq!(
            probe.status_name(),
            comm_of(first),
            "{setting:?}: Name in /proc/PID/status"
        );
        if setting != "name-only" {
            assert_eq!(probe.ps_args(), first, "{setting:?}: ps -o args");
        }
        probe.finish();
    }
}

#[test]
fn get_on_other_thread_first() {
    let arguments = ["alpha", "€uro", "z"];
    let mut original = vec![probe_path_text()];
    original.extend(arguments.iter().map(|argument| argument.to_string()));
    let original = original.join(" ");
    let title = "ERP: after get on a thread";
    for setting in ALL_SETTINGS {
        let mut command = titled(setting, &[title]);
        command.env("PROBE_GET_FROM_THREAD", "1").args(arguments);
        let (probe, report) = start(command);
        assert_eq!(
            report.thread_get.as_deref(),
            Some(original.as_str()),
            "{setting:?}: get() on a thread before anything else"
        );
        // The thread has ended, so even the moved backend can start.
        assert_eq!(
            report.backend,
            expected_backend(setting),
            "{setting:?}: backend()"
        );
        assert_eq!(report.get, title, "{setting:?}: get()");
        if setting != "name-only" {
            assert_eq!(report.results, ["ok"], "{setting:?}: set()");
            assert_eq!(probe.ps_args(), title, "{setting:?}: ps -o args");
        }
        probe.finish();
    }
}
