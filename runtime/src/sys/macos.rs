//! macOS: the in-place backend over the argument strings, and thread names through
//! `pthread_setname_np`.
//!
//! `ps` reads a process's command line with `sysctl(KERN_PROCARGS2)`, which copies the
//! argument and environment strings from the top of its stack. Before the first write
//! the argument strings are copied to the heap and `*_NSGetArgv()` is pointed at a
//! table of the copies, so `std::env::args()`, which reads that table on every call,
//! keeps returning the original arguments. With environment relocation on and a single
//! thread, the environment strings that follow are copied and repointed as well, and
//! the title extends over them. `ps -o comm` and Activity Monitor show the executable's
//! name, which no call changes.

// NOTE: compiled and linted for x86_64 and aarch64 macOS but never run: no macOS
// machine was available. The string layout that `ps` reads and the copies of `argv`
// follow XNU's exec layout as documented, without a check on a real system.

use std::ffi::{c_char, CStr};
use std::ptr;

use super::arg_strings::{self, Area};
use super::common::{self, not_available, requested, unchanged, NameOnly};
use super::name::Name;
use crate::{Backend, Error};

pub use super::common::Request;

/// Maximum thread name length macOS keeps, in bytes: `MAXTHREADNAMESIZE` is 64 with
/// the NUL.
pub const COMM_MAX_LEN: usize = 63;

/// A thread name of at most 63 bytes.
pub type CommName = Name<{ COMM_MAX_LEN + 1 }>;

/// The argument table as the C runtime stores it.
struct Arguments {
    argc: usize,
    argv: *mut *mut c_char,
}

fn arguments() -> Arguments {
    // SAFETY: both functions return pointers to the C runtime's own variables, which
    // live for the whole process.
    let (argc, argv) = unsafe { (*libc::_NSGetArgc(), *libc::_NSGetArgv()) };
    Arguments {
        argc: usize::try_from(argc).unwrap_or(0),
        argv,
    }
}

/// Returns the number of threads in the process, if the kernel reports it.
fn thread_count() -> Option<i32> {
    // SAFETY: `proc_taskinfo` is plain data, for which all zero bytes are valid.
    let mut info: libc::proc_taskinfo = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::proc_taskinfo>() as libc::c_int;
    // SAFETY: `info` is writable and exactly `size` bytes long.
    let written = unsafe {
        libc::proc_pidinfo(
            libc::getpid(),
            libc::PROC_PIDTASKINFO,
            0,
            ptr::addr_of_mut!(info).cast(),
            size,
        )
    };
    (written == size).then_some(info.pti_threadnum)
}

/// The strings the in-place backend would claim, found without changing anything.
struct Found {
    arguments: Arguments,
    /// Bytes of the argument strings, NULs included.
    arg_len: usize,
    /// Bytes of the argument strings and of the environment strings after them, if
    /// the title may extend over the environment.
    with_environment: Option<usize>,
}

impl Found {
    fn len(&self) -> usize {
        self.with_environment.unwrap_or(self.arg_len)
    }

    fn capacity(&self) -> usize {
        self.len().saturating_sub(self.arguments.argc)
    }
}

/// Collects the entries of a NULL-terminated table.
///
/// # Safety
/// `table` must be null or a NULL-terminated table of C strings.
unsafe fn table_entries(table: *mut *mut c_char) -> Vec<*const c_char> {
    let mut entries = Vec::new();
    if table.is_null() {
        return entries;
    }
    let mut index = 0;
    loop {
        // SAFETY: the loop stops at the NULL that ends the table.
        let entry = unsafe { *table.add(index) };
        if entry.is_null() {
            return entries;
        }
        entries.push(entry.cast_const());
        index += 1;
    }
}

fn find(request: &Request) -> Result<Found, &'static str> {
    let arguments = arguments();
    if arguments.argv.is_null() || arguments.argc == 0 {
        return Err("the process has no argument table (argc is 0)");
    }
    // SAFETY: `argv` has `argc` entries, each a C string, followed by a NULL.
    let strings = unsafe {
        if !(*arguments.argv.add(arguments.argc)).is_null() {
            return Err("the argument table does not end after argc entries");
        }
        std::slice::from_raw_parts(arguments.argv.cast::<*const c_char>(), arguments.argc)
    };
    let start = strings[0];
    // SAFETY: every entry is a C string, as above.
    let Some(arg_len) = (unsafe { arg_strings::run_len(start, strings) }) else {
        return Err("the argument strings are not adjacent, so other code changed argv");
    };
    let mut found = Found {
        arguments,
        arg_len,
        with_environment: None,
    };
    // With several threads another one may be inside `getenv`, so the environment stays.
    if request.relocate_environment && thread_count() == Some(1) {
        // SAFETY: `environ` is a NULL-terminated table of C strings.
        let environment = unsafe { table_entries(*libc::_NSGetEnviron()) };
        let environment_start = start.wrapping_add(arg_len);
        if !environment.is_empty() {
            // SAFETY: as above.
            let run = unsafe { arg_strings::run_len(environment_start, &environment) };
            found.with_environment = run.map(|env_len| arg_len + env_len);
        }
    }
    Ok(found)
}

/// Returns a heap copy of the C string at `string`, leaked for the life of the process.
///
/// # Safety
/// `string` must point at a NUL-terminated string.
unsafe fn leak_copy(string: *const c_char) -> *mut c_char {
    // SAFETY: the caller passes a NUL-terminated string.
    unsafe { CStr::from_ptr(string) }.to_owned().into_raw()
}

/// Repoints each entry of a NULL-terminated `table` that points into `area`.
///
/// # Safety
/// `table` must be null or a writable NULL-terminated table of C strings.
unsafe fn repoint_table(area: &Area, table: *mut *mut c_char) {
    if table.is_null() {
        return;
    }
    let mut index = 0;
    loop {
        // SAFETY: the loop stops at the NULL that ends the table, and the entries are
        // C strings.
        unsafe {
            let entry = table.add(index);
            if (*entry).is_null() {
                return;
            }
            if area.contains(*entry) {
                *entry = leak_copy(*entry);
            }
        }
        index += 1;
    }
}

extern "C" {
    /// Returns the address of `__progname`, which `getprogname` returns; declared in
    /// `<crt_externs.h>`.
    fn _NSGetProgname() -> *mut *const c_char;
}

/// Points `__progname` at the same offset in the copy of `argv[0]` if it points into
/// the original.
///
/// The variable is written directly because `setprogname` in Apple's libc also sets
/// the kernel's process name with `sysctl(KERN_PROCNAME)`.
///
/// # Safety
/// `original_first` and `copied_first` must be the original `argv[0]` and its copy,
/// both NUL-terminated and of equal length.
unsafe fn repoint_program_name(
    area: &Area,
    original_first: *const c_char,
    copied_first: *mut c_char,
) {
    // SAFETY: `_NSGetProgname` returns the address of the C runtime's variable, and the
    // caller passes two equal C strings.
    unsafe {
        let name = _NSGetProgname();
        let current = *name;
        if current.is_null() || !area.contains(current) {
            return;
        }
        let first_len = CStr::from_ptr(original_first).to_bytes().len();
        let offset = (current as usize).wrapping_sub(original_first as usize);
        *name = if current >= original_first && offset <= first_len {
            copied_first.add(offset)
        } else {
            leak_copy(current)
        };
    }
}

/// The argument strings, with every table pointing at copies of them.
#[derive(Debug)]
pub struct InPlace {
    area: Area,
}

impl InPlace {
    /// Copies the claimed strings, repoints the tables and the program name at the
    /// copies, and returns the area for titles.
    ///
    /// Call with the title lock held. When `found` claims the environment the process
    /// had a single thread while `find` ran.
    fn activate(found: Found) -> InPlace {
        let Arguments { argc, argv } = found.arguments;
        // SAFETY: `find` checked that `argv` has `argc` entries, each starting inside
        // the claimed strings, which stay mapped on the stack for the whole process.
        let area = unsafe { Area::new((*argv).cast(), found.len(), argc) };

        let mut copies: Vec<*mut c_char> = Vec::with_capacity(argc + 1);
        for index in 0..argc {
            // SAFETY: `argv` has `argc` entries, each a C string.
            copies.push(unsafe { leak_copy(*argv.add(index)) });
        }
        copies.push(ptr::null_mut());
        let table = Box::leak(copies.into_boxed_slice());
        // SAFETY: the table is leaked, so it and its copies stay valid for the rest of
        // the process. `_NSGetArgv` returns the address of the C runtime's `NXArgv`.
        unsafe {
            let original_first = *argv;
            *libc::_NSGetArgv() = table.as_mut_ptr();
            repoint_program_name(&area, original_first, table[0]);
        }

        if found.with_environment.is_some() {
            // SAFETY: `environ` is a NULL-terminated table of C strings.
            unsafe {
                repoint_table(&area, *libc::_NSGetEnviron());
            }
        }
        InPlace { area }
    }
}

/// The backend in use and what it writes to.
#[derive(Debug)]
pub enum Active {
    InPlace(InPlace),
    NameOnly(NameOnly),
}

/// The backend the next activation would choose.
enum Plan {
    InPlace(Found),
    NameOnly(Error),
}

fn plan(request: &Request) -> Plan {
    match requested(request) {
        Err(error) => Plan::NameOnly(error),
        Ok(None | Some(Backend::InPlace)) => match find(request) {
            Ok(found) => Plan::InPlace(found),
            Err(reason) => Plan::NameOnly(unchanged(reason)),
        },
        Ok(Some(other)) => Plan::NameOnly(not_available(other)),
    }
}

/// Returns the backend and capacity the next activation would have, changing nothing.
pub fn predict(request: &Request) -> (Backend, usize) {
    match plan(request) {
        Plan::InPlace(found) => (Backend::InPlace, found.capacity()),
        Plan::NameOnly(_) => (Backend::NameOnly, common::IN_PROCESS_CAPACITY),
    }
}

/// Starts a backend; the command line shows the original arguments until the first
/// write.
pub fn activate(request: &Request, _initial: &str) -> Active {
    match plan(request) {
        Plan::InPlace(found) => Active::InPlace(InPlace::activate(found)),
        Plan::NameOnly(error) => Active::NameOnly(NameOnly::new(error)),
    }
}

impl Active {
    /// Returns which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Active::InPlace(_) => Backend::InPlace,
            Active::NameOnly(name_only) => name_only.backend(),
        }
    }

    /// Returns the longest title shown in full.
    pub fn capacity(&self) -> usize {
        match self {
            Active::InPlace(in_place) => in_place.area.capacity(),
            Active::NameOnly(name_only) => name_only.capacity(),
        }
    }

    /// Shows `title`, at most `capacity()` bytes without NUL, as the command line.
    pub fn write(&mut self, title: &[u8]) {
        match self {
            Active::InPlace(in_place) => in_place.area.write(title),
            Active::NameOnly(name_only) => name_only.write(title),
        }
    }

    /// Returns why the command line does not follow the title, if it does not.
    pub fn status(&self) -> Result<(), Error> {
        match self {
            Active::InPlace(_) => Ok(()),
            Active::NameOnly(name_only) => name_only.status(),
        }
    }
}

/// Returns the original command line: the arguments joined by single spaces.
pub fn original_command_line() -> String {
    let Arguments { argc, argv } = arguments();
    if argv.is_null() {
        return common::command_line_from_std();
    }
    let mut joined = Vec::new();
    for index in 0..argc {
        if index > 0 {
            joined.push(b' ');
        }
        // SAFETY: `argv` has `argc` C strings; after activation they are the leaked
        // copies of the original arguments.
        let argument = unsafe { CStr::from_ptr(*argv.add(index)) };
        joined.extend_from_slice(argument.to_bytes());
    }
    String::from_utf8_lossy(&joined).into_owned()
}

/// Returns `None`: the process name is the executable's, which no call changes.
pub fn process_comm() -> Option<CommName> {
    None
}

/// Returns false: the process name is the executable's, which no call changes.
pub fn set_process_comm(_name: &CommName) -> bool {
    false
}

/// Reads the calling thread's name.
pub fn current_thread() -> CommName {
    let mut raw = [0u8; COMM_MAX_LEN + 1];
    // SAFETY: `raw` is writable and its length is passed; the name is NUL-terminated
    // within it.
    unsafe {
        libc::pthread_getname_np(libc::pthread_self(), raw.as_mut_ptr().cast(), raw.len());
    }
    CommName::from_raw(&raw)
}

/// Names the calling thread, the only thread macOS lets a thread name; returns false
/// if the call failed.
pub fn set_current_thread(name: &CommName) -> bool {
    // SAFETY: `as_ptr` is NUL-terminated and at most 63 bytes long before the NUL.
    unsafe { libc::pthread_setname_np(name.as_ptr()) == 0 }
}
