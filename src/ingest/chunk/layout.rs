//! Plain-text layouts: which lines make a paragraph.
//!
//! The layout is read from the text itself (line lengths, blank lines, indentation):
//! - **blank-line**: paragraphs are blocks separated by blank lines (wrapped lines of a block are
//!   joined; a block of long lines is one paragraph per line);
//! - **line-per-paragraph**: every line is a paragraph (long lines, few blank lines);
//! - **hard-wrapped**: the line breaks of a PDF column (~50 characters), paragraph ends unmarked:
//!   they are inferred from closing punctuation followed by a capitalised line, a line that
//!   had room for the next word, an indented line, or a real blank line;
//! - **mixed**: blank-line paragraphs some of whose blocks are long hard-wrapped runs.
//!
//! Page furniture (page numbers, job numbers, running heads) is dropped first; the blank lines
//! around it are page breaks, not paragraph breaks, and a paragraph cut by one is rejoined.

use super::{ends_sentence, looks_like_heading, segment, Line, Piece, Unit};
use crate::ingest::debris::is_page_furniture;
pub use crate::model::Layout;

/// Median line length (characters) from which lines are paragraphs of their own.
pub const LINE_PER_PARAGRAPH_MEDIAN: usize = 100;
/// Blocks longer than this (lines) in a blank-line document are hard-wrapped runs to rebuild.
const MAX_PLAIN_BLOCK_LINES: usize = 12;
/// A document whose blank lines come at least this often (lines per block) is a blank-line one.
const BLANK_LINE_BLOCK_LINES: usize = 12;

/// A line of text, or a run of blank and furniture lines between two lines of text.
#[derive(Debug, Clone, Copy)]
enum Item {
    Text(Line),
    /// `page`: the run held page furniture, so it is a page break rather than a paragraph break.
    Break {
        page: bool,
    },
}

struct Doc<'t> {
    text: &'t str,
    items: Vec<Item>,
}

impl Doc<'_> {
    fn line(&self, line: &Line) -> &str {
        &self.text[line.start..line.end]
    }

    fn chars(&self, line: &Line) -> usize {
        self.line(line).trim().chars().count()
    }
}

/// Splits a plain-text document into headings and paragraphs.
pub(super) fn text_units(text: &str, lines: &[Line]) -> (Layout, Vec<Unit>) {
    let doc = Doc {
        text,
        items: items(text, lines),
    };
    let text_lines: Vec<&Line> = doc
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text(l) => Some(l),
            Item::Break { .. } => None,
        })
        .collect();
    if text_lines.is_empty() {
        return (Layout::Empty, Vec::new());
    }
    let mut lengths: Vec<usize> = text_lines.iter().map(|l| doc.chars(l)).collect();
    lengths.sort_unstable();
    let median = lengths[lengths.len() / 2];
    let wrap = wrap_width(&lengths);
    let paragraph_breaks = doc
        .items
        .iter()
        .filter(|i| matches!(i, Item::Break { page: false }))
        .count();
    let indented = text_lines
        .iter()
        .filter(|l| doc.line(l).starts_with([' ', '\t']))
        .count();
    // Indentation is a paragraph cue when some lines, not most, are indented.
    let indent_is_cue = indented > 0 && indented * 3 < text_lines.len();

    if median >= LINE_PER_PARAGRAPH_MEDIAN {
        return (Layout::LinePerParagraph, line_per_paragraph(&doc));
    }
    if text_lines.len() <= paragraph_breaks.saturating_add(1) * BLANK_LINE_BLOCK_LINES {
        return blank_line(&doc, wrap, indent_is_cue);
    }
    let units = hard_wrapped(&doc, &doc.items, wrap, indent_is_cue);
    (Layout::HardWrapped { wrap }, units)
}

/// The wrap width: what full lines measure. Proportional fonts make full lines vary, so this is
/// a high percentile rather than the maximum (a stray long line must not stretch it).
fn wrap_width(sorted_lengths: &[usize]) -> usize {
    sorted_lengths[(sorted_lengths.len() * 95 / 100).min(sorted_lengths.len() - 1)]
}

fn items(text: &str, lines: &[Line]) -> Vec<Item> {
    let mut items = Vec::new();
    for line in lines {
        let content = &text[line.start..line.end];
        // A form feed starts a new page: the line it opens follows a page break.
        if content.starts_with('\u{c}') && !content.trim().is_empty() {
            match items.last_mut() {
                Some(Item::Break { page }) => *page = true,
                _ => items.push(Item::Break { page: true }),
            }
        }
        let furniture = is_page_furniture(content);
        if furniture || content.trim().is_empty() {
            match items.last_mut() {
                Some(Item::Break { page }) => *page |= furniture,
                _ => items.push(Item::Break { page: furniture }),
            }
        } else {
            items.push(Item::Text(*line));
        }
    }
    items
}

/// Every line a paragraph; a paragraph cut in two (by a page break or a stray line break: it does
/// not end a sentence, and the next line goes on in lower case or it is no heading) is rejoined.
fn line_per_paragraph(doc: &Doc) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut last_heading: Option<Line> = None;
    let mut blank_since = false;
    for item in &doc.items {
        let line = match item {
            Item::Break { page } => {
                blank_since |= !page;
                continue;
            }
            Item::Text(line) => line,
        };
        let content = doc.line(line).trim();
        // A "heading" that the next line continues in lower case, with no blank line between,
        // was a paragraph cut in two.
        let heading = last_heading.take().filter(|_| !blank_since);
        blank_since = false;
        if let (Some(heading), true) = (heading, starts_lowercase(content)) {
            if let Some(unit) = units.last_mut() {
                *unit = Unit::Paragraph(vec![segment(&heading)]);
            }
        }
        if let Some(Unit::Paragraph(segments)) = units.last_mut() {
            let prev = segments.last().expect("paragraphs have segments");
            let prev_text = doc.text[prev.start..prev.end].trim();
            let continues = !ends_sentence(prev_text)
                && (starts_lowercase(content) || !looks_like_heading(prev_text));
            if continues {
                segments.push(segment(line));
                continue;
            }
        }
        units.push(if looks_like_heading(content) {
            last_heading = Some(*line);
            Unit::Heading {
                text: crate::model::normalize_whitespace(content),
            }
        } else {
            Unit::Paragraph(vec![segment(line)])
        });
    }
    units
}

fn starts_lowercase(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_lowercase)
}

/// Blocks between blank lines. A block of long lines is one paragraph per line; a long run of
/// short lines is rebuilt as hard-wrapped text; any other block is one paragraph (or a heading).
fn blank_line(doc: &Doc, wrap: usize, indent_is_cue: bool) -> (Layout, Vec<Unit>) {
    let mut units = Vec::new();
    let mut mixed = false;
    let mut blocks: Vec<Vec<Item>> = vec![Vec::new()];
    let mut pending: Option<bool> = None;
    for item in &doc.items {
        match item {
            Item::Break { page } => pending = Some(*page),
            Item::Text(line) => {
                let block = blocks.last_mut().expect("one block");
                // A page break inside a sentence does not end the block.
                let continues = match (pending.take(), block.last()) {
                    (None, _) => true,
                    (Some(true), Some(Item::Text(prev))) => {
                        !ends_sentence(doc.line(prev)) || starts_lowercase(doc.line(line).trim())
                    }
                    (Some(_), _) => block.is_empty(),
                };
                if !continues {
                    blocks.push(Vec::new());
                }
                blocks.last_mut().expect("one block").push(*item);
            }
        }
    }
    for block in blocks.iter().filter(|b| !b.is_empty()) {
        let lines: Vec<&Line> = block
            .iter()
            .filter_map(|i| match i {
                Item::Text(l) => Some(l),
                Item::Break { .. } => None,
            })
            .collect();
        let mut lengths: Vec<usize> = lines.iter().map(|l| doc.chars(l)).collect();
        lengths.sort_unstable();
        if lines.len() == 1 {
            let content = doc.line(lines[0]).trim();
            units.push(if looks_like_heading(content) {
                Unit::Heading {
                    text: crate::model::normalize_whitespace(content),
                }
            } else {
                Unit::Paragraph(vec![segment(lines[0])])
            });
        } else if lengths[lengths.len() / 2] >= LINE_PER_PARAGRAPH_MEDIAN {
            let sub = Doc {
                text: doc.text,
                items: block.clone(),
            };
            units.extend(line_per_paragraph(&sub));
        } else if lines.len() > MAX_PLAIN_BLOCK_LINES {
            mixed = true;
            units.extend(hard_wrapped(doc, block, wrap, indent_is_cue));
        } else {
            units.push(Unit::Paragraph(lines.iter().map(|l| segment(l)).collect()));
        }
    }
    let layout = if mixed {
        Layout::Mixed { wrap }
    } else {
        Layout::BlankLine
    };
    (layout, units)
}

/// Rebuilds paragraphs from text wrapped at about `wrap` characters.
fn hard_wrapped(doc: &Doc, items: &[Item], wrap: usize, indent_is_cue: bool) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    let mut pending: Option<bool> = None; // a break since the last line: Some(is_page_break)
    let flush = |current: &mut Vec<Piece>, units: &mut Vec<Unit>| {
        if current.is_empty() {
            return;
        }
        if current.len() == 1 {
            let s = &current[0];
            let content = doc.text[s.start..s.end].trim();
            if looks_like_heading(content) && content.chars().count() * 3 < wrap * 2 {
                units.push(Unit::Heading {
                    text: crate::model::normalize_whitespace(content),
                });
                current.clear();
                return;
            }
        }
        units.push(Unit::Paragraph(std::mem::take(current)));
    };
    for item in items {
        let line = match item {
            Item::Break { page } => {
                pending = Some(pending.unwrap_or(false) || *page);
                continue;
            }
            Item::Text(line) => line,
        };
        if let Some(prev) = current.last() {
            let prev_text = doc.text[prev.start..prev.end].trim_end();
            let next_raw = doc.line(line);
            if paragraph_ends(prev_text, next_raw, pending, wrap, indent_is_cue) {
                flush(&mut current, &mut units);
            }
        }
        pending = None;
        current.push(segment(line));
    }
    flush(&mut current, &mut units);
    units
}

/// Whether a paragraph ends between a line (`prev`, trailing space trimmed) and the next one.
fn paragraph_ends(
    prev: &str,
    next_raw: &str,
    pending_break: Option<bool>,
    wrap: usize,
    indent_is_cue: bool,
) -> bool {
    let next = next_raw.trim_start();
    let starts_new = next
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_numeric() || "\"“‘'(•–—-*".contains(c));
    if !starts_new {
        return false;
    }
    let prev = prev.trim_start();
    let ends = ends_sentence(prev);
    let first_word = next.split_whitespace().next().unwrap_or("");
    let had_room = prev.chars().count() + 1 + first_word.chars().count() <= wrap;
    let short_heading = !ends && looks_like_heading(prev) && prev.chars().count() * 3 < wrap * 2;
    match pending_break {
        // A real blank line: a paragraph break unless the sentence runs on.
        Some(false) => ends || looks_like_heading(prev),
        // A page break or no break: the wrapping itself tells.
        _ => {
            let indented = indent_is_cue && next_raw.starts_with([' ', '\t']);
            (ends && (had_room || indented)) || (short_heading && had_room)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_ends_when_the_line_had_room_for_the_next_word() {
        // Wrapped at 30: "need." had room for "In", so the paragraph ended there.
        assert!(paragraph_ends(
            "time of need.",
            "In moments of",
            None,
            30,
            false
        ));
        // A full line ending a sentence inside a paragraph: "We" would not have fit.
        assert!(!paragraph_ends(
            "the time to reform the United.",
            "We must",
            None,
            30,
            false
        ));
        // Lower-case continuation never starts a paragraph.
        assert!(!paragraph_ends("need.", "and then", None, 30, false));
        // An indented line does, where indentation is a cue.
        assert!(paragraph_ends(
            "the time to reform the United.",
            " We must",
            None,
            30,
            true
        ));
        // A real blank line after a sentence end does; a page break alone does not.
        assert!(paragraph_ends(
            "the time to reform the United.",
            "We must",
            Some(false),
            30,
            false
        ));
        assert!(!paragraph_ends(
            "the time to reform the United.",
            "We must",
            Some(true),
            30,
            false
        ));
    }
}
