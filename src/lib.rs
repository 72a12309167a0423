pub use proc_title_runtime::*;
