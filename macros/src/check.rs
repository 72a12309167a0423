//! Compile-time checks of title formats.
//!
//! A title format is a string literal that mixes two syntaxes. `{...}` placeholders
//! follow `format!`, with `{{` and `}}` for literal braces. `<name>` and `<name:default>`
//! are slots of the runtime template, with `<<` for a literal `<`. Placeholders are cut
//! out here so that each one can go to its own `format_args!`, and the text between
//! them becomes runtime template text.
//!
//! Errors are plain messages: the caller attaches them to the literal's span.

use syn::ext::IdentExt;
use syn::parse::Parser;

/// Longest `comm` or thread name Linux keeps, in bytes, without the NUL.
pub const NAME_MAX_LEN: usize = 15;

/// A piece of a checked title format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Runtime template text: slots and `<<` as written, `{{` and `}}` already unescaped.
    Template(String),
    /// A `{...}` placeholder.
    Placeholder(Placeholder),
}

/// A `{argument:spec}` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The value to format.
    pub argument: Argument,
    /// Everything after the `:`.
    pub spec: Spec,
    /// The placeholder as written, braces included, for error messages.
    pub written: String,
}

/// A reference to a format argument, as written in a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Argument {
    /// Nothing (`{}`) or `*` as precision: the next positional argument.
    Next,
    /// An explicit position such as `{0}` or `1$`.
    Index(usize),
    /// A name: a named argument if one is given, else a variable captured from scope.
    Name(String),
}

/// A width or precision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    /// A number written in the format, such as the `8` of `{:8}`.
    Literal(usize),
    /// A `usize` argument, such as `width$`, `1$` or the `*` of `.*`.
    Argument(Argument),
}

/// The format spec after the `:` of a placeholder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spec {
    /// Fill, alignment, sign, `#` and `0` as written.
    pub flags: String,
    /// Minimum width.
    pub width: Option<Count>,
    /// Precision.
    pub precision: Option<Count>,
    /// The formatting trait as written: empty for `Display`, `?`, `x`, `e` and so on.
    /// `rustc` checks it.
    pub kind: String,
}

/// The origin of a formatted value once arguments are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The explicit argument at this index: positional ones first, then named ones.
    Argument(usize),
    /// A variable captured from the scope of the format string.
    Capture(String),
}

/// A width or precision with its argument resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedCount {
    /// A number written in the format.
    Literal(usize),
    /// A `usize` value.
    Source(Source),
}

/// A placeholder with its arguments resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The value to format.
    pub value: Source,
    /// Fill, alignment, sign, `#` and `0` as written.
    pub flags: String,
    /// Minimum width.
    pub width: Option<ResolvedCount>,
    /// Precision.
    pub precision: Option<ResolvedCount>,
    /// The formatting trait as written.
    pub kind: String,
}

/// A piece of a title format with its arguments resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Runtime template text.
    Template(String),
    /// A value formatted at run time and shown literally.
    Value(Resolved),
}

/// The explicit arguments that a format's placeholders can refer to.
#[derive(Debug, Clone, Copy)]
pub struct Arguments<'a> {
    /// How many positional arguments follow the format.
    pub positional: usize,
    /// The names of the named arguments, in order. Their indices follow the positional
    /// ones.
    pub named: &'a [String],
    /// Whether the caller can take explicit arguments at all. `#[proc_title]` cannot.
    pub accepts_arguments: bool,
}

/// Rejects NUL and other control characters in `text`; `subject` names it in messages.
pub fn check_printable(text: &str, subject: &str) -> Result<(), String> {
    match text.char_indices().find(|(_, c)| c.is_control()) {
        Some((at, c)) => Err(format!(
            "invalid character U+{:04X} at byte {at} of the {subject}: control characters \
             cannot be shown, so write them out or remove them",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

/// Checks a fixed `comm` or thread name given as option `option`.
pub fn check_task_name(name: &str, option: &str) -> Result<(), String> {
    check_printable(name, &format!("`{option}` name"))?;
    if name.is_empty() {
        return Err(format!("empty `{option}` name: give the name to show"));
    }
    if name.len() > NAME_MAX_LEN {
        return Err(format!(
            "`{option}` name `{name}` is {} bytes long, but Linux keeps at most \
             {NAME_MAX_LEN} bytes of a task name",
            name.len()
        ));
    }
    Ok(())
}

/// Returns true if `name` is a slot name: an ASCII letter or `_`, then ASCII letters,
/// digits or `_`. The runtime accepts the same names.
pub fn is_slot_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    match bytes.next() {
        Some(first) if first.is_ascii_alphabetic() || first == b'_' => {
            bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        }
        _ => false,
    }
}

/// Splits a title format into template text and placeholders, checking both syntaxes.
pub fn parse_title(title: &str) -> Result<Vec<Piece>, String> {
    check_printable(title, "title")?;
    if title.is_empty() {
        return Err("empty title: write the text the process should show".to_owned());
    }
    let mut scanner = Scanner {
        title,
        offset: 0,
        pieces: Vec::new(),
        template: String::new(),
        slots: Vec::new(),
    };
    scanner.run()?;
    Ok(scanner.finish())
}

/// Scans a title format from left to right.
struct Scanner<'a> {
    title: &'a str,
    offset: usize,
    pieces: Vec<Piece>,
    /// Template text not yet pushed to `pieces`.
    template: String,
    /// Slot names seen so far, to reject a second use.
    slots: Vec<String>,
}

impl Scanner<'_> {
    fn run(&mut self) -> Result<(), String> {
        while let Some(c) = self.title[self.offset..].chars().next() {
            let at = self.offset;
            let next = self.title[at + 1..].chars().next();
            match (c, next) {
                ('{', Some('{')) | ('}', Some('}')) => {
                    self.template.push(c);
                    self.offset += 2;
                }
                ('<', Some('<')) => {
                    self.template.push_str("<<");
                    self.offset += 2;
                }
                ('{', _) => self.placeholder(at)?,
                ('}', _) => return Err(unmatched_close(at)),
                ('<', _) => self.slot(at)?,
                _ => {
                    self.template.push(c);
                    self.offset += c.len_utf8();
                }
            }
        }
        Ok(())
    }

    /// Parses the placeholder whose `{` is at byte `open`.
    fn placeholder(&mut self, open: usize) -> Result<(), String> {
        let rest = &self.title[open + 1..];
        let close = match rest.find(['{', '}']) {
            Some(index) if rest.as_bytes()[index] == b'}' => index,
            _ => {
                return Err(format!(
                    "unmatched `{{` at byte {open} of the title: close the placeholder \
                     with `}}`, or write `{{{{` for a literal `{{`"
                ))
            }
        };
        let written = &self.title[open..open + close + 2];
        let placeholder = parse_placeholder(&rest[..close], written)?;
        if !self.template.is_empty() {
            self.pieces
                .push(Piece::Template(std::mem::take(&mut self.template)));
        }
        self.pieces.push(Piece::Placeholder(placeholder));
        self.offset = open + close + 2;
        Ok(())
    }

    /// Parses the slot whose `<` is at byte `open` and appends it to the template text.
    fn slot(&mut self, open: usize) -> Result<(), String> {
        let mut inner = String::new();
        let mut chars = self.title[open + 1..].char_indices().peekable();
        let close = loop {
            let Some((index, c)) = chars.next() else {
                return Err(format!(
                    "unclosed `<` at byte {open} of the title: close the slot with `>`, \
                     or write `<<` for a literal `<`"
                ));
            };
            let at = open + 1 + index;

            match c {
                '>' => break at,
                '<' => {
                    return Err(format!(
                        "`<` at byte {at} of the title is inside the slot opened at byte \
                         {open}: a slot cannot contain `<`, so close the slot with `>` first"
                    ))
                }
                '{' | '}' if chars.peek().map(|&(_, next)| next) == Some(c) => {
                    chars.next();
                    inner.push(c);
                }
                '{' => {
                    return Err(format!(
                        "placeholder at byte {at} of the title is inside the slot opened at \
                         byte {open}: a slot default is fixed text, so move the placeholder \
                         out of the slot, or fill the slot with `proctitle!(name = \"...\")`"
                    ))
                }
                '}' => return Err(unmatched_close(at)),
                _ => inner.push(c),
            }
        };

        let name = inner
            .split_once(':')
            .map_or(inner.as_str(), |(name, _)| name);
        if name.is_empty() {
            return Err(format!(
                "empty slot name at byte {open} of the title: write `<name>` or \
                 `<name:default>`, or `<<` for a literal `<`"
            ));
        }
        if !is_slot_name(name) {
            return Err(format!(
                "invalid slot name `{name}` at byte {open} of the title: a slot name is an \
                 ASCII letter or `_` followed by ASCII letters, digits or `_`"
            ));
        }
        if self.slots.iter().any(|seen| seen == name) {
            return Err(format!(
                "slot `{name}` appears twice in the title: each slot can appear once"
            ));
        }

        self.slots.push(name.to_owned());
        self.template.push('<');
        self.template.push_str(&inner);
        self.template.push('>');
        self.offset = close + 1;
        Ok(())
    }

    fn finish(mut self) -> Vec<Piece> {
        if !self.template.is_empty() {
            self.pieces.push(Piece::Template(self.template));
        }
        self.pieces
    }
}

fn unmatched_close(at: usize) -> String {
    format!("unmatched `}}` at byte {at} of the title: write `}}}}` for a literal `}}`")
}

/// Parses `inner`, the text between the braces of placeholder `written`.
fn parse_placeholder(inner: &str, written: &str) -> Result<Placeholder, String> {
    let (argument, spec) = match inner.split_once(':') {
        Some((argument, spec)) => (argument, Some(spec)),
        None => (inner, None),
    };
    let argument = parse_argument(argument).ok_or_else(|| {
        format!(
            "invalid placeholder `{written}`: the part before `:` must be empty, a position \
             such as `0` or a variable name, and cannot access fields or call methods"
        )
    })?;
    let spec = match spec {
        Some(spec) => parse_spec(spec, written)?,
        None => Spec::default(),
    };
    Ok(Placeholder {
        argument,
        spec,
        written: written.to_owned(),
    })
}

fn parse_argument(text: &str) -> Option<Argument> {
    if text.is_empty() {
        return Some(Argument::Next);
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok().map(Argument::Index);
    }
    if is_identifier(text) {
        return Some(Argument::Name(text.to_owned()));
    }
    None
}

/// Returns true if `text` is a Rust identifier or keyword, as `format!` accepts for a name.
fn is_identifier(text: &str) -> bool {
    !text.starts_with("r#") && syn::Ident::parse_any.parse_str(text).is_ok()
}

/// Parses a format spec: `[[fill]align][sign]['#']['0'][width]['.' precision]type`.
fn parse_spec(spec: &str, written: &str) -> Result<Spec, String> {
    let chars: Vec<char> = spec.chars().collect();
    let is_align = |c: char| matches!(c, '<' | '^' | '>');
    let mut flags = String::new();
    let mut index = 0;
    if chars.len() >= 2 && is_align(chars[1]) {
        flags.extend(&chars[..2]);
        index = 2;
    } else if chars.first().copied().is_some_and(is_align) {
        flags.push(chars[0]);
        index = 1;
    }
    if let Some(&sign @ ('+' | '-')) = chars.get(index) {
        flags.push(sign);
        index += 1;
    }
    if chars.get(index) == Some(&'#') {
        flags.push('#');
        index += 1;
    }

    let mut width = None;
    if chars.get(index) == Some(&'0') {
        // `0$` is a width taken from argument 0, not the zero-padding flag.
        if chars.get(index + 1) == Some(&'$') {
            width = Some(Count::Argument(Argument::Index(0)));
            index += 2;
        } else {
            flags.push('0');
            index += 1;
        }
    }
    if width.is_none() {
        if let Some((count, next)) = parse_count(&chars, index) {
            width = Some(count);
            index = next;
        }
    }

    let mut precision = None;
    if chars.get(index) == Some(&'.') {
        index += 1;
        if chars.get(index) == Some(&'*') {
            precision = Some(Count::Argument(Argument::Next));
            index += 1;
        } else {
            let Some((count, next)) = parse_count(&chars, index) else {
                return Err(format!(
                    "invalid precision in `{written}`: write a number, `name$`, `0$` or `*` \
                     after the `.`"
                ));
            };
            precision = Some(count);
            index = next;
        }
    }
    Ok(Spec {
        flags,
        width,
        precision,
        kind: chars[index..].iter().collect(),
    })
}

/// Parses a count at `chars[index..]`: `N`, `N$` or `name$`. Returns the count and the
/// index after it, or `None` if no count starts there.
fn parse_count(chars: &[char], index: usize) -> Option<(Count, usize)> {
    let digits = chars[index..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits > 0 {
        let end = index + digits;
        let number: usize = chars[index..end].iter().collect::<String>().parse().ok()?;
        return Some(if chars.get(end) == Some(&'$') {
            (Count::Argument(Argument::Index(number)), end + 1)
        } else {
            (Count::Literal(number), end)
        });
    }
    let word_len = chars[index..]
        .iter()
        .take_while(|c| c.is_alphanumeric() || **c == '_')
        .count();
    let end = index + word_len;
    if word_len == 0 || chars.get(end) != Some(&'$') {
        return None;
    }
    let word: String = chars[index..end].iter().collect();
    is_identifier(&word).then(|| (Count::Argument(Argument::Name(word)), end + 1))
}

/// Resolves the placeholders of `pieces` against `arguments`, the way `format_args!`
/// does. Returns the segments and, for each explicit argument, whether a placeholder
/// uses it.
pub fn resolve(
    pieces: Vec<Piece>,
    arguments: Arguments<'_>,
) -> Result<(Vec<Segment>, Vec<bool>), String> {
    let mut resolver = Resolver {
        arguments,
        next: 0,
        used: vec![false; arguments.positional + arguments.named.len()],
    };
    let mut segments = Vec::with_capacity(pieces.len());
    for piece in pieces {
        segments.push(match piece {
            Piece::Template(text) => Segment::Template(text),
            Piece::Placeholder(placeholder) => Segment::Value(resolver.placeholder(placeholder)?),
        });
    }
    Ok((segments, resolver.used))
}

struct Resolver<'a> {
    arguments: Arguments<'a>,
    /// The position that the next `{}` or `.*` takes.
    next: usize,
    used: Vec<bool>,
}

impl Resolver<'_> {
    fn placeholder(&mut self, placeholder: Placeholder) -> Result<Resolved, String> {
        let written = &placeholder.written;
        let spec = placeholder.spec;
        // For `.*` the precision takes the next position before the value does.
        let precision = match spec.precision {
            Some(count) => Some(self.count(count, written)?),
            None => None,
        };
        let value = self.argument(placeholder.argument, written)?;
        let width = match spec.width {
            Some(count) => Some(self.count(count, written)?),
            None => None,
        };
        Ok(Resolved {
            value,
            flags: spec.flags,
            width,
            precision,
            kind: spec.kind,
        })
    }

    fn count(&mut self, count: Count, written: &str) -> Result<ResolvedCount, String> {
        Ok(match count {
            Count::Literal(number) => ResolvedCount::Literal(number),
            Count::Argument(argument) => ResolvedCount::Source(self.argument(argument, written)?),
        })
    }

    fn argument(&mut self, argument: Argument, written: &str) -> Result<Source, String> {
        let implicit = argument == Argument::Next;
        let index = match argument {
            Argument::Name(name) => {
                return Ok(match self.arguments.named.iter().position(|n| *n == name) {
                    Some(index) => {
                        let index = self.arguments.positional + index;
                        self.used[index] = true;
                        Source::Argument(index)
                    }
                    None => Source::Capture(name),
                })
            }
            Argument::Next => {
                self.next += 1;
                self.next - 1
            }
            Argument::Index(index) => index,
        };
        if !self.arguments.accepts_arguments {
            return Err(format!(
                "`{written}` refers to an argument by position, but #[proc_title] takes no \
                 arguments: name a variable in scope instead, as in `{{id}}` or `{{id:>4}}`"
            ));
        }
        let count = self.used.len();
        if index >= count {
            let (verb, noun) = if count == 1 {
                ("is", "argument")
            } else {
                ("are", "arguments")
            };
            if implicit {
                return Err(format!(
                    "missing argument: `{written}` takes positional argument {index}, but \
                     there {verb} {count} {noun}; add an argument or remove the placeholder"
                ));
            }
            return Err(format!(
                "invalid reference to positional argument {index} in `{written}` \
                 (there {verb} {count} {noun})"
            ));
        }
        self.used[index] = true;
        Ok(Source::Argument(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(text: &str) -> Piece {
        Piece::Template(text.to_owned())
    }

    fn placeholder(argument: Argument, spec: Spec, written: &str) -> Piece {
        Piece::Placeholder(Placeholder {
            argument,
            spec,
            written: written.to_owned(),
        })
    }

    fn name(text: &str) -> Argument {
        Argument::Name(text.to_owned())
    }

    fn spec_of(written: &str) -> Spec {
        match parse_title(written).unwrap().remove(0) {
            Piece::Placeholder(placeholder) => placeholder.spec,
            Piece::Template(text) => panic!("expected a placeholder, parsed template {text:?}"),
        }
    }

    fn error_of(title: &str) -> String {
        parse_title(title).unwrap_err()
    }

    const NO_ARGUMENTS: Arguments<'static> = Arguments {
        positional: 0,
        named: &[],
        accepts_arguments: false,
    };

    #[test]
    fn plain_text_is_one_template() {
        assert_eq!(
            parse_title("ERP: supervisor").unwrap(),
            [template("ERP: supervisor")]
        );
    }

    #[test]
    fn slots_stay_in_template_text() {
        assert_eq!(
            parse_title("ERP: <stage:idle> <<b> <step>").unwrap(),
            [template("ERP: <stage:idle> <<b> <step>")]
        );
    }

    #[test]
    fn braces_are_unescaped() {
        assert_eq!(
            parse_title("{{a}} <s:{{x}}>").unwrap(),
            [template("{a} <s:{x}>")]
        );
    }

    #[test]
    fn placeholders_split_template_text() {
        assert_eq!(
            parse_title("ERP: worker {id} <stage:idle>").unwrap(),
            [
                template("ERP: worker "),
                placeholder(name("id"), Spec::default(), "{id}"),
                template(" <stage:idle>"),
            ]
        );
    }

    #[test]
    fn placeholder_arguments() {
        let pieces = parse_title("{}{0}{x}{self}").unwrap();
        let arguments: Vec<_> = pieces
            .into_iter()
            .map(|piece| match piece {
                Piece::Placeholder(placeholder) => placeholder.argument,
                Piece::Template(text) => panic!("unexpected template {text:?}"),
            })
            .collect();
        assert_eq!(
            arguments,
            [Argument::Next, Argument::Index(0), name("x"), name("self")]
        );
    }

    #[test]
    fn spec_flags_width_precision_kind() {
        let spec = spec_of("{x:*^+#010.3e}");
        assert_eq!(spec.flags, "*^+#0");
        assert_eq!(spec.width, Some(Count::Literal(10)));
        assert_eq!(spec.precision, Some(Count::Literal(3)));
        assert_eq!(spec.kind, "e");
    }

    #[test]
    fn spec_alignment_without_fill() {
        let spec = spec_of("{:<8}");
        assert_eq!(spec.flags, "<");
        assert_eq!(spec.width, Some(Count::Literal(8)));
        assert_eq!(spec.kind, "");
    }

    #[test]
    fn spec_argument_counts() {
        let spec = spec_of("{:width$.prec$?}");
        assert_eq!(spec.width, Some(Count::Argument(name("width"))));
        assert_eq!(spec.precision, Some(Count::Argument(name("prec"))));
        assert_eq!(spec.kind, "?");

        let spec = spec_of("{:1$.*}");
        assert_eq!(spec.width, Some(Count::Argument(Argument::Index(1))));
        assert_eq!(spec.precision, Some(Count::Argument(Argument::Next)));
    }

    #[test]
    fn spec_zero_dollar_is_width_argument() {
        let spec = spec_of("{:0$}");
        assert_eq!(spec.flags, "");
        assert_eq!(spec.width, Some(Count::Argument(Argument::Index(0))));
    }

    #[test]
    fn spec_trait_name_is_not_width() {
        let spec = spec_of("{:x?}");
        assert_eq!(spec.width, None);
        assert_eq!(spec.kind, "x?");
    }

    #[test]
    fn control_characters_are_rejected() {
        assert!(error_of("a\0b").contains("U+0000 at byte 1"));
        assert!(error_of("a\tb").contains("U+0009 at byte 1"));
        assert!(error_of("é\u{7f}").contains("U+007F at byte 2"));
    }

    #[test]
    fn empty_title_is_rejected() {
        assert!(error_of("").starts_with("empty title"));
    }

    #[test]
    fn unbalanced_braces_are_rejected() {
        assert!(error_of("a { b").starts_with("unmatched `{` at byte 2"));
        assert!(error_of("a {x {y}").starts_with("unmatched `{` at byte 2"));
        assert!(error_of("a } b").starts_with("unmatched `}` at byte 2"));
        assert!(error_of("{x}}").starts_with("unmatched `}` at byte 3"));
    }

    #[test]
    fn malformed_slots_are_rejected() {
        assert!(error_of("a <stage").starts_with("unclosed `<` at byte 2"));
        assert!(error_of("a <> b").starts_with("empty slot name at byte 2"));
        assert!(error_of("a <:x> b").starts_with("empty slot name"));
        assert!(error_of("<1st>").starts_with("invalid slot name `1st`"));
        assert!(error_of("<a-b>").starts_with("invalid slot name `a-b`"));
        assert!(error_of("<a <b>>").contains("cannot contain `<`"));
        assert!(error_of("<a:x}>").starts_with("unmatched `}`"));
    }

    #[test]
    fn repeated_slot_is_rejected() {
        assert!(error_of("<stage> and <stage:x>").starts_with("slot `stage` appears twice"));
    }

    #[test]
    fn placeholder_in_slot_is_rejected() {
        assert!(error_of("<stage:{x}>").starts_with("placeholder at byte 7"));
    }

    #[test]
    fn field_access_is_rejected() {
        assert!(error_of("{self.id}").starts_with("invalid placeholder `{self.id}`"));
        assert!(error_of("{a b}").starts_with("invalid placeholder"));
    }

    #[test]
    fn task_names() {
        assert_eq!(check_task_name("erp-worker", "comm"), Ok(()));
        assert_eq!(check_task_name("fifteen-bytes!!", "comm"), Ok(()));
        assert!(check_task_name("sixteen-bytes!!!", "comm")
            .unwrap_err()
            .contains("16 bytes long"));
        assert!(check_task_name("", "thread")
            .unwrap_err()
            .starts_with("empty"));
        assert!(check_task_name("a\nb", "thread")
            .unwrap_err()
            .contains("U+000A"));
    }

    fn resolve_with(title: &str, arguments: Arguments<'_>) -> Result<Vec<Resolved>, String> {
        let (segments, _) = resolve(parse_title(title).unwrap(), arguments)?;
        Ok(segments
            .into_iter()
            .filter_map(|segment| match segment {
                Segment::Value(value) => Some(value),
                Segment::Template(_) => None,
            })
            .collect())
    }

    #[test]
    fn attribute_captures_names() {
        let values = resolve_with("{id} {id:>width$}", NO_ARGUMENTS).unwrap();
        assert_eq!(values[0].value, Source::Capture("id".to_owned()));
        assert_eq!(
            values[1].width,
            Some(ResolvedCount::Source(Source::Capture("width".to_owned())))
        );
    }

    #[test]
    fn attribute_rejects_positions() {
        for title in ["{}", "{0}", "{x:1$}", "{x:.*}"] {
            let error = resolve_with(title, NO_ARGUMENTS).unwrap_err();
            assert!(error.contains("takes no arguments"), "{title}: {error}");
        }
    }

    #[test]
    fn positions_follow_format_rules() {
        let named = ["n".to_owned()];
        let arguments = Arguments {
            positional: 4,
            named: &named,
            accepts_arguments: true,
        };
        let (segments, used) =
            resolve(parse_title("{} {:.*} {0} {n} {x}").unwrap(), arguments).unwrap();
        let values: Vec<_> = segments
            .into_iter()
            .filter_map(|segment| match segment {
                Segment::Value(value) => Some(value),
                Segment::Template(_) => None,
            })
            .collect();
        assert_eq!(values[0].value, Source::Argument(0));
        assert_eq!(
            values[1].precision,
            Some(ResolvedCount::Source(Source::Argument(1)))
        );
        assert_eq!(values[1].value, Source::Argument(2));
        assert_eq!(values[2].value, Source::Argument(0));
        assert_eq!(values[3].value, Source::Argument(4));
        assert_eq!(values[4].value, Source::Capture("x".to_owned()));
        assert_eq!(used, [true, true, true, false, true]);
    }

    #[test]
    fn out_of_range_position_is_rejected() {
        let arguments = Arguments {
            positional: 1,
            named: &[],
            accepts_arguments: true,
        };
        let error = resolve_with("{} {}", arguments).unwrap_err();
        assert_eq!(
            error,
            "missing argument: `{}` takes positional argument 1, but there is 1 argument; \
             add an argument or remove the placeholder"
        );
        let error = resolve_with("{} {2:>4}", arguments).unwrap_err();
        assert_eq!(
            error,
            "invalid reference to positional argument 2 in `{2:>4}` (there is 1 argument)"
        );
    }
}
