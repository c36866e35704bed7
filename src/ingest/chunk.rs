//! The paragraph chunker: turns the text of one document into headings and paragraph passages,
//! each with the exact lines and bytes it occupies in the source.
//!
//! Pure functions over `&str`: no I/O, no index. The rules, in order:
//! - blocks are runs of non-blank lines separated by blank lines;
//! - a block of several long lines (median ≥ [`LINE_PER_PARAGRAPH_MEDIAN`] characters) is one
//!   paragraph per line (the layout of files with no blank lines), otherwise the block is one
//!   paragraph whose wrapped lines are joined;
//! - a heading (a Markdown `#` heading, or a short line without closing punctuation standing alone)
//!   is not a passage: it becomes the `section` of the passages that follow it;
//! - the title is the first Markdown heading, or the first line of a text file when it reads as a
//!   title; it is not a passage either;
//! - interface debris ("Was this news useful?") is dropped (see [`super::debris`]).
//!
//! Offsets: `byte_start..byte_end` run from the first to the last non-blank character of the
//! paragraph in the source, and the whitespace-normalised source slice equals the passage text
//! (for Markdown list items the slice starts after the list marker).

use super::debris::{is_debris, is_page_furniture};
use crate::passage::normalize_whitespace;

/// Bumped whenever a change to the chunker can cut the same file differently: documents indexed
/// by an older chunker are then re-indexed by the next ingest even though their bytes are the same.
pub const CHUNKER_VERSION: u32 = 1;

/// Median line length (in characters) from which a multi-line block is read as one paragraph per
/// line rather than as one hard-wrapped paragraph. Hard-wrapped prose stays under ~80 columns.
pub const LINE_PER_PARAGRAPH_MEDIAN: usize = 100;

/// Longest line (in characters) that can be a heading or a title.
const MAX_HEADING_CHARS: usize = 120;
const MAX_HEADING_WORDS: usize = 16;
const MAX_TITLE_CHARS: usize = 160;

/// How the source marks its structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text: paragraphs by blank lines or one per line, headings by shape.
    Text,
    /// Markdown: `#` and setext headings, list items, front matter skipped.
    Markdown,
}

/// A paragraph found in the source, before it gets its document identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub section: Option<String>,
    pub line_start: u64,
    pub line_end: u64,
    pub byte_start: u64,
    pub byte_end: u64,
    pub text: String,
}

/// What the chunker makes of a document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chunked {
    pub title: Option<String>,
    pub chunks: Vec<Chunk>,
}

/// One source line: its 1-based number and the byte range of its content (line terminator and
/// a leading byte-order mark excluded).
#[derive(Debug, Clone, Copy)]
struct Line {
    number: u64,
    start: usize,
    end: usize,
}

/// A contiguous piece of source text that belongs to a paragraph.
#[derive(Debug, Clone, Copy)]
struct Segment {
    line: u64,
    start: usize,
    end: usize,
}

#[derive(Debug)]
enum Unit {
    Heading { text: String },
    Paragraph(Vec<Segment>),
}

/// Splits `text` into its title, headings and paragraphs.
pub fn chunk(text: &str, format: Format) -> Chunked {
    let lines = split_lines(text);
    let units = match format {
        Format::Text => text_units(text, &lines),
        Format::Markdown => markdown_units(text, &lines),
    };
    assemble(text, units, format)
}

fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let bytes = text.as_bytes();
    let mut number = 1;
    while start <= bytes.len() {
        let end_of_line = memchr_newline(&bytes[start..]).map(|i| start + i);
        let next = end_of_line.map_or(bytes.len() + 1, |i| i + 1);
        let mut end = end_of_line.unwrap_or(bytes.len());
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        if end_of_line.is_some() || start < bytes.len() {
            lines.push(Line { number, start, end });
        }
        number += 1;
        start = next;
    }
    lines
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

fn is_blank(text: &str, line: &Line) -> bool {
    text[line.start..line.end].trim().is_empty()
}

/// Groups lines into blocks separated by blank lines.
fn blocks<'l>(text: &str, lines: &'l [Line]) -> Vec<&'l [Line]> {
    let mut out = Vec::new();
    let mut begin = None;
    for (i, line) in lines.iter().enumerate() {
        if is_blank(text, line) {
            if let Some(b) = begin.take() {
                out.push(&lines[b..i]);
            }
        } else if begin.is_none() {
            begin = Some(i);
        }
    }
    if let Some(b) = begin {
        out.push(&lines[b..]);
    }
    out
}

fn segment(line: &Line) -> Segment {
    Segment {
        line: line.number,
        start: line.start,
        end: line.end,
    }
}

fn text_units(text: &str, lines: &[Line]) -> Vec<Unit> {
    // Page furniture is dropped before anything else looks at the lines.
    let lines: Vec<Line> = lines
        .iter()
        .filter(|l| !is_page_furniture(&text[l.start..l.end]))
        .copied()
        .collect();
    let mut units = Vec::new();
    for block in blocks(text, &lines) {
        if block.len() == 1 || is_line_per_paragraph(text, block) {
            for line in block {
                let content = text[line.start..line.end].trim();
                if content.is_empty() {
                    continue;
                }
                if looks_like_heading(content) {
                    units.push(Unit::Heading {
                        text: normalize_whitespace(content),
                    });
                } else {
                    units.push(Unit::Paragraph(vec![segment(line)]));
                }
            }
        } else {
            units.push(Unit::Paragraph(block.iter().map(segment).collect()));
        }
    }
    units
}

fn is_line_per_paragraph(text: &str, block: &[Line]) -> bool {
    if block.len() < 2 {
        return false;
    }
    let mut lengths: Vec<usize> = block
        .iter()
        .map(|l| text[l.start..l.end].trim().chars().count())
        .collect();
    lengths.sort_unstable();
    lengths[lengths.len() / 2] >= LINE_PER_PARAGRAPH_MEDIAN
}

/// A short line that does not end a sentence and starts like a heading.
pub fn looks_like_heading(line: &str) -> bool {
    let line = line.trim();
    let Some(first) = line.chars().next() else {
        return false;
    };
    let chars = line.chars().count();
    if chars > MAX_HEADING_CHARS || line.split_whitespace().count() > MAX_HEADING_WORDS {
        return false;
    }
    if !(first.is_uppercase() || first.is_numeric() || "\"“‘'".contains(first)) {
        return false;
    }
    if !line.chars().any(char::is_alphabetic) {
        return false;
    }
    // A comma followed by a lower-case word is sentence syntax ("Last week, Major General
    // Salehi, the Commander of Iran’s Army, proclaimed" is a paragraph cut by a page break);
    // headings list capitalised items ("War in Suspension, Sanctions in Priority").
    let comma_clause = line
        .match_indices(", ")
        .any(|(i, _)| line[i + 2..].chars().next().is_some_and(char::is_lowercase));
    if comma_clause {
        return false;
    }
    !ends_with_closing_punctuation(line)
}

fn ends_with_closing_punctuation(line: &str) -> bool {
    let stripped = line.trim_end_matches(['"', '”', '’', '\'', ')', ']']);
    let last = stripped.chars().last();
    matches!(
        last,
        Some('.' | ',' | ';' | ':' | '!' | '?' | '…' | '-' | '–' | '—')
    )
}

/// The first line of a plain-text file reads as a title when it stands alone and does not end
/// like a sentence fragment (a question mark is fine: many titles are questions).
fn reads_as_title(line: &str) -> bool {
    let line = line.trim();
    let chars = line.chars().count();
    if chars == 0 || chars > MAX_TITLE_CHARS || !line.chars().any(char::is_alphabetic) {
        return false;
    }
    let stripped = line.trim_end_matches(['"', '”', '’', '\'', ')']);
    !matches!(stripped.chars().last(), Some('.' | ',' | ';' | ':'))
}

fn markdown_units(text: &str, lines: &[Line]) -> Vec<Unit> {
    let lines = skip_front_matter(text, lines);
    let mut units = Vec::new();
    for block in blocks(text, lines) {
        let mut current: Vec<Segment> = Vec::new();
        let flush = |current: &mut Vec<Segment>, units: &mut Vec<Unit>| {
            if !current.is_empty() {
                units.push(Unit::Paragraph(std::mem::take(current)));
            }
        };
        for line in block {
            let content = &text[line.start..line.end];
            let trimmed = content.trim();
            if let Some(heading) = atx_heading(trimmed) {
                flush(&mut current, &mut units);
                if !heading.is_empty() {
                    units.push(Unit::Heading {
                        text: normalize_whitespace(heading),
                    });
                }
            } else if is_setext_underline(trimmed) && current.len() == 1 {
                let s = current.pop().expect("checked: one segment");
                units.push(Unit::Heading {
                    text: normalize_whitespace(&text[s.start..s.end]),
                });
            } else if is_thematic_break(trimmed) {
                flush(&mut current, &mut units);
            } else if let Some(offset) = list_marker_len(content) {
                flush(&mut current, &mut units);
                current.push(Segment {
                    line: line.number,
                    start: line.start + offset,
                    end: line.end,
                });
            } else {
                current.push(segment(line));
            }
        }
        flush(&mut current, &mut units);
    }
    units
}

/// YAML (`---`) or TOML (`+++`) front matter at the very top is metadata, not text.
fn skip_front_matter<'l>(text: &str, lines: &'l [Line]) -> &'l [Line] {
    let Some(first) = lines.first() else {
        return lines;
    };
    let fence = text[first.start..first.end].trim_end();
    if fence != "---" && fence != "+++" {
        return lines;
    }
    match lines[1..]
        .iter()
        .position(|l| text[l.start..l.end].trim_end() == fence)
    {
        Some(close) => &lines[close + 2..],
        None => lines,
    }
}

fn atx_heading(line: &str) -> Option<&str> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let rest = &line[hashes..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim();
    // A closing sequence of #s is decoration ("## Title ##").
    let rest = rest.trim_end_matches('#').trim_end();
    Some(rest)
}

fn is_setext_underline(line: &str) -> bool {
    line.len() >= 2 && (line.bytes().all(|b| b == b'=') || line.bytes().all(|b| b == b'-'))
}

fn is_thematic_break(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && (compact.bytes().all(|b| b == b'-')
            || compact.bytes().all(|b| b == b'*')
            || compact.bytes().all(|b| b == b'_'))
}

/// Length in bytes of a list marker (`- `, `* `, `+ `, `12. `, `3) `) with its indentation.
fn list_marker_len(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let marker = if rest.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 || !rest[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let after = &rest[marker..];
    if !after.starts_with([' ', '\t']) || after.trim().is_empty() {
        return None;
    }
    let spaces = after.len() - after.trim_start().len();
    Some(indent + marker + spaces)
}

fn assemble(text: &str, units: Vec<Unit>, format: Format) -> Chunked {
    let mut title = None;
    let mut units = units.into_iter().peekable();

    // The title: consumed when it opens the document.
    match format {
        Format::Markdown => {
            if let Some(Unit::Heading { .. }) = units.peek() {
                if let Some(Unit::Heading { text, .. }) = units.next() {
                    title = Some(text);
                }
            }
        }
        Format::Text => match units.peek() {
            Some(Unit::Heading { text, .. }) if reads_as_title(text) => {
                if let Some(Unit::Heading { text, .. }) = units.next() {
                    title = Some(text);
                }
            }
            Some(Unit::Paragraph(segments))
                if segments.len() == 1 && is_alone(text, segments[0]) =>
            {
                let s = segments[0];
                let line = &text[s.start..s.end];
                if reads_as_title(line) {
                    title = Some(normalize_whitespace(line));
                    units.next();
                }
            }
            _ => {}
        },
    }

    let mut chunks = Vec::new();
    let mut section: Option<String> = None;
    let mut first_markdown_heading = None;
    for unit in units {
        match unit {
            Unit::Heading { text: heading, .. } => {
                if first_markdown_heading.is_none() {
                    first_markdown_heading = Some(heading.clone());
                }
                section = Some(heading);
            }
            Unit::Paragraph(segments) => {
                if let Some(chunk) = make_chunk(text, &segments, section.clone()) {
                    if !is_debris(&chunk.text) {
                        chunks.push(chunk);
                    }
                }
            }
        }
    }
    if title.is_none() && format == Format::Markdown {
        title = first_markdown_heading;
    }
    Chunked { title, chunks }
}

/// A one-line paragraph that is followed by a blank line (or the end of the text): the first line
/// of a text file only reads as a title when it stands apart from the body.
fn is_alone(text: &str, segment: Segment) -> bool {
    let rest = &text[segment.end..];
    let rest = rest.strip_prefix('\r').unwrap_or(rest);
    match rest.strip_prefix('\n') {
        None => rest.trim().is_empty(),
        Some(after) => {
            let next_line = after.split('\n').next().unwrap_or("");
            next_line.trim().is_empty()
        }
    }
}

fn make_chunk(text: &str, segments: &[Segment], section: Option<String>) -> Option<Chunk> {
    let first = segments
        .iter()
        .find(|s| !text[s.start..s.end].trim().is_empty())?;
    let last = segments
        .iter()
        .rev()
        .find(|s| !text[s.start..s.end].trim().is_empty())?;
    let first_text = &text[first.start..first.end];
    let byte_start = first.start + (first_text.len() - first_text.trim_start().len());
    let last_text = &text[last.start..last.end];
    let byte_end = last.start + last_text.trim_end().len();
    let joined = segments
        .iter()
        .map(|s| &text[s.start..s.end])
        .collect::<Vec<_>>()
        .join("\n");
    Some(Chunk {
        section,
        line_start: first.line,
        line_end: last.line,
        byte_start: byte_start as u64,
        byte_end: byte_end as u64,
        text: normalize_whitespace(&joined),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(chunked: &Chunked) -> Vec<&str> {
        chunked.chunks.iter().map(|c| c.text.as_str()).collect()
    }

    /// Every chunk's byte range, normalised, is its text; its lines hold its bytes.
    fn assert_exact(source: &str, chunked: &Chunked) {
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        for c in &chunked.chunks {
            let slice = &source[c.byte_start as usize..c.byte_end as usize];
            assert_eq!(normalize_whitespace(slice), c.text, "bytes of {c:?}");
            let line_of = |byte: usize| line_starts.partition_point(|&s| s <= byte) as u64;
            assert_eq!(
                line_of(c.byte_start as usize),
                c.line_start,
                "line_start of {c:?}"
            );
            assert_eq!(
                line_of(c.byte_end as usize - 1),
                c.line_end,
                "line_end of {c:?}"
            );
        }
    }

    #[test]
    fn blank_line_paragraphs_with_title_and_headings() {
        let src = "Will Iran Retreat?\n\nFirst paragraph, about power.\n\nSecond one\nwrapped over lines.\n\nThe Timing of War\n\nThird paragraph.\n\nWas this news useful?\n";
        let c = chunk(src, Format::Text);
        assert_eq!(c.title.as_deref(), Some("Will Iran Retreat?"));
        assert_eq!(
            texts(&c),
            [
                "First paragraph, about power.",
                "Second one wrapped over lines.",
                "Third paragraph."
            ]
        );
        assert_eq!(c.chunks[0].section, None);
        assert_eq!(c.chunks[2].section.as_deref(), Some("The Timing of War"));
        assert_eq!((c.chunks[1].line_start, c.chunks[1].line_end), (5, 6));
        assert_exact(src, &c);
    }

    #[test]
    fn long_lines_without_blank_lines_are_one_paragraph_each() {
        let para = |w: &str| format!("{} ends here.", w.repeat(30));
        let src = format!(
            "Title Line\n\n{}\n{}\nShort Heading Here\n{}",
            para("alpha "),
            para("beta "),
            para("gamma ")
        );
        let c = chunk(&src, Format::Text);
        assert_eq!(c.title.as_deref(), Some("Title Line"));
        assert_eq!(c.chunks.len(), 3);
        assert_eq!(c.chunks[1].line_start, 4);
        assert_eq!(c.chunks[2].line_start, 6);
        assert_eq!(c.chunks[2].section.as_deref(), Some("Short Heading Here"));
        assert!(c.chunks[0].text.starts_with("alpha"));
        assert_exact(&src, &c);
    }

    #[test]
    fn first_line_glued_to_the_body_is_not_a_title() {
        let src = "The sanctions were renewed on Monday\nafter a long debate.\n";
        let c = chunk(src, Format::Text);
        assert_eq!(c.title, None);
        assert_eq!(texts(&c).len(), 1);
    }

    #[test]
    fn sentence_first_line_is_not_a_title() {
        let src = "This opening sentence ends with a full stop.\n\nAnother paragraph.\n";
        let c = chunk(src, Format::Text);
        assert_eq!(c.title, None);
        assert_eq!(c.chunks.len(), 2);
    }

    #[test]
    fn crlf_and_bom_keep_exact_offsets() {
        let src = "\u{feff}Title\r\n\r\nOne paragraph\r\nwrapped.\r\n\r\nTwo.\r\n";
        let c = chunk(src, Format::Text);
        assert_eq!(c.title.as_deref(), Some("Title"));
        assert_eq!(texts(&c), ["One paragraph wrapped.", "Two."]);
        assert_exact(src, &c);
    }

    #[test]
    fn markdown_headings_lists_and_front_matter() {
        let src = "---\ntitle: ignored here\n---\n# The Snapback Mechanism\n\nIntro text.\n\n## How It Works\n\n- first item\n- second item\n  continues\n\nSetext Section\n--------------\n\nLast words.\n";
        let c = chunk(src, Format::Markdown);
        assert_eq!(c.title.as_deref(), Some("The Snapback Mechanism"));
        assert_eq!(
            texts(&c),
            [
                "Intro text.",
                "first item",
                "second item continues",
                "Last words."
            ]
        );
        assert_eq!(c.chunks[0].section, None);
        assert_eq!(c.chunks[1].section.as_deref(), Some("How It Works"));
        assert_eq!(c.chunks[3].section.as_deref(), Some("Setext Section"));
        assert_exact(src, &c);
    }

    #[test]
    fn headings_need_the_shape_of_a_heading() {
        assert!(looks_like_heading(
            "Peace From the Barrel of a Gun: Trump’s Narrative of Coercive Diplomacy"
        ));
        assert!(!looks_like_heading("Was this news useful?"));
        assert!(!looks_like_heading("and then it continued"));
        assert!(!looks_like_heading("12"));
        assert!(looks_like_heading(
            "Return of Maximum Pressure: War in Suspension, Sanctions in Priority"
        ));
        assert!(!looks_like_heading(
            "Last week, Major General Salehi, the Commander of Iran’s Army, proclaimed"
        ));
        assert!(!looks_like_heading(&"Word ".repeat(20)));
    }

    #[test]
    fn empty_and_blank_texts_have_no_chunks() {
        assert!(chunk("", Format::Text).chunks.is_empty());
        assert!(chunk("\n \n\t\n", Format::Markdown).chunks.is_empty());
    }
}
