//! Linux: the moved-area, in-place and name-only backends, tried in that order.

mod comm;
mod in_place;
mod moved;
mod startup;
mod stat;

pub use comm::{current_thread, set_current_thread, Name as CommName, MAX_LEN as COMM_MAX_LEN};

pub use super::common::Request;
use super::common::{not_available, requested, unchanged};
use crate::{Backend, Error};
use in_place::InPlace;
use moved::Moved;
use stat::Stat;

/// The backend in use and what it writes to.
#[derive(Debug)]
pub enum Active {
    Moved(Moved),
    InPlace(InPlace),
    NameOnly(Error),
}

/// Returns the page size, asked of the system once, because the name-only backend needs
/// it on every update.
fn page_size() -> usize {
    static PAGE_SIZE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *PAGE_SIZE.get_or_init(|| {
        // SAFETY: `sysconf` has no preconditions.
        let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(size).unwrap_or(4096).max(64)
    })
}

/// Maximum title length the name-only backend keeps in-process, the moved area's.
fn in_process_capacity() -> usize {
    page_size() - 1
}

/// The backend the next activation would choose, found without changing anything.
enum Plan {
    Moved(Stat),
    InPlace(in_place::Area),
    NameOnly(Error),
}

fn plan_moved(stat: &Stat, startup: &startup::Startup) -> Result<Plan, Error> {
    if startup.threads_at_start > 1 {
        return Err(unchanged(
            "loaded into a process that already ran several threads",
        ));
    }
    if stat.threads != 1 {
        return Err(unchanged(
            "the moved area needs a single thread; call init() before starting threads",
        ));
    }
    moved::probe(stat).map_err(|errno| Error::CommandLineUnchanged {
        reason: "prctl(PR_SET_MM_MAP) was rejected",
        errno,
    })?;
    Ok(Plan::Moved(*stat))
}

fn plan_in_place(
    stat: &Stat,
    startup: &startup::Startup,
    request: &Request,
) -> Result<Plan, Error> {
    if startup.threads_at_start > 1 {
        return Err(unchanged(
            "loaded into a process that already ran several threads",
        ));
    }
    // With several threads another one may be inside `getenv`, so the environment stays.
    let with_environment = request.relocate_environment && stat.threads == 1;
    in_place::find(startup, stat, with_environment, page_size())
        .map(Plan::InPlace)
        .map_err(unchanged)
}

fn plan(request: &Request) -> Plan {
    let startup = startup::get();
    let Some(stat) = stat::read() else {
        return Plan::NameOnly(unchanged("/proc/self/stat is not readable"));
    };
    let result = match requested(request) {
        Err(error) => Err(error),
        Ok(Some(Backend::NameOnly)) => Err(unchanged("the name-only backend was requested")),
        Ok(Some(Backend::Moved)) => plan_moved(&stat, &startup),
        Ok(Some(Backend::InPlace)) => plan_in_place(&stat, &startup, request),
        Ok(None) => {
            plan_moved(&stat, &startup).or_else(|_| plan_in_place(&stat, &startup, request))
        }
        Ok(Some(other)) => Err(not_available(other)),
    };
    result.unwrap_or_else(Plan::NameOnly)
}

impl Plan {
    fn capacity(&self) -> usize {
        match self {
            Plan::Moved(_) | Plan::NameOnly(_) => in_process_capacity(),
            Plan::InPlace(area) => area.capacity(),
        }
    }

    fn backend(&self) -> Backend {
        match self {
            Plan::Moved(_) => Backend::Moved,
            Plan::InPlace(_) => Backend::InPlace,
            Plan::NameOnly(_) => Backend::NameOnly,
        }
    }
}

/// Returns the backend and capacity the next activation would have, changing nothing.
pub fn predict(request: &Request) -> (Backend, usize) {
    let plan = plan(request);
    (plan.backend(), plan.capacity())
}

/// Starts a backend. The moved area starts out showing `initial`, cut to capacity.
pub fn activate(request: &Request, initial: &str) -> Active {
    match plan(request) {
        Plan::Moved(stat) => {
            let initial = crate::text::cut(initial, in_process_capacity());
            match Moved::activate(&stat, initial.as_bytes()) {
                Ok(moved) => Active::Moved(moved),
                Err(errno) => Active::NameOnly(Error::CommandLineUnchanged {
                    reason: "mapping a page for the moved area failed",
                    errno,
                }),
            }
        }
        Plan::InPlace(area) => Active::InPlace(InPlace::activate(area, &startup::get())),
        Plan::NameOnly(error) => Active::NameOnly(error),
    }
}

impl Active {
    /// Returns which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Active::Moved(_) => Backend::Moved,
            Active::InPlace(_) => Backend::InPlace,
            Active::NameOnly(_) => Backend::NameOnly,
        }
    }

    /// Returns the longest title shown in full.
    pub fn capacity(&self) -> usize {
        match self {
            Active::Moved(moved) => moved.capacity(),
            Active::InPlace(in_place) => in_place.capacity(),
            Active::NameOnly(_) => in_process_capacity(),
        }
    }

    /// Shows `title`, at most `capacity()` bytes without NUL, as the command line.
    pub fn write(&mut self, title: &[u8]) {
        match self {
            Active::Moved(moved) => moved.write(title),
            Active::InPlace(in_place) => in_place.write(title),
            Active::NameOnly(_) => {}
        }
    }

    /// Returns why the command line does not follow the title, if it does not.
    pub fn status(&self) -> Result<(), Error> {
        match self {
            Active::NameOnly(error) => Err(error.clone()),
            _ => Ok(()),
        }
    }
}

/// Returns the original command line: the arguments joined by single spaces.
pub fn original_command_line() -> String {
    let startup = startup::get();
    if startup.argv.is_null() {
        let bytes = std::fs::read("/proc/self/cmdline").unwrap_or_default();
        let bytes = bytes.strip_suffix(&[0]).unwrap_or(&bytes);
        if bytes.is_empty() {
            return String::new();
        }
        return join_arguments(bytes.split(|&b| b == 0));
    }
    let arguments = (0..startup.argc).map(|index| {
        // SAFETY: `argv` has `argc` entries, each a C string; the in-place backend
        // repoints entries only to copies that live for the rest of the process.
        unsafe { std::ffi::CStr::from_ptr(*startup.argv.add(index)).to_bytes() }
    });
    join_arguments(arguments)
}

fn join_arguments<'a>(arguments: impl Iterator<Item = &'a [u8]>) -> String {
    let mut joined = Vec::new();
    for (index, argument) in arguments.enumerate() {
        if index > 0 {
            joined.push(b' ');
        }
        joined.extend_from_slice(argument);
    }
    String::from_utf8_lossy(&joined).into_owned()
}

/// Reads the process's `comm`.
pub fn process_comm() -> Option<CommName> {
    comm::process()
}

/// Sets the process's `comm` from any thread; returns false on failure.
pub fn set_process_comm(name: &CommName) -> bool {
    comm::set_process(name)
}
