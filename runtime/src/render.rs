//! Rendering: the text the process shows, computed from the registry.
//!
//! The latest live title frame is shown, each slot filled from the latest live slot
//! frame of its name, else its default, else nothing. Spaces around a slot that renders
//! empty collapse to one space between words and to nothing at either end. With no
//! title frame the base title shows, and with no base the original command line.

use crate::registry::Registry;
use crate::template::Segment;
use crate::text::TitleBuf;

/// Renders the title of `registry` into `out`; `original` is the command line.
pub fn render(registry: &Registry, original: &str, out: &mut TitleBuf) {
    match (registry.top_title_segments(), registry.base()) {
        (Some(segments), _) => render_segments(segments, |name| registry.slot(name), out),
        (None, Some(base)) => out.push_str(base),
        (None, None) => out.push_str(original),
    }
}

/// Renders the segments of a template with slot values from `lookup`.
pub fn render_segments<'a>(
    segments: impl IntoIterator<Item = Segment<'a>>,
    lookup: impl Fn(&str) -> Option<&'a str>,
    out: &mut TitleBuf,
) {
    // True after an empty slot, until the next non-space text.
    let mut collapsing = false;
    // True if spaces were dropped while collapsing, so one belongs before the next word.
    let mut gap = false;

    for segment in segments {
        let text = match segment {
            Segment::Literal(text) => text,
            Segment::Slot { name, default } => {
                let value = lookup(name).or(default).unwrap_or("");
                if value.is_empty() {
                    if !collapsing {
                        gap = out.trim_end_spaces();
                        collapsing = true;
                    }
                    continue;
                }
                value
            }
        };
        if !collapsing {
            out.push_str(text);
            continue;
        }
        let trimmed = text.trim_start_matches(' ');
        gap |= trimmed.len() != text.len();
        if trimmed.is_empty() {
            continue;
        }
        if gap && !out.is_empty() {
            out.push_str(" ");
        }
        out.push_str(trimmed);
        collapsing = false;
        gap = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::segments;

    fn show(template: &str, slots: &[(&'static str, &'static str)]) -> String {
        let mut out = TitleBuf::new(256);
        out.reset(256);
        render_segments(
            segments(template),
            |name| {
                slots
                    .iter()
                    .find(|(slot, _)| *slot == name)
                    .map(|(_, value)| *value)
            },
            &mut out,
        );
        out.as_str().to_owned()
    }

    #[test]
    fn filled_slot() {
        assert_eq!(
            show("ERP: <stage>", &[("stage", "scanning")]),
            "ERP: scanning"
        );
    }

    #[test]
    fn default_when_unfilled() {
        assert_eq!(show("ERP: <stage:idle>", &[]), "ERP: idle");
    }

    #[test]
    fn empty_slot_at_end_drops_space() {
        assert_eq!(show("ERP: <stage>", &[]), "ERP:");
    }

    #[test]
    fn empty_slot_between_words_leaves_one_space() {
        assert_eq!(show("ERP: worker <stage> done", &[]), "ERP: worker done");
    }

    #[test]
    fn empty_slot_at_start_drops_space() {
        assert_eq!(show("<stage> ERP", &[]), "ERP");
    }

    #[test]
    fn adjacent_empty_slots_collapse() {
        assert_eq!(show("a <x> <y> b", &[]), "a b");
        assert_eq!(show("a <x><y>b", &[]), "a b");
    }

    #[test]
    fn empty_slot_without_spaces_joins() {
        assert_eq!(show("ERP: [<stage>]", &[]), "ERP: []");
    }

    #[test]
    fn empty_value_counts_as_empty() {
        assert_eq!(show("ERP: <stage:idle> x", &[("stage", "")]), "ERP: x");
    }

    #[test]
    fn slot_value_is_not_parsed() {
        assert_eq!(show("a <x>", &[("x", "<y> <<")]), "a <y> <<");
    }

    #[test]
    fn value_is_sanitized() {
        assert_eq!(show("a <x>", &[("x", "b\nc")]), "a b?c");
    }

    #[test]
    fn base_and_original_beneath_frames() {
        let mut registry = Registry::new();
        let mut out = TitleBuf::new(64);
        out.reset(64);
        render(&registry, "prog --flag", &mut out);
        assert_eq!(out.as_str(), "prog --flag");

        registry.set_base("daemon");
        out.reset(64);
        render(&registry, "prog --flag", &mut out);
        assert_eq!(out.as_str(), "daemon");

        let frame = registry.push_title("ERP: <stage>", None, 1);
        registry.push_slot("stage", "import", 1);
        out.reset(64);
        render(&registry, "prog --flag", &mut out);
        assert_eq!(out.as_str(), "ERP: import");

        registry.remove(frame);
        out.reset(64);
        render(&registry, "prog --flag", &mut out);
        assert_eq!(out.as_str(), "daemon");
    }
}
