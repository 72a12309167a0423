//! The benchmarks themselves; see `main.rs` for what they measure.

use std::hint::black_box;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode};

const CHILD_MODE: &str = "PROC_TITLE_BENCH_CHILD";
const BACKEND_VARIABLE: &str = "PROC_TITLE_BACKEND";
const VARIABLE_COUNTS: [usize; 3] = [0, 100, 1000];

/// A backend setting for the children: the value of `PROC_TITLE_BACKEND`, if any, and
/// the backend the children must report.
struct BackendCase {
    group_suffix: &'static str,
    variable: Option<&'static str>,
    expected: &'static str,
}

const BACKENDS: [BackendCase; 2] = [
    BackendCase {
        group_suffix: "moved",
        variable: None,
        expected: "moved",
    },
    BackendCase {
        group_suffix: "in_place",
        variable: Some("in-place"),
        expected: "in-place",
    },
];

/// Runs the child side and returns true if this process is a child.
fn run_child() -> bool {
    let Some(mode) = std::env::var_os(CHILD_MODE) else {
        return false;
    };
    match mode.to_str() {
        Some("exit") => {}
        Some("init") => {
            let _ = proc_title::init();
        }
        Some("time-init") => {
            let start = Instant::now();
            let result = proc_title::init();
            let elapsed = start.elapsed();
            black_box(result).ok();
            println!("{} {}", elapsed.as_nanos(), proc_title::backend());
        }
        _ => panic!("unknown {CHILD_MODE} value {mode:?}"),
    }
    true
}

/// Returns a command that runs this binary as a child in `mode`, with `variables`
/// environment variables of about 50 bytes each and nothing else in its environment.
fn child_command(mode: &str, variables: usize, backend: &BackendCase) -> Command {
    let executable = std::env::current_exe().expect("the bench binary has a path");
    let mut command = Command::new(executable);
    command.env_clear();
    for index in 0..variables {
        command.env(
            format!("BENCH_VARIABLE_{index:04}"),
            "/usr/local/share/proc-title/bench/value",
        );
    }
    if let Some(value) = backend.variable {
        command.env(BACKEND_VARIABLE, value);
    }
    command
        .env(CHILD_MODE, mode)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    command
}

/// Runs a child and waits for it to exit.
fn run_to_exit(command: &mut Command) {
    let status = command
        .stdout(Stdio::null())
        .status()
        .expect("the child starts");
    assert!(status.success(), "the child failed: {status}");
}

/// Runs a `time-init` child and returns the time `init()` took and the backend it
/// reported.
fn timed_init(command: &mut Command) -> (Duration, String) {
    let output = command
        .stdout(Stdio::piped())
        .output()
        .expect("the child starts");
    assert!(
        output.status.success(),
        "the child failed: {}",
        output.status
    );
    let report = String::from_utf8(output.stdout).expect("the report is UTF-8");
    let (nanoseconds, backend) = report
        .trim_end()
        .split_once(' ')
        .expect("the report is `NANOSECONDS BACKEND`");
    let nanoseconds = nanoseconds.parse().expect("the time is an integer");
    (Duration::from_nanos(nanoseconds), backend.to_owned())
}

/// Times whole child processes, with and without `init()`.
fn bench_process(c: &mut Criterion, backend: &BackendCase) {
    let mut group = c.benchmark_group(format!("process_{}", backend.group_suffix));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(30);
    for variables in VARIABLE_COUNTS {
        for mode in ["exit", "init"] {
            let mut command = child_command(mode, variables, backend);
            group.bench_function(BenchmarkId::new(mode, variables), |b| {
                b.iter(|| run_to_exit(&mut command));
            });
        }
    }
    group.finish();
}

/// Times `init()` inside fresh child processes.
fn bench_init_in_child(c: &mut Criterion, backend: &BackendCase) {
    let mut group = c.benchmark_group(format!("init_in_child_{}", backend.group_suffix));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(30);
    for variables in VARIABLE_COUNTS {
        let mut command = child_command("time-init", variables, backend);
        let (_, reported) = timed_init(&mut command);
        assert_eq!(
            reported, backend.expected,
            "the child started another backend"
        );
        group.bench_function(BenchmarkId::from_parameter(variables), |b| {
            b.iter_custom(|iterations| {
                (0..iterations)
                    .map(|_| timed_init(&mut command).0)
                    .sum::<Duration>()
            });
        });
    }
    group.finish();
}

/// Reads `/proc/self/stat` into a stack buffer with the system calls the start-up
/// constructor makes.
fn read_stat() -> usize {
    let mut buffer = [0u8; 1024];
    let path = c"/proc/self/stat";
    // SAFETY: `path` is NUL-terminated; the flags request a plain read-only open.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    assert!(fd >= 0, "/proc/self/stat opens");
    let mut len = 0;
    while len < buffer.len() {
        // SAFETY: the destination is the unused tail of `buffer`, with its exact length.
        let got = unsafe { libc::read(fd, buffer[len..].as_mut_ptr().cast(), buffer.len() - len) };
        if got <= 0 {
            break;
        }
        len += got as usize;
    }
    // SAFETY: `fd` was opened above and is closed once.
    unsafe {
        libc::close(fd);
    }
    black_box(&buffer[..len]);
    len
}

fn bench_stat_read(c: &mut Criterion) {
    assert!(read_stat() > 0, "/proc/self/stat is not empty");
    c.bench_function("stat_read", |b| b.iter(read_stat));
}

pub fn main() {
    if run_child() {
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    for backend in &BACKENDS {
        bench_init_in_child(&mut criterion, backend);
    }
    for backend in &BACKENDS {
        bench_process(&mut criterion, backend);
    }
    bench_stat_read(&mut criterion);
    criterion.final_summary();
}
