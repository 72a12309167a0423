//! Scoped titles and thread names: nesting, out-of-order and cross-thread drops,
//! panics, and what the real `ps` and `/proc` show.

#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::thread;

/// Tests in this binary share one process title.
static TITLE_LOCK: Mutex<()> = Mutex::new(());

fn serialize() -> MutexGuard<'static, ()> {
    TITLE_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn read_comm(path: &str) -> String {
    std::fs::read_to_string(path)
        .expect("read comm")
        .trim_end()
        .to_owned()
}

#[test]
fn nested_scopes_restore_exactly() {
    let _lock = serialize();
    proc_title::set("scopes base").unwrap();
    {
        let _outer = proc_title::scope("ERP: import <stage:starting>").unwrap();
        assert_eq!(proc_title::get(), "ERP: import starting");
        {
            let _stage = proc_title::stage("reading");
            assert_eq!(proc_title::get(), "ERP: import reading");
            {
                let _inner = proc_title::scope("ERP: nested [<stage>]").unwrap();
                assert_eq!(proc_title::get(), "ERP: nested [reading]");
                let _deeper = proc_title::stage("writing");
                assert_eq!(proc_title::get(), "ERP: nested [writing]");
            }
            assert_eq!(proc_title::get(), "ERP: import reading");
        }
        assert_eq!(proc_title::get(), "ERP: import starting");
    }
    assert_eq!(proc_title::get(), "scopes base");
}

#[test]
fn out_of_order_drop_keeps_latest() {
    let _lock = serialize();
    proc_title::set("scopes base").unwrap();
    let first = proc_title::scope("first").unwrap();
    let second = proc_title::scope("second").unwrap();
    drop(first);
    assert_eq!(proc_title::get(), "second");
    drop(second);
    assert_eq!(proc_title::get(), "scopes base");
}

#[test]
fn guard_dropped_on_other_thread() {
    let _lock = serialize();
    proc_title::set("scopes base").unwrap();
    let title = proc_title::scope("ERP: handed over <stage>").unwrap();
    let stage = proc_title::stage("waiting");
    assert_eq!(proc_title::get(), "ERP: handed over waiting");
    thread::spawn(move || drop(stage)).join().unwrap();
    assert_eq!(proc_title::get(), "ERP: handed over");
    thread::spawn(move || drop(title)).join().unwrap();
    assert_eq!(proc_title::get(), "scopes base");
}

#[test]
fn panic_restores_title() {
    let _lock = serialize();
    proc_title::set("scopes base").unwrap();
    let result = std::panic::catch_unwind(|| {
        let _title = proc_title::scope("ERP: doomed <stage>").unwrap();
        let _stage = proc_title::stage("failing");
        assert_eq!(proc_title::get(), "ERP: doomed failing");
        panic!("stage failed on purpose");
    });
    assert!(result.is_err());
    assert_eq!(proc_title::get(), "scopes base");
}

#[test]
fn value_angle_shows_literally() {
    let _lock = serialize();
    let _title = proc_title::scope("ERP: <stage> <<ok>").unwrap();
    let _stage = proc_title::stage_fmt(format_args!("{}", "<b> <<c"));
    assert_eq!(proc_title::get(), "ERP: <b> <<c <ok>");
}

#[test]
fn invalid_template_changes_nothing() {
    let _lock = serialize();
    proc_title::set("scopes base").unwrap();
    let error = proc_title::scope("ERP: <stage").unwrap_err();
    assert!(matches!(
        error,
        proc_title::Error::Template { position: 5, .. }
    ));
    assert!(proc_title::scope("ERP: <>").is_err());
    assert!(proc_title::scope("ERP: <9lives>").is_err());
    assert_eq!(proc_title::get(), "scopes base");
}

#[test]
fn comm_written_only_when_prefix_changes() {
    let _lock = serialize();
    proc_title::set("comm prefix same: A").unwrap();
    assert_eq!(read_comm("/proc/self/comm"), "comm prefix sam");
    // Rename the process behind the runtime's back: an update whose first 15 bytes
    // are unchanged must not write comm, so the manual name survives.
    std::fs::write("/proc/self/comm", "manual").unwrap();
    proc_title::set("comm prefix same: B").unwrap();
    assert_eq!(read_comm("/proc/self/comm"), "manual");
    proc_title::set("other prefix now").unwrap();
    assert_eq!(read_comm("/proc/self/comm"), "other prefix no");
}

#[test]
fn worker_thread_name_keeps_process_name() {
    let _lock = serialize();
    proc_title::set("process name").unwrap();
    let process_comm = read_comm("/proc/self/comm");
    let seen = thread::spawn(|| {
        proc_title::thread::set("erp-reader").unwrap();
        // SAFETY: `gettid` has no preconditions.
        let tid = unsafe { libc::gettid() };
        read_comm(&format!("/proc/self/task/{tid}/comm"))
    })
    .join()
    .unwrap();
    assert_eq!(seen, "erp-reader");
    assert_eq!(read_comm("/proc/self/comm"), process_comm);
}

#[test]
fn thread_scope_restores_name() {
    let names = thread::Builder::new()
        .name("before".into())
        .spawn(|| {
            let inside = {
                let _name = proc_title::thread::scope("inside").unwrap();
                proc_title::thread::get()
            };
            (inside, proc_title::thread::get())
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(names, ("inside".to_owned(), "before".to_owned()));
}

#[test]
fn thread_name_cut_at_character_boundary() {
    let name = thread::spawn(|| {
        proc_title::thread::set("abcdefghijklm☃x").unwrap();
        proc_title::thread::get()
    })
    .join()
    .unwrap();
    assert_eq!(name, "abcdefghijklm");
}

#[test]
fn thread_name_with_nul_is_error() {
    let result = thread::spawn(|| proc_title::thread::set("a\0b"))
        .join()
        .unwrap();
    assert_eq!(result, Err(proc_title::Error::Nul { position: 1 }));
}

/// Name of the environment variable that makes `child_holds_scopes` act.
const CHILD_VARIABLE: &str = "PROC_TITLE_SCOPES_CHILD";

/// Runs only in the child started by `scope_changes_seen_by_ps`: walks through a scope
/// and a stage, printing `ready` and waiting for a line on stdin at each step.
#[test]
fn child_holds_scopes() {
    if std::env::var_os(CHILD_VARIABLE).is_none() {
        return;
    }
    let mut input = std::io::stdin().lock().lines();
    let mut step = || {
        println!("ready");
        std::io::stdout().flush().unwrap();
        input.next();
    };
    proc_title::set("ERP: scope test").unwrap();
    let title = proc_title::scope("ERP: import [<stage:starting>]").unwrap();
    step();
    let stage = proc_title::stage_fmt(format_args!("step {}/{}", 3, 10));
    step();
    drop(stage);
    step();
    drop(title);
    step();
}

fn ps_args(pid: u32) -> String {
    let output = Command::new("ps")
        .args(["-o", "args=", "-p", &pid.to_string()])
        .output()
        .expect("run ps");
    String::from_utf8_lossy(&output.stdout)
        .trim_end()
        .to_owned()
}

#[test]
fn scope_changes_seen_by_ps() {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_holds_scopes",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_VARIABLE, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start child");
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    for _ in 0..4 {
        // libtest may print the test's name on the same line first.
        let ready = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|line| line.ends_with("ready"));
        assert!(ready, "child ended before reporting ready");
        seen.push(ps_args(pid));
        writeln!(stdin, "next").unwrap();
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert_eq!(
        seen,
        [
            "ERP: import [starting]",
            "ERP: import [step 3/10]",
            "ERP: import [starting]",
            "ERP: scope test",
        ]
    );
}

/// Name of the environment variable that makes `child_waits_for_stdin` act.
const WAITING_CHILD_VARIABLE: &str = "PROC_TITLE_WAITING_CHILD";

/// Runs only in the child started by `worker_command_shows_title_first`: waits until
/// stdin closes, without setting any title.
#[test]
fn child_waits_for_stdin() {
    if std::env::var_os(WAITING_CHILD_VARIABLE).is_some() {
        println!("ready");
        std::io::stdout().flush().unwrap();
        std::io::stdin().lock().lines().for_each(drop);
    }
}

#[test]
fn command_title_shows_from_start() {
    use proc_title::worker::CommandExt;

    let mut child = Command::new("sleep")
        .arg("30")
        .title("ERP: nap")
        .spawn()
        .expect("start sleep");
    // `sleep` never sets a title, so what ps shows is the argument list it started with.
    let shown = ps_args(child.id());
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(shown, "ERP: nap 30");
}

#[test]
fn worker_command_shows_title_first() {
    let mut child = proc_title::worker::command("ERP: worker [starting]")
        .unwrap()
        .args(["--exact", "child_waits_for_stdin", "--nocapture"])
        .env(WAITING_CHILD_VARIABLE, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start worker");
    let pid = child.id();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.ends_with("ready"));
    let shown = ps_args(pid);
    let program = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    assert!(ready, "worker ended before reporting ready");
    assert_eq!(
        shown,
        "ERP: worker [starting] --exact child_waits_for_stdin --nocapture"
    );
    assert_eq!(program, std::env::current_exe().unwrap());
}

/// In a forked child the calling thread is the main thread, whose name is the
/// process's `comm`: a thread scope that ends after a title change must not bring back
/// the name from before that change.
#[test]
fn comm_follows_title_after_thread_scope() {
    let _lock = serialize();
    // SAFETY: the child only changes its title and name, reads /proc and calls `_exit`.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        proc_title::set("first title").unwrap();
        let name = proc_title::thread::scope("tmp-name").unwrap();
        proc_title::set("second title").unwrap();
        drop(name);
        let shown = read_comm("/proc/self/comm") == "second title";
        // SAFETY: `_exit` ends the forked child at once.
        unsafe { libc::_exit(if shown { 0 } else { 1 }) }
    }
    let mut status = 0;
    // SAFETY: waiting for our own child with a valid status pointer.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(libc::WIFEXITED(status));
    assert_eq!(libc::WEXITSTATUS(status), 0);
}

#[test]
fn bidi_override_in_value_is_replaced() {
    let _lock = serialize();
    let _title = proc_title::scope("ERP: import <stage>").unwrap();
    let _stage = proc_title::stage("invoice\u{202e}fdp.exe");
    assert_eq!(proc_title::get(), "ERP: import invoice?fdp.exe");
}
