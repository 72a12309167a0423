//! The moved-area backend: the kernel's argument area is pointed at a page of our own.
//!
//! `prctl(PR_SET_MM, PR_SET_MM_MAP)` replaces the kernel's record of the memory layout
//! in one call. Every field is set to the value `/proc/self/stat` and `brk(0)` report,
//! except the argument area, which moves to an anonymous page. The original argument
//! and environment strings are never touched.
//!
//! When the byte at `arg_end - 1` is not NUL, Linux (since 5.3, and 4.19.64) returns
//! `/proc/PID/cmdline` up to the first NUL within one page from `arg_start`. The page's
//! last byte is therefore kept non-NUL, and the title ends with a NUL, so readers see
//! the title exactly, with no padding.

use std::mem;
use std::ptr;

use super::stat::Stat;

/// `struct prctl_mm_map` from `<linux/prctl.h>`.
#[repr(C)]
struct MmMap {
    start_code: u64,
    end_code: u64,
    start_data: u64,
    end_data: u64,
    start_brk: u64,
    brk: u64,
    start_stack: u64,
    arg_start: u64,
    arg_end: u64,
    env_start: u64,
    env_end: u64,
    auxv: *mut u64,
    auxv_size: u32,
    exe_fd: u32,
}

/// A byte kept at the end of the page so the kernel reads up to the title's NUL.
const MARKER: u8 = b' ';

/// The page the kernel's argument area points at.
#[derive(Debug)]
pub struct Moved {
    page: *mut u8,
    size: usize,
}

// SAFETY: the page is owned by this value and is only written through `&mut self`.
unsafe impl Send for Moved {}

fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// Returns the kernel's current program break.
fn current_brk() -> u64 {
    // SAFETY: `brk(0)` never moves the break; it returns the current one.
    unsafe { libc::syscall(libc::SYS_brk, 0) as u64 }
}

/// Builds a map that keeps every field of `stat` but the argument area.
fn map_from(stat: &Stat, arg_start: u64, arg_end: u64) -> MmMap {
    MmMap {
        start_code: stat.start_code,
        end_code: stat.end_code,
        start_data: stat.start_data,
        end_data: stat.end_data,
        start_brk: stat.start_brk,
        brk: current_brk(),
        start_stack: stat.start_stack,
        arg_start,
        arg_end,
        env_start: stat.env_start,
        env_end: stat.env_end,
        auxv: ptr::null_mut(),
        auxv_size: 0,
        exe_fd: u32::MAX,
    }
}

/// Applies `map`; returns the errno on failure.
fn apply(map: &MmMap) -> Result<(), i32> {
    // SAFETY: `map` is a valid `prctl_mm_map` of the size passed; with `auxv_size` 0
    // and `exe_fd` -1 the kernel reads nothing else.
    let result = unsafe {
        libc::prctl(
            libc::PR_SET_MM,
            libc::PR_SET_MM_MAP as libc::c_ulong,
            map as *const MmMap as libc::c_ulong,
            mem::size_of::<MmMap>() as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(last_errno())
    }
}

/// Checks that the kernel accepts a map, by applying one that changes nothing.
///
/// Callers must make sure the process has a single thread, because the map also sets
/// the program break and a `malloc` in another thread could move it meanwhile.
pub fn probe(stat: &Stat) -> Result<(), i32> {
    apply(&map_from(stat, stat.arg_start, stat.arg_end))
}

impl Moved {
    /// Maps a page, writes `initial` into it and points the argument area at it.
    ///
    /// Same single-thread requirement as [`probe`].
    pub fn activate(stat: &Stat, initial: &[u8]) -> Result<Moved, i32> {
        // SAFETY: `sysconf` has no preconditions.
        let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        let size = usize::try_from(size).unwrap_or(4096).max(64);
        // SAFETY: an anonymous private mapping of `size` bytes at an address the kernel
        // chooses; the result is checked against MAP_FAILED.
        let page = unsafe {
            libc::mmap(
                ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if page == libc::MAP_FAILED {
            return Err(last_errno());
        }
        let mut moved = Moved {
            page: page.cast(),
            size,
        };
        moved.write(initial);
        let start = moved.page as u64;
        if let Err(errno) = apply(&map_from(stat, start, start + size as u64)) {
            // SAFETY: the page was mapped above and nothing refers to it.
            unsafe {
                libc::munmap(page, size);
            }
            return Err(errno);
        }
        Ok(moved)
    }

    /// Returns the longest title the page shows: the page less one byte for the NUL.
    pub fn capacity(&self) -> usize {
        self.size - 1
    }

    /// Writes `title`, which is at most `capacity()` bytes and contains no NUL.
    pub fn write(&mut self, title: &[u8]) {
        let len = title.len().min(self.capacity());
        // SAFETY: `len < size`, so the NUL, the title and the marker all lie inside the
        // page, which this value owns. The NUL goes first so that a concurrent reader
        // never runs into bytes of an older, longer title.
        unsafe {
            *self.page.add(len) = 0;
            ptr::copy_nonoverlapping(title.as_ptr(), self.page, len);
            if len < self.size - 1 {
                *self.page.add(self.size - 1) = MARKER;
            }
        }
    }
}
