//! Process and thread titles that `ps`, `top` and `/proc` really show.
//!
//! A server that runs a dozen copies of the same daemon shows `ps` a dozen identical
//! command lines. With this crate each process replaces its command line with a title
//! that describes its current work, such as `ERP: worker 1 [step 3/8]`, and the
//! previous title comes back when that work ends.
//!
//! The crate has two layers. The attribute [`#[proc_title]`](macro@proc_title) and the
//! macro [`proctitle!`] check title formats at compile time and tie each title to a
//! function or a block. The runtime API beneath them ([`set`], [`scope`], [`stage`],
//! [`slot`], [`thread`], [`worker`] and [`Options`]) takes titles built at run time.
//! The macros come with the default `macros` feature.
//!
//! Every example below runs as a program of its own and checks its title with [`get`],
//! which returns the title the process shows now: what `ps -o args` prints, unless the
//! backend can only show it in-process (see [Backends and limits](#backends-and-limits)).
//!
//! # 1. Name the process
//!
//! [`#[proc_title]`](macro@proc_title) shows a title while a function runs, so on `main`
//! it names the process for its whole life:
//!
//! ```
//! use proc_title::proc_title;
//!
//! #[proc_title("ERP: supervisor")]
//! fn main() {
//!     assert_eq!(proc_title::get(), "ERP: supervisor");
//! }
//! ```
//!
//! The first title change starts the backend. The `moved` backend can only start while
//! the process has a single thread, and on `main` the title is set by its first
//! statement, before any thread exists. A program whose first title comes later calls
//! [`init`] early in `main` instead. The attribute reports no error: where the command
//! line cannot change, the title still shows in `comm` and [`get`].
//!
//! [`set`] sets the base title, which shows whenever no function or block title is
//! alive, and returns what went wrong:
//!
//! ```
//! if let Err(error) = proc_title::set("ERP: supervisor") {
//!     eprintln!("ps keeps showing the command line: {error}");
//! }
//! assert_eq!(proc_title::get(), "ERP: supervisor");
//! ```
//!
//! # 2. Name the workers
//!
//! ## Worker processes
//!
//! [`worker::command`] returns a command that runs the current program again with the
//! title as `argv[0]`. `ps` shows `argv[0]` first, so the worker shows its title from
//! its first instant, before it runs a line of its own code:
//!
//! ```
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     if std::env::var_os("ERP_ROLE").is_some() {
//!         // In the worker: before it sets a title, it shows its command line.
//!         #[cfg(unix)]
//!         assert_eq!(proc_title::get(), "ERP: worker 1 [starting]");
//!         return Ok(());
//!     }
//!
//!     let status = proc_title::worker::command("ERP: worker 1 [starting]")?
//!         .env("ERP_ROLE", "worker-1")
//!         .status()?;
//!     assert!(status.success());
//!     Ok(())
//! }
//! ```
//!
//! The worker's role travels in arguments or the environment, because `argv[0]` now
//! holds the title. To give any other program a title, use
//! [`worker::CommandExt::title`] on its [`std::process::Command`].
//!
//! ## Worker threads
//!
//! The `thread = "..."` option of [`#[proc_title]`](macro@proc_title) names the calling
//! thread for the call, as `top -H` and `ps -L -o tid,comm` show it, and restores the
//! old name afterwards. The title itself belongs to the process: the latest title
//! shows, whichever thread set it.
//!
//! ```
//! use proc_title::proc_title;
//!
//! #[proc_title("ERP: import {file}", thread = "erp-import")]
//! fn import(file: &str) -> String {
//!     assert_eq!(proc_title::get(), format!("ERP: import {file}"));
//!     proc_title::thread::get()
//! }
//!
//! fn main() {
//!     let importer = std::thread::spawn(|| import("orders.csv"));
//!     assert_eq!(importer.join().unwrap(), "erp-import");
//! }
//! ```
//!
//! A thread name built at run time goes through [`thread::scope`], which restores the
//! old name when its guard is dropped, or [`thread::set`]. Thread names are cut to
//! [`thread::MAX_LEN`] bytes, and naming a thread other than the main thread never
//! renames the process.
//!
//! ```
//! let helpers: Vec<_> = (1..=2)
//!     .map(|index| {
//!         std::thread::spawn(move || {
//!             let name = format!("erp-calc-{index}");
//!             let _name = proc_title::thread::scope(&name)?;
//!             assert_eq!(proc_title::thread::get(), name);
//!             Ok::<(), proc_title::Error>(())
//!         })
//!     })
//!     .collect();
//! for helper in helpers {
//!     helper.join().unwrap()?;
//! }
//! # Ok::<(), proc_title::Error>(())
//! ```
//!
//! # 3. Follow the stages
//!
//! A title has two kinds of placeholders:
//!
//! - `{name}` formats a variable, function parameters included, once when the title is
//!   set, as `format!` would. The macros pass it to `format_args!`, so `rustc` checks
//!   that the variable exists and that the spec fits its type.
//! - `<stage>` and `<stage:default>` are slots, filled later by
//!   `proctitle!(stage = "...", args...)` until the returned guard is dropped. A slot
//!   with no value shows its default, or nothing with the spaces around it collapsed.
//!   Any identifier names a slot, and `<<` is a literal `<`.
//!
//! A formatted value is shown as it is: a `<` in it never opens a slot. Stages nest,
//! and dropping a guard restores what showed before it:
//!
//! ```
//! use proc_title::{proc_title, proctitle};
//!
//! #[proc_title("ERP: cleaner [<stage:starting>]")]
//! fn clean(dir: &str, files: &[&str]) {
//!     assert_eq!(proc_title::get(), "ERP: cleaner [starting]");
//!     let _stage = proctitle!(stage = "scanning {}", dir);
//!     assert_eq!(proc_title::get(), "ERP: cleaner [scanning /tmp/erp]");
//!     for file in files {
//!         let _removing = proctitle!(stage = "removing {}", file);
//!         assert_eq!(proc_title::get(), format!("ERP: cleaner [removing {file}]"));
//!     }
//!     // Each `_removing` guard was dropped at the end of its iteration.
//!     assert_eq!(proc_title::get(), "ERP: cleaner [scanning /tmp/erp]");
//! }
//!
//! fn main() {
//!     clean("/tmp/erp", &["a.tmp", "b.tmp"]);
//!     // No title is alive any more, so the process shows its command line again.
//!     let command_line = std::env::args().collect::<Vec<_>>().join(" ");
//!     assert_eq!(proc_title::get(), command_line);
//! }
//! ```
//!
//! `proctitle!("format", args...)` sets a title for a block instead of a function, with
//! arguments as in `format!`, and returns a guard. A title set later shows in place of
//! an earlier one, and each guard removes only its own title, in any order:
//!
//! ```
//! use proc_title::proctitle;
//!
//! let _ = proc_title::set("ERP: importer");
//! let file = "orders.csv";
//! {
//!     let _title = proctitle!("ERP: import {} <stage>", file);
//!     assert_eq!(proc_title::get(), "ERP: import orders.csv");
//!     for row in 1..=3 {
//!         let _stage = proctitle!(stage = "row {}/{}", row, 3);
//!         assert_eq!(proc_title::get(), format!("ERP: import orders.csv row {row}/3"));
//!     }
//!     assert_eq!(proc_title::get(), "ERP: import orders.csv");
//! }
//! assert_eq!(proc_title::get(), "ERP: importer");
//! ```
//!
//! On an `async fn`, the title of [`#[proc_title]`](macro@proc_title) lives from the
//! first poll until the future completes or is dropped. [`scope`], [`scope_parts`],
//! [`stage`] and [`slot`] do the same as the macros for templates built at run time,
//! and check them when called.
//!
//! # Compile-time checks
//!
//! A malformed title fails the build with an error under the title or option, for
//! example a placeholder that names no variable in scope:
//!
//! ```compile_fail
//! use proc_title::proc_title;
//!
//! #[proc_title("ERP: worker {worker_id} [<stage:starting>]")]
//! fn work(id: u32) {}
//! # fn main() {}
//! ```
//!
//! So do an unmatched `{` or `<`, a slot used twice, an unknown option, a `comm` or
//! `thread` name longer than 15 bytes, and a `proctitle!` argument that no placeholder
//! uses. The name in `proctitle!(stage = ...)` is not checked against the slots of the
//! title, because that title may be set in another function: a misspelled slot name
//! fills no slot.
//!
//! # Backends and limits
//!
//! On Linux the runtime tries three [`Backend`]s in turn:
//!
//! - [`Backend::Moved`] points the kernel's argument area at a page of its own, so the
//!   original arguments and environment stay untouched. It starts only while the
//!   process has a single thread.
//! - [`Backend::InPlace`] overwrites the original argument strings, and the environment
//!   strings after them once those are copied to the heap. [`std::env::args`],
//!   [`std::env::vars`] and child processes still see the original values.
//! - [`Backend::NameOnly`] leaves the command line as it is. [`get`] and `comm` still
//!   follow the title, and [`set`] returns [`Error::CommandLineUnchanged`].
//!
//! [`backend`] returns the backend in use. A title longer than [`capacity`] bytes is cut
//! at a character boundary, and control characters and invisible formatting characters
//! show as `?`:
//!
//! ```
//! let _ = proc_title::set("ERP:\tworker");
//! assert_eq!(proc_title::get(), "ERP:?worker");
//!
//! let long = "x".repeat(proc_title::capacity() + 10);
//! let _ = proc_title::set(&long);
//! assert_eq!(proc_title::get().len(), proc_title::capacity());
//! ```
//!
//! `comm`, the name that `ps -o comm`, `top`, `pgrep NAME` and `killall NAME` match,
//! holds 15 bytes on Linux. By default it follows the first 15 bytes of the title, so
//! `killall` no longer finds the process by its program name. The `comm = "..."` option
//! of [`#[proc_title]`](macro@proc_title) picks the name while that title shows, and
//! [`Options::comm`] sets the policy for the whole process ([`Comm::Keep`] and
//! [`Comm::Fixed`] override the option). [`Options`] also forces a backend and keeps
//! the environment strings in place. Apply them before the first title change:
//!
//! ```
//! use proc_title::{Comm, Options};
//!
//! fn main() -> Result<(), proc_title::Error> {
//!     Options::new().comm(Comm::Keep).relocate_environment(false).apply()?;
//!     let comm = std::fs::read_to_string("/proc/self/comm").ok();
//!     let _ = proc_title::set("ERP: worker 1");
//!     assert_eq!(proc_title::get(), "ERP: worker 1");
//!     // `Comm::Keep` leaves `comm` as the program started with it.
//!     assert_eq!(std::fs::read_to_string("/proc/self/comm").ok(), comm);
//!     Ok(())
//! }
//! ```
//!
//! The environment variable `PROC_TITLE_BACKEND` (`moved`, `in-place`, `setproctitle`
//! or `none`)
//! overrides the backend a program chooses, for example
//! `PROC_TITLE_BACKEND=none cargo run --example erp`.
//!
//! # Titles are public
//!
//! Every user on the machine can read every process's title through `ps` and
//! `/proc/PID/cmdline`, unless `/proc` is mounted with `hidepid`. Never put a password,
//! a token, or personal or customer data in a title.

pub use proc_title_runtime::*;

#[cfg(feature = "macros")]
pub use proc_title_macros::{proc_title, proctitle};

pub mod panic;
#[cfg(feature = "tracing")]
pub mod tracing;
