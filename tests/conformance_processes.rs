//! Titles in processes that are not a plain single-threaded program, checked from
//! outside: forked children, named threads, a process started with an empty `argv`,
//! and a library loaded with `dlopen` into a C program that already runs threads.

#![cfg(target_os = "linux")]
// The dlopen case and its build helpers are left out on musl.
#![cfg_attr(target_env = "musl", allow(dead_code, unused_imports))]

mod common;

use std::ffi::{c_char, CString};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{
    comm_of, ps, read_proc, shown, start, status_name, titled, with_nul, Probe, Report, PROBE_COMM,
};

/// `PROBE_BACKEND` values for the backends that change the command line, the
/// runtime's own choice first.
const WRITING_SETTINGS: [&str; 4] = ["", "moved", "in-place", "in-place-args"];

/// Checks a child the probe forked: it reported success, shows `title`, and the
/// parent still shows `parent_title`, if any. Then checks that the child exited with
/// status 0.
fn check_forked_child(case: &str, probe: Probe, report: &Report, title: &str, parent: &str) {
    assert_eq!(
        report.fork_result.as_deref(),
        Some("ok"),
        "{case}: set() and get() in the child"
    );
    let child = report.fork_pid.expect("the probe reports the child's pid");
    assert_eq!(ps(child, "args="), title, "{case}: ps -o args of the child");
    assert_eq!(
        shown(&read_proc(child, "cmdline")),
        shown(&with_nul(title)),
        "{case}: /proc/PID/cmdline of the child"
    );
    assert_eq!(
        ps(child, "comm="),
        comm_of(title),
        "{case}: ps -o comm of the child"
    );
    assert_eq!(
        status_name(child),
        comm_of(title),
        "{case}: Name in /proc/PID/status of the child"
    );
    assert_eq!(probe.ps_args(), parent, "{case}: ps -o args of the parent");
    let after = probe.finish_with_output();
    assert_eq!(after, ["fork-status 0"], "{case}: exit status of the child");
}

#[test]
fn fork_after_title_child_sets_own() {
    let parent = "ERP: supervisor";
    let child = "ERP: worker ☃ 1";
    for setting in WRITING_SETTINGS {
        let mut command = titled(setting, &[parent]);
        command
            .env("PROBE_FORK", "main")
            .env("PROBE_FORK_TITLE", child);
        let (probe, report) = start(command);
        assert_eq!(report.results, ["ok"], "{setting:?}: set() in the parent");
        assert_eq!(report.get, parent, "{setting:?}: get() in the parent");
        check_forked_child(&format!("{setting:?}"), probe, &report, child, parent);
    }
}

#[test]
fn fork_from_thread_then_set() {
    let parent = "ERP: supervisor";
    let child = "ERP: forked on a thread";
    for setting in WRITING_SETTINGS {
        // With a title set before the fork, and with the backend first started in the
        // child.
        for parent_titles in [&[parent][..], &[]] {
            let case = format!("backend {setting:?}, parent titles {parent_titles:?}");
            let mut command = titled(setting, parent_titles);
            command
                .env("PROBE_FORK", "thread")
                .env("PROBE_FORK_TITLE", child);
            let (probe, report) = start(command);
            let parent_shows = match parent_titles.first() {
                Some(title) => title.to_string(),
                None => report
                    .args
                    .iter()
                    .map(|arg| shown(arg))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            check_forked_child(&case, probe, &report, child, &parent_shows);
        }
    }
}

#[test]
fn thread_names_leave_process_name() {
    let hello = "hello".repeat(10);
    let mut command = titled("", &[]);
    command.env("PROBE_THREAD_NAMES", format!("{hello}\nreader\nwriter"));
    let (probe, report) = start(command);
    let expected = ["hellohellohello", "reader", "writer"];
    assert_eq!(report.threads.len(), 3, "three named threads");
    for (thread, name) in report.threads.iter().zip(expected) {
        assert_eq!(thread.result, "ok", "thread::set({name:?})");
        assert_eq!(thread.name, name, "thread::get() on thread {name:?}");
        assert_eq!(
            probe.task_comm(thread.tid),
            name,
            "/proc/PID/task/TID/comm of thread {name:?}"
        );
    }
    assert_eq!(
        probe.comm(),
        PROBE_COMM,
        "/proc/PID/comm while the threads run"
    );
    assert_eq!(
        probe.ps_comm(),
        PROBE_COMM,
        "ps -o comm while the threads run"
    );
    assert_eq!(
        status_name(probe.pid()),
        PROBE_COMM,
        "Name in /proc/PID/status while the threads run"
    );
    probe.finish();
}

#[test]
fn joined_named_threads_keep_title() {
    let title = "ERP: main thread";
    for (titles, name) in [(&[title][..], comm_of(title)), (&[], PROBE_COMM)] {
        let mut command = titled("", titles);
        command
            .env("PROBE_THREAD_NAMES", "reader\nwriter")
            .env("PROBE_THREADS_JOIN", "1");
        let (probe, report) = start(command);
        let names: Vec<&str> = report.threads.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["reader", "writer"],
            "titles {titles:?}: thread names"
        );
        assert_eq!(probe.comm(), name, "titles {titles:?}: /proc/PID/comm");
        assert_eq!(probe.ps_comm(), name, "titles {titles:?}: ps -o comm");
        assert_eq!(
            status_name(probe.pid()),
            name,
            "titles {titles:?}: Name in /proc/PID/status"
        );
        if let Some(title) = titles.first() {
            assert_eq!(probe.ps_args(), *title, "titles {titles:?}: ps -o args");
        }
        probe.finish();
    }
}

/// The program and environment for `execve`, built before the fork.
struct ExecTables {
    program: CString,
    /// The `NAME=VALUE` strings that `envp` points at.
    _variables: Vec<CString>,
    /// A NULL-terminated table of pointers into `_variables`.
    envp: Vec<*const c_char>,
}

// SAFETY: the pointers in `envp` point into strings this value owns and never
// changes, so sharing or moving it between threads is sound.
unsafe impl Send for ExecTables {}
// SAFETY: as above; nothing mutates the value after it is built.
unsafe impl Sync for ExecTables {}

impl ExecTables {
    /// Replaces the process with the program, started with an empty `argv`. Returns
    /// only on failure.
    fn exec(&self) -> io::Error {
        let argv: [*const c_char; 1] = [std::ptr::null()];
        // SAFETY: `program` is a C string, and `argv` and `envp` are NULL-terminated
        // tables of C strings that live until `execve` returns or replaces the process.
        unsafe { libc::execve(self.program.as_ptr(), argv.as_ptr(), self.envp.as_ptr()) };
        io::Error::last_os_error()
    }
}

/// Returns a probe command whose process starts with an empty `argv`.
///
/// The command's `pre_exec` hook calls `execve` itself, with an argument table that
/// holds only the terminating NULL and the environment the command was given. Since
/// Linux 5.18 the kernel then passes one empty argument, so `argc` is 1, not 0.
fn empty_argv(setting: &str, title: &str) -> Command {
    let mut command = titled(setting, &[title]);
    command.env("PROBE_GET_FROM_THREAD", "1");
    let program = CString::new(common::probe_path().into_os_string().into_vec())
        .expect("the probe path holds no NUL");
    // `probe_command` clears the environment, so the variables set on the command are
    // all the probe gets.
    let variables: Vec<CString> = command
        .get_envs()
        .filter_map(|(name, value)| {
            let pair = [name.as_bytes(), b"=", value?.as_bytes()].concat();
            Some(CString::new(pair).expect("variables hold no NUL"))
        })
        .collect();
    let mut envp: Vec<*const c_char> = variables.iter().map(|pair| pair.as_ptr()).collect();
    envp.push(std::ptr::null());
    let tables = ExecTables {
        program,
        _variables: variables,
        envp,
    };
    // SAFETY: the hook runs in the forked child before std's own exec, and calls only
    // `execve`, which is async-signal-safe, on the tables built before the fork.
    unsafe {
        command.pre_exec(move || Err(tables.exec()));
    }
    command
}

#[test]
fn empty_argv_start_works() {
    let title = "ERP: started without arguments";
    for setting in ["", "moved", "in-place", "in-place-args", "name-only"] {
        let (probe, report) = start(empty_argv(setting, title));
        let arguments: Vec<String> = report.args.iter().map(|arg| shown(arg)).collect();
        assert!(
            arguments.is_empty() || arguments == [""],
            "{setting:?}: std::env::args_os() is {arguments:?}"
        );
        assert_eq!(
            report.thread_get.as_deref(),
            Some(""),
            "{setting:?}: get() before set()"
        );
        assert_eq!(report.results.len(), 1, "{setting:?}: one set()");
        let result = &report.results[0];
        if result == "ok" {
            assert_eq!(report.get, title, "{setting:?}: get()");
            assert_eq!(probe.ps_args(), title, "{setting:?}: ps -o args");
            assert_eq!(
                shown(&probe.cmdline()),
                shown(&with_nul(title)),
                "{setting:?}: /proc/PID/cmdline"
            );
        } else {
            assert!(
                result.starts_with("err CommandLineUnchanged"),
                "{setting:?}: set() returned {result}"
            );
            assert_eq!(report.backend, "name-only", "{setting:?}: backend()");
            assert_eq!(report.get, title, "{setting:?}: get()");
        }
        assert_eq!(probe.ps_comm(), comm_of(title), "{setting:?}: ps -o comm");
        probe.finish();
    }
}

/// Returns the newest `libproc_title_runtime-*.rlib` next to the test binary: the one
/// `cargo test` built for this run.
fn runtime_rlib(deps: &Path) -> PathBuf {
    let entries = std::fs::read_dir(deps)
        .unwrap_or_else(|error| panic!("reading {} failed: {error}", deps.display()));
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libproc_title_runtime-") && name.ends_with(".rlib")
        })
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .max()
        .map(|(_, path)| path)
        .unwrap_or_else(|| panic!("no libproc_title_runtime-*.rlib in {}", deps.display()))
}

/// Runs `command` and panics with its output unless it succeeds.
fn run_build(mut command: Command) {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("starting {command:?} failed: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed with {}:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Builds the C host with `cc` and the Rust library with `rustc`, against the runtime
/// this test was built with. Returns the paths of the host and the library.
fn build_host_and_library(directory: &Path) -> (PathBuf, PathBuf) {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dlopen");
    let host = directory.join("host");
    let mut cc = Command::new("cc");
    cc.arg("-o")
        .arg(&host)
        .arg(sources.join("host.c"))
        .args(["-ldl", "-pthread"]);
    run_build(cc);

    let test_binary = std::env::current_exe().expect("the test binary has a path");
    let deps = test_binary
        .parent()
        .expect("the test binary is in a directory");
    let library = directory.join("libtitle_library.so");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let mut build = Command::new(rustc);
    build
        .args(["--edition", "2021", "--crate-type", "cdylib"])
        .args(["--crate-name", "title_library", "-o"])
        .arg(&library)
        .arg(sources.join("title_library.rs"))
        .arg("--extern")
        .arg(format!(
            "proc_title_runtime={}",
            runtime_rlib(deps).display()
        ))
        .arg("-L")
        .arg(format!("dependency={}", deps.display()));
    run_build(build);
    (host, library)
}

// NOTE: a static musl binary cannot load a shared library, and the host and library
// here are built for the host's glibc target, so this case runs on glibc only.
#[cfg(not(target_env = "musl"))]
#[test]
fn dlopen_into_threaded_host() {
    let directory =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("dlopen-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("creating the build directory failed");
    let (host, library) = build_host_and_library(&directory);
    let title = "ERP: loaded late";
    let host_text = host.to_str().expect("the host path is UTF-8");
    let library_text = library.to_str().expect("the library path is UTF-8");

    for threads in ["0", "2"] {
        let mut command = Command::new(&host);
        command
            .args([library_text, threads, title])
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let (probe, report) = start(command);
        let original = format!("{host_text} {library_text} {threads} {title}");
        assert_eq!(report.get, title, "{threads} threads: get()");
        assert_eq!(
            probe.ps_comm(),
            comm_of(title),
            "{threads} threads: ps -o comm"
        );
        if threads == "0" {
            // Loaded into a single-threaded process, the library may move the area.
            assert_eq!(report.results, ["ok"], "{threads} threads: set()");
            assert_eq!(report.backend, "moved", "{threads} threads: backend()");
            assert_eq!(probe.ps_args(), title, "{threads} threads: ps -o args");
        } else {
            // Another thread may be reading the environment, so only the name-only
            // backend is safe, and set() reports it.
            assert!(
                report.results[0].starts_with("err CommandLineUnchanged"),
                "{threads} threads: set() returned {:?}",
                report.results
            );
            assert_eq!(report.backend, "name-only", "{threads} threads: backend()");
            assert_eq!(probe.ps_args(), original, "{threads} threads: ps -o args");
        }
        probe.finish();
    }
    let _ = std::fs::remove_dir_all(&directory);
}
