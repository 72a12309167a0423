//! Start-up cost of the runtime: how long `init()` takes to set up the backend in a
//! fresh process, with 0, 100 and 1000 environment variables.
//!
//! The bench binary starts copies of itself as child processes. The child mode comes
//! from the variable `PROC_TITLE_BENCH_CHILD`:
//!
//! - `exit`: return from `main` at once;
//! - `init`: call `proc_title::init()`, then return;
//! - `time-init`: time `proc_title::init()` with `Instant`, print the nanoseconds and
//!   the backend to stdout, then return.
//!
//! Two measurements come out of this. The `process_*` groups time a whole child from
//! spawn to exit, so `init` minus `exit` is what `init()` adds to a short program,
//! process creation noise included. The `init_in_child_*` groups sum the times the
//! children report, which isolates `init()` from process creation. The `moved` groups
//! let the runtime choose (the moved backend, where the kernel allows it), and the
//! `in_place` groups force the in-place backend, which copies every environment string
//! to the heap.
//!
//! The start-up constructor, which every process that links the runtime runs before
//! `main`, reads `/proc/self/stat` once. `stat_read` times the same system calls
//! in-process as an estimate of that cost, because both child modes pay it.
//!
//! ```text
//! cargo bench --bench startup
//! ```

#[cfg(target_os = "linux")]
mod linux;

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("these benchmarks measure Linux backends and run on Linux only");
}
