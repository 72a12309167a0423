//! Title updates against the floor (formatting and copying the same bytes) and against
//! the alternatives: a raw `prctl(PR_SET_NAME)` and the `proctitle` crate.
//!
//! Each criterion group is one comparison, so its ratios come from one run. Every
//! title is 30 bytes. `main` starts the backend before criterion runs, while the process
//! still has a single thread, so the moved backend is used where the kernel allows it.
//!
//! ```text
//! cargo bench --bench updates
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
