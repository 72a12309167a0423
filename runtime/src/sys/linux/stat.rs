//! The fields of `/proc/self/stat` that locate the process's memory areas.

/// Memory layout and thread count of the process, as the kernel reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stat {
    /// Field 20: number of threads.
    pub threads: u64,
    /// Fields 26 and 27: the code section.
    pub start_code: u64,
    pub end_code: u64,
    /// Field 28: the bottom of the stack.
    pub start_stack: u64,
    /// Fields 45 to 47: the data section and the start of the heap.
    pub start_data: u64,
    pub end_data: u64,
    pub start_brk: u64,
    /// Fields 48 and 49: the argument area that `/proc/PID/cmdline` reads.
    pub arg_start: u64,
    pub arg_end: u64,
    /// Fields 50 and 51: the environment area that `/proc/PID/environ` reads.
    pub env_start: u64,
    pub env_end: u64,
}

/// Parses the text of `/proc/PID/stat`; returns `None` if a field is missing.
pub fn parse(text: &str) -> Option<Stat> {
    // The command name in field 2 may contain spaces and `)`; fields resume after the
    // last `)`, starting with field 3.
    let rest = &text[text.rfind(')')? + 1..];
    let mut fields = [0u64; 52];
    let mut count = 2;
    for word in rest.split_ascii_whitespace() {
        count += 1;
        if count >= fields.len() {
            break;
        }
        fields[count] = word.parse().unwrap_or(0);
    }
    if count < 51 {
        return None;
    }
    Some(Stat {
        threads: fields[20],
        start_code: fields[26],
        end_code: fields[27],
        start_stack: fields[28],
        start_data: fields[45],
        end_data: fields[46],
        start_brk: fields[47],
        arg_start: fields[48],
        arg_end: fields[49],
        env_start: fields[50],
        env_end: fields[51],
    })
}

/// Reads `/proc/self/stat` into a stack buffer, so it also works before `main`.
pub fn read() -> Option<Stat> {
    let mut buffer = [0u8; 1024];
    let path = c"/proc/self/stat";
    // SAFETY: `path` is NUL-terminated; the flags request a plain read-only open.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return None;
    }
    let mut len = 0;
    while len < buffer.len() {
        // SAFETY: the destination is the unused tail of `buffer`, with its exact length.
        let got = unsafe { libc::read(fd, buffer[len..].as_mut_ptr().cast(), buffer.len() - len) };
        if got <= 0 {
            break;
        }
        len += got as usize;
    }
    // SAFETY: `fd` was opened above and is closed once.
    unsafe {
        libc::close(fd);
    }
    parse(std::str::from_utf8(&buffer[..len]).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "4242 (my prog) (x) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 \
        20 0 3 0 12345 1000000 200 18446744073709551615 94000000000000 94000000100000 \
        140730000000000 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94000000200000 94000000300000 \
        94000001000000 140730000001000 140730000001100 140730000001100 140730000002000 0\n";

    #[test]
    fn parses_fields_after_command_name() {
        let stat = parse(SAMPLE).expect("sample parses");
        assert_eq!(stat.threads, 3);
        assert_eq!(stat.start_code, 94000000000000);
        assert_eq!(stat.end_code, 94000000100000);
        assert_eq!(stat.start_stack, 140730000000000);
        assert_eq!(stat.start_data, 94000000200000);
        assert_eq!(stat.end_data, 94000000300000);
        assert_eq!(stat.start_brk, 94000001000000);
        assert_eq!(stat.arg_start, 140730000001000);
        assert_eq!(stat.arg_end, 140730000001100);
        assert_eq!(stat.env_start, 140730000001100);
        assert_eq!(stat.env_end, 140730000002000);
    }

    #[test]
    fn short_line_is_rejected() {
        assert_eq!(parse("1 (x) S 0 0 0"), None);
        assert_eq!(parse("no parenthesis"), None);
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads /proc, which Miri does not emulate")]
    fn reads_own_stat() {
        let stat = read().expect("/proc/self/stat is readable");
        assert!(stat.threads >= 1);
        assert!(stat.arg_start < stat.arg_end);
        assert!(stat.env_start <= stat.env_end);
    }
}
