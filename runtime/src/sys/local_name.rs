//! Thread names kept in-process, for platforms where the OS keeps none or lacks the
//! call to set one.

use std::cell::Cell;

use super::name::Name;

/// Maximum length of a thread name kept in-process, in bytes.
///
/// The bound is the runtime's own, so that names stay fixed-size and naming a thread
/// never allocates.
pub const MAX_LEN: usize = 255;

/// A thread name kept in-process.
pub type LocalName = Name<{ MAX_LEN + 1 }>;

thread_local! {
    static NAME: Cell<Option<LocalName>> = const { Cell::new(None) };
}

/// Returns the name last stored for the calling thread, else the name `std` gave it.
pub fn get() -> LocalName {
    NAME.try_with(|cell| {
        cell.get().unwrap_or_else(|| {
            let thread = std::thread::current();
            LocalName::new(thread.name().unwrap_or(""))
        })
    })
    .unwrap_or_else(|_| LocalName::new(""))
}

/// Stores `name` for the calling thread; returns false while the thread is exiting.
pub fn set(name: &LocalName) -> bool {
    NAME.try_with(|cell| cell.set(Some(*name))).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(target_family = "wasm", ignore = "needs threads")]
    fn name_defaults_to_std_name() {
        let name = std::thread::Builder::new()
            .name("loader".into())
            .spawn(|| get().to_string_lossy())
            .expect("thread starts")
            .join()
            .expect("thread finishes");
        assert_eq!(name, "loader");
    }

    #[test]
    fn name_follows_last_set() {
        assert!(set(&LocalName::new("ERP: reader")));
        assert_eq!(get().to_string_lossy(), "ERP: reader");
        assert!(set(&LocalName::new("ERP: writer")));
        assert_eq!(get().to_string_lossy(), "ERP: writer");
    }

    #[test]
    #[cfg_attr(target_family = "wasm", ignore = "needs threads")]
    fn name_is_per_thread() {
        set(&LocalName::new("ERP: main side"));
        let other = std::thread::spawn(|| get().to_string_lossy())
            .join()
            .expect("thread finishes");
        assert_ne!(other, "ERP: main side");
        assert_eq!(get().to_string_lossy(), "ERP: main side");
    }
}
