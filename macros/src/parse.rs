//! Parsing of macro input: the attribute's title and options, the function it applies
//! to, and the arguments of `proctitle!`.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, Item, ItemFn, LitStr, Path, Token};

use crate::check;

/// The arguments of `#[proc_title(...)]`.
pub struct AttributeArgs {
    /// The title format.
    pub title: LitStr,
    /// `comm = "..."`: the process `comm` while the frame is the latest.
    pub comm: Option<LitStr>,
    /// `thread = "..."`: the calling thread's name for the call.
    pub thread: Option<ThreadOption>,
    /// `crate = path`: where the `proc_title` crate is.
    pub krate: Option<Path>,
}

/// The `thread = "..."` option.
pub struct ThreadOption {
    /// The `thread` keyword, where errors about the option point.
    pub keyword: Ident,
    /// The thread name.
    pub name: LitStr,
}

impl Parse for AttributeArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "missing title: write it as a string literal, as in \
                 #[proc_title(\"ERP: worker {id} <stage:idle>\")]",
            ));
        }
        let title = parse_string(input, "the title")?;
        let mut args = AttributeArgs {
            title,
            comm: None,
            thread: None,
            krate: None,
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key = if input.peek(Token![crate]) {
                let token = input.parse::<Token![crate]>()?;
                Ident::new("crate", token.span)
            } else {
                Ident::parse_any(input)?
            };
            input.parse::<Token![=]>()?;
            let name = key.to_string();
            let repeated = match name.as_str() {
                "comm" => args.comm.is_some(),
                "thread" => args.thread.is_some(),
                "crate" => args.krate.is_some(),
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{name}`: the options are `comm = \"...\"`, \
                             `thread = \"...\"` and `crate = path`"
                        ),
                    ))
                }
            };
            if repeated {
                return Err(syn::Error::new(
                    key.span(),
                    format!("option `{name}` is given twice: keep one"),
                ));
            }
            match name.as_str() {
                "comm" => {
                    let comm = parse_string(input, "the `comm` name")?;
                    check::check_task_name(&comm.value(), "comm")
                        .map_err(|message| syn::Error::new(comm.span(), message))?;
                    args.comm = Some(comm);
                }
                "thread" => {
                    let thread = parse_string(input, "the `thread` name")?;
                    check::check_task_name(&thread.value(), "thread")
                        .map_err(|message| syn::Error::new(thread.span(), message))?;
                    args.thread = Some(ThreadOption {
                        keyword: key,
                        name: thread,
                    });
                }
                _ => args.krate = Some(Path::parse_mod_style(input)?),
            }
        }
        Ok(args)
    }
}

/// Parses a string literal, or fails with an error that names `expected`.
fn parse_string(input: ParseStream<'_>, expected: &str) -> syn::Result<LitStr> {
    if input.peek(LitStr) {
        return input.parse();
    }
    Err(input.error(format!("expected {expected} as a string literal")))
}

/// Parses the item under `#[proc_title]`, which must be a function with a body that is
/// neither `const` nor a closure.
pub fn parse_function(item: TokenStream) -> syn::Result<ItemFn> {
    let parsed = match syn::parse2::<Item>(item.clone()) {
        Ok(parsed) => parsed,
        Err(error) => {
            if let Ok(Expr::Closure(closure)) = syn::parse2::<Expr>(item) {
                return Err(syn::Error::new(
                    closure.or1_token.span,
                    "#[proc_title] cannot be applied to a closure: call proctitle!(...) \
                     as the closure's first statement instead",
                ));
            }
            return Err(error);
        }
    };
    let function = match parsed {
        Item::Fn(function) => function,
        Item::Verbatim(tokens) => {
            return Err(match syn::parse2::<syn::TraitItemFn>(tokens.clone()) {
                Ok(function) if function.default.is_none() => syn::Error::new(
                    function.sig.ident.span(),
                    "#[proc_title] needs a function body: a title can only be shown while \
                     a body runs",
                ),
                _ => not_a_function(first_token_span(tokens), "this item"),
            })
        }
        Item::Struct(item) => return Err(not_a_function(item.struct_token.span, "a struct")),
        Item::Enum(item) => return Err(not_a_function(item.enum_token.span, "an enum")),
        Item::Union(item) => return Err(not_a_function(item.union_token.span, "a union")),
        Item::Const(item) => return Err(not_a_function(item.const_token.span, "a constant")),
        Item::Static(item) => return Err(not_a_function(item.static_token.span, "a static")),
        Item::Trait(item) => return Err(not_a_function(item.trait_token.span, "a trait")),
        Item::Impl(item) => return Err(not_a_function(item.impl_token.span, "an impl block")),
        Item::Mod(item) => return Err(not_a_function(item.mod_token.span, "a module")),
        Item::Type(item) => return Err(not_a_function(item.type_token.span, "a type alias")),
        other => {
            return Err(not_a_function(
                first_token_span(other.into_token_stream()),
                "this item",
            ))
        }
    };
    if let Some(constness) = &function.sig.constness {
        return Err(syn::Error::new(
            constness.span,
            "#[proc_title] cannot be applied to a `const fn`: changing the title is not \
             possible in const evaluation",
        ));
    }
    Ok(function)
}

/// Returns true if `item` is an expression rather than an item, as a closure under an
/// attribute is.
pub fn is_expression(item: &TokenStream) -> bool {
    syn::parse2::<Item>(item.clone()).is_err() && syn::parse2::<Expr>(item.clone()).is_ok()
}

fn not_a_function(span: Span, what: &str) -> syn::Error {
    syn::Error::new(
        span,
        format!("#[proc_title] applies to functions and methods, not to {what}"),
    )
}

/// Returns the span of the first token of `tokens`, or the call site if there is none.
fn first_token_span(tokens: TokenStream) -> Span {
    tokens
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |token| token.span())
}

/// The input of `proctitle!`.
pub enum MacroInput {
    /// `proctitle!("format", args...)`: a title frame.
    Title {
        /// The title format.
        format: LitStr,
        /// The format arguments.
        args: FormatArgs,
    },
    /// `proctitle!(slot = "format", args...)`: a slot frame.
    Slot {
        /// The slot name.
        name: Ident,
        /// The value format, passed to `format_args!` as it is.
        format: LitStr,
        /// The format arguments.
        args: FormatArgs,
    },
}

/// Format arguments after the format string: positional ones, then `name = expr`.
pub struct FormatArgs {
    /// Positional arguments in order.
    pub positional: Vec<Expr>,
    /// Named arguments in order.
    pub named: Vec<(Ident, Expr)>,
}

impl Parse for MacroInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "missing title: write proctitle!(\"format\", args...) for a title, or \
                 proctitle!(slot = \"format\", args...) for a slot value",
            ));
        }
        if peek_named(input) {
            let name = Ident::parse_any(input)?;
            let unraw = name.unraw().to_string();
            if !check::is_slot_name(&unraw) {
                return Err(syn::Error::new(
                    name.span(),
                    format!(
                        "invalid slot name `{unraw}`: a slot name is an ASCII letter or `_` \
                         followed by ASCII letters, digits or `_`"
                    ),
                ));
            }
            input.parse::<Token![=]>()?;
            let format = parse_string(input, "the slot value")?;
            check::check_printable(&format.value(), "slot value")
                .map_err(|message| syn::Error::new(format.span(), message))?;
            let args = input.parse()?;
            return Ok(MacroInput::Slot { name, format, args });
        }
        let format = parse_string(input, "the title (or `slot = \"value\"` for a slot value)")?;
        let args = input.parse()?;
        Ok(MacroInput::Title { format, args })
    }
}

impl Parse for FormatArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = FormatArgs {
            positional: Vec::new(),
            named: Vec::new(),
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            if peek_named(input) {
                let name = Ident::parse_any(input)?;
                input.parse::<Token![=]>()?;
                let value: Expr = input.parse()?;
                if args.named.iter().any(|(seen, _)| *seen == name) {
                    return Err(syn::Error::new(
                        name.span(),
                        format!("duplicate argument named `{name}`"),
                    ));
                }
                args.named.push((name, value));
            } else {
                let value: Expr = input.parse()?;
                if !args.named.is_empty() {
                    return Err(syn::Error::new_spanned(
                        value,
                        "positional arguments cannot follow named arguments",
                    ));
                }
                args.positional.push(value);
            }
        }
        Ok(args)
    }
}

/// Returns true if `input` starts with `name =` but not `name ==`.
fn peek_named(input: ParseStream<'_>) -> bool {
    input.peek(Ident::peek_any) && input.peek2(Token![=]) && !input.peek2(Token![==])
}
