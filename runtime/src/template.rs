//! Title templates: literal text with slots `<name>` and `<name:default>`; `<<` is a
//! literal `<`.

use std::fmt;

/// A piece of a parsed template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text shown as it is.
    Literal(&'a str),
    /// A slot, filled from the latest slot frame of that name.
    Slot {
        /// The slot name, an identifier.
        name: &'a str,
        /// The text shown when no slot frame fills the slot.
        default: Option<&'a str>,
    },
}

/// A malformed template: where the problem is and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset of the `<` that opens the malformed slot.
    pub position: usize,
    /// The problem, in a few words.
    pub problem: &'static str,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.problem, self.position)
    }
}

/// Returns true if `name` is an identifier: a letter or `_`, then letters, digits or `_`.
pub fn is_slot_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    match bytes.next() {
        Some(first) if first.is_ascii_alphabetic() || first == b'_' => {
            bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        }
        _ => false,
    }
}

/// Checks that every `<` opens a well-formed slot or is doubled.
pub fn validate(template: &str) -> Result<(), TemplateError> {
    let mut segments = Segments::new(template);
    while segments.next().is_some() {}
    match segments.error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Iterates over the segments of `template`.
///
/// After an error the iterator stops; a template that passed [`validate`] never errs.
pub fn segments(template: &str) -> Segments<'_> {
    Segments::new(template)
}

/// Iterator over the segments of a template.
#[derive(Debug, Clone)]
pub struct Segments<'a> {
    template: &'a str,
    offset: usize,
    error: Option<TemplateError>,
}

impl<'a> Segments<'a> {
    fn new(template: &'a str) -> Self {
        Segments {
            template,
            offset: 0,
            error: None,
        }
    }

    fn fail(&mut self, position: usize, problem: &'static str) -> Option<Segment<'a>> {
        self.error = Some(TemplateError { position, problem });
        self.offset = self.template.len();
        None
    }

    fn parse_slot(&mut self, open: usize) -> Option<Segment<'a>> {
        let inner_start = open + 1;
        let rest = &self.template[inner_start..];
        let Some(close) = rest.find(['<', '>']) else {
            return self.fail(open, "unclosed `<`");
        };
        if rest.as_bytes()[close] == b'<' {
            return self.fail(open, "`<` inside a slot");
        }
        let inner = &rest[..close];
        let (name, default) = match inner.split_once(':') {
            Some((name, default)) => (name, Some(default)),
            None => (inner, None),
        };
        if name.is_empty() {
            return self.fail(open, "empty slot name");
        }
        if !is_slot_name(name) {
            return self.fail(open, "slot name is not an identifier");
        }
        self.offset = inner_start + close + 1;
        Some(Segment::Slot { name, default })
    }
}

impl<'a> Iterator for Segments<'a> {
    type Item = Segment<'a>;

    fn next(&mut self) -> Option<Segment<'a>> {
        let rest = &self.template[self.offset..];
        if rest.is_empty() {
            return None;
        }
        match rest.find('<') {
            Some(0) if rest.as_bytes().get(1) == Some(&b'<') => {
                self.offset += 2;
                // The first `<` of the pair, borrowed from the template like every other
                // segment, so that callers can store segments as offsets.
                Some(Segment::Literal(&rest[..1]))
            }
            Some(0) => self.parse_slot(self.offset),
            Some(literal_len) => {
                self.offset += literal_len;
                Some(Segment::Literal(&rest[..literal_len]))
            }
            None => {
                self.offset = self.template.len();
                Some(Segment::Literal(rest))
            }
        }
    }
}

/// Writes `text` so that a template shows it literally: each `<` is doubled.
pub fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(index) = rest.find('<') {
        out.push_str(&rest[..=index]);
        out.push('<');
        rest = &rest[index + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(template: &str) -> Vec<Segment<'_>> {
        segments(template).collect()
    }

    #[test]
    fn literal_only() {
        assert_eq!(
            parse("ERP: supervisor"),
            [Segment::Literal("ERP: supervisor")]
        );
    }

    #[test]
    fn slot_with_and_without_default() {
        assert_eq!(
            parse("a <stage> b <step:idle>"),
            [
                Segment::Literal("a "),
                Segment::Slot {
                    name: "stage",
                    default: None
                },
                Segment::Literal(" b "),
                Segment::Slot {
                    name: "step",
                    default: Some("idle")
                },
            ]
        );
    }

    #[test]
    fn doubled_angle_is_literal() {
        assert_eq!(
            parse("a<<b"),
            [
                Segment::Literal("a"),
                Segment::Literal("<"),
                Segment::Literal("b")
            ]
        );
        assert_eq!(validate("<<<x>"), Ok(()));
    }

    #[test]
    fn closing_angle_alone_is_literal() {
        assert_eq!(parse("a > b"), [Segment::Literal("a > b")]);
    }

    #[test]
    fn empty_default_is_allowed() {
        assert_eq!(
            parse("<x:>"),
            [Segment::Slot {
                name: "x",
                default: Some("")
            }]
        );
    }

    #[test]
    fn unclosed_slot_is_error() {
        let error = validate("ERP: <stage").unwrap_err();
        assert_eq!(error.position, 5);
        assert_eq!(error.problem, "unclosed `<`");
    }

    #[test]
    fn nested_open_is_error() {
        assert_eq!(
            validate("a <b <c>>").unwrap_err().problem,
            "`<` inside a slot"
        );
    }

    #[test]
    fn empty_name_is_error() {
        assert_eq!(validate("a <> b").unwrap_err().problem, "empty slot name");
        assert_eq!(validate("a <:x> b").unwrap_err().problem, "empty slot name");
    }

    #[test]
    fn non_identifier_name_is_error() {
        let error = validate("x <1st>").unwrap_err();
        assert_eq!(error.problem, "slot name is not an identifier");
        assert_eq!(error.position, 2);
        assert!(validate("<a-b>").is_err());
        assert!(validate("<a b>").is_err());
    }

    #[test]
    fn slot_names() {
        assert!(is_slot_name("stage"));
        assert!(is_slot_name("_x9"));
        assert!(!is_slot_name(""));
        assert!(!is_slot_name("9x"));
        assert!(!is_slot_name("é"));
    }

    #[test]
    fn escape_doubles_every_open_angle() {
        let mut out = String::new();
        escape_into(&mut out, "a<b<<c");
        assert_eq!(out, "a<<b<<<<c");
        let shown: String = segments(&out)
            .map(|segment| match segment {
                Segment::Literal(text) => text,
                Segment::Slot { .. } => "SLOT",
            })
            .collect();
        assert_eq!(shown, "a<b<<c");
    }
}
