//! Scoped titles: guards that push a title frame or a slot frame and remove it on drop.

use std::fmt::{self, Write};

use crate::registry::FrameId;
use crate::state::{current_thread, lock, with_scratch};
use crate::template::{escape_into, validate};
use crate::Error;

/// One piece of a title template built from parts.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// use proc_title::Part;
///
/// let step = 3;
/// let _title = proc_title::scope_parts(&[
///     Part::Template("ERP: worker <<"),
///     Part::Text(format_args!("{step}")),
///     Part::Template("> <stage:idle>"),
/// ])?;
/// assert_eq!(proc_title::get(), "ERP: worker <3> idle");
/// # Ok::<(), proc_title::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// Template text: `<name>` and `<name:default>` are slots and `<<` is a `<`.
    Template(&'a str),
    /// Formatted text shown as it is; a `<` in it shows as `<`.
    Text(fmt::Arguments<'a>),
}

/// Keeps a title frame alive; dropping it removes the frame and restores the title.
///
/// Guards may be dropped in any order and on any thread: each removes exactly its own
/// frame.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// proc_title::set("ERP: idle")?;
/// let first = proc_title::scope("ERP: import")?;
/// let second = proc_title::scope("ERP: export")?;
/// drop(first);
/// assert_eq!(proc_title::get(), "ERP: export");
/// std::thread::spawn(move || drop(second)).join().unwrap();
/// assert_eq!(proc_title::get(), "ERP: idle");
/// # Ok::<(), proc_title::Error>(())
/// ```
#[must_use = "the title frame is removed as soon as the guard is dropped"]
#[derive(Debug)]
pub struct TitleGuard {
    id: Option<FrameId>,
}

/// Keeps a slot frame alive; dropping it removes the value and restores the slot.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let _title = proc_title::scope("ERP: import <stage:idle>")?;
/// let outer = proc_title::stage("reading");
/// let inner = proc_title::stage("parsing");
/// assert_eq!(proc_title::get(), "ERP: import parsing");
/// drop(inner);
/// assert_eq!(proc_title::get(), "ERP: import reading");
/// drop(outer);
/// assert_eq!(proc_title::get(), "ERP: import idle");
/// # Ok::<(), proc_title::Error>(())
/// ```
#[must_use = "the slot value is removed as soon as the guard is dropped"]
#[derive(Debug)]
pub struct SlotGuard {
    id: Option<FrameId>,
}

fn remove(id: Option<FrameId>) {
    if let Some(id) = id {
        let mut state = lock();
        if state.registry.remove(id) {
            // A name-only backend reports that the command line cannot change. A guard
            // has no caller to return that to, and the in-process title is right.
            let _ = state.update();
        }
    }
}

impl Drop for TitleGuard {
    fn drop(&mut self) {
        remove(self.id.take());
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        remove(self.id.take());
    }
}

impl TitleGuard {
    /// Returns a guard that holds no frame.
    pub(crate) fn empty() -> TitleGuard {
        TitleGuard { id: None }
    }
}

/// Writes formatted text into `out` with every `<` doubled, so a template shows it.
struct Escaping<'a>(&'a mut String);

impl Write for Escaping<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        escape_into(self.0, text);
        Ok(())
    }
}

/// Pushes a title frame for `template` after checking it.
fn push_title(template: &str, comm: Option<&str>) -> Result<TitleGuard, Error> {
    validate(template).map_err(|error| Error::Template {
        position: error.position,
        problem: error.problem,
    })?;
    let mut state = lock();
    let id = state.registry.push_title(template, comm, current_thread());
    let _ = state.update();
    Ok(TitleGuard { id: Some(id) })
}

/// Shows `template` as the title until the guard is dropped.
///
/// A template is literal text with slots: `<name>` shows the latest value given to
/// slot `name` (see [`slot`]), `<name:default>` shows `default` while no value is given,
/// and `<<` shows a `<`. A slot with no value and no default shows nothing, and the
/// spaces around it collapse.
///
/// # Errors
/// [`Error::Template`] if a `<` opens no well-formed slot; the title is unchanged.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let _title = proc_title::scope("ERP: import <stage:starting>")?;
/// assert_eq!(proc_title::get(), "ERP: import starting");
/// let _stage = proc_title::stage("step 3/10");
/// assert_eq!(proc_title::get(), "ERP: import step 3/10");
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn scope(template: &str) -> Result<TitleGuard, Error> {
    push_title(template, None)
}

/// Shows a template built from parts until the guard is dropped.
///
/// [`Part::Template`] pieces are parsed for slots; [`Part::Text`] pieces are formatted
/// straight into a reused buffer and shown as they are, so a `<` in a value never opens
/// a slot.
///
/// # Errors
/// [`Error::Template`] if the template pieces do not form a valid template.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// use proc_title::Part;
///
/// let file = "orders<2024>.csv";
/// let _title = proc_title::scope_parts(&[
///     Part::Template("ERP: import "),
///     Part::Text(format_args!("{file}")),
///     Part::Template(" <stage>"),
/// ])?;
/// assert_eq!(proc_title::get(), "ERP: import orders<2024>.csv");
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn scope_parts(parts: &[Part<'_>]) -> Result<TitleGuard, Error> {
    scope_parts_with_comm(parts, None)
}

/// Like [`scope_parts`], with a `comm` that the frame requests while it is the latest.
pub(crate) fn scope_parts_with_comm(
    parts: &[Part<'_>],
    comm: Option<&str>,
) -> Result<TitleGuard, Error> {
    with_scratch(|template| {
        for part in parts {
            match part {
                Part::Template(text) => template.push_str(text),
                Part::Text(arguments) => {
                    let _ = Escaping(template).write_fmt(*arguments);
                }
            }
        }
        push_title(template, comm)
    })
}

/// Fills slot `name` with `value` until the guard is dropped.
///
/// The value is text: it is never parsed for slots. A `name` that is not an identifier
/// fills no slot that a template can name.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let _title = proc_title::scope("ERP: worker <step:idle>")?;
/// {
///     let _step = proc_title::slot("step", "3/10");
///     assert_eq!(proc_title::get(), "ERP: worker 3/10");
/// }
/// assert_eq!(proc_title::get(), "ERP: worker idle");
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn slot(name: &str, value: &str) -> SlotGuard {
    let mut state = lock();
    let id = state.registry.push_slot(name, value, current_thread());
    let _ = state.update();
    SlotGuard { id: Some(id) }
}

/// Fills slot `name` with formatted text until the guard is dropped, without allocating
/// once the per-thread buffer has grown.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let _title = proc_title::scope("ERP: worker <step>")?;
/// let (done, total) = (3, 10);
/// let _step = proc_title::slot_fmt("step", format_args!("{done}/{total}"));
/// assert_eq!(proc_title::get(), "ERP: worker 3/10");
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn slot_fmt(name: &str, value: fmt::Arguments<'_>) -> SlotGuard {
    match value.as_str() {
        Some(text) => slot(name, text),
        None => with_scratch(|buffer| {
            let _ = buffer.write_fmt(value);
            slot(name, buffer)
        }),
    }
}

/// Fills the slot named `stage` until the guard is dropped.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let _title = proc_title::scope("ERP: cleaner [<stage>]")?;
/// let _stage = proc_title::stage("scanning /tmp");
/// assert_eq!(proc_title::get(), "ERP: cleaner [scanning /tmp]");
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn stage(value: &str) -> SlotGuard {
    slot("stage", value)
}

/// Fills the slot named `stage` with formatted text until the guard is dropped.
///
/// # Examples
/// ```
/// # use proc_title_runtime as proc_title;
/// let _title = proc_title::scope("ERP: import <stage>")?;
/// for step in 1..=3 {
///     let _stage = proc_title::stage_fmt(format_args!("step {step}/3"));
///     assert_eq!(proc_title::get(), format!("ERP: import step {step}/3"));
/// }
/// assert_eq!(proc_title::get(), "ERP: import");
/// # Ok::<(), proc_title::Error>(())
/// ```
pub fn stage_fmt(value: fmt::Arguments<'_>) -> SlotGuard {
    slot_fmt("stage", value)
}
