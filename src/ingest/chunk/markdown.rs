//! Markdown: `#` and setext headings, list items (one passage each), thematic breaks, and
//! front matter skipped. Inline markup stays in the text for now.

use super::{blocks, segment, Line, Segment, Unit};
use crate::passage::normalize_whitespace;

pub(super) fn markdown_units(text: &str, lines: &[Line]) -> Vec<Unit> {
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
