//! A run of NUL-terminated strings laid end to end, as the kernel places the argument
//! and environment strings, and a title written over it.
//!
//! Readers such as macOS `ps` take as many strings from the run as the process has
//! arguments, so every write keeps that many NUL bytes after the title: `ps` then shows
//! the title followed by one space per further argument.

use std::ffi::{c_char, CStr};
use std::ptr;

/// Returns the bytes from `start` to the end of the last string, NULs included, if each
/// string begins right after the NUL of the one before and the first at `start`.
///
/// # Safety
/// Each pointer must point at a NUL-terminated string.
pub unsafe fn run_len(start: *const c_char, strings: &[*const c_char]) -> Option<usize> {
    let mut expected = start as usize;
    for &string in strings {
        if string as usize != expected {
            return None;
        }
        // SAFETY: the caller passes NUL-terminated strings.
        let len = unsafe { CStr::from_ptr(string) }.to_bytes_with_nul().len();
        expected = expected.checked_add(len)?;
    }
    Some(expected - start as usize)
}

/// Memory that a title overwrites, kept with `separators` NUL bytes after the title.
#[derive(Debug)]
pub struct Area {
    start: *mut u8,
    len: usize,
    separators: usize,
    /// End of the bytes that may be non-zero: the whole area until the first write,
    /// then the end of the last title.
    dirty: usize,
}

// SAFETY: the area is process memory that stays mapped for the life of the process;
// only the title state, behind its lock, writes it.
unsafe impl Send for Area {}

impl Area {
    /// Describes `len` bytes at `start` that must keep `separators` NULs after a title.
    ///
    /// # Safety
    /// `[start, start + len)` must stay mapped and writable for the life of the process,
    /// and no code may read its strings through a pointer once titles are written,
    /// except readers that treat it as a run of strings.
    pub unsafe fn new(start: *mut u8, len: usize, separators: usize) -> Area {
        Area {
            start,
            len,
            separators: separators.max(1),
            dirty: len,
        }
    }

    /// Returns the longest title shown in full.
    pub fn capacity(&self) -> usize {
        self.len.saturating_sub(self.separators)
    }

    /// Returns true if `pointer` lies inside the area.
    pub fn contains(&self, pointer: *const c_char) -> bool {
        let address = pointer as usize;
        let start = self.start as usize;
        address >= start && address - start < self.len
    }

    /// Writes `title`, which contains no NUL, cut to `capacity()` bytes, and zeroes every
    /// byte after it that an earlier title or the original strings left.
    pub fn write(&mut self, title: &[u8]) {
        let len = title.len().min(self.capacity());
        // SAFETY: `len <= capacity() < self.len` and `dirty <= self.len`, so every write
        // lies inside the area, which `new`'s caller keeps mapped and writable. The tail
        // is zeroed first so that a concurrent reader never runs into bytes of an older,
        // longer title.
        unsafe {
            if self.dirty > len {
                ptr::write_bytes(self.start.add(len), 0, self.dirty - len);
            }
            ptr::copy_nonoverlapping(title.as_ptr(), self.start, len);
        }
        self.dirty = len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `bytes` at NULs into the strings a reader that takes `count` strings sees.
    fn read_strings(bytes: &[u8], count: usize) -> Vec<&[u8]> {
        bytes.split(|&b| b == 0).take(count).collect()
    }

    #[test]
    fn run_of_adjacent_strings_is_measured() {
        let memory = b"prog\0-v\0file\0";
        let start = memory.as_ptr().cast::<c_char>();
        // SAFETY: the offsets are the starts of the three strings inside `memory`.
        let strings = unsafe { [start, start.add(5), start.add(8)] };
        // SAFETY: each pointer points at a NUL-terminated string in `memory`.
        assert_eq!(unsafe { run_len(start, &strings) }, Some(13));
        // SAFETY: as above.
        assert_eq!(unsafe { run_len(start, &strings[..1]) }, Some(5));
    }

    #[test]
    fn gap_between_strings_is_rejected() {
        let memory = b"prog\0-v\0file\0";
        let start = memory.as_ptr().cast::<c_char>();
        // SAFETY: both offsets lie inside `memory`; the second skips the string "-v".
        let strings = unsafe { [start, start.add(8)] };
        // SAFETY: each pointer points at a NUL-terminated string in `memory`.
        assert_eq!(unsafe { run_len(start, &strings) }, None);
        // SAFETY: as above; the first string does not begin at `start`.
        assert_eq!(unsafe { run_len(start, &strings[1..]) }, None);
    }

    #[test]
    fn title_keeps_separators_after_it() {
        let mut memory = *b"prog\0-v\0file\0";
        // SAFETY: the area is `memory`, which outlives it.
        let mut area = unsafe { Area::new(memory.as_mut_ptr(), memory.len(), 3) };
        assert_eq!(area.capacity(), 10);
        area.write(b"ERP: a very long title");
        assert_eq!(&memory, b"ERP: a ver\0\0\0");
        assert_eq!(read_strings(&memory, 3), [&b"ERP: a ver"[..], b"", b""]);
    }

    #[test]
    fn shorter_title_clears_older_one() {
        let mut memory = *b"prog\0-v\0file\0";
        // SAFETY: the area is `memory`, which outlives it.
        let mut area = unsafe { Area::new(memory.as_mut_ptr(), memory.len(), 3) };
        area.write(b"ERP: long one");
        area.write(b"ERP");
        assert_eq!(&memory, b"ERP\0\0\0\0\0\0\0\0\0\0");
    }

    #[test]
    fn first_write_clears_original_strings() {
        let mut memory = *b"prog\0-v\0file\0";
        // SAFETY: the area is `memory`, which outlives it.
        let mut area = unsafe { Area::new(memory.as_mut_ptr(), memory.len(), 3) };
        area.write(b"");
        assert_eq!(memory, [0u8; 13]);
    }

    #[test]
    fn contains_covers_area_only() {
        let mut memory = [1u8; 8];
        let start = memory.as_mut_ptr();
        // SAFETY: the area is `memory`, which outlives it.
        let area = unsafe { Area::new(start, 4, 1) };
        assert!(area.contains(start.cast()));
        // SAFETY: the offsets lie inside `memory`.
        unsafe {
            assert!(area.contains(start.add(3).cast()));
            assert!(!area.contains(start.add(4).cast()));
        }
        assert!(!area.contains(ptr::null()));
    }
}
