//! Support for the macros of `proc-title`; not a stable API.

use std::fmt;

pub use crate::scope::Part;
use crate::scope::{scope_parts_with_comm, slot_fmt, SlotGuard, TitleGuard};
use crate::thread::ThreadGuard;

// Generated code names these through this module, so that a crate that shadows
// `format_args` or `Option` still expands correctly.
pub use core::{format_args, option::Option};

/// Pushes a title frame from template parts checked at compile time.
pub fn title(parts: &[Part<'_>], comm: Option<&'static str>) -> TitleGuard {
    scope_parts_with_comm(parts, comm).unwrap_or_else(|_| TitleGuard::empty())
}

/// Fills a slot whose name was checked at compile time.
pub fn slot(name: &'static str, value: fmt::Arguments<'_>) -> SlotGuard {
    slot_fmt(name, value)
}

/// Names the calling thread for a call; `None` if the name was rejected.
pub fn thread(name: &'static str) -> Option<ThreadGuard> {
    crate::thread::scope(name).ok()
}
