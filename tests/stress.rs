//! Many threads pushing and dropping frames in random order, with guards handed to
//! other threads to drop.

#![cfg(target_os = "linux")]

use std::sync::{Arc, Mutex};
use std::thread;

use proc_title::{SlotGuard, TitleGuard};

const THREADS: u64 = 8;
const OPERATIONS: u64 = 100_000;
const BASE: &str = "stress test run: base";
/// Most guards a thread or the shared pool holds at once, like a deep call stack.
const MAX_HELD: usize = 4;

/// A xorshift generator: enough randomness for ordering, and reproducible per seed.
struct Random(u64);

impl Random {
    fn next(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

#[derive(Default)]
struct Shared {
    titles: Vec<TitleGuard>,
    slots: Vec<SlotGuard>,
}

fn run_thread(index: u64, shared: Arc<Mutex<Shared>>) {
    let mut random = Random(0x9e37_79b9_7f4a_7c15 ^ (index + 1));
    let mut titles: Vec<TitleGuard> = Vec::new();
    let mut slots: Vec<SlotGuard> = Vec::new();
    for step in 0..OPERATIONS {
        match random.next(7) {
            0 if titles.len() < MAX_HELD => titles
                .push(proc_title::scope("stress test run: <stage:idle> <step>").expect("valid")),
            1 if slots.len() < MAX_HELD => {
                slots.push(proc_title::stage_fmt(format_args!("t{index} s{step}")))
            }
            2 if slots.len() < MAX_HELD => slots.push(proc_title::slot("step", "<step>")),
            3 if !titles.is_empty() => {
                let position = random.next(titles.len());
                drop(titles.swap_remove(position));
            }
            4 if !slots.is_empty() => {
                let position = random.next(slots.len());
                drop(slots.swap_remove(position));
            }
            5 => {
                // Hand a guard to the pool, or drop one another thread left there.
                let mut pool = shared.lock().unwrap_or_else(|e| e.into_inner());
                match titles.pop() {
                    Some(guard) if pool.titles.len() < MAX_HELD => pool.titles.push(guard),
                    Some(guard) => drop(guard),
                    None => drop(pool.titles.pop()),
                }
                match slots.pop() {
                    Some(guard) if pool.slots.len() < MAX_HELD => pool.slots.push(guard),
                    Some(guard) => drop(guard),
                    None => drop(pool.slots.pop()),
                }
            }
            _ => {}
        }
    }
    while !titles.is_empty() || !slots.is_empty() {
        if !titles.is_empty() {
            let position = random.next(titles.len());
            drop(titles.swap_remove(position));
        }
        if !slots.is_empty() {
            let position = random.next(slots.len());
            drop(slots.swap_remove(position));
        }
    }
}

#[test]
fn random_pushes_and_drops_restore_base() {
    let _ = proc_title::set(BASE);
    let shared = Arc::new(Mutex::new(Shared::default()));
    let workers: Vec<_> = (0..THREADS)
        .map(|index| {
            let shared = Arc::clone(&shared);
            thread::spawn(move || run_thread(index, shared))
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker thread panicked");
    }
    let leftover = std::mem::take(&mut *shared.lock().unwrap());
    drop(leftover);

    assert_eq!(proc_title::get(), BASE);

    // A leftover title frame would hide this one; a leftover slot frame would fill it.
    let _probe = proc_title::scope("probe <stage:empty> <step:empty>").expect("valid");
    assert_eq!(proc_title::get(), "probe empty empty");
}
