//! The probe itself; see `main.rs` for its settings and report.

use std::io::{self, BufRead, Write};
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::thread::JoinHandle;

use proc_title::{Backend, Comm, Options};

pub fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("title_probe: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let settings = Settings::read();
    let mut out = io::stdout().lock();

    if settings.flag("PROBE_GET_FROM_THREAD") {
        let got = std::thread::spawn(proc_title::get)
            .join()
            .map_err(|_| "the thread calling get() panicked")?;
        report(&mut out, "thread-get", &got);
    }

    let options = options(&settings)?;
    report(&mut out, "options", &outcome(options.apply()));

    if settings.flag("PROBE_PAUSE") {
        writeln!(out, "paused").map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
        let mut line = String::new();
        io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
    }

    if let Some(edits) = settings.get("PROBE_ENV_BEFORE") {
        edit_environment(edits)?;
    }
    if settings.flag("PROBE_INIT") {
        report(&mut out, "init", &outcome(proc_title::init()));
    }

    let mut titles = titles(&settings)?;
    if let Some(delta) = settings.get("PROBE_FILL") {
        report(&mut out, "init", &outcome(proc_title::init()));
        let title = fill_title(delta, settings.get("PROBE_FILL_END").unwrap_or(""))?;
        report(&mut out, "fill-title", &title);
        titles.push(title);
    }
    if settings.flag("PROBE_FROM_THREAD") {
        report(&mut out, "init", &outcome(proc_title::init()));
        let worker = std::thread::spawn(move || set_all(&titles));
        let results = worker.join().map_err(|_| "the title thread panicked")?;
        for result in results {
            report(&mut out, "result", &result);
        }
    } else {
        for result in set_all(&titles) {
            report(&mut out, "result", &result);
        }
    }

    if let Some(assignment) = settings.get("PROBE_SET_VAR") {
        let (name, value) = assignment
            .split_once('=')
            .ok_or("PROBE_SET_VAR must have the form NAME=VALUE")?;
        std::env::set_var(name, value);
    }
    if let Some(edits) = settings.get("PROBE_ENV_AFTER") {
        edit_environment(edits)?;
    }

    let named = match settings.get("PROBE_THREAD_NAMES") {
        Some(names) => NamedThreads::start(names)?,
        None => NamedThreads::default(),
    };
    for thread in &named.reports {
        report(&mut out, "thread-tid", &thread.tid.to_string());
        report(&mut out, "thread-result", &thread.result);
        report(&mut out, "thread-name", &thread.name);
    }
    let named = if settings.flag("PROBE_THREADS_JOIN") {
        named.finish()?;
        NamedThreads::default()
    } else {
        named
    };

    let forked = match settings.get("PROBE_FORK") {
        None | Some("") => None,
        Some(from) => {
            let title = unescape(settings.get("PROBE_FORK_TITLE").unwrap_or(""))?;
            let child = fork_and_set(from, title)?;
            report(&mut out, "fork-pid", &child.pid.to_string());
            report(&mut out, "fork-result", &child.result);
            Some(child.pid)
        }
    };

    report(&mut out, "backend", &proc_title::backend().to_string());
    report(&mut out, "capacity", &proc_title::capacity().to_string());
    report(&mut out, "get", &proc_title::get());
    for argument in std::env::args_os() {
        report_bytes(&mut out, "arg", argument.as_encoded_bytes());
    }
    for (name, value) in std::env::vars_os() {
        let pair = [name.as_encoded_bytes(), b"=", value.as_encoded_bytes()].concat();
        report_bytes(&mut out, "var", &pair);
    }
    if settings.flag("PROBE_CHILD_ENV") {
        let child = Command::new("env")
            .arg("-0")
            .output()
            .map_err(|e| format!("running env failed: {e}"))?;
        for pair in child
            .stdout
            .split(|&b| b == 0)
            .filter(|pair| !pair.is_empty())
        {
            report_bytes(&mut out, "child-var", pair);
        }
    }
    writeln!(out, "ready").map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;

    // Stay alive, title in place, until the test closes stdin.
    io::copy(&mut io::stdin().lock(), &mut io::sink()).map_err(|e| e.to_string())?;

    named.finish()?;
    if let Some(pid) = forked {
        report(&mut out, "fork-status", &wait_status(pid));
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(())
}

/// Applies the environment edits listed in `PROBE_ENV_BEFORE` or `PROBE_ENV_AFTER`.
fn edit_environment(edits: &str) -> Result<(), String> {
    for edit in edits.split('\n').filter(|edit| !edit.is_empty()) {
        let (verb, argument) = edit.split_once(' ').unwrap_or((edit, ""));
        let argument = unescape(argument)?;
        match verb {
            "clearenv" => {
                // SAFETY: the probe runs no other thread here, so nothing reads the
                // environment while glibc empties it.
                let result = unsafe { libc::clearenv() };
                if result != 0 {
                    return Err("clearenv failed".to_owned());
                }
            }
            "remove-all" => {
                let names: Vec<_> = std::env::vars_os().map(|(name, _)| name).collect();
                for name in names {
                    std::env::remove_var(name);
                }
            }
            "set" | "append" => {
                let (name, value) = argument
                    .split_once('=')
                    .ok_or_else(|| format!("{verb} needs NAME=VALUE, got {argument:?}"))?;
                let mut new_value = std::env::var_os(name).filter(|_| verb == "append");
                let new_value = match new_value.as_mut() {
                    Some(current) => {
                        current.push(value);
                        current.clone()
                    }
                    None => value.into(),
                };
                std::env::set_var(name, new_value);
            }
            "set-first" => {
                let (name, _) = std::env::vars_os()
                    .next()
                    .ok_or("set-first needs a non-empty environment")?;
                std::env::set_var(name, argument);
            }
            _ => return Err(format!("unknown environment edit {edit:?}")),
        }
    }
    Ok(())
}

/// Returns a title of `capacity() + delta` bytes: `x` repeated, then `end`.
fn fill_title(delta: &str, end: &str) -> Result<String, String> {
    let delta: isize = delta
        .parse()
        .map_err(|_| format!("PROBE_FILL {delta:?} is not a whole number"))?;
    let end = unescape(end)?;
    let length = proc_title::capacity()
        .checked_add_signed(delta)
        .ok_or("PROBE_FILL makes the title shorter than zero bytes")?;
    let filler = length
        .checked_sub(end.len())
        .ok_or("PROBE_FILL_END is longer than the title")?;
    Ok("x".repeat(filler) + &end)
}

/// The report a named thread sends about itself.
struct ThreadReport {
    tid: i32,
    /// Outcome of `thread::set`.
    result: String,
    /// The name `thread::get` returned afterwards.
    name: String,
}

/// Threads started for `PROBE_THREAD_NAMES`, each waiting on its channel.
#[derive(Default)]
struct NamedThreads {
    reports: Vec<ThreadReport>,
    handles: Vec<JoinHandle<()>>,
    /// Dropping a sender lets its thread end.
    release: Vec<mpsc::Sender<()>>,
}

impl NamedThreads {
    fn start(names: &str) -> Result<NamedThreads, String> {
        let mut threads = NamedThreads::default();
        for name in names.split('\n') {
            let name = unescape(name)?;
            let (report_sender, report_receiver) = mpsc::channel();
            let (release, released) = mpsc::channel::<()>();
            let handle = std::thread::spawn(move || {
                let result = outcome(proc_title::thread::set(&name));
                // SAFETY: `gettid` has no preconditions.
                let tid = unsafe { libc::gettid() };
                let name = proc_title::thread::get();
                let _ = report_sender.send(ThreadReport { tid, result, name });
                // Returns once the sender is dropped.
                let _ = released.recv();
            });
            let report = report_receiver
                .recv()
                .map_err(|_| "a named thread ended before reporting")?;
            threads.reports.push(report);
            threads.handles.push(handle);
            threads.release.push(release);
        }
        Ok(threads)
    }

    /// Lets the threads end and waits for them.
    fn finish(self) -> Result<(), String> {
        drop(self.release);
        for handle in self.handles {
            handle.join().map_err(|_| "a named thread panicked")?;
        }
        Ok(())
    }
}

/// Seconds a forked child lives at most.
const FORKED_CHILD_SECONDS: u32 = 120;

/// A forked child and what it reported after setting its title.
struct ForkedChild {
    pid: libc::pid_t,
    /// `ok`, the error `set()` returned, or what `get()` returned instead of the title.
    result: String,
}

/// Forks from the main thread (`from` is `main`) or from a spawned thread (`thread`).
fn fork_and_set(from: &str, title: String) -> Result<ForkedChild, String> {
    match from {
        "main" => fork_child(&title),
        "thread" => std::thread::spawn(move || fork_child(&title))
            .join()
            .map_err(|_| "the forking thread panicked".to_owned())?,
        _ => Err(format!("unknown PROBE_FORK {from:?}: use main or thread")),
    }
}

fn fork_child(title: &str) -> Result<ForkedChild, String> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe2` writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(format!("pipe2 failed: {}", io::Error::last_os_error()));
    }
    let [read_end, write_end] = fds;

    // SAFETY: the child calls only `set`, `get` and raw system calls before `_exit`.
    // The runtime's fork handlers release its lock in the child, and glibc's malloc
    // stays usable there; the child touches no lock of std's.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(format!("fork failed: {}", io::Error::last_os_error()));
    }
    if pid == 0 {
        // SAFETY: `alarm` only schedules SIGALRM, whose default action ends the child
        // if a test leaves it behind or a broken fork handler makes it hang.
        unsafe { libc::alarm(FORKED_CHILD_SECONDS) };
        run_forked_child(title, write_end);
    }

    // SAFETY: `write_end` belongs to this process and is closed once.
    unsafe { libc::close(write_end) };
    let mut result = Vec::new();
    let mut buffer = [0u8; 256];
    loop {
        // SAFETY: reads at most `buffer.len()` bytes into `buffer`.
        let got = unsafe { libc::read(read_end, buffer.as_mut_ptr().cast(), buffer.len()) };
        if got <= 0 {
            break;
        }
        result.extend_from_slice(&buffer[..got as usize]);
    }
    // SAFETY: `read_end` belongs to this process and is closed once.
    unsafe { libc::close(read_end) };
    Ok(ForkedChild {
        pid,
        result: String::from_utf8_lossy(&result).into_owned(),
    })
}

/// In the forked child: sets `title`, writes the outcome to `pipe`, waits until stdin
/// closes and exits with status 0 if `get()` returned the title, else 1.
fn run_forked_child(title: &str, pipe: libc::c_int) -> ! {
    let mut result = outcome(proc_title::set(title));
    let got = proc_title::get();
    if result == "ok" && got != title {
        result = format!("get() returned {got:?}");
    }
    // SAFETY: writes the bytes of `result` to the pipe this process owns, then reads
    // stdin into a stack buffer until end of file, then exits without running
    // destructors or atexit handlers, which belong to the parent.
    unsafe {
        libc::write(pipe, result.as_ptr().cast(), result.len());
        libc::close(pipe);
        let mut buffer = [0u8; 64];
        while libc::read(0, buffer.as_mut_ptr().cast(), buffer.len()) > 0 {}
        libc::_exit(if result == "ok" { 0 } else { 1 })
    }
}

/// Waits for the child `pid` and returns its exit code, or `signal N`.
fn wait_status(pid: libc::pid_t) -> String {
    let mut status = 0;
    // SAFETY: `pid` is this process's child and `status` is a valid out pointer.
    if unsafe { libc::waitpid(pid, &mut status, 0) } != pid {
        return format!("waitpid failed: {}", io::Error::last_os_error());
    }
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status).to_string()
    } else {
        format!("signal {}", libc::WTERMSIG(status))
    }
}

/// The `PROBE_*` settings: environment variables, overridden by arguments.
struct Settings(Vec<(String, String)>);

impl Settings {
    fn read() -> Settings {
        let from_environment = std::env::vars().filter(|(name, _)| name.starts_with("PROBE_"));
        let from_arguments = std::env::args().skip(1).filter_map(|argument| {
            let (name, value) = argument.split_once('=')?;
            name.starts_with("PROBE_")
                .then(|| (name.to_owned(), value.to_owned()))
        });
        Settings(from_environment.chain(from_arguments).collect())
    }

    /// Returns the last value given for `name`, so arguments win over the environment.
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn flag(&self, name: &str) -> bool {
        self.get(name) == Some("1")
    }
}

fn options(settings: &Settings) -> Result<Options, String> {
    let mut options = Options::new();
    options = match settings.get("PROBE_BACKEND") {
        None | Some("") => options,
        Some("moved") => options.backend(Backend::Moved),
        Some("in-place") => options.backend(Backend::InPlace),
        Some("in-place-args") => options
            .backend(Backend::InPlace)
            .relocate_environment(false),
        Some("name-only") => options.backend(Backend::NameOnly),
        Some(other) => return Err(format!("unknown PROBE_BACKEND {other:?}")),
    };
    options = match settings.get("PROBE_COMM") {
        None | Some("") | Some("follow") => options,
        Some("keep") => options.comm(Comm::Keep),
        Some(other) => match other.strip_prefix("fixed:") {
            Some(name) => options.comm(Comm::Fixed(unescape(name)?)),
            None => return Err(format!("unknown PROBE_COMM {other:?}")),
        },
    };
    Ok(options)
}

fn titles(settings: &Settings) -> Result<Vec<String>, String> {
    let repeat = match settings.get("PROBE_REPEAT") {
        None => 1,
        Some(count) => count
            .parse()
            .map_err(|_| format!("PROBE_REPEAT {count:?} is not a number"))?,
    };
    let Some(list) = settings.get("PROBE_TITLES").filter(|list| !list.is_empty()) else {
        return Ok(Vec::new());
    };
    list.split('\n')
        .map(|title| Ok(unescape(title)?.repeat(repeat)))
        .collect()
}

fn set_all(titles: &[String]) -> Vec<String> {
    titles
        .iter()
        .map(|title| outcome(proc_title::set(title)))
        .collect()
}

fn outcome(result: Result<(), proc_title::Error>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(error) => format!("err {error:?}"),
    }
}

fn report(out: &mut impl Write, key: &str, value: &str) {
    report_bytes(out, key, value.as_bytes());
}

/// Writes `key value`, escaping the value. A failed write shows up in the test as a
/// missing `ready` line, so it is ignored here.
fn report_bytes(out: &mut impl Write, key: &str, value: &[u8]) {
    let _ = writeln!(out, "{key} {}", escape(value));
}

fn escape(bytes: &[u8]) -> String {
    let mut escaped = String::with_capacity(bytes.len());
    for &byte in bytes {
        match byte {
            b'\\' => escaped.push_str("\\\\"),
            b' '..=b'~' => escaped.push(char::from(byte)),
            _ => escaped.push_str(&format!("\\x{byte:02x}")),
        }
    }
    escaped
}

fn unescape(text: &str) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        if byte != b'\\' {
            bytes.push(byte);
            continue;
        }
        match rest {
            [b'\\', tail @ ..] => {
                bytes.push(b'\\');
                rest = tail;
            }
            [b'x', high, low, tail @ ..] => {
                let hex = std::str::from_utf8(&[*high, *low])
                    .ok()
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .ok_or_else(|| format!("invalid \\x escape in {text:?}"))?;
                bytes.push(hex);
                rest = tail;
            }
            _ => return Err(format!("invalid escape in {text:?}: use \\\\ or \\xHH")),
        }
    }
    String::from_utf8(bytes).map_err(|_| format!("{text:?} does not decode to UTF-8"))
}
