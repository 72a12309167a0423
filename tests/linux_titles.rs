//! What `ps` and `/proc/PID/cmdline` show after `set()`, checked from outside the
//! process, for each backend that can change the command line.

#![cfg(target_os = "linux")]

mod common;

use common::{
    backend_name, comm_of, nul_separated, page_size, probe_command, probe_path, shown, start,
    start_paused, titled, with_nul, BACKENDS, PROBE_COMM,
};

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

#[test]
fn short_title_shows_exactly() {
    let title = "ERP: import orders";
    for backend in BACKENDS {
        let (probe, report) = start(titled(backend, &[title]));
        assert_eq!(report.results, ["ok"], "{backend}: set()");
        assert_eq!(
            report.backend,
            backend_name(backend),
            "{backend}: backend in use"
        );
        assert_eq!(report.get, title, "{backend}: get()");
        assert_eq!(probe.ps_args(), title, "{backend}: ps -o args");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&with_nul(title)),
            "{backend}: /proc/PID/cmdline"
        );
        assert_eq!(probe.comm(), comm_of(title), "{backend}: /proc/PID/comm");
        assert_eq!(probe.ps_comm(), comm_of(title), "{backend}: ps -o comm");
        probe.finish();
    }
}

#[test]
fn moved_long_title_fills_page() {
    let capacity = page_size() - 1;
    let pattern = "0123456789".repeat(page_size());
    for length in [300, 3000, capacity, page_size() + 1000] {
        let title = &pattern[..length];
        let expected = &pattern[..length.min(capacity)];
        let (probe, report) = start(titled("moved", &[title]));
        assert_eq!(report.results, ["ok"], "{length} bytes: set()");
        assert_eq!(report.capacity, capacity, "{length} bytes: capacity()");
        assert_eq!(report.get, expected, "{length} bytes: get()");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&with_nul(expected)),
            "{length} bytes: /proc/PID/cmdline"
        );
        assert_eq!(probe.ps_args(), expected, "{length} bytes: ps -o args");
        probe.finish();
    }
}

#[test]
fn in_place_title_longer_than_arguments() {
    // The original command line is the probe path alone. The title is longer, but the
    // environment strings after the arguments leave room for all of it.
    let title = "a".repeat(probe_path_text().len() + 40);
    let mut probe = start_paused(titled("in-place", &[&title]));
    let room = probe.cmdline().len() + probe.environ().len() - 1;
    assert!(
        room > title.len(),
        "the probe's environment is too small for the test"
    );
    let report = probe.resume();
    assert_eq!(report.results, ["ok"], "set()");
    assert_eq!(report.capacity, room.min(page_size() - 1), "capacity()");
    assert_eq!(
        shown(&probe.cmdline()),
        shown(&with_nul(&title)),
        "/proc/PID/cmdline"
    );
    assert_eq!(probe.ps_args(), title, "ps -o args");
    probe.finish();
}

#[test]
fn in_place_long_title_cut_to_capacity() {
    for backend in ["in-place", "in-place-args"] {
        // PROBE_REPEAT keeps the title out of the environment, so that the area, and
        // with it the capacity, is smaller than the title.
        let mut command = titled(backend, &["0123456789"]);
        command.env("PROBE_REPEAT", "500");
        let title = "0123456789".repeat(500);
        let mut probe = start_paused(command);
        let arguments = probe.cmdline().len();
        let environment = probe.environ().len();
        let area = match backend {
            "in-place" => arguments + environment,
            _ => arguments,
        };
        let capacity = (area - 1).min(page_size() - 1);
        let report = probe.resume();
        let expected = &title[..capacity];
        assert_eq!(report.results, ["ok"], "{backend}: set()");
        assert_eq!(report.capacity, capacity, "{backend}: capacity()");
        assert_eq!(report.get, expected, "{backend}: get()");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&with_nul(expected)),
            "{backend}: /proc/PID/cmdline"
        );
        assert_eq!(probe.ps_args(), expected, "{backend}: ps -o args");
        probe.finish();
    }
}

#[test]
fn in_place_cut_at_char_boundary() {
    // Pad the arguments so that the capacity falls inside a three-byte `€`.
    let path_len = probe_path_text().len();
    let padding = (1..=3)
        .map(|count| "p".repeat(count))
        .find(|padding| (path_len + 1 + padding.len()) % 3 == 1)
        .expect("one of three paddings fits");
    let capacity = path_len + 1 + padding.len();
    let title = "€".repeat(capacity);
    let mut command = titled("in-place-args", &[&title]);
    command.arg(&padding);
    let (probe, report) = start(command);
    let expected = cut(&title, capacity);
    assert_eq!(report.capacity, capacity, "capacity()");
    assert_eq!(
        expected.len(),
        capacity - 1,
        "the cut falls inside a character"
    );
    assert_eq!(report.get, expected, "get()");
    assert_eq!(
        shown(&probe.cmdline()),
        shown(&with_nul(expected)),
        "/proc/PID/cmdline"
    );
    assert_eq!(probe.ps_args(), expected, "ps -o args");
    probe.finish();
}

#[test]
fn long_then_short_leaves_nothing() {
    let long = "ERP: long title ".repeat(20);
    let short = "ERP: idle";
    for backend in BACKENDS {
        let (probe, report) = start(titled(backend, &[&long, short]));
        assert_eq!(report.results, ["ok", "ok"], "{backend}: set()");
        assert_eq!(report.get, short, "{backend}: get()");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&with_nul(short)),
            "{backend}: /proc/PID/cmdline"
        );
        assert_eq!(probe.ps_args(), short, "{backend}: ps -o args");
        assert_eq!(probe.comm(), short, "{backend}: /proc/PID/comm");
        probe.finish();
    }
}

#[test]
fn multibyte_title_shows_exactly() {
    // "ERP: €€€" is 14 bytes, and the snowman after it would end at byte 17.
    let title = "ERP: €€€☃ Prüfung";
    for backend in BACKENDS {
        let (probe, report) = start(titled(backend, &[title]));
        assert_eq!(report.results, ["ok"], "{backend}: set()");
        assert_eq!(report.get, title, "{backend}: get()");
        assert_eq!(probe.ps_args(), title, "{backend}: ps -o args");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&with_nul(title)),
            "{backend}: /proc/PID/cmdline"
        );
        assert_eq!(probe.comm(), "ERP: €€€", "{backend}: /proc/PID/comm");
        assert_eq!(probe.ps_comm(), "ERP: €€€", "{backend}: ps -o comm");
        probe.finish();
    }
}

#[test]
fn nul_title_changes_nothing() {
    for backend in BACKENDS {
        let (probe, report) = start(titled(backend, &["ERP: first", "bad\0title"]));
        assert_eq!(
            report.results,
            ["ok", "err Nul { position: 3 }"],
            "{backend}: set()"
        );
        assert_eq!(report.get, "ERP: first", "{backend}: get()");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&with_nul("ERP: first")),
            "{backend}: /proc/PID/cmdline"
        );
        assert_eq!(probe.comm(), "ERP: first", "{backend}: /proc/PID/comm");
        probe.finish();
    }
}

#[test]
fn nul_first_title_keeps_original() {
    for backend in BACKENDS {
        let (probe, report) = start(titled(backend, &["\0"]));
        assert_eq!(
            report.results,
            ["err Nul { position: 0 }"],
            "{backend}: set()"
        );
        assert_eq!(report.get, probe_path_text(), "{backend}: get()");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&nul_separated(&[probe_path_text()])),
            "{backend}: /proc/PID/cmdline"
        );
        assert_eq!(probe.comm(), PROBE_COMM, "{backend}: /proc/PID/comm");
        probe.finish();
    }
}

#[test]
fn control_characters_show_as_question_marks() {
    let title = "ERP:\tload\nstep\x1b[1m\x7f";
    let expected = "ERP:?load?step?[1m?";
    for backend in BACKENDS {
        let (probe, report) = start(titled(backend, &[title]));
        assert_eq!(report.results, ["ok"], "{backend}: set()");
        assert_eq!(report.get, expected, "{backend}: get()");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&with_nul(expected)),
            "{backend}: /proc/PID/cmdline"
        );
        assert_eq!(probe.ps_args(), expected, "{backend}: ps -o args");
        assert_eq!(probe.comm(), comm_of(expected), "{backend}: /proc/PID/comm");
        probe.finish();
    }
}

#[test]
fn get_before_set_is_original() {
    let last = format!("{}END", "z".repeat(5000));
    let extra = ["one", "two  spaces", "", "€uro ☃", &last];
    let mut arguments = vec![probe_path_text()];
    arguments.extend(extra.iter().map(|argument| argument.to_string()));
    let expected = arguments.join(" ");
    for backend in ["", "moved", "in-place", "in-place-args", "name-only"] {
        let mut command = titled(backend, &[]);
        command.args(extra);
        let (probe, report) = start(command);
        assert_eq!(
            report.get.len(),
            expected.len(),
            "{backend:?}: length of get()"
        );
        assert_eq!(report.get, expected, "{backend:?}: get()");
        probe.finish();
    }
}

#[test]
fn nothing_changes_until_first_set() {
    let extra = ["alpha", "beta gamma"];
    let original = nul_separated(&[probe_path_text().as_str(), extra[0], extra[1]]);
    for backend in ["", "moved", "in-place", "in-place-args"] {
        let mut command = titled(backend, &[]);
        command.args(extra);
        let (probe, report) = start(command);
        assert!(report.results.is_empty(), "{backend:?}: no set() ran");
        assert_eq!(
            shown(&probe.cmdline()),
            shown(&original),
            "{backend:?}: /proc/PID/cmdline"
        );
        assert_eq!(probe.comm(), PROBE_COMM, "{backend:?}: /proc/PID/comm");
        assert_eq!(
            shown(&probe.environ()),
            shown(&nul_separated(&report.vars)),
            "{backend:?}: /proc/PID/environ"
        );
        probe.finish();
    }
}

#[test]
fn probe_without_titles_reports_backend() {
    // Guards the other tests: each requested backend really starts on this machine.
    for backend in BACKENDS {
        let (probe, report) = start(titled(backend, &[]));
        assert_eq!(report.options, "ok", "{backend}: Options::apply()");
        assert_eq!(
            report.backend,
            backend_name(backend),
            "{backend}: backend()"
        );
        probe.finish();
    }
    let (probe, report) = start(probe_command());
    assert_eq!(report.backend, "moved", "default backend()");
    assert_eq!(report.capacity, page_size() - 1, "default capacity()");
    probe.finish();
}
