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
//!
//! A line of the shape of a heading (see [`super::looks_like_heading`]) standing alone is only a
//! heading when the document agrees (`rejected_headings`): what follows it starts a new
//! paragraph, it does not answer a colon, a paragraph comes after it, and a long text has other
//! headings. Otherwise the line is text, and the layout is read again with it as an ordinary line
//! (so a fragment cut from a sentence goes back into its paragraph).

use std::collections::HashSet;

use super::{ends_sentence, is_title_like, looks_like_heading, segment, Line, Piece, Unit};
use crate::ingest::debris::is_page_furniture;
pub use crate::model::Layout;

/// Median line length (characters) from which lines are paragraphs of their own.
pub const LINE_PER_PARAGRAPH_MEDIAN: usize = 100;
/// Blocks longer than this (lines) in a blank-line document are hard-wrapped runs to rebuild.
const MAX_PLAIN_BLOCK_LINES: usize = 12;
/// A document whose blank lines come at least this often (lines per block) is a blank-line one.
const BLANK_LINE_BLOCK_LINES: usize = 12;
/// A document with one heading-shaped line and more paragraphs than this is a speech or an
/// article without headings, and the line a fragment.
const LONE_HEADING_MAX_PARAGRAPHS: usize = 12;
/// Readings of a document at most: each one can only turn more heading-shaped lines into text.
const MAX_READINGS: usize = 3;

/// A line of text, or a run of blank and furniture lines between two lines of text.
#[derive(Debug, Clone, Copy)]
enum Item {
    Text(Line),
    /// `page`: the run held page furniture, so it is a page break rather than a paragraph break.
    Break {
        page: bool,
    },
}

/// What a layout makes of the lines: a heading (the line it stands on) or a paragraph.
#[derive(Debug)]
enum Block {
    Heading(Line),
    Paragraph(Vec<Piece>),
}

struct Doc<'t> {
    text: &'t str,
    items: Vec<Item>,
    /// Heading-shaped lines (by their first byte) that the document says are text.
    not_headings: &'t HashSet<usize>,
}

impl Doc<'_> {
    fn line(&self, line: &Line) -> &str {
        &self.text[line.start..line.end]
    }

    fn chars(&self, line: &Line) -> usize {
        self.line(line).trim().chars().count()
    }

    /// Whether the source line `start..end` can be a heading.
    fn is_heading(&self, start: usize, end: usize) -> bool {
        !self.not_headings.contains(&start) && looks_like_heading(&self.text[start..end])
    }

    /// The same document restricted to some of its items.
    fn sub(&self, items: Vec<Item>) -> Doc<'_> {
        Doc {
            text: self.text,
            items,
            not_headings: self.not_headings,
        }
    }
}

/// Splits a plain-text document into headings and paragraphs. With `first_is_title`, a heading
/// on the first line is left for the caller to read as the title (it needs no other evidence).
pub(super) fn text_units(text: &str, lines: &[Line], first_is_title: bool) -> (Layout, Vec<Unit>) {
    let items = items(text, lines);
    let mut not_headings = HashSet::new();
    let mut reading = read_layout(&Doc {
        text,
        items: items.clone(),
        not_headings: &not_headings,
    });
    for _ in 1..MAX_READINGS {
        let rejected = rejected_headings(text, &reading.1, first_is_title);
        if rejected.is_empty() {
            break;
        }
        not_headings.extend(rejected);
        reading = read_layout(&Doc {
            text,
            items: items.clone(),
            not_headings: &not_headings,
        });
    }
    let (layout, blocks) = reading;
    let units = blocks
        .into_iter()
        .map(|block| match block {
            Block::Heading(line) if !not_headings.contains(&line.start) => Unit::Heading {
                text: crate::model::normalize_whitespace(&text[line.start..line.end]),
            },
            Block::Heading(line) => Unit::Paragraph(vec![segment(&line)]),
            Block::Paragraph(pieces) => Unit::Paragraph(pieces),
        })
        .collect();
    (layout, units)
}

/// One reading of the layout, with the headings the document's lines allow.
fn read_layout(doc: &Doc) -> (Layout, Vec<Block>) {
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
        return (Layout::LinePerParagraph, line_per_paragraph(doc));
    }
    if text_lines.len() <= paragraph_breaks.saturating_add(1) * BLANK_LINE_BLOCK_LINES {
        return blank_line(doc, wrap, indent_is_cue);
    }
    let blocks = hard_wrapped(doc, &doc.items, wrap, indent_is_cue);
    (Layout::HardWrapped { wrap }, blocks)
}

/// The heading-shaped lines of a reading that the rest of the document says are text:
/// - nothing but headings follows it (a heading heads a paragraph; a text of one short line is
///   that line);
/// - the next paragraph goes on in lower case (the sentence runs on across a stray break);
/// - the paragraph before it ends with a colon (it is the quotation or item announced);
/// - it is the document's only heading and the document is long, or the line is not title-like
///   (a lone heading-like line in a speech is a fragment of a sentence).
///
/// With `first_is_title`, a heading on the first line is the title candidate: it only has to be
/// followed by something.
fn rejected_headings(text: &str, blocks: &[Block], first_is_title: bool) -> Vec<usize> {
    let piece_text = |p: &Piece| text[p.start..p.end].trim();
    let paragraphs = blocks
        .iter()
        .filter(|b| matches!(b, Block::Paragraph(_)))
        .count();
    let mut rejected = Vec::new();
    let mut kept = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let Block::Heading(line) = block else {
            continue;
        };
        let followed = blocks[i + 1..]
            .iter()
            .any(|b| matches!(b, Block::Paragraph(_)));
        let runs_on = match blocks.get(i + 1) {
            Some(Block::Paragraph(pieces)) => pieces
                .first()
                .is_some_and(|p| starts_lowercase(piece_text(p).trim_start_matches(['(', '[']))),
            _ => false,
        };
        let announced = match i.checked_sub(1).map(|j| &blocks[j]) {
            Some(Block::Paragraph(pieces)) => {
                pieces.last().is_some_and(|p| piece_text(p).ends_with(':'))
            }
            _ => false,
        };
        if !followed || runs_on || announced {
            rejected.push(line.start);
        } else if i > 0 || !first_is_title {
            kept.push(*line);
        }
    }
    if let [lone] = kept[..] {
        if paragraphs > LONE_HEADING_MAX_PARAGRAPHS || !is_title_like(&text[lone.start..lone.end]) {
            rejected.push(lone.start);
        }
    }
    rejected
}

/// The width full lines measure. Proportional fonts make full lines vary, so this is
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
fn line_per_paragraph(doc: &Doc) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
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
        let after_blank = std::mem::take(&mut blank_since);
        if let Some(last) = blocks.last_mut() {
            if let Block::Heading(heading) = *last {
                if !after_blank && starts_lowercase(content) {
                    *last = Block::Paragraph(vec![segment(&heading)]);
                }
            }
        }
        if let Some(Block::Paragraph(segments)) = blocks.last_mut() {
            let prev = segments.last().expect("paragraphs have segments");
            let prev_text = doc.text[prev.start..prev.end].trim();
            let continues = !ends_sentence(prev_text)
                && (starts_lowercase(content) || !doc.is_heading(prev.start, prev.end));
            if continues {
                segments.push(segment(line));
                continue;
            }
        }
        blocks.push(if doc.is_heading(line.start, line.end) {
            Block::Heading(*line)
        } else {
            Block::Paragraph(vec![segment(line)])
        });
    }
    blocks
}

fn starts_lowercase(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_lowercase)
}

/// Blocks between blank lines. A block of long lines is one paragraph per line; a long run of
/// short lines is rebuilt as hard-wrapped text; any other block is one paragraph (or a heading).
/// A blank line inside a sentence (the line before it does not end one, the line after it goes
/// on in lower case) does not end the block; neither does a page break, unless the sentence ends
/// and the next line starts a new one.
fn blank_line(doc: &Doc, wrap: usize, indent_is_cue: bool) -> (Layout, Vec<Block>) {
    let mut units = Vec::new();
    let mut mixed = false;
    let mut blocks: Vec<Vec<Item>> = vec![Vec::new()];
    let mut pending: Option<bool> = None;
    for item in &doc.items {
        match item {
            Item::Break { page } => pending = Some(*page),
            Item::Text(line) => {
                let block = blocks.last_mut().expect("one block");
                let next = doc.line(line).trim();
                let continues = match (pending.take(), block.last()) {
                    (None, _) => true,
                    (Some(true), Some(Item::Text(prev))) => {
                        !ends_sentence(doc.line(prev)) || starts_lowercase(next)
                    }
                    (Some(false), Some(Item::Text(prev))) => {
                        !ends_sentence(doc.line(prev)) && starts_lowercase(next)
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
            let line = lines[0];
            units.push(if doc.is_heading(line.start, line.end) {
                Block::Heading(*line)
            } else {
                Block::Paragraph(vec![segment(line)])
            });
        } else if lengths[lengths.len() / 2] >= LINE_PER_PARAGRAPH_MEDIAN {
            units.extend(line_per_paragraph(&doc.sub(block.clone())));
        } else if lines.len() > MAX_PLAIN_BLOCK_LINES {
            mixed = true;
            units.extend(hard_wrapped(doc, block, wrap, indent_is_cue));
        } else {
            units.push(Block::Paragraph(lines.iter().map(|l| segment(l)).collect()));
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
fn hard_wrapped(doc: &Doc, items: &[Item], wrap: usize, indent_is_cue: bool) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    let mut pending: Option<bool> = None; // a break since the last line: Some(is_page_break)
    let short = |s: &Piece| doc.text[s.start..s.end].trim().chars().count() * 3 < wrap * 2;
    let flush = |current: &mut Vec<Piece>, blocks: &mut Vec<Block>| {
        if current.is_empty() {
            return;
        }
        if let [s] = &current[..] {
            if doc.is_heading(s.start, s.end) && short(s) {
                blocks.push(Block::Heading(Line {
                    start: s.start,
                    end: s.end,
                }));
                current.clear();
                return;
            }
        }
        blocks.push(Block::Paragraph(std::mem::take(current)));
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
            let prev_heading = doc.is_heading(prev.start, prev.end);
            let next_raw = doc.line(line);
            let ends = paragraph_ends(
                prev_text,
                prev_heading,
                next_raw,
                pending,
                wrap,
                indent_is_cue,
            );
            if ends {
                flush(&mut current, &mut blocks);
            }
        }
        pending = None;
        current.push(segment(line));
    }
    flush(&mut current, &mut blocks);
    blocks
}

/// Whether a paragraph ends between a line (`prev`, trailing space trimmed; `prev_heading`: it
/// has the shape of a heading) and the next one.
fn paragraph_ends(
    prev: &str,
    prev_heading: bool,
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
    let short_heading = !ends && prev_heading && prev.chars().count() * 3 < wrap * 2;
    match pending_break {
        // A real blank line: a paragraph break unless the sentence runs on.
        Some(false) => ends || prev_heading,
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
            false,
            "In moments of",
            None,
            30,
            false
        ));
        // A full line ending a sentence inside a paragraph: "We" would not have fit.
        assert!(!paragraph_ends(
            "the time to reform the United.",
            false,
            "We must",
            None,
            30,
            false
        ));
        // Lower-case continuation never starts a paragraph.
        assert!(!paragraph_ends("need.", false, "and then", None, 30, false));
        // An indented line does, where indentation is a cue.
        assert!(paragraph_ends(
            "the time to reform the United.",
            false,
            " We must",
            None,
            30,
            true
        ));
        // A real blank line after a sentence end does; a page break alone does not.
        assert!(paragraph_ends(
            "the time to reform the United.",
            false,
            "We must",
            Some(false),
            30,
            false
        ));
        assert!(!paragraph_ends(
            "the time to reform the United.",
            false,
            "We must",
            Some(true),
            30,
            false
        ));
    }
}
