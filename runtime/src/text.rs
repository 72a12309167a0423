//! Title text: cutting at character boundaries and a bounded, sanitizing buffer.
//!
//! Every byte the process shows goes through [`TitleBuf`], which replaces control
//! characters with `?` and stops at its limit without splitting a UTF-8 sequence.

/// Returns the largest index not above `max` that is a character boundary of `s`.
pub fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut index = max;
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Cuts `s` to at most `max` bytes at a character boundary.
pub fn cut(s: &str, max: usize) -> &str {
    &s[..floor_char_boundary(s, max)]
}

/// Returns true for a character a title shows as `?`.
///
/// These are control characters and the invisible formatting characters that could
/// hide or reorder what an operator reads: zero-width characters, line and paragraph
/// separators, bidirectional overrides and isolates, and the byte order mark.
pub fn is_replaced(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
        )
}

/// Returns true for a byte that may start a character that [`is_replaced`] matches.
///
/// These are the C0 range, DEL, the lead byte 0xC2 of the C1 range U+0080 to U+009F,
/// and the lead bytes 0xE2 and 0xEF of U+2000 to U+2FFF and U+F000 to U+FFFF.
fn may_start_control(byte: u8) -> bool {
    byte < 0x20 || byte == 0x7f || byte == 0xc2 || byte == 0xe2 || byte == 0xef
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH_BITS: u64 = u64::from_ne_bytes([0x80; 8]);

// The classic "has a zero byte" test, `(x - 0x01..) & !x & 0x80..`, is exact about
// whether a byte of a word matches, though not about which one, and so is its variant
// for "has a byte below N" with N up to 0x80.

/// Returns true if any byte of `word` equals `byte`.
fn word_has_byte(word: u64, byte: u8) -> bool {
    let diff = word ^ (ONES * byte as u64);
    diff.wrapping_sub(ONES) & !diff & HIGH_BITS != 0
}

/// Returns true if any byte of `word` may start a control character.
fn word_may_have_control(word: u64) -> bool {
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH_BITS != 0;
    below_space
        || word_has_byte(word, 0x7f)
        || word_has_byte(word, 0xc2)
        || word_has_byte(word, 0xe2)
        || word_has_byte(word, 0xef)
}

/// Returns the index of the first byte of `bytes` that passes `byte_matches`, or the
/// length of `bytes` if none does. `word_may_match` must return true for every 8-byte
/// word that contains such a byte.
///
/// Titles are short, and a match is rare, so whole words are checked first with bit
/// arithmetic, and only the word that may contain a match is searched byte by byte.
fn find_byte(
    bytes: &[u8],
    word_may_match: impl Fn(u64) -> bool,
    byte_matches: impl Fn(u8) -> bool,
) -> usize {
    let word_at = |start: usize| {
        let chunk = bytes.get(start..start + 8)?;
        <[u8; 8]>::try_from(chunk).ok().map(u64::from_ne_bytes)
    };
    let mut start = 0;
    loop {
        match word_at(start) {
            Some(word) if word_may_match(word) => break,
            Some(_) => start += 8,
            None => {
                // The tail, shorter than a word, is checked as the last 8 bytes, which
                // overlap the words before it that did not match.
                let tail_has_no_match = start >= 8
                    && word_at(bytes.len() - 8).is_some_and(|last| !word_may_match(last));
                if tail_has_no_match {
                    return bytes.len();
                }
                break;
            }
        }
    }
    bytes[start..]
        .iter()
        .position(|&byte| byte_matches(byte))
        .map_or(bytes.len(), |index| start + index)
}

/// Returns the index of the first byte of `bytes` that may start a control character,
/// or the length of `bytes` if none does.
fn clean_prefix_len(bytes: &[u8]) -> usize {
    find_byte(bytes, word_may_have_control, may_start_control)
}

/// Returns the byte offset of the first NUL in `text`, if any.
pub fn find_nul(text: &str) -> Option<usize> {
    let index = find_byte(
        text.as_bytes(),
        |word| word_has_byte(word, 0),
        |byte| byte == 0,
    );
    (index < text.len()).then_some(index)
}

/// A title being rendered: valid UTF-8, no replaced characters, at most `limit` bytes.
#[derive(Debug)]
pub struct TitleBuf {
    bytes: Vec<u8>,
    limit: usize,
    full: bool,
}

impl TitleBuf {
    /// Creates an empty buffer that keeps at most `limit` bytes.
    pub const fn new(limit: usize) -> Self {
        TitleBuf {
            bytes: Vec::new(),
            limit,
            full: false,
        }
    }

    /// Empties the buffer and sets a new limit, keeping the allocation.
    pub fn reset(&mut self, limit: usize) {
        self.bytes.clear();
        self.limit = limit;
        self.full = false;
        if self.bytes.capacity() < limit {
            self.bytes.reserve_exact(limit);
        }
    }

    /// Returns the text written so far.
    pub fn as_str(&self) -> &str {
        // SAFETY: every write appends a whole `str` or a prefix cut at a character
        // boundary, and `trim_end_spaces` removes only ASCII bytes, so the bytes are
        // always valid UTF-8.
        unsafe { std::str::from_utf8_unchecked(&self.bytes) }
    }

    /// Returns the bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Returns true when nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Returns true once a write was cut at the limit.
    #[cfg(test)]
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// Appends `text` with each control character replaced by `?`.
    pub fn push_str(&mut self, text: &str) {
        let mut rest = text;
        while !rest.is_empty() && !self.full {
            let clean = clean_prefix_len(rest.as_bytes());
            // A stop byte is ASCII or a lead byte, so `clean` is a character boundary.
            self.push_clean(&rest[..clean]);
            if self.full {
                // The limit fell inside the clean text, perhaps a byte or two before its
                // end: a later `?` must not fill that gap.
                break;
            }
            rest = &rest[clean..];
            let Some(c) = rest.chars().next() else {
                break;
            };
            if is_replaced(c) {
                self.push_clean("?");
            } else {
                let mut encoded = [0u8; 4];
                self.push_clean(c.encode_utf8(&mut encoded));
            }
            rest = &rest[c.len_utf8()..];
        }
    }

    /// Appends text known to hold no control character, cutting it at the limit.
    fn push_clean(&mut self, text: &str) {
        let room = self.limit.saturating_sub(self.bytes.len());
        if text.len() <= room {
            self.bytes.extend_from_slice(text.as_bytes());
        } else {
            self.bytes.extend_from_slice(cut(text, room).as_bytes());
            self.full = true;
        }
    }

    /// Removes trailing spaces and returns true if there were any.
    pub fn trim_end_spaces(&mut self) -> bool {
        let before = self.bytes.len();
        while self.bytes.last() == Some(&b' ') {
            self.bytes.pop();
        }
        self.bytes.len() != before
    }
}

impl std::fmt::Write for TitleBuf {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.push_str(text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(limit: usize, text: &str) -> String {
        let mut buf = TitleBuf::new(limit);
        buf.reset(limit);
        buf.push_str(text);
        buf.as_str().to_owned()
    }

    #[test]
    fn floor_boundary_inside_multibyte() {
        let s = "a€b";
        assert_eq!(floor_char_boundary(s, 0), 0);
        assert_eq!(floor_char_boundary(s, 1), 1);
        assert_eq!(floor_char_boundary(s, 2), 1);
        assert_eq!(floor_char_boundary(s, 3), 1);
        assert_eq!(floor_char_boundary(s, 4), 4);
        assert_eq!(floor_char_boundary(s, 99), 5);
    }

    #[test]
    fn cut_keeps_whole_characters() {
        assert_eq!(cut("☃☃", 5), "☃");
        assert_eq!(cut("☃☃", 6), "☃☃");
        assert_eq!(cut("abc", 0), "");
    }

    #[test]
    fn clean_prefix_matches_bytewise_scan() {
        // Every byte value at every position of runs up to 20 bytes long, so that whole
        // words, overlapping tails and short runs see each value, between clean bytes
        // of either kind.
        for filler in [b'a', 0xe3] {
            assert_eq!(clean_prefix_len(&[filler; 20]), 20);
            for len in 1..=20 {
                for position in 0..len {
                    for value in 0..=255u8 {
                        let mut bytes = vec![filler; len];
                        bytes[position] = value;
                        let expected = bytes
                            .iter()
                            .position(|&b| may_start_control(b))
                            .unwrap_or(len);
                        assert_eq!(
                            clean_prefix_len(&bytes),
                            expected,
                            "byte {value:#04x} at {position} of {len} among {filler:#04x}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn find_nul_matches_bytewise_scan() {
        for len in 0..=20 {
            let clean = "a".repeat(len);
            assert_eq!(find_nul(&clean), None, "no NUL in {len} bytes");
            for position in 0..len {
                let mut bytes = clean.clone().into_bytes();
                bytes[position] = 0;
                bytes[len - 1] = 0;
                let text = String::from_utf8(bytes).expect("ASCII");
                assert_eq!(
                    find_nul(&text),
                    Some(position),
                    "NUL at {position} of {len}"
                );
            }
        }
    }

    #[test]
    fn control_characters_become_question_marks() {
        assert_eq!(render(64, "a\tb\nc\x1b[31md\x7f"), "a?b?c?[31md?");
    }

    #[test]
    fn c1_controls_become_question_marks() {
        assert_eq!(render(64, "a\u{85}b\u{9b}c"), "a?b?c");
    }

    #[test]
    fn invisible_formatting_becomes_question_marks() {
        assert_eq!(
            render(64, "a\u{202e}b\u{200b}c\u{2028}d\u{feff}e\u{2066}f"),
            "a?b?c?d?e?f"
        );
    }

    #[test]
    fn visible_characters_near_formatting_are_kept() {
        assert_eq!(
            render(64, "€ ☃ \u{2014} \u{ff21} \u{2070}"),
            "€ ☃ \u{2014} \u{ff21} \u{2070}"
        );
    }

    #[test]
    fn latin1_letters_are_kept() {
        assert_eq!(render(64, "café ÿ ¢"), "café ÿ ¢");
    }

    #[test]
    fn limit_cuts_at_character_boundary() {
        let mut buf = TitleBuf::new(4);
        buf.reset(4);
        buf.push_str("ab€");
        assert_eq!(buf.as_str(), "ab");
        assert!(buf.is_full());
    }

    #[test]
    fn limit_reached_exactly_is_not_cut() {
        let mut buf = TitleBuf::new(5);
        buf.reset(5);
        buf.push_str("ab€");
        assert_eq!(buf.as_str(), "ab€");
        assert!(!buf.is_full());
    }

    #[test]
    fn control_after_cut_character_is_dropped() {
        // "€" does not fit in the third byte, so the title ends after "ab", and the
        // newline after the "€" must not show as a `?` there.
        assert_eq!(render(3, "ab€\n"), "ab");
        assert_eq!(render(4, "ab€\u{85}c"), "ab");
    }

    #[test]
    fn replacement_counts_against_limit() {
        assert_eq!(render(3, "\u{85}\u{85}\u{85}\u{85}"), "???");
    }

    #[test]
    fn trim_end_spaces_reports_removal() {
        let mut buf = TitleBuf::new(16);
        buf.reset(16);
        buf.push_str("ab  ");
        assert!(buf.trim_end_spaces());
        assert_eq!(buf.as_str(), "ab");
        assert!(!buf.trim_end_spaces());
    }
}
