//! Property test: the registry and renderer against a simple reference model.
//!
//! The model keeps live frames in push order and renders by building the whole text
//! first, with a marker for each empty slot, then collapsing each run of spaces and
//! markers that contains a marker: to nothing at either end, else to one space if the run
//! contains a space.

use proptest::prelude::*;

use crate::registry::{FrameId, Registry};
use crate::render::render;
use crate::text::TitleBuf;

const NAMES: [&str; 3] = ["stage", "step", "x"];
const ORIGINAL: &str = "prog --flag";

#[derive(Debug, Clone)]
enum Token {
    Text(String),
    Slot {
        name: usize,
        default: Option<String>,
    },
}

#[derive(Debug, Clone)]
enum Op {
    Title(Vec<Token>),
    Slot { name: usize, value: String },
    Base(String),
    Drop(usize),
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(' '),
            Just(' '),
            Just('a'),
            Just('Z'),
            Just('<'),
            Just('>'),
            Just(':'),
            Just('é'),
            Just('☃'),
            Just('\n'),
            Just('\u{85}'),
            Just('\u{202e}'),
        ],
        0..6,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn default_text() -> impl Strategy<Value = String> {
    text().prop_map(|text| text.replace(['<', '>'], ""))
}

fn token() -> impl Strategy<Value = Token> {
    prop_oneof![
        text().prop_map(Token::Text),
        (0..NAMES.len(), proptest::option::of(default_text()))
            .prop_map(|(name, default)| Token::Slot { name, default }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        proptest::collection::vec(token(), 0..6).prop_map(Op::Title),
        (0..NAMES.len(), text()).prop_map(|(name, value)| Op::Slot { name, value }),
        text().prop_map(Op::Base),
        (0..8usize).prop_map(Op::Drop),
    ]
}

/// Writes `tokens` as template syntax: text with `<` doubled, slots in angle brackets.
fn template_of(tokens: &[Token]) -> String {
    let mut template = String::new();
    for token in tokens {
        match token {
            Token::Text(text) => template.push_str(&text.replace('<', "<<")),
            Token::Slot {
                name,
                default: None,
            } => {
                template.push_str(&format!("<{}>", NAMES[*name]));
            }
            Token::Slot {
                name,
                default: Some(default),
            } => template.push_str(&format!("<{}:{}>", NAMES[*name], default)),
        }
    }
    template
}

#[derive(Debug, Clone)]
enum ModelFrame {
    Title(Vec<Token>),
    Slot { name: usize, value: String },
}

const MARKER: char = '\u{0}';

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if crate::text::is_replaced(c) { '?' } else { c })
        .collect()
}

/// Collapses each run of spaces and markers that contains a marker.
fn collapse(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::new();
    let mut index = 0;
    while index < chars.len() {
        if chars[index] != ' ' && chars[index] != MARKER {
            out.push(chars[index]);
            index += 1;
            continue;
        }
        let start = index;
        while index < chars.len() && (chars[index] == ' ' || chars[index] == MARKER) {
            index += 1;
        }
        let run = &chars[start..index];
        if !run.contains(&MARKER) {
            out.extend(run);
        } else if start > 0 && index < chars.len() && run.contains(&' ') {
            out.push(' ');
        }
    }
    out
}

fn model_render(frames: &[ModelFrame], base: Option<&str>) -> String {
    let title = frames.iter().rev().find_map(|frame| match frame {
        ModelFrame::Title(tokens) => Some(tokens),
        ModelFrame::Slot { .. } => None,
    });
    let Some(tokens) = title else {
        return sanitize(base.unwrap_or(ORIGINAL));
    };
    let mut raw = String::new();
    for token in tokens {
        match token {
            Token::Text(text) => raw.push_str(&sanitize(text)),
            Token::Slot { name, default } => {
                let value = frames.iter().rev().find_map(|frame| match frame {
                    ModelFrame::Slot { name: slot, value } if slot == name => Some(value.as_str()),
                    _ => None,
                });
                let value = value.or(default.as_deref()).unwrap_or("");
                if value.is_empty() {
                    raw.push(MARKER);
                } else {
                    raw.push_str(&sanitize(value));
                }
            }
        }
    }
    collapse(&raw)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    #[cfg_attr(miri, ignore)]
    fn render_matches_model(ops in proptest::collection::vec(op(), 1..24)) {
        let mut registry = Registry::new();
        let mut live: Vec<(FrameId, ModelFrame)> = Vec::new();
        let mut base: Option<String> = None;
        let mut out = TitleBuf::new(0);

        for op in ops {
            match op {
                Op::Title(tokens) => {
                    let id = registry.push_title(&template_of(&tokens), None, 1);
                    live.push((id, ModelFrame::Title(tokens)));
                }
                Op::Slot { name, value } => {
                    let id = registry.push_slot(NAMES[name], &value, 1);
                    live.push((id, ModelFrame::Slot { name, value }));
                }
                Op::Base(text) => {
                    registry.set_base(&text);
                    base = Some(text);
                }
                Op::Drop(index) => {
                    if !live.is_empty() {
                        let (id, _) = live.remove(index % live.len());
                        prop_assert!(registry.remove(id));
                    }
                }
            }
            out.reset(4096);
            render(&registry, ORIGINAL, &mut out);
            let frames: Vec<ModelFrame> = live.iter().map(|(_, frame)| frame.clone()).collect();
            prop_assert_eq!(out.as_str(), model_render(&frames, base.as_deref()));
        }
        prop_assert_eq!(registry.live_frames(), live.len());
    }
}

#[test]
fn model_collapses_like_documented() {
    assert_eq!(collapse("ERP: \u{0}"), "ERP:");
    assert_eq!(collapse("a \u{0} b"), "a b");
    assert_eq!(collapse("[\u{0}]"), "[]");
    assert_eq!(collapse("\u{0} a  b"), "a  b");
}
