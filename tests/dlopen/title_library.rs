//! A library for `host.c` to load with `dlopen`: it sets a title through
//! `proc-title-runtime` and prints a report in the probe's `key value` format.

use std::ffi::{c_char, c_int, CStr};
use std::io::Write;

/// Sets `title`, then prints `result`, `backend`, `capacity` and `get` lines.
/// Returns 0, or 1 if `title` is not UTF-8 or stdout failed.
///
/// # Safety
/// `title` must point at a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn title_library_report(title: *const c_char) -> c_int {
    // SAFETY: the caller passes a NUL-terminated string.
    let title = unsafe { CStr::from_ptr(title) };
    let Ok(title) = title.to_str() else {
        return 1;
    };
    let result = match proc_title_runtime::set(title) {
        Ok(()) => "ok".to_owned(),
        Err(error) => format!("err {error:?}"),
    };
    let lines = [
        ("result", result),
        ("backend", proc_title_runtime::backend().to_string()),
        ("capacity", proc_title_runtime::capacity().to_string()),
        ("get", proc_title_runtime::get()),
    ];
    let mut out = std::io::stdout().lock();
    for (key, value) in lines {
        if writeln!(out, "{key} {}", escape(value.as_bytes())).is_err() {
            return 1;
        }
    }
    c_int::from(out.flush().is_err())
}

/// Escapes bytes as the probe does: `\\` for a backslash, `\xHH` outside printable
/// ASCII.
fn escape(bytes: &[u8]) -> String {
    let mut escaped = String::new();
    for &byte in bytes {
        match byte {
            b'\\' => escaped.push_str("\\\\"),
            b' '..=b'~' => escaped.push(char::from(byte)),
            _ => escaped.push_str(&format!("\\x{byte:02x}")),
        }
    }
    escaped
}
