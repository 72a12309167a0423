//! Starts `examples/title_probe` and inspects it from outside: `/proc/PID/*` and the
//! real `ps`.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// How long a probe may take to print its report.
const REPORT_TIMEOUT: Duration = Duration::from_secs(30);

/// The backends a test can request: the `PROBE_BACKEND` values of the probe.
pub const BACKENDS: [&str; 3] = ["moved", "in-place", "in-place-args"];

/// Returns the backend name the runtime reports for a `PROBE_BACKEND` value.
pub fn backend_name(setting: &str) -> &'static str {
    match setting {
        "moved" => "moved",
        "in-place" | "in-place-args" => "in-place",
        _ => panic!("no backend name for {setting:?}"),
    }
}

/// The `comm` the probe starts with: its file name.
pub const PROBE_COMM: &str = "title_probe";

/// Returns the path of the probe, which `cargo test` builds next to the test binaries.
pub fn probe_path() -> PathBuf {
    let test_binary = std::env::current_exe().expect("the test binary has a path");
    let profile_dir = test_binary
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test binary lives in target/PROFILE/deps");
    let path = profile_dir.join("examples").join("title_probe");
    assert!(
        path.exists(),
        "{} not found: build it with `cargo test --workspace` or \
         `cargo build --example title_probe`",
        path.display()
    );
    path
}

/// Returns a command for the probe with a small, known environment: `PATH` (for the
/// `env` child) and `PROBE_ENV_CHECK`.
pub fn probe_command() -> Command {
    probe_command_at(&probe_path())
}

/// Returns a command like [`probe_command`] that runs `program`, a path that leads to
/// the probe, such as a symbolic link to it.
pub fn probe_command_at(program: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PROBE_ENV_CHECK", "environment value with spaces")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    command
}

/// Returns a probe command that sets `titles` with `backend`.
pub fn titled(backend: &str, titles: &[&str]) -> Command {
    let mut command = probe_command();
    command
        .env("PROBE_BACKEND", backend)
        .env("PROBE_TITLES", title_list(titles));
    command
}

/// Encodes titles for `PROBE_TITLES`.
pub fn title_list(titles: &[&str]) -> String {
    let escaped: Vec<String> = titles.iter().map(|t| escape(t.as_bytes())).collect();
    escaped.join("\n")
}

/// What the probe printed after setting its titles.
#[derive(Debug, Default)]
pub struct Report {
    /// Outcome of `Options::apply`: `ok` or `err` and the error's `Debug` form.
    pub options: String,
    /// Outcome of `init()` when titles were set from a spawned thread.
    pub init: Option<String>,
    /// Outcome of each `set()`, in order.
    pub results: Vec<String>,
    pub backend: String,
    pub capacity: usize,
    /// What `get()` returned.
    pub get: String,
    /// `std::env::args_os()`.
    pub args: Vec<Vec<u8>>,
    /// `std::env::vars_os()` as `NAME=VALUE`.
    pub vars: Vec<Vec<u8>>,
    /// The environment a child `env` printed.
    pub child_vars: Vec<Vec<u8>>,
    /// What `get()` returned on a spawned thread before anything else ran.
    pub thread_get: Option<String>,
    /// The title `PROBE_FILL` built.
    pub fill_title: Option<String>,
    /// The threads `PROBE_THREAD_NAMES` started, in order.
    pub threads: Vec<NamedThread>,
    /// The child `PROBE_FORK` started.
    pub fork_pid: Option<u32>,
    /// What that child reported after setting its title: `ok` or what went wrong.
    pub fork_result: Option<String>,
}

/// A thread the probe named with `thread::set`.
#[derive(Debug, Default)]
pub struct NamedThread {
    pub tid: u32,
    /// Outcome of `thread::set`.
    pub result: String,
    /// What `thread::get` returned afterwards.
    pub name: String,
}

/// A running probe. Dropping it kills the process if the test did not finish it.
pub struct Probe {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

/// Starts the probe and returns it with its report.
///
/// Panics with the probe's output so far if it exits before printing `ready`.
pub fn start(command: Command) -> (Probe, Report) {
    let mut probe = spawn(command);
    let report = probe.read_report();
    (probe, report)
}

/// Starts a probe run with `PROBE_PAUSE=1` and waits until it prints `paused`.
pub fn start_paused(mut command: Command) -> Probe {
    command.env("PROBE_PAUSE", "1");
    let probe = spawn(command);
    let lines = probe.lines_until("paused");
    let options = lines.iter().find_map(|line| line.strip_prefix("options "));
    assert_eq!(options, Some("ok"), "the probe's options failed: {lines:?}");
    probe
}

fn spawn(mut command: Command) -> Probe {
    let mut child = command.spawn().expect("the probe starts");
    let stdin = child.stdin.take();
    let stdout = child.stdout.take().expect("stdout is piped");
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    Probe {
        child,
        stdin,
        lines,
    }
}

impl Probe {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Lets a paused probe set its titles and returns its report.
    pub fn resume(&mut self) -> Report {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(b"\n").expect("the probe reads stdin");
        stdin.flush().expect("the probe reads stdin");
        self.read_report()
    }

    fn lines_until(&self, last: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            match self.lines.recv_timeout(REPORT_TIMEOUT) {
                Ok(line) if line == last => return lines,
                Ok(line) => lines.push(line),
                Err(error) => {
                    panic!("the probe never printed {last:?} ({error}); it printed {lines:?}")
                }
            }
        }
    }

    fn read_report(&mut self) -> Report {
        let mut report = Report::default();
        for line in self.lines_until("ready") {
            let (key, value) = line.split_once(' ').unwrap_or((&line, ""));
            let bytes = unescape(value);
            let text = || String::from_utf8(bytes.clone()).expect("the report value is UTF-8");
            match key {
                "options" => report.options = text(),
                "init" => report.init = Some(text()),
                "result" => report.results.push(text()),
                "backend" => report.backend = text(),
                "capacity" => report.capacity = text().parse().expect("capacity is a number"),
                "get" => report.get = text(),
                "arg" => report.args.push(bytes),
                "var" => report.vars.push(bytes),
                "child-var" => report.child_vars.push(bytes),
                "thread-get" => report.thread_get = Some(text()),
                "fill-title" => report.fill_title = Some(text()),
                "thread-tid" => report.threads.push(NamedThread {
                    tid: text().parse().expect("the thread id is a number"),
                    ..NamedThread::default()
                }),
                "thread-result" => last_thread(&mut report).result = text(),
                "thread-name" => last_thread(&mut report).name = text(),
                "fork-pid" => report.fork_pid = Some(text().parse().expect("pid is a number")),
                "fork-result" => report.fork_result = Some(text()),
                _ => panic!("unexpected report line {line:?}"),
            }
        }
        report
    }

    /// Returns `/proc/PID/cmdline`.
    pub fn cmdline(&self) -> Vec<u8> {
        self.read_proc("cmdline")
    }

    /// Returns the value of the `Name:` line of `/proc/PID/status`.
    pub fn status_name(&self) -> String {
        status_name(self.pid())
    }

    /// Returns `/proc/PID/task/TID/comm` without its newline: the name of one thread.
    pub fn task_comm(&self, tid: u32) -> String {
        let bytes = self.read_proc(&format!("task/{tid}/comm"));
        let text = String::from_utf8(bytes).expect("comm is UTF-8");
        text.strip_suffix('\n').unwrap_or(&text).to_owned()
    }

    /// Returns `/proc/PID/environ`.
    pub fn environ(&self) -> Vec<u8> {
        self.read_proc("environ")
    }

    /// Returns `/proc/PID/comm` without its newline.
    pub fn comm(&self) -> String {
        let bytes = self.read_proc("comm");
        let text = String::from_utf8(bytes).expect("comm is UTF-8");
        text.strip_suffix('\n').unwrap_or(&text).to_owned()
    }

    fn read_proc(&self, file: &str) -> Vec<u8> {
        read_proc(self.pid(), file)
    }

    /// Returns what `ps -o args= -p PID` prints, without the newline.
    pub fn ps_args(&self) -> String {
        ps(self.pid(), "args=")
    }

    /// Returns what `ps -o comm= -p PID` prints, without the newline.
    pub fn ps_comm(&self) -> String {
        ps(self.pid(), "comm=")
    }

    /// Closes the probe's stdin and checks that it exits with status 0.
    pub fn finish(mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().expect("waiting for the probe failed");
        assert!(status.success(), "the probe exited with {status}");
    }

    /// Closes the probe's stdin, checks that it exits with status 0, and returns the
    /// lines it printed after `ready`.
    pub fn finish_with_output(mut self) -> Vec<String> {
        drop(self.stdin.take());
        let status = self.child.wait().expect("waiting for the probe failed");
        // The reader thread ends at end of file, which comes with the exit.
        let lines: Vec<String> = self.lines.iter().collect();
        assert!(
            status.success(),
            "the probe exited with {status}, after printing {lines:?}"
        );
        lines
    }
}

/// Returns `/proc/PID/FILE` of any process.
pub fn read_proc(pid: u32, file: &str) -> Vec<u8> {
    let path = format!("/proc/{pid}/{file}");
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {path} failed: {error}"))
}

/// Returns the value of the `Name:` line of `/proc/PID/status`. The kernel escapes a
/// backslash and a newline there; titles never hold a newline, so tests avoid only
/// backslashes.
pub fn status_name(pid: u32) -> String {
    let status = String::from_utf8(read_proc(pid, "status")).expect("status is UTF-8");
    status
        .lines()
        .find_map(|line| line.strip_prefix("Name:\t"))
        .unwrap_or_else(|| panic!("/proc/{pid}/status has no Name line: {status:?}"))
        .to_owned()
}

/// Returns what `ps -o FORMAT -p PID` prints, without the newline.
pub fn ps(pid: u32, format: &str) -> String {
    // procps prints non-ASCII characters as `?` unless the locale is UTF-8.
    let output = Command::new("ps")
        .args(["-o", format, "-p", &pid.to_string()])
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("ps runs (install procps)");
    assert!(output.status.success(), "ps -o {format} failed: {output:?}");
    let text = String::from_utf8(output.stdout).expect("ps prints UTF-8");
    text.strip_suffix('\n').unwrap_or(&text).to_owned()
}

fn last_thread(report: &mut Report) -> &mut NamedThread {
    report
        .threads
        .last_mut()
        .expect("the probe reports a thread's id before its name")
}

impl Drop for Probe {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Returns `title` as `/proc/PID/cmdline` shows it after a set: the title and one NUL.
pub fn with_nul(title: &str) -> Vec<u8> {
    let mut bytes = title.as_bytes().to_vec();
    bytes.push(0);
    bytes
}

/// Returns the first 15 bytes of `title`, cut at a character boundary, as `comm`.
pub fn comm_of(title: &str) -> &str {
    let mut end = title.len().min(15);
    while !title.is_char_boundary(end) {
        end -= 1;
    }
    &title[..end]
}

/// Returns the system's page size, which bounds what `/proc/PID/cmdline` shows.
pub fn page_size() -> usize {
    // SAFETY: `sysconf` has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size).expect("the page size is positive")
}

/// Returns bytes as readable text for assertions: printable ASCII as is, the rest as
/// `\xHH`, so a stray NUL or a cut character shows in a failure message.
pub fn shown(bytes: &[u8]) -> String {
    escape(bytes)
}

/// Returns the bytes `/proc/PID/cmdline` holds for `arguments`: each one NUL-terminated.
pub fn nul_separated<S: AsRef<[u8]>>(arguments: &[S]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for argument in arguments {
        bytes.extend_from_slice(argument.as_ref());
        bytes.push(0);
    }
    bytes
}

/// Escapes bytes the way the probe reads and writes them: `\\` and `\xHH`.
pub fn escape(bytes: &[u8]) -> String {
    let mut escaped = String::new();
    for &byte in bytes {
        match byte {
            b'\\' => escaped.push_str("\\\\"),
            b' '..=b'~' => escaped.push(char::from(byte)),
            _ => escaped.push_str(&format!("\\x{byte:02x}")),
        }
    }
    escaped
}

fn unescape(text: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        if byte != b'\\' {
            bytes.push(byte);
            continue;
        }
        if let [b'\\', tail @ ..] = rest {
            bytes.push(b'\\');
            rest = tail;
        } else if let [b'x', high, low, tail @ ..] = rest {
            let digits = [*high, *low];
            let hex = std::str::from_utf8(&digits).expect("hex digits are ASCII");
            bytes.push(u8::from_str_radix(hex, 16).expect("the probe writes two hex digits"));
            rest = tail;
        } else {
            panic!("invalid escape in the probe's report: {text:?}");
        }
    }
    bytes
}
