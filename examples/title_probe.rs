//! A process whose title the integration tests inspect from outside, with `ps` and
//! `/proc`. It is also handy by hand:
//!
//! ```text
//! PROBE_TITLES='ERP: import' cargo run --example title_probe
//! # in another terminal, while the probe waits: ps -o args=,comm= -C 'ERP: import'
//! ```
//!
//! Settings come from `PROBE_*` environment variables. An argument of the form
//! `PROBE_NAME=value` overrides the variable of that name, so a probe started with an
//! empty environment can still be configured.
//!
//! - `PROBE_TITLES`: titles to set one after another, separated by newlines, escaped
//!   as described below.
//! - `PROBE_REPEAT=N`: repeat each title N times before setting it.
//! - `PROBE_BACKEND`: `moved`, `in-place`, `in-place-args` (in place, environment not
//!   relocated) or `name-only`; unset lets the runtime choose.
//! - `PROBE_COMM`: `follow` (the default), `keep` or `fixed:NAME`.
//! - `PROBE_FROM_THREAD=1`: call `init()` on the main thread, then set the titles
//!   from a spawned thread.
//! - `PROBE_PAUSE=1`: after applying the options, print `paused` and wait for one
//!   line on stdin before setting any title.
//! - `PROBE_SET_VAR=NAME=VALUE`: call `std::env::set_var` after the titles are set.
//! - `PROBE_CHILD_ENV=1`: run `env -0` after the titles are set and report what it
//!   printed.
//!
//! The probe then prints a report, one `key value` line per item, ends it with a line
//! `ready`, and waits until its stdin closes. In values and in `PROBE_TITLES`, `\\` is a
//! backslash and `\xHH` is the byte HH; every byte outside printable ASCII is written
//! that way in the report.

use std::io::{self, BufRead, Write};
use std::process::{Command, ExitCode};

use proc_title::{Backend, Comm, Options};

fn main() -> ExitCode {
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

    let titles = titles(&settings)?;
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
    drop(out);

    // Stay alive, title in place, until the test closes stdin.
    io::copy(&mut io::stdin().lock(), &mut io::sink()).map_err(|e| e.to_string())?;
    Ok(())
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
