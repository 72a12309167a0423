//! Windows: the command line stays as it was, and thread names go through
//! `SetThreadDescription`, which debuggers, Process Explorer and crash dumps show.
//!
//! `set()` and `init()` return
//! [`Error::CommandLineUnchanged`](crate::Error::CommandLineUnchanged): Windows offers no
//! supported call that changes the command line other processes read. Frames, slots
//! and `get()` work as everywhere.

// NOTE: compiled and linted for x86_64-pc-windows-gnu but never run: Wine 8 lacks the
// `bcryptprimitives.dll` that Rust's standard library imports.

use std::ffi::CStr;
use std::sync::OnceLock;

use windows_sys::core::{HRESULT, PCWSTR, PWSTR};
use windows_sys::Win32::Foundation::{LocalFree, HANDLE};
use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};
use windows_sys::Win32::System::Threading::GetCurrentThread;

use super::common::{self, not_available, requested, unchanged};
use super::local_name::{self, LocalName};
use crate::{Backend, Error};

pub use super::common::{NameOnly as Active, Request};
pub use super::local_name::MAX_LEN as COMM_MAX_LEN;

/// A thread name of at most 255 bytes of UTF-8.
///
/// Windows keeps descriptions of any length; the bound is the runtime's own, so that
/// names stay fixed-size and naming a thread never allocates.
pub type CommName = LocalName;

fn reason(request: &Request) -> Error {
    match requested(request) {
        Err(error) => error,
        Ok(Some(backend)) => not_available(backend),
        Ok(None) => unchanged(
            "Windows offers no supported call that changes the command line other \
             processes read",
        ),
    }
}

/// Returns the name-only backend and its capacity.
pub fn predict(_request: &Request) -> (Backend, usize) {
    (Backend::NameOnly, common::IN_PROCESS_CAPACITY)
}

/// Starts the name-only backend, whose status gives the reason the command line stays
/// unchanged.
pub fn activate(request: &Request, _initial: &str) -> Active {
    Active::new(reason(request))
}

/// Returns the arguments `std` parsed from the command line, joined by single spaces.
pub fn original_command_line() -> String {
    common::command_line_from_std()
}

/// Returns `None`: a Windows process has no short name apart from its image name.
pub fn process_comm() -> Option<CommName> {
    None
}

/// Returns false: the image name cannot change.
pub fn set_process_comm(_name: &CommName) -> bool {
    false
}

type SetDescriptionFn = unsafe extern "system" fn(HANDLE, PCWSTR) -> HRESULT;
type GetDescriptionFn = unsafe extern "system" fn(HANDLE, *mut PWSTR) -> HRESULT;

/// The thread description functions, which Windows 10 version 1607 added.
///
/// They are looked up in `kernel32.dll` at run time, so that programs still start on
/// older versions, where thread names are then kept in-process.
struct Description {
    set: Option<SetDescriptionFn>,
    get: Option<GetDescriptionFn>,
}

fn description() -> &'static Description {
    static DESCRIPTION: OnceLock<Description> = OnceLock::new();
    DESCRIPTION.get_or_init(|| {
        let module_name: Vec<u16> = "kernel32.dll\0".encode_utf16().collect();
        // SAFETY: the name is a NUL-terminated UTF-16 string; kernel32 is loaded in
        // every process, so the handle stays valid.
        let module = unsafe { GetModuleHandleW(module_name.as_ptr()) };
        if module.is_null() {
            return Description {
                set: None,
                get: None,
            };
        }
        let find = |name: &CStr| {
            // SAFETY: `module` is a loaded module and `name` is NUL-terminated.
            unsafe { GetProcAddress(module, name.as_ptr().cast()) }
        };
        // SAFETY: the addresses are those of `SetThreadDescription` and
        // `GetThreadDescription`, whose signatures the two types match.
        unsafe {
            Description {
                set: find(c"SetThreadDescription")
                    .map(|address| std::mem::transmute::<_, SetDescriptionFn>(address)),
                get: find(c"GetThreadDescription")
                    .map(|address| std::mem::transmute::<_, GetDescriptionFn>(address)),
            }
        }
    })
}

/// Reads the calling thread's description, else the name kept in-process.
pub fn current_thread() -> CommName {
    let Some(get) = description().get else {
        return local_name::get();
    };
    let mut text: PWSTR = std::ptr::null_mut();
    // SAFETY: `GetCurrentThread` returns a pseudo handle valid in this thread, and
    // `text` receives a string that `LocalFree` releases.
    let result = unsafe { get(GetCurrentThread(), &mut text) };
    if result < 0 || text.is_null() {
        return CommName::new("");
    }
    // SAFETY: `text` is a NUL-terminated UTF-16 string from `GetThreadDescription`; the
    // length is found before the slice is made, and the string is freed once.
    let name = unsafe {
        let mut len = 0;
        while *text.add(len) != 0 {
            len += 1;
        }
        let name = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
        LocalFree(text.cast());
        name
    };
    CommName::new(&name)
}

/// Sets the calling thread's description, else keeps the name in-process; returns
/// false if Windows rejected it.
pub fn set_current_thread(name: &CommName) -> bool {
    let Some(set) = description().set else {
        return local_name::set(name);
    };
    // At most 255 UTF-8 bytes make at most 255 UTF-16 units, plus the NUL.
    let mut wide = [0u16; COMM_MAX_LEN + 1];
    let text = String::from_utf8_lossy(name.as_bytes());
    for (slot, unit) in wide[..COMM_MAX_LEN].iter_mut().zip(text.encode_utf16()) {
        *slot = unit;
    }
    // SAFETY: `wide` is NUL-terminated because its last unit is never written, and the
    // pseudo handle from `GetCurrentThread` names the calling thread.
    let result = unsafe { set(GetCurrentThread(), wide.as_ptr()) };
    result >= 0
}
