//! The benchmarks themselves; see `main.rs` for what they measure.

use std::fmt::{self, Write};
use std::hint::black_box;

use criterion::Criterion;
use proc_title::proctitle;

/// Two titles that share their first 15 bytes, so `comm` stays the same.
const SAME_COMM: [&str; 2] = [
    "ERP: worker 01 importing A.csv",
    "ERP: worker 01 importing B.csv",
];

/// Two titles that differ within their first 15 bytes, so `comm` changes each time.
const NEW_COMM: [&str; 2] = [
    "ERP: worker 01 importing A.csv",
    "ERP: worker 02 importing A.csv",
];

/// A title with a `stage` slot; with `step NNN` in the slot it renders 30 bytes.
const STAGE_TEMPLATE: &str = "ERP: import order.csv <stage:idle>";
/// What [`STAGE_TEMPLATE`] shows with no stage.
const STAGE_IDLE: &str = "ERP: import order.csv idle";
/// A template that renders as a 30-byte title while its slot is empty.
const SCOPE_TEMPLATE: &str = "ERP: import orders-2024-12.csv <stage>";
/// What [`SCOPE_TEMPLATE`] shows.
const SCOPE_TITLE: &str = "ERP: import orders-2024-12.csv";
/// The base title beneath the scopes. It shares its first 15 bytes with
/// [`SCOPE_TITLE`], so `comm` stays the same.
const BASE: &str = "ERP: import orders, idle 5 min";
/// The file name that `proctitle!` formats into its title.
const FILE: &str = "orders-2024-12.csv";

const TITLE_LEN: usize = 30;

/// Size of the area the floor copies titles into: one page, as the moved backend uses.
const AREA_LEN: usize = 4096;

/// A formatting buffer on the stack that drops what does not fit, as a title buffer
/// would.
struct FixedBuf {
    bytes: [u8; 64],
    len: usize,
}

impl FixedBuf {
    fn new() -> FixedBuf {
        FixedBuf {
            bytes: [0; 64],
            len: 0,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl Write for FixedBuf {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let room = self.bytes.len() - self.len;
        let take = text.len().min(room);
        self.bytes[self.len..self.len + take].copy_from_slice(&text.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}

/// Copies `title` into `area` with a terminating NUL, as a backend writes a title.
fn copy_title(area: &mut [u8], title: &[u8]) {
    area[..title.len()].copy_from_slice(title);
    area[title.len()] = 0;
    black_box(&area[..title.len() + 1]);
}

/// Returns a zeroed page that lives for the rest of the process.
fn leak_area() -> &'static mut [u8] {
    Box::leak(vec![0u8; AREA_LEN].into_boxed_slice())
}

/// Renames the calling thread with a raw `prctl(PR_SET_NAME)`, which the kernel cuts to
/// 15 bytes. `name` must end with a NUL.
fn prctl_set_name(name: &[u8]) {
    assert_eq!(name.last(), Some(&0), "the name ends with a NUL");
    // SAFETY: `name` is a NUL-terminated byte string that outlives the call, and
    // PR_SET_NAME reads at most 16 bytes of it.
    let result = unsafe {
        libc::prctl(
            libc::PR_SET_NAME,
            name.as_ptr() as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    black_box(result);
}

/// Returns `title` with a NUL appended, for `prctl`.
fn with_nul(title: &str) -> Vec<u8> {
    let mut bytes = title.as_bytes().to_vec();
    bytes.push(0);
    bytes
}

/// Cycles through 100..=999, so that `step {i}` is always 8 bytes.
fn next_step(step: &mut u32) -> u32 {
    *step = if *step >= 999 { 100 } else { *step + 1 };
    *step
}

/// `set()` of alternating titles against the floor and the alternatives. `titles`
/// decides whether `comm` changes on each call.
fn bench_set(c: &mut Criterion, group_name: &str, titles: [&'static str; 2]) {
    for title in titles {
        assert_eq!(title.len(), TITLE_LEN);
    }
    let raw_titles = titles.map(with_nul);
    let area = leak_area();

    let mut group = c.benchmark_group(group_name);

    group.bench_function("floor_copy", |b| {
        let mut index = 0;
        b.iter(|| {
            index ^= 1;
            copy_title(area, black_box(titles[index]).as_bytes());
        });
    });

    proc_title::set(titles[1]).expect("the title is set");
    assert_eq!(proc_title::get(), titles[1]);
    group.bench_function("proc_title_set", |b| {
        let mut index = 0;
        b.iter(|| {
            index ^= 1;
            black_box(proc_title::set(black_box(titles[index]))).ok();
        });
    });

    group.bench_function("prctl_set_name", |b| {
        let mut index = 0;
        b.iter(|| {
            index ^= 1;
            prctl_set_name(black_box(&raw_titles[index]));
        });
    });

    group.bench_function("proctitle_crate_set_title", |b| {
        let mut index = 0;
        b.iter(|| {
            index ^= 1;
            proctitle::set_title(black_box(titles[index]));
        });
    });
    group.finish();
}

/// A `stage` enter plus exit, which renders the title twice, against formatting and
/// copying the same bytes.
fn bench_stage(c: &mut Criterion) {
    let area = leak_area();
    let mut group = c.benchmark_group("stage");

    group.bench_function("floor_format_and_copy", |b| {
        let mut step = 100;
        b.iter(|| {
            let mut title = FixedBuf::new();
            let _ = write!(title, "ERP: import order.csv step {}", next_step(&mut step));
            copy_title(area, title.as_bytes());
        });
    });

    group.bench_function("floor_format_and_copy_both_titles", |b| {
        let mut step = 100;
        b.iter(|| {
            let mut title = FixedBuf::new();
            let _ = write!(title, "ERP: import order.csv step {}", next_step(&mut step));
            copy_title(area, title.as_bytes());
            copy_title(area, black_box(STAGE_IDLE).as_bytes());
        });
    });

    let _title = proc_title::scope(STAGE_TEMPLATE).expect("the template is valid");
    assert_eq!(proc_title::get(), STAGE_IDLE);
    {
        let _stage = proc_title::stage_fmt(format_args!("step {}", 123));
        assert_eq!(proc_title::get(), "ERP: import order.csv step 123");
        assert_eq!(proc_title::get().len(), TITLE_LEN);
    }

    group.bench_function("stage_fmt_enter_exit", |b| {
        let mut step = 100;
        b.iter(|| {
            let step = next_step(&mut step);
            drop(black_box(proc_title::stage_fmt(format_args!(
                "step {step}"
            ))));
        });
    });

    group.bench_function("proctitle_macro_stage_enter_exit", |b| {
        let mut step = 100;
        b.iter(|| {
            let step = next_step(&mut step);
            drop(black_box(proctitle!(stage = "step {}", step)));
        });
    });

    group.bench_function("stage_static_enter_exit", |b| {
        b.iter(|| {
            drop(black_box(proc_title::stage(black_box("step 123"))));
        });
    });
    group.finish();
}

/// A title frame pushed and removed, which renders twice, against copying the two
/// titles it shows.
fn bench_scope(c: &mut Criterion) {
    let area = leak_area();
    proc_title::set(BASE).expect("the title is set");

    assert_eq!(SCOPE_TITLE.len(), TITLE_LEN);
    assert_eq!(BASE.len(), TITLE_LEN);
    assert_eq!(BASE[..15], SCOPE_TITLE[..15]);
    let mut group = c.benchmark_group("scope");

    group.bench_function("floor_copy_both_titles", |b| {
        b.iter(|| {
            copy_title(area, black_box(SCOPE_TITLE).as_bytes());
            copy_title(area, black_box(BASE).as_bytes());
        });
    });

    group.bench_function("floor_format_and_copy_both_titles", |b| {
        b.iter(|| {
            let mut title = FixedBuf::new();
            let _ = write!(title, "ERP: import {}", black_box(FILE));
            copy_title(area, title.as_bytes());
            copy_title(area, black_box(BASE).as_bytes());
        });
    });

    {
        let _title = proc_title::scope(SCOPE_TEMPLATE).expect("the template is valid");
        assert_eq!(proc_title::get(), SCOPE_TITLE);
    }
    assert_eq!(proc_title::get(), BASE);

    group.bench_function("scope_enter_exit", |b| {
        b.iter(|| {
            drop(black_box(proc_title::scope(black_box(SCOPE_TEMPLATE))));
        });
    });

    {
        let _title = proctitle!("ERP: import {} <stage>", FILE);
        assert_eq!(proc_title::get(), SCOPE_TITLE);
    }

    group.bench_function("proctitle_macro_title_enter_exit", |b| {
        b.iter(|| {
            let file = black_box(FILE);
            drop(black_box(proctitle!("ERP: import {} <stage>", file)));
        });
    });
    group.finish();
}

/// `thread::set` against the other ways to rename a thread. All three rename the
/// calling thread, the main thread here, with the same bytes.
fn bench_thread_set(c: &mut Criterion) {
    let raw_names = NEW_COMM.map(with_nul);
    let mut group = c.benchmark_group("thread_set");

    group.bench_function("proc_title_thread_set", |b| {
        let mut index = 0;
        b.iter(|| {
            index ^= 1;
            black_box(proc_title::thread::set(black_box(NEW_COMM[index]))).ok();
        });
    });

    group.bench_function("prctl_set_name", |b| {
        let mut index = 0;
        b.iter(|| {
            index ^= 1;
            prctl_set_name(black_box(&raw_names[index]));
        });
    });

    group.bench_function("proctitle_crate_set_title", |b| {
        let mut index = 0;
        b.iter(|| {
            index ^= 1;
            proctitle::set_title(black_box(NEW_COMM[index]));
        });
    });
    group.finish();
}

pub fn main() {
    // Criterion may start threads, and the moved backend only starts while the process
    // has one, so the backend starts before criterion does anything.
    let started = proc_title::init();
    eprintln!(
        "proc_title backend: {} (init: {:?}), capacity {} bytes",
        proc_title::backend(),
        started,
        proc_title::capacity()
    );

    let mut criterion = Criterion::default().configure_from_args();
    bench_set(&mut criterion, "set_same_comm", SAME_COMM);
    bench_set(&mut criterion, "set_new_comm", NEW_COMM);
    bench_stage(&mut criterion);
    bench_scope(&mut criterion);
    bench_thread_set(&mut criterion);
    criterion.final_summary();
}
