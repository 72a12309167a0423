pub use proc_title_runtime::*;

#[cfg(feature = "macros")]
pub use proc_title_macros::{proc_title, proctitle};
