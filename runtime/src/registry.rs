//! The frame registry: title frames and slot frames held by guards.
//!
//! Frames live in a slab so that a guard can remove its own frame in any order. Each
//! frame keeps its string buffers when it is freed, so once the slab has grown to the
//! deepest nesting a program uses, pushing a frame allocates nothing.
//!
//! A title frame also stores its template parsed into segments, so that each render
//! reads the segments instead of parsing the template again.

use crate::template::{segments, Segment, Segments};

/// Identifies one pushed frame; stale after the frame is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameId {
    index: u32,
    generation: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Title,
    Slot,
}

#[derive(Debug)]
struct Frame {
    kind: Kind,
    live: bool,
    generation: u32,
    /// The thread that pushed the frame, as the caller identifies threads.
    owner: u64,
    /// The slot name of a slot frame.
    name: String,
    /// The template of a title frame, or the value of a slot frame.
    text: String,
    /// The `comm` a title frame requests, or empty when it requests none.
    comm: String,
    /// The segments of a title frame's template, as byte ranges of `text`.
    pieces: Vec<Piece>,
    /// True when `pieces` contains the segments of `text`.
    parsed: bool,
}

/// Byte offsets `start..end` into a frame's text.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// Returns the offsets of `part` within `whole`, or `None` if `part` does not lie
    /// inside `whole`.
    fn of(whole: &str, part: &str) -> Option<Span> {
        let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
        let end = start + part.len();
        (end <= whole.len()).then_some(Span { start, end })
    }

    fn get(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// A template segment stored as offsets into the frame's text.
#[derive(Debug, Clone, Copy)]
enum Piece {
    Literal(Span),
    Slot { name: Span, default: Option<Span> },
}

impl Piece {
    fn of(template: &str, segment: Segment<'_>) -> Option<Piece> {
        Some(match segment {
            Segment::Literal(text) => Piece::Literal(Span::of(template, text)?),
            Segment::Slot { name, default } => Piece::Slot {
                name: Span::of(template, name)?,
                default: match default {
                    Some(default) => Some(Span::of(template, default)?),
                    None => None,
                },
            },
        })
    }

    fn segment(self, template: &str) -> Segment<'_> {
        match self {
            Piece::Literal(span) => Segment::Literal(span.get(template)),
            Piece::Slot { name, default } => Segment::Slot {
                name: name.get(template),
                default: default.map(|default| default.get(template)),
            },
        }
    }
}

/// Parses `template` into `pieces`. Returns false if a segment could not be stored as
/// offsets, because then the template must be parsed at each render.
fn parse_pieces(template: &str, pieces: &mut Vec<Piece>) -> bool {
    pieces.clear();
    for segment in segments(template) {
        match Piece::of(template, segment) {
            Some(piece) => pieces.push(piece),
            None => return false,
        }
    }
    true
}

/// The segments of a title frame's template, read from the stored pieces or, failing
/// those, parsed from the text.
#[derive(Debug, Clone)]
pub struct TemplateSegments<'a>(SegmentSource<'a>);

#[derive(Debug, Clone)]
enum SegmentSource<'a> {
    Stored {
        template: &'a str,
        pieces: std::slice::Iter<'a, Piece>,
    },
    Parsed(Segments<'a>),
}

impl<'a> Iterator for TemplateSegments<'a> {
    type Item = Segment<'a>;

    fn next(&mut self) -> Option<Segment<'a>> {
        match &mut self.0 {
            SegmentSource::Stored { template, pieces } => {
                pieces.next().map(|piece| piece.segment(template))
            }
            SegmentSource::Parsed(segments) => segments.next(),
        }
    }
}

/// All live frames and the base title beneath them.
#[derive(Debug)]
pub struct Registry {
    frames: Vec<Frame>,
    free: Vec<u32>,
    /// Indices of the live frames in push order, so lookups walk back from the latest
    /// frame and never visit freed slots.
    order: Vec<u32>,
    live: usize,
    base: String,
    has_base: bool,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    /// Creates an empty registry without allocating.
    pub const fn new() -> Self {
        Registry {
            frames: Vec::new(),
            free: Vec::new(),
            order: Vec::new(),
            live: 0,
            base: String::new(),
            has_base: false,
        }
    }

    /// Pushes a title frame holding `template`, which the caller has validated.
    pub fn push_title(&mut self, template: &str, comm: Option<&str>, owner: u64) -> FrameId {
        let id = self.push(Kind::Title, "", template, owner);
        let frame = &mut self.frames[id.index as usize];
        frame.comm.clear();
        frame.comm.push_str(comm.unwrap_or(""));
        frame.parsed = parse_pieces(&frame.text, &mut frame.pieces);
        id
    }

    /// Pushes a slot frame that fills slot `name` with `value`.
    pub fn push_slot(&mut self, name: &str, value: &str, owner: u64) -> FrameId {
        self.push(Kind::Slot, name, value, owner)
    }

    fn push(&mut self, kind: Kind, name: &str, text: &str, owner: u64) -> FrameId {
        self.live += 1;
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.frames.push(Frame {
                    kind,
                    live: false,
                    generation: 0,
                    owner,
                    name: String::new(),
                    text: String::new(),
                    comm: String::new(),
                    pieces: Vec::new(),
                    parsed: false,
                });
                // Room for every frame on the free list and in the order, so that
                // pushing a reused frame or removing one never allocates, even in a
                // child process right after `fork`.
                self.free.reserve(self.frames.len() - self.free.len());
                self.order.reserve(self.frames.len() - self.order.len());
                // More than u32::MAX frames alive at once cannot fit in memory anyway.
                (self.frames.len() - 1) as u32
            }
        };
        let frame = &mut self.frames[index as usize];
        frame.kind = kind;
        frame.live = true;
        frame.owner = owner;
        frame.name.clear();
        frame.name.push_str(name);
        frame.text.clear();
        frame.text.push_str(text);
        let generation = frame.generation;
        self.order.push(index);
        FrameId { index, generation }
    }

    /// Removes the frame `id`; returns false if it was already removed.
    pub fn remove(&mut self, id: FrameId) -> bool {
        let Some(frame) = self.frames.get_mut(id.index as usize) else {
            return false;
        };
        if !frame.live || frame.generation != id.generation {
            return false;
        }
        frame.live = false;
        frame.generation = frame.generation.wrapping_add(1);
        self.live -= 1;
        self.free.push(id.index);
        // Guards usually drop in reverse push order, so the search from the end is short.
        if let Some(position) = self.order.iter().rposition(|&index| index == id.index) {
            self.order.remove(position);
        }
        true
    }

    /// Removes every live frame pushed by a thread other than `owner`; returns how many.
    ///
    /// After `fork` only the forking thread exists in the child, so the frames of the
    /// other threads would never be dropped there.
    pub fn remove_foreign(&mut self, owner: u64) -> usize {
        let mut removed = 0;
        for index in 0..self.frames.len() {
            let frame = &self.frames[index];
            if frame.live && frame.owner != owner {
                let id = FrameId {
                    index: index as u32,
                    generation: frame.generation,
                };
                self.remove(id);
                removed += 1;
            }
        }
        removed
    }

    /// Returns the number of live frames of either kind.
    #[cfg(test)]
    pub fn live_frames(&self) -> usize {
        self.live
    }

    /// Returns the live frames, the most recently pushed first.
    fn newest_first(&self) -> impl Iterator<Item = &Frame> {
        self.order
            .iter()
            .rev()
            .map(|&index| &self.frames[index as usize])
    }

    fn latest(&self, kind: Kind, name: &str) -> Option<&Frame> {
        self.newest_first()
            .find(|frame| frame.kind == kind && frame.name == name)
    }

    /// Returns the template of the most recently pushed live title frame.
    pub fn top_title(&self) -> Option<&str> {
        self.latest(Kind::Title, "")
            .map(|frame| frame.text.as_str())
    }

    /// Returns the segments of the template of the most recently pushed live title
    /// frame.
    pub fn top_title_segments(&self) -> Option<TemplateSegments<'_>> {
        self.latest(Kind::Title, "").map(|frame| {
            TemplateSegments(if frame.parsed {
                SegmentSource::Stored {
                    template: &frame.text,
                    pieces: frame.pieces.iter(),
                }
            } else {
                SegmentSource::Parsed(segments(&frame.text))
            })
        })
    }

    /// Returns the `comm` requested by the most recently pushed live title frame that
    /// requests one.
    pub fn top_comm(&self) -> Option<&str> {
        self.newest_first()
            .find(|frame| frame.kind == Kind::Title && !frame.comm.is_empty())
            .map(|frame| frame.comm.as_str())
    }

    /// Returns the value of the most recently pushed live slot frame for `name`.
    pub fn slot(&self, name: &str) -> Option<&str> {
        self.latest(Kind::Slot, name)
            .map(|frame| frame.text.as_str())
    }

    /// Replaces the base title shown beneath all frames.
    pub fn set_base(&mut self, text: &str) {
        self.base.clear();
        self.base.push_str(text);
        self.has_base = true;
    }

    /// Returns the base title, if one was set.
    pub fn base(&self) -> Option<&str> {
        self.has_base.then_some(self.base.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_title_wins() {
        let mut registry = Registry::new();
        let first = registry.push_title("one", None, 1);
        let second = registry.push_title("two", None, 1);
        assert_eq!(registry.top_title(), Some("two"));
        assert!(registry.remove(second));
        assert_eq!(registry.top_title(), Some("one"));
        assert!(registry.remove(first));
        assert_eq!(registry.top_title(), None);
    }

    #[test]
    fn out_of_order_removal_keeps_latest() {
        let mut registry = Registry::new();
        let first = registry.push_title("one", None, 1);
        let _second = registry.push_title("two", None, 1);
        assert!(registry.remove(first));
        assert_eq!(registry.top_title(), Some("two"));
        assert_eq!(registry.live_frames(), 1);
    }

    #[test]
    fn stale_id_removes_nothing() {
        let mut registry = Registry::new();
        let first = registry.push_title("one", None, 1);
        assert!(registry.remove(first));
        let reused = registry.push_title("again", None, 1);
        assert!(!registry.remove(first));
        assert_eq!(registry.top_title(), Some("again"));
        assert!(registry.remove(reused));
    }

    #[test]
    fn stored_segments_match_parsed() {
        let mut registry = Registry::new();
        for template in [
            "",
            "ERP: supervisor",
            "ERP: import <stage:starting> <step>",
            "a << b <x:> <<<y>",
            "<only>",
        ] {
            let frame = registry.push_title(template, None, 1);
            assert!(registry.frames[frame.index as usize].parsed, "{template:?}");
            let stored: Vec<_> = registry
                .top_title_segments()
                .expect("a title frame is live")
                .collect();
            let parsed: Vec<_> = segments(template).collect();
            assert_eq!(stored, parsed, "{template:?}");
            assert!(registry.remove(frame));
        }
    }

    #[test]
    fn slots_by_name() {
        let mut registry = Registry::new();
        let outer = registry.push_slot("stage", "outer", 1);
        let step = registry.push_slot("step", "3", 1);
        let inner = registry.push_slot("stage", "inner", 1);
        assert_eq!(registry.slot("stage"), Some("inner"));
        assert_eq!(registry.slot("step"), Some("3"));
        assert_eq!(registry.slot("other"), None);
        registry.remove(inner);
        assert_eq!(registry.slot("stage"), Some("outer"));
        registry.remove(outer);
        registry.remove(step);
        assert_eq!(registry.slot("stage"), None);
        assert_eq!(registry.live_frames(), 0);
    }

    #[test]
    fn slot_frames_are_not_titles() {
        let mut registry = Registry::new();
        registry.push_slot("stage", "x", 1);
        assert_eq!(registry.top_title(), None);
    }

    #[test]
    fn comm_from_latest_frame_asking() {
        let mut registry = Registry::new();
        let worker = registry.push_title("worker", Some("worker"), 1);
        let plain = registry.push_title("plain", None, 1);
        assert_eq!(registry.top_comm(), Some("worker"));
        registry.remove(plain);
        registry.remove(worker);
        assert_eq!(registry.top_comm(), None);
        let reused = registry.push_title("reused", None, 1);
        assert_eq!(registry.top_comm(), None);
        registry.remove(reused);
    }

    #[test]
    fn foreign_frames_are_removed() {
        let mut registry = Registry::new();
        let own = registry.push_title("own", None, 1);
        let foreign = registry.push_title("foreign", None, 2);
        registry.push_slot("stage", "foreign", 2);
        assert_eq!(registry.remove_foreign(1), 2);
        assert_eq!(registry.top_title(), Some("own"));
        assert_eq!(registry.slot("stage"), None);
        assert!(!registry.remove(foreign));
        assert!(registry.remove(own));
    }

    #[test]
    fn base_is_absent_until_set() {
        let mut registry = Registry::new();
        assert_eq!(registry.base(), None);
        registry.set_base("");
        assert_eq!(registry.base(), Some(""));
        registry.set_base("daemon");
        assert_eq!(registry.base(), Some("daemon"));
    }
}
