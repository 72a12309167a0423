//! A thread name of bounded length, stored inline so that it never allocates.

use std::ffi::c_char;

use crate::text::{cut, floor_char_boundary};

/// A name of at most `SIZE - 1` bytes, cut at a character boundary and stored with a
/// terminating NUL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<const SIZE: usize> {
    bytes: [u8; SIZE],
    len: usize,
}

impl<const SIZE: usize> Name<SIZE> {
    /// Maximum name length, in bytes, without the NUL.
    pub const MAX_LEN: usize = SIZE - 1;

    /// Returns the first `SIZE - 1` bytes of `text`, cut at a character boundary.
    pub fn new(text: &str) -> Self {
        Self::from_bytes(cut(text, Self::MAX_LEN).as_bytes())
    }

    /// Reads a name that the OS wrote into `raw`, up to the first NUL.
    ///
    /// Valid UTF-8 is cut at a character boundary; other bytes are kept as they are and
    /// replaced when the name is read as text.
    // Only the Unix backends pass names to the OS as C strings and read them back.
    #[cfg_attr(not(unix), allow(dead_code))]
    pub fn from_raw(raw: &[u8]) -> Self {
        let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
        let raw = &raw[..end];
        let len = match std::str::from_utf8(raw) {
            Ok(text) => floor_char_boundary(text, Self::MAX_LEN),
            Err(_) => raw.len().min(Self::MAX_LEN),
        };
        Self::from_bytes(&raw[..len])
    }

    /// Copies `bytes`, which hold no NUL and are at most `MAX_LEN` long.
    fn from_bytes(bytes: &[u8]) -> Self {
        let len = bytes.len().min(Self::MAX_LEN);
        let mut stored = [0u8; SIZE];
        stored[..len].copy_from_slice(&bytes[..len]);
        Name { bytes: stored, len }
    }

    /// Returns the name without its NUL.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Returns the name as a NUL-terminated C string.
    // Only the Unix backends pass names to the OS as C strings and read them back.
    #[cfg_attr(not(unix), allow(dead_code))]
    pub fn as_ptr(&self) -> *const c_char {
        self.bytes.as_ptr().cast()
    }

    /// Returns the name as text, invalid UTF-8 replaced.
    pub fn to_string_lossy(self) -> String {
        String::from_utf8_lossy(self.as_bytes()).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    type Short = super::Name<16>;

    #[test]
    fn long_name_is_cut_to_limit() {
        assert_eq!(Short::MAX_LEN, 15);
        assert_eq!(
            Short::new("ERP: /tmp cleaner [scanning]").as_bytes(),
            b"ERP: /tmp clean"
        );
    }

    #[test]
    fn cut_keeps_whole_characters() {
        // 14 ASCII bytes then a 3-byte character: only the 14 bytes fit.
        assert_eq!(Short::new("abcdefghijklmn€").as_bytes(), b"abcdefghijklmn");
    }

    #[test]
    fn pointer_is_nul_terminated() {
        let name = Short::new("worker");
        // SAFETY: `as_ptr` points at the name's bytes followed by at least one NUL.
        let text = unsafe { CStr::from_ptr(name.as_ptr()) };
        assert_eq!(text.to_bytes(), b"worker");
    }

    #[test]
    fn raw_name_stops_at_nul() {
        assert_eq!(Short::from_raw(b"cargo\0junk").as_bytes(), b"cargo");
        assert_eq!(Short::from_raw(b"").as_bytes(), b"");
    }

    #[test]
    fn raw_name_is_cut_at_character_boundary() {
        let raw = "abcdefghijklmn€\0".as_bytes();
        assert_eq!(Short::from_raw(raw).as_bytes(), b"abcdefghijklmn");
    }

    #[test]
    fn raw_invalid_utf8_is_kept_and_replaced() {
        let name = Short::from_raw(b"ab\xffcd\0");
        assert_eq!(name.as_bytes(), b"ab\xffcd");
        assert_eq!(name.to_string_lossy(), "ab\u{fffd}cd");
    }
}
