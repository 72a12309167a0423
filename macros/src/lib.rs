//! Macros of `proc-title`: `#[proc_title]` and `proctitle!`, with title formats checked
//! at compile time.
//!
//! Use them through the `proc-title` crate, which re-exports them; the generated code
//! refers to `::proc_title`.
//!
//! The input goes through three steps: `parse` reads the macro input, `check`
//! validates the title format and resolves its placeholders, and `expand` generates
//! the code.

use proc_macro::TokenStream;

mod check;
mod expand;
mod parse;

/// Shows a title while the function runs.
///
/// The attribute pushes a title frame as the first statement of the body and removes
/// it when the body ends: on return, on `?`, on an early `return`, and while a panic
/// unwinds. On an `async fn` the frame lives from the first poll until the future
/// completes or is dropped, and the future stays `Send` if the body is. It applies to
/// free functions, methods (any receiver), generic functions, `unsafe fn`, `fn main`
/// and `async fn`. It rejects other items, `const fn`, and functions without a body.
///
/// # Title format
///
/// The title is a string literal in which:
///
/// - `{name}` and `{name:spec}` format a variable in scope, function parameters
///   included, exactly as `format!` would, so `rustc` checks that the variable exists
///   and that the spec fits its type. Positional `{}` and `{0}` are rejected because
///   the attribute takes no arguments. Write `{{` and `}}` for literal braces.
/// - `<slot>` and `<slot:default>` are slots of the runtime template. Fill them with
///   `proctitle!(slot = "...")`, `stage` or `slot`. A slot with no value shows its
///   default, or nothing with the spaces around it collapsed. Write `<<` for a literal
///   `<`.
///
/// Formatted values are shown as they are: a `<` in a value never opens a slot. A
/// title without placeholders is a constant and costs no formatting at run time.
///
/// # Options
///
/// Options follow the title, separated by commas:
///
/// - `comm = "name"`: the process `comm` (what `ps -o comm`, `top` and `pgrep` match)
///   while this frame is the latest title frame asking for one. At most 15 bytes.
/// - `thread = "name"`: names the calling thread for the call and restores the old name
///   afterwards. At most 15 bytes. Not allowed on `async fn`, because the future may be
///   polled on several threads.
/// - `crate = path`: the path of the `proc-title` crate, for a renamed dependency.
///   Defaults to `::proc_title`.
///
/// # Compile errors
///
/// Each error points at the offending token: NUL or control characters, an empty title,
/// an unmatched `{`, `}` or `<`, a slot name that is not an identifier, a slot used
/// twice, a placeholder inside a slot, an unknown or repeated option, a `comm` or
/// `thread` name longer than 15 bytes, and the attribute on anything but a function
/// with a body. `rustc` itself reports a placeholder that names nothing in scope or
/// whose spec does not fit the type.
///
/// For example, `#[proc_title("ERP: worker {id} <stage:idle>", comm = "erp-worker")]` on
/// `fn work(id: u32)` shows `ERP: worker 7 idle` during `work(7)`, and
/// `ERP: worker 7 loading` while a `proctitle!(stage = "loading")` guard in the body is
/// alive.
#[proc_macro_attribute]
pub fn proc_title(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let expanded = syn::parse::<parse::AttributeArgs>(args).and_then(|args| {
        let function = parse::parse_function(item.clone())?;
        expand::attribute(args, function)
    });
    match expanded {
        Ok(tokens) => tokens.into(),
        Err(error) => {
            // The item is emitted unchanged so that the error is the only diagnostic. A
            // closure is wrapped in a block so that it stays one expression.
            let error = error.to_compile_error();
            let tokens = if parse::is_expression(&item) {
                quote::quote!({ #error #item })
            } else {
                quote::quote!(#error #item)
            };
            tokens.into()
        }
    }
}

/// Shows a title, or fills a slot, until the returned guard is dropped.
///
/// - `proctitle!("format", args...)` pushes a title frame and returns its
///   `TitleGuard`. The format is a title format as for `#[proc_title]`, with
///   `<slot>` and `<slot:default>` slots. Its arguments work as in `format!`:
///   positional `{}` and `{0}`, named `{name}` with `name = expr`, variables captured
///   from scope, and specs such as `{:>8}`, `{x:.3}`, `{:?}`, `{:width$}` and `{:.*}`.
/// - `proctitle!(slot = "format", args...)` fills slot `slot` of the title with the
///   formatted text and returns its `SlotGuard`. The slot name is any identifier, such
///   as `stage` or `step`; the value is passed to `format_args!` as it is and is never
///   parsed for slots.
///
/// Both guards are `#[must_use]`: the frame is removed, and the title restored, as soon
/// as the guard is dropped. Each argument is evaluated once, in order, and borrowed as
/// `format!` borrows it.
///
/// # Compile errors
///
/// For a title: the errors of `#[proc_title]`'s title format, an argument that no
/// placeholder uses, and a position with no argument. For a slot: a slot name that is
/// not an ASCII identifier and control characters in the literal. `rustc` reports
/// a name not in scope or a spec that does not fit the type.
///
/// For example, `let _title = proctitle!("ERP: import {} <stage>", file);` followed by
/// `let _stage = proctitle!(stage = "row {}/{}", done, total);` shows
/// `ERP: import orders.csv row 3/10`.
///
/// The generated code refers to `::proc_title`; a crate that renamed the dependency
/// cannot use this macro.
#[proc_macro]
pub fn proctitle(input: TokenStream) -> TokenStream {
    match syn::parse::<parse::MacroInput>(input).and_then(expand::macro_call) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}
