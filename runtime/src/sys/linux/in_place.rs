//! The in-place backend: the title overwrites the original argument strings, extended
//! over the environment strings that follow them once those are copied to the heap.
//!
//! Before the first write every string in the area that a table still points at is
//! copied and the table entry repointed: the `argv` table (which Rust's std re-reads on
//! every `env::args()` call), `environ`, and glibc's `program_invocation_name`. The
//! kernel's `/proc/PID/cmdline` rule for a non-NUL byte at `arg_end - 1` (see the moved
//! backend) lets the title show exactly, without padding.

use std::ffi::{c_char, CStr};
use std::ptr;

use super::startup::Startup;
use super::stat::Stat;

extern "C" {
    static mut environ: *mut *mut c_char;
    static mut program_invocation_name: *mut c_char;
    static mut program_invocation_short_name: *mut c_char;
}

/// A byte kept at `arg_end - 1` so the kernel reads up to the title's NUL.
const MARKER: u8 = b' ';

/// The writable area: the argument strings, and possibly the environment strings.
#[derive(Debug, Clone, Copy)]
pub struct Area {
    start: *mut u8,
    /// Bytes from `arg_start` to the end of the area, including its final NUL.
    len: usize,
    /// Bytes of the argument strings alone.
    arg_len: usize,
    /// True when the area extends over the environment strings.
    claims_environment: bool,
    page_size: usize,
}

// SAFETY: the area is process memory that stays mapped for the life of the process;
// only the title state, behind its lock, writes it.
unsafe impl Send for Area {}

impl Area {
    /// Returns the longest title the area shows: one byte is kept for the NUL, and the
    /// kernel reads a rewritten command line from one page only.
    pub fn capacity(&self) -> usize {
        (self.len - 1).min(self.page_size - 1)
    }

    fn contains(&self, pointer: *const c_char) -> bool {
        let address = pointer as usize;
        let start = self.start as usize;
        address >= start && address < start + self.len
    }
}

/// Locates the area from the start-up tables, checked against the kernel's layout.
pub fn find(
    startup: &Startup,
    stat: &Stat,
    with_environment: bool,
    page_size: usize,
) -> Result<Area, &'static str> {
    if startup.argv.is_null() {
        return Err("the argument table was not recorded at start-up");
    }
    if startup.argc == 0 {
        return Err("the process was started without arguments (argc is 0)");
    }
    // SAFETY: `argv` has `argc` entries, recorded from the C runtime at start-up.
    let first = unsafe { *startup.argv };
    if first as u64 != stat.arg_start || stat.arg_end <= stat.arg_start {
        return Err("argv[0] is not at the start of the kernel's argument area");
    }
    let start: *mut u8 = first.cast();
    let arg_len = (stat.arg_end - stat.arg_start) as usize;
    // SAFETY: `[arg_start, arg_end)` is the argument area the kernel placed on the stack.
    if unsafe { *start.add(arg_len - 1) } != 0 {
        return Err("the argument area was already rewritten by other code");
    }
    let mut area = Area {
        start,
        len: arg_len,
        arg_len,
        claims_environment: false,
        page_size,
    };
    if with_environment && stat.env_start == stat.arg_end && stat.env_end > stat.env_start {
        let len = (stat.env_end - stat.arg_start) as usize;
        // SAFETY: `[env_start, env_end)` directly follows the argument area.
        if unsafe { *start.add(len - 1) } == 0 {
            area.len = len;
            area.claims_environment = true;
        }
    }
    // A process started with an empty `argv` gets a single empty argument from Linux
    // 5.18 on. Its one byte is the final NUL, so no title would ever show.
    if area.capacity() == 0 {
        return Err("the argument area has no room for a title (argv is one empty string)");
    }
    Ok(area)
}

/// The area, with every table pointing at copies of its strings.
#[derive(Debug)]
pub struct InPlace {
    area: Area,
}

/// Returns a heap copy of the C string at `string`, leaked for the life of the process.
///
/// # Safety
/// `string` must point at a NUL-terminated string.
unsafe fn leak_copy(string: *const c_char) -> *mut c_char {
    // SAFETY: the caller passes a NUL-terminated string.
    unsafe { CStr::from_ptr(string).to_owned().into_raw() }
}

/// Repoints each entry of a NULL-terminated `table` that points into `area`.
///
/// # Safety
/// `table` must be null or a writable NULL-terminated table of C strings.
unsafe fn repoint_table(area: &Area, table: *mut *mut c_char, limit: Option<usize>) {
    if table.is_null() {
        return;
    }
    let mut index = 0;
    while limit.map_or(true, |limit| index < limit) {
        // SAFETY: the caller passes a NULL-terminated table, or one of `limit` entries,
        // and the loop stops at the terminator or the limit.
        unsafe {
            let entry = table.add(index);
            if (*entry).is_null() {
                break;
            }
            if area.contains(*entry) {
                *entry = leak_copy(*entry);
            }
        }
        index += 1;
    }
}

/// Repoints a glibc program-name pointer, keeping its offset inside `argv[0]`.
///
/// # Safety
/// `name` must be a valid program-name variable; `old_first` and `new_first` the
/// original and copied `argv[0]`.
unsafe fn repoint_name(
    area: &Area,
    name: *mut *mut c_char,
    old_first: *mut c_char,
    new_first: *mut c_char,
) {
    // SAFETY: the caller passes a valid program-name variable and the original and
    // copied `argv[0]`, both NUL-terminated and of equal length.
    unsafe {
        let current = *name;
        if current.is_null() || !area.contains(current) {
            return;
        }
        let first_len = CStr::from_ptr(old_first).to_bytes().len();
        let offset = (current as usize).wrapping_sub(old_first as usize);
        *name = if current >= old_first && offset <= first_len {
            new_first.add(offset)
        } else {
            leak_copy(current)
        };
    }
}

impl InPlace {
    /// Copies the strings of the area that the tables point at and repoints the tables.
    ///
    /// Call with the title lock held. When the area claims the environment the process
    /// must have a single thread, because another thread could be inside `getenv`.
    pub fn activate(area: Area, startup: &Startup) -> InPlace {
        // SAFETY: `find` checked that `argv` has `argc` entries and starts the area; the
        // environment tables are NULL-terminated tables of C strings from the C runtime,
        // and the program-name variables are glibc's own.
        unsafe {
            let old_first = *startup.argv;
            repoint_table(&area, startup.argv, Some(startup.argc));
            let new_first = *startup.argv;
            repoint_name(
                &area,
                ptr::addr_of_mut!(program_invocation_name),
                old_first,
                new_first,
            );
            repoint_name(
                &area,
                ptr::addr_of_mut!(program_invocation_short_name),
                old_first,
                new_first,
            );
            if area.claims_environment {
                repoint_table(&area, startup.envp, None);
                if environ != startup.envp {
                    repoint_table(&area, environ, None);
                }
            }
        }
        InPlace { area }
    }

    /// Returns the longest title shown in full.
    pub fn capacity(&self) -> usize {
        self.area.capacity()
    }

    /// Writes `title`, which contains no NUL, cut to `capacity()` bytes.
    pub fn write(&mut self, title: &[u8]) {
        let len = title.len().min(self.capacity());
        let final_byte = self.area.len - 1;
        let marker = self.area.arg_len - 1;
        // SAFETY: `len <= final_byte`, so every write lies inside the area, whose strings
        // no table points at any more. With the environment claimed, the area's final
        // byte is a NUL that is never written; without it, that byte is the marker spot.
        unsafe {
            if len < final_byte || !self.area.claims_environment {
                *self.area.start.add(len) = 0;
            }
            ptr::copy_nonoverlapping(title.as_ptr(), self.area.start, len);
            if len < marker {
                *self.area.start.add(marker) = MARKER;
            }
        }
    }
}
