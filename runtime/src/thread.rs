//! Thread names: what `top -H`, `ps -L -o comm` and `/proc/PID/task/TID/comm` show.
//!
//! Names are cut to the platform's limit (15 bytes on Linux) at a character boundary,
//! with control and invisible formatting characters replaced by `?`. Naming a thread
//! other than the main thread never renames the process.

use std::marker::PhantomData;

use crate::sys::{self, CommName};
use crate::Error;

/// Maximum length of a thread name on this platform, in bytes.
pub const MAX_LEN: usize = sys::COMM_MAX_LEN;

/// Returns `name` with control and formatting characters replaced by `?`, cut to
/// `MAX_LEN` bytes at a character boundary, built on the stack so that naming a thread
/// never allocates.
fn sanitized(name: &str) -> Result<CommName, Error> {
    if let Some(position) = name.bytes().position(|b| b == 0) {
        return Err(Error::Nul { position });
    }
    let mut buffer = [0u8; MAX_LEN];
    let mut len = 0;
    for c in name.chars() {
        let c = if crate::text::is_replaced(c) { '?' } else { c };
        if len + c.len_utf8() > MAX_LEN {
            break;
        }
        len += c.encode_utf8(&mut buffer[len..]).len();
    }
    // Whole characters were copied, so the bytes are valid UTF-8.
    Ok(CommName::new(
        std::str::from_utf8(&buffer[..len]).unwrap_or(""),
    ))
}

/// Names the calling thread.
///
/// # Errors
/// [`Error::Nul`] if `name` contains a NUL byte; the name is unchanged.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// std::thread::spawn(|| {
///     proc_title::thread::set("ERP: reader")?;
///     assert_eq!(proc_title::thread::get(), "ERP: reader");
///     Ok::<(), proc_title::Error>(())
/// })
/// .join()
/// .unwrap()?;
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn set(name: &str) -> Result<(), Error> {
    let name = sanitized(name)?;
    sys::set_current_thread(&name);
    // On the main thread this is the process's `comm` too.
    crate::state::lock().forget_comm();
    Ok(())
}

/// Returns the calling thread's name.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let name = std::thread::Builder::new()
///     .name("loader".into())
///     .spawn(proc_title::thread::get)
///     .unwrap()
///     .join()
///     .unwrap();
/// assert_eq!(name, "loader");
/// ```
pub fn get() -> String {
    sys::current_thread().to_string_lossy()
}

/// Restores the calling thread's previous name when dropped.
///
/// Not `Send`: a thread name belongs to the thread that set it.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// std::thread::Builder::new()
///     .name("pool-7".into())
///     .spawn(|| {
///         let guard = proc_title::thread::scope("erp-flush")?;
///         assert_eq!(proc_title::thread::get(), "erp-flush");
///         drop(guard);
///         assert_eq!(proc_title::thread::get(), "pool-7");
///         Ok::<(), proc_title::Error>(())
///     })
///     .unwrap()
///     .join()
///     .unwrap()?;
/// # Ok::<(), proc_title::Error>(())
/// ```
#[must_use = "the thread name is restored as soon as the guard is dropped"]
#[derive(Debug)]
pub struct ThreadGuard {
    previous: CommName,
    _not_send: PhantomData<*const ()>,
}

/// Names the calling thread until the guard is dropped.
///
/// # Errors
/// [`Error::Nul`] if `name` contains a NUL byte; the name is unchanged.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// std::thread::spawn(|| {
///     let before = proc_title::thread::get();
///     {
///         let _name = proc_title::thread::scope("ERP: flush")?;
///         assert_eq!(proc_title::thread::get(), "ERP: flush");
///     }
///     assert_eq!(proc_title::thread::get(), before);
///     Ok::<(), proc_title::Error>(())
/// })
/// .join()
/// .unwrap()?;
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn scope(name: &str) -> Result<ThreadGuard, Error> {
    let name = sanitized(name)?;
    let previous = sys::current_thread();
    sys::set_current_thread(&name);
    Ok(ThreadGuard {
        previous,
        _not_send: PhantomData,
    })
}

impl Drop for ThreadGuard {
    fn drop(&mut self) {
        sys::set_current_thread(&self.previous);
        // On the main thread the restored name may predate a later title, so the
        // process's `comm` is written again from the current title.
        let mut state = crate::state::lock();
        state.forget_comm();
        state.refresh_comm();
    }
}
