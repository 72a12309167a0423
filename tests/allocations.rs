//! Steady-state title updates allocate nothing, counted by a global allocator.

#![cfg(target_os = "linux")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Only the measuring thread counts, so the test harness's threads do not.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const TITLES: [&str; 3] = ["ERP: import orders", "ERP: import stock", "ERP: idle"];

/// Runs one round of every kind of update, with the values `round` selects.
fn update_round(round: usize) {
    let _ = proc_title::set(TITLES[round % TITLES.len()]);
    let _title = proc_title::scope("ERP: import <stage:starting> <step>").expect("valid");
    let _stage = proc_title::stage_fmt(format_args!("step {}/{}", round % 10, 10));
    let _step = proc_title::slot("step", TITLES[round % TITLES.len()]);
    let _ = proc_title::thread::set(TITLES[round % TITLES.len()]);
    let _macro_title = proc_title::proctitle!("ERP: export {} <row>", TITLES[round % 3]);
    let _macro_row = proc_title::proctitle!(row = "row {}/{}", round % 10, 10);
}

#[test]
fn steady_updates_allocate_nothing() {
    for round in 0..100 {
        update_round(round);
    }
    COUNTING.with(|counting| counting.set(true));
    for round in 0..1000 {
        update_round(round);
    }
    COUNTING.with(|counting| counting.set(false));
    assert_eq!(ALLOCATIONS.load(Ordering::Relaxed), 0);
}
