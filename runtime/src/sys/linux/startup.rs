//! The argument and environment tables the process was started with.
//!
//! glibc calls `.init_array` functions with `(argc, argv, envp)`, both for the program
//! and for libraries loaded with `dlopen`. musl calls them with no arguments, so there
//! the constructor finds the tables through `environ` and checks them against the
//! kernel's layout. The constructor only records the tables and the thread count; it
//! writes nothing, so starting the runtime changes nothing that `ps` or `/proc` shows.

use std::ffi::c_char;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};

static ARGC: AtomicUsize = AtomicUsize::new(0);
static ARGV: AtomicPtr<*mut c_char> = AtomicPtr::new(ptr::null_mut());
static ENVP: AtomicPtr<*mut c_char> = AtomicPtr::new(ptr::null_mut());
static THREADS_AT_START: AtomicU64 = AtomicU64::new(0);

/// The tables recorded at start-up.
#[derive(Debug, Clone, Copy)]
pub struct Startup {
    /// Number of entries in `argv`.
    pub argc: usize,
    /// The argument table; null if no constructor ran with arguments.
    pub argv: *mut *mut c_char,
    /// The environment table the process started with.
    pub envp: *mut *mut c_char,
    /// Threads running when the constructor ran; above 1 when a threaded host loaded
    /// this code with `dlopen`.
    pub threads_at_start: u64,
}

/// Returns the tables recorded at start-up.
pub fn get() -> Startup {
    Startup {
        argc: ARGC.load(Ordering::Acquire),
        argv: ARGV.load(Ordering::Acquire),
        envp: ENVP.load(Ordering::Acquire),
        threads_at_start: THREADS_AT_START.load(Ordering::Acquire),
    }
}

#[cfg(all(target_env = "gnu", not(miri)))]
#[used]
#[link_section = ".init_array"]
static CAPTURE: extern "C" fn(std::ffi::c_int, *mut *mut c_char, *mut *mut c_char) = capture;

#[cfg(target_env = "gnu")]
extern "C" fn capture(argc: std::ffi::c_int, argv: *mut *mut c_char, envp: *mut *mut c_char) {
    if argv.is_null() {
        return;
    }
    let threads = super::stat::read().map_or(0, |stat| stat.threads);
    record(usize::try_from(argc).unwrap_or(0), argv, envp, threads);
}

#[cfg(any(target_env = "gnu", target_env = "musl"))]
fn record(argc: usize, argv: *mut *mut c_char, envp: *mut *mut c_char, threads: u64) {
    THREADS_AT_START.store(threads, Ordering::Release);
    ENVP.store(envp, Ordering::Release);
    ARGV.store(argv, Ordering::Release);
    ARGC.store(argc, Ordering::Release);
}

#[cfg(all(target_env = "musl", not(miri)))]
#[used]
#[link_section = ".init_array"]
static CAPTURE_FROM_ENVIRON: extern "C" fn() = capture_from_environ;

#[cfg(target_env = "musl")]
extern "C" {
    static mut environ: *mut *mut c_char;
}

/// Records the tables on musl, where constructors get no arguments but `environ`
/// already points at the `envp` table the kernel passed.
#[cfg(target_env = "musl")]
extern "C" fn capture_from_environ() {
    let Some(stat) = super::stat::read() else {
        return;
    };
    // SAFETY: reads the pointer stored in `environ`, which musl sets before it runs
    // constructors; no reference to the static is made.
    let envp = unsafe { ptr::addr_of!(environ).read() };
    if let Some((argc, argv)) = find_arguments(envp, &stat) {
        record(argc, argv, envp, stat.threads);
    }
}

/// Finds `argc` and `argv` just below the kernel's environment table `envp`.
///
/// The kernel starts the stack with `argc`, the `argv` entries and their NULL, then the
/// `envp` entries. The argument strings lie above these tables, at
/// `[arg_start, arg_end)`. Returns `None` unless all of these hold:
/// - `envp` lies between the stack's start and the argument strings;
/// - the word below `envp` is NULL;
/// - the words below that point into the argument strings, the first at `arg_start`;
/// - the word below those equals their count.
///
/// Every read stays inside `[start_stack, envp)`.
#[cfg(any(target_env = "musl", test))]
fn find_arguments(
    envp: *mut *mut c_char,
    stat: &super::stat::Stat,
) -> Option<(usize, *mut *mut c_char)> {
    const WORD: usize = std::mem::size_of::<usize>();
    let lower = usize::try_from(stat.start_stack).ok()?;
    let arg_start = usize::try_from(stat.arg_start).ok()?;
    let arg_end = usize::try_from(stat.arg_end).ok()?;
    let envp_address = envp as usize;
    // Below `envp` there must be room for at least `argc`, `argv[0]` and the NULL.
    if lower == 0 || envp_address % WORD != 0 || envp_address < lower + 3 * WORD {
        return None;
    }
    if envp_address >= arg_start || arg_start >= arg_end {
        return None;
    }
    let in_strings = |word: usize| word >= arg_start && word < arg_end;
    let table = envp.cast::<usize>();

    // SAFETY: `lower + 3 * WORD <= envp`, so the word below `envp` is inside
    // `[start_stack, envp)`, the initial stack, which stays mapped.
    if unsafe { table.sub(1).read() } != 0 {
        return None;
    }

    let mut argc = 0;
    let argc_word = loop {
        let index = argc + 2;
        match envp_address.checked_sub(index * WORD) {
            Some(address) if address >= lower => {}
            _ => return None,
        }
        // SAFETY: the check above keeps the address inside `[start_stack, envp)`.
        let word = unsafe { table.sub(index).read() };
        if !in_strings(word) {
            break word;
        }
        argc += 1;
    };

    if argc == 0 || argc_word != argc {
        return None;
    }
    // SAFETY: `argc + 1` words below `envp` lie inside `[start_stack, envp)`, as the
    // loop checked.
    let argv = unsafe { table.sub(argc + 1) };
    // SAFETY: `argv[0]` is one of the words the loop read.
    if unsafe { argv.read() } != arg_start {
        return None;
    }
    Some((argc, argv.cast()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::linux::stat::{self, Stat};

    const WORD: usize = std::mem::size_of::<usize>();

    /// A fake initial stack: `argc`, `argv`, NULL, one `envp` entry, NULL, then the
    /// argument strings `"ab\0c\0"` and the environment string `"VAR=1\0"` in the
    /// words after the tables.
    struct FakeStack {
        words: Vec<usize>,
    }

    impl FakeStack {
        const ENVP: usize = 4;
        const STRINGS: usize = 8;

        fn new() -> FakeStack {
            let mut words = vec![0usize; 16];
            let strings = words.as_ptr() as usize + Self::STRINGS * WORD;
            words[0] = 2;
            words[1] = strings;
            words[2] = strings + 3;
            words[3] = 0;
            words[Self::ENVP] = strings + 5;
            words[5] = 0;
            let text = b"ab\0c\0VAR=1\0";
            // SAFETY: the text fits in the words from `STRINGS` on, which the vector owns.
            unsafe {
                ptr::copy_nonoverlapping(
                    text.as_ptr(),
                    words.as_mut_ptr().add(Self::STRINGS).cast::<u8>(),
                    text.len(),
                );
            }
            FakeStack { words }
        }

        fn address(&self, index: usize) -> u64 {
            (self.words.as_ptr() as usize + index * WORD) as u64
        }

        fn envp(&mut self) -> *mut *mut c_char {
            // SAFETY: `ENVP` is inside the vector.
            unsafe { self.words.as_mut_ptr().add(Self::ENVP).cast() }
        }

        fn stat(&self) -> Stat {
            Stat {
                start_stack: self.address(0),
                arg_start: self.address(Self::STRINGS),
                arg_end: self.address(Self::STRINGS) + 5,
                ..Stat::default()
            }
        }
    }

    #[test]
    fn fake_stack_layout_is_found() {
        let mut stack = FakeStack::new();
        let stat = stack.stat();
        let envp = stack.envp();
        let (argc, argv) = find_arguments(envp, &stat).expect("layout is accepted");
        assert_eq!(argc, 2);
        assert_eq!(argv as u64, stack.address(1));
    }

    #[test]
    fn count_mismatch_is_rejected() {
        let mut stack = FakeStack::new();
        stack.words[0] = 3;
        let stat = stack.stat();
        assert!(find_arguments(stack.envp(), &stat).is_none());
    }

    #[test]
    fn missing_argv_terminator_is_rejected() {
        let mut stack = FakeStack::new();
        stack.words[3] = stack.address(FakeStack::STRINGS) as usize;
        let stat = stack.stat();
        assert!(find_arguments(stack.envp(), &stat).is_none());
    }

    #[test]
    fn first_argument_off_area_start_is_rejected() {
        let mut stack = FakeStack::new();
        stack.words[1] += 1;
        let stat = stack.stat();
        assert!(find_arguments(stack.envp(), &stat).is_none());
    }

    #[test]
    fn environment_outside_stack_is_rejected() {
        let mut stack = FakeStack::new();
        let mut stat = stack.stat();
        let envp = stack.envp();
        // A table above the argument strings, as after `setenv` moved it to the heap.
        stat.arg_start = stack.address(2);
        stat.arg_end = stack.address(3);
        assert!(find_arguments(envp, &stat).is_none());
        // A table whose words below would fall under the start of the stack.
        let mut stat = stack.stat();
        stat.start_stack = stack.address(2);
        assert!(find_arguments(envp, &stat).is_none());
    }

    #[test]
    fn walk_stops_at_stack_start() {
        let mut stack = FakeStack::new();
        // With `argc` overwritten by a pointer into the strings, the walk would go on
        // below the stack's start unless it stops there.
        stack.words[0] = stack.address(FakeStack::STRINGS) as usize;
        let stat = stack.stat();
        assert!(find_arguments(stack.envp(), &stat).is_none());
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads /proc, which Miri does not emulate")]
    fn recorded_tables_match_kernel_layout() {
        let startup = get();
        assert!(
            !startup.argv.is_null(),
            "the constructor recorded no tables"
        );
        let stat = stat::read().expect("/proc/self/stat is readable");
        let (argc, argv) =
            find_arguments(startup.envp, &stat).expect("the kernel's layout is accepted");
        assert_eq!(argc, startup.argc);
        assert_eq!(argv, startup.argv);
        assert_eq!(argv as u64 - WORD as u64, stat.start_stack);
    }
}
