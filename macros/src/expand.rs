//! Code generation for `#[proc_title]` and `proctitle!`.
//!
//! A title format becomes a list of runtime `Part`s: template text goes into
//! `Part::Template` as a string constant, and each placeholder becomes a
//! `Part::Text(format_args!(...))` whose format literal carries the span of the user's
//! literal. `rustc` then checks every placeholder itself, and its errors point at the
//! user's literal.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Expr, Ident, ItemFn, LitStr, Stmt};

use crate::check::{self, Arguments, Resolved, ResolvedCount, Segment, Source};
use crate::parse::{AttributeArgs, FormatArgs, MacroInput};

/// Rewrites `function` so that its body runs under the title frame of `args`.
pub fn attribute(args: AttributeArgs, mut function: ItemFn) -> syn::Result<TokenStream> {
    if let (Some(thread), Some(_)) = (&args.thread, &function.sig.asyncness) {
        return Err(syn::Error::new(
            thread.keyword.span(),
            "`thread` cannot be used on an `async fn`: the future may move to another \
             thread between polls, and a thread name belongs to one thread",
        ));
    }
    let krate = crate_path(args.krate.as_ref());
    let segments = checked_segments(
        &args.title,
        Arguments {
            positional: 0,
            named: &[],
            accepts_arguments: false,
        },
    )?
    .0;
    let parts = parts(&segments, &krate, &args.title, &[]);
    let comm = match &args.comm {
        Some(comm) => quote!(#krate::__private::Option::Some(#comm)),
        None => quote!(#krate::__private::Option::None),
    };
    let guard = Ident::new("__proc_title_guard", Span::mixed_site());
    let mut statements: Vec<Stmt> = vec![syn::parse_quote! {
        let #guard = #krate::__private::title(&[#(#parts),*], #comm);
    }];
    if let Some(thread) = &args.thread {
        let name = &thread.name;
        let guard = Ident::new("__proc_title_thread_guard", Span::mixed_site());
        statements.push(syn::parse_quote! {
            let #guard = #krate::__private::thread(#name);
        });
    }
    function.block.stmts.splice(0..0, statements);
    Ok(function.into_token_stream())
}

/// Expands `proctitle!` to an expression that returns a title or slot guard.
pub fn macro_call(input: MacroInput) -> syn::Result<TokenStream> {
    let krate = crate_path(None);
    match input {
        MacroInput::Title { format, args } => title_call(&krate, &format, &args),
        MacroInput::Slot { name, format, args } => {
            let name = LitStr::new(&syn::ext::IdentExt::unraw(&name).to_string(), name.span());
            let positional = &args.positional;
            let named = args
                .named
                .iter()
                .map(|(name, value)| quote!(#name = #value));
            Ok(quote! {
                #krate::__private::slot(
                    #name,
                    #krate::__private::format_args!(#format #(, #positional)* #(, #named)*),
                )
            })
        }
    }
}

fn title_call(krate: &TokenStream, format: &LitStr, args: &FormatArgs) -> syn::Result<TokenStream> {
    let named: Vec<String> = args
        .named
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    let (segments, used) = checked_segments(
        format,
        Arguments {
            positional: args.positional.len(),
            named: &named,
            accepts_arguments: true,
        },
    )?;
    let values: Vec<&Expr> = args
        .positional
        .iter()
        .chain(args.named.iter().map(|(_, value)| value))
        .collect();
    let mut unused: Option<syn::Error> = None;
    for (index, value) in values.iter().enumerate() {
        if used[index] {
            continue;
        }
        let message = match index.checked_sub(args.positional.len()) {
            Some(named_index) => format!("named argument `{}` never used", named[named_index]),
            None => "argument never used".to_owned(),
        };
        let error = syn::Error::new_spanned(value, message);
        match &mut unused {
            Some(first) => first.combine(error),
            None => unused = Some(error),
        }
    }
    if let Some(error) = unused {
        return Err(error);
    }

    // Each argument is evaluated once, in order, and borrowed as `format_args!` does.
    let bindings: Vec<Binding> = values
        .iter()
        .enumerate()
        .map(|(index, value)| Binding {
            ident: Ident::new(
                &format!("__proc_title_arg_{index}"),
                Span::mixed_site().located_at(value.span()),
            ),
            span: value.span(),
        })
        .collect();
    let parts = parts(&segments, krate, format, &bindings);
    let call = quote! {
        #krate::__private::title(&[#(#parts),*], #krate::__private::Option::None)
    };
    if bindings.is_empty() {
        return Ok(call);
    }
    let idents = bindings.iter().map(|binding| &binding.ident);
    Ok(quote! {
        match (#(&(#values),)*) {
            (#(#idents,)*) => #call,
        }
    })
}

/// A local that holds a reference to one explicit format argument.
struct Binding {
    ident: Ident,
    /// The span of the argument expression, where type errors about it point.
    span: Span,
}

fn crate_path(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => path.to_token_stream(),
        None => quote!(::proc_title),
    }
}

/// Checks `format` and resolves its placeholders, with errors at the literal.
fn checked_segments(
    format: &LitStr,
    arguments: Arguments<'_>,
) -> syn::Result<(Vec<Segment>, Vec<bool>)> {
    let error = |message| syn::Error::new(format.span(), message);
    let pieces = check::parse_title(&format.value()).map_err(error)?;
    check::resolve(pieces, arguments).map_err(error)
}

/// Returns the `Part` expressions for `segments`.
fn parts(
    segments: &[Segment],
    krate: &TokenStream,
    format: &LitStr,
    bindings: &[Binding],
) -> Vec<TokenStream> {
    segments
        .iter()
        .map(|segment| match segment {
            Segment::Template(text) => {
                let text = LitStr::new(text, format.span());
                quote!(#krate::__private::Part::Template(#text))
            }
            Segment::Value(value) => {
                let mut used = Vec::new();
                let mut literal = Literal::string(&format_string(value, &mut used));
                // With the user's span, `rustc` resolves captured names where the user
                // wrote them and points its errors at the user's literal.
                literal.set_span(format.span());
                let arguments = used.iter().map(|&index| {
                    let binding = &bindings[index];
                    let ident = &binding.ident;
                    quote_spanned!(binding.span=> *#ident)
                });
                quote! {
                    #krate::__private::Part::Text(
                        #krate::__private::format_args!(#literal #(, #arguments)*)
                    )
                }
            }
        })
        .collect()
}

/// Writes the format string for one placeholder. Explicit arguments are renumbered in
/// the order they are pushed to `used`; captured names stay names.
fn format_string(value: &Resolved, used: &mut Vec<usize>) -> String {
    let mut out = String::from("{");
    push_source(&mut out, &value.value, used);
    let mut spec = value.flags.clone();
    if let Some(width) = &value.width {
        push_count(&mut spec, width, used);
    }
    if let Some(precision) = &value.precision {
        spec.push('.');
        push_count(&mut spec, precision, used);
    }
    spec.push_str(&value.kind);
    if !spec.is_empty() {
        out.push(':');
        out.push_str(&spec);
    }
    out.push('}');
    out
}

fn push_source(out: &mut String, source: &Source, used: &mut Vec<usize>) {
    match source {
        Source::Argument(index) => {
            let position = match used.iter().position(|seen| seen == index) {
                Some(position) => position,
                None => {
                    used.push(*index);
                    used.len() - 1
                }
            };
            out.push_str(&position.to_string());
        }
        Source::Capture(name) => out.push_str(name),
    }
}

fn push_count(out: &mut String, count: &ResolvedCount, used: &mut Vec<usize>) {
    match count {
        ResolvedCount::Literal(number) => out.push_str(&number.to_string()),
        ResolvedCount::Source(source) => {
            push_source(out, source, used);
            out.push('$');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(title: &str, positional: usize, named: &[String]) -> Vec<(String, Vec<usize>)> {
        let pieces = check::parse_title(title).unwrap();
        let arguments = Arguments {
            positional,
            named,
            accepts_arguments: true,
        };
        let (segments, _) = check::resolve(pieces, arguments).unwrap();
        segments
            .iter()
            .filter_map(|segment| match segment {
                Segment::Value(value) => {
                    let mut used = Vec::new();
                    Some((format_string(value, &mut used), used))
                }
                Segment::Template(_) => None,
            })
            .collect()
    }

    #[test]
    fn captures_stay_names() {
        assert_eq!(
            rendered("{id} {id:>width$.3?}", 0, &[]),
            [
                ("{id}".to_owned(), vec![]),
                ("{id:>width$.3?}".to_owned(), vec![]),
            ]
        );
    }

    #[test]
    fn positions_are_renumbered() {
        assert_eq!(
            rendered("{} {:>8} {1:x}", 2, &[]),
            [
                ("{0}".to_owned(), vec![0]),
                ("{0:>8}".to_owned(), vec![1]),
                ("{0:x}".to_owned(), vec![1]),
            ]
        );
    }

    #[test]
    fn counts_become_arguments() {
        let named = ["w".to_owned()];
        assert_eq!(
            rendered("{:.*} {:w$} {2:0$}", 3, &named),
            [
                ("{0:.1$}".to_owned(), vec![1, 0]),
                ("{0:1$}".to_owned(), vec![2, 3]),
                ("{0:1$}".to_owned(), vec![2, 0]),
            ]
        );
    }

    fn expand_attribute(args: &str, function: &str) -> syn::Result<String> {
        let args: AttributeArgs = syn::parse_str(args)?;
        let function = crate::parse::parse_function(function.parse().unwrap())?;
        Ok(attribute(args, function)?.to_string())
    }

    #[test]
    fn constant_title_formats_nothing() {
        let expanded = expand_attribute(r#""ERP: worker <stage:idle>""#, "fn work() {}").unwrap();
        assert!(expanded.contains(r#"Part :: Template ("ERP: worker <stage:idle>")"#));
        assert!(!expanded.contains("format_args"), "{expanded}");
        assert!(!expanded.contains("Part :: Text"), "{expanded}");
    }

    #[test]
    fn guard_is_first_statement() {
        let expanded = expand_attribute(r#""ERP: {id}""#, "fn work(id: u32) { run(id) }").unwrap();
        let body = expanded.split_once('{').unwrap().1;
        assert!(
            body.trim_start()
                .starts_with("let __proc_title_guard = :: proc_title :: __private :: title"),
            "{expanded}"
        );
        assert!(body.contains(r#"format_args ! ("{id}")"#), "{expanded}");
        assert!(body.trim_end().ends_with("run (id) }"), "{expanded}");
    }

    #[test]
    fn paths_use_private_module_or_given_crate() {
        let expanded = expand_attribute(
            r#""ERP: {id} <stage>", comm = "erp", thread = "erp-main", crate = my::titles"#,
            "fn work(id: u32) {}",
        )
        .unwrap();
        assert!(!expanded.contains(":: proc_title"), "{expanded}");
        for path in expanded.split("__private").skip(1) {
            assert!(path.starts_with(" :: "), "{expanded}");
        }
        assert_eq!(
            expanded.matches("__private").count(),
            expanded.matches("my :: titles :: __private").count()
        );
        assert!(expanded.contains(r#"Option :: Some ("erp")"#), "{expanded}");
        assert!(
            expanded.contains(r#"__private :: thread ("erp-main")"#),
            "{expanded}"
        );
    }

    #[test]
    fn thread_option_rejected_on_async_fn() {
        let error = expand_attribute(r#""ERP", thread = "erp""#, "async fn work() {}").unwrap_err();
        assert!(error.to_string().contains("`async fn`"), "{error}");
    }

    #[test]
    fn macro_slot_form_passes_format_through() {
        let input: MacroInput = syn::parse_str(r#"step = "{}/{n}", i, n = 10"#).unwrap();
        let expanded = macro_call(input).unwrap().to_string();
        assert!(
            expanded.contains(r#"__private :: slot ("step" , :: proc_title :: __private :: format_args ! ("{}/{n}" , i , n = 10) ,)"#),
            "{expanded}"
        );
    }

    #[test]
    fn macro_title_binds_each_argument_once() {
        let input: MacroInput = syn::parse_str(r#""{0} {0:?} {}", next()"#).unwrap();
        let expanded = macro_call(input).unwrap().to_string();
        assert_eq!(expanded.matches("next ()").count(), 1, "{expanded}");
        assert!(expanded.starts_with("match (& (next ()) ,)"), "{expanded}");
    }

    #[test]
    fn zero_flag_before_width_argument() {
        assert_eq!(
            rendered("{:01$}", 2, &[]),
            [("{0:01$}".to_owned(), vec![0, 1])]
        );
    }
}
