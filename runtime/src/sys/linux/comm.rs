//! `comm`, the 15-byte task name that `ps -o comm`, `top` and `pgrep` show.

use crate::text::cut;

/// Longest `comm` Linux keeps, in bytes, without the NUL.
pub const MAX_LEN: usize = 15;

/// A task name of at most 15 bytes, cut at a character boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name {
    bytes: [u8; MAX_LEN + 1],
    len: usize,
}

impl Name {
    /// Returns the first 15 bytes of `text`, cut at a character boundary.
    pub fn new(text: &str) -> Name {
        let text = cut(text, MAX_LEN);
        let mut bytes = [0u8; MAX_LEN + 1];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Name {
            bytes,
            len: text.len(),
        }
    }

    /// Returns the name without its NUL.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Returns the name as text, invalid UTF-8 replaced.
    pub fn to_string_lossy(self) -> String {
        String::from_utf8_lossy(self.as_bytes()).into_owned()
    }

    fn from_raw(raw: &[u8]) -> Name {
        let len = raw
            .iter()
            .position(|&b| b == 0 || b == b'\n')
            .unwrap_or(raw.len())
            .min(MAX_LEN);
        let mut bytes = [0u8; MAX_LEN + 1];
        bytes[..len].copy_from_slice(&raw[..len]);
        Name { bytes, len }
    }
}

fn is_main_thread() -> bool {
    // SAFETY: both calls have no preconditions.
    unsafe { libc::gettid() == libc::getpid() }
}

/// Reads the calling thread's name.
pub fn current_thread() -> Name {
    let mut raw = [0u8; MAX_LEN + 1];
    // SAFETY: PR_GET_NAME writes at most 16 bytes, the size of `raw`.
    unsafe {
        libc::prctl(
            libc::PR_GET_NAME,
            raw.as_mut_ptr() as libc::c_ulong,
            0,
            0,
            0,
        );
    }
    Name::from_raw(&raw)
}

/// Names the calling thread; returns false if the kernel refused.
pub fn set_current_thread(name: &Name) -> bool {
    // SAFETY: `bytes` is NUL-terminated because `len <= 15` and the array has 16 bytes.
    unsafe {
        libc::prctl(
            libc::PR_SET_NAME,
            name.bytes.as_ptr() as libc::c_ulong,
            0,
            0,
            0,
        ) == 0
    }
}

/// Reads the main thread's name, which `ps -o comm` shows for the process.
pub fn process() -> Option<Name> {
    if is_main_thread() {
        return Some(current_thread());
    }
    let mut raw = [0u8; MAX_LEN + 2];
    let path = c"/proc/self/comm";
    // SAFETY: `path` is NUL-terminated; the flags request a plain read-only open.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return None;
    }
    // SAFETY: reads at most `raw.len()` bytes into `raw`; `fd` is closed once.
    let got = unsafe {
        let got = libc::read(fd, raw.as_mut_ptr().cast(), raw.len());
        libc::close(fd);
        got
    };
    (got > 0).then(|| Name::from_raw(&raw[..got as usize]))
}

/// Names the main thread, from whichever thread calls; returns false on failure.
pub fn set_process(name: &Name) -> bool {
    if is_main_thread() {
        return set_current_thread(name);
    }
    // `/proc/self` is the thread group leader, so this names the main thread.
    let path = c"/proc/self/comm";
    // SAFETY: `path` is NUL-terminated; the flags request a plain write-only open.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return false;
    }
    let bytes = name.as_bytes();
    // SAFETY: writes `bytes.len()` bytes from `bytes`; `fd` is closed once.
    let written = unsafe {
        let written = libc::write(fd, bytes.as_ptr().cast(), bytes.len());
        libc::close(fd);
        written
    };
    written == bytes.len() as isize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_name_is_cut_to_fifteen_bytes() {
        assert_eq!(
            Name::new("ERP: /tmp cleaner [scanning]").as_bytes(),
            b"ERP: /tmp clean"
        );
    }

    #[test]
    fn cut_respects_character_boundary() {
        // 14 ASCII bytes then a 3-byte character: only the 14 bytes fit.
        assert_eq!(Name::new("abcdefghijklmn€").as_bytes(), b"abcdefghijklmn");
    }

    #[test]
    fn raw_name_stops_at_newline() {
        assert_eq!(Name::from_raw(b"cargo\n\0").as_bytes(), b"cargo");
    }
}
