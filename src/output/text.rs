//! The human format: per hit its rank, score and citation, then the passage, cropped around its
//! best match when long, with matches highlighted (ANSI colour when enabled).
//!
//! With a width (a terminal's), passages are wrapped to it with their indent kept on every line,
//! and a citation too long for one line has its title and section shortened (the JSON keeps them
//! whole). Colour codes take no room. Without one (a pipe, a file, a test), each passage is one
//! line.

use std::io::{self, Write};

use crate::model::{Document, Passage};
use crate::search::{Hit, SearchResults};

const MATCH: &str = "\x1b[1;31m";
const CITE: &str = "\x1b[35m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The indent of a hit's passage (and its other lines) under its citation.
const INDENT: &str = "    ";
/// A title or section is never shortened below this many characters (a narrower line
/// overflows).
const MIN_HEADING_CHARS: usize = 16;
/// Wrapped text gets at least this many columns, however narrow the terminal.
const MIN_TEXT_COLUMNS: usize = 20;

/// Presentation settings for text output.
#[derive(Debug, Clone)]
pub struct Style {
    pub color: bool,
    /// Passages longer than this many bytes are cropped around their best match.
    pub crop_bytes: usize,
    /// Columns to wrap passages and fit citations to (a terminal's width); `None`: one line per
    /// passage, citations whole.
    pub width: Option<usize>,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            color: false,
            crop_bytes: 480,
            width: None,
        }
    }
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    /// `text` in `base` colour with the `ranges` in the match colour.
    fn paint_ranges(&self, base: &str, text: &str, ranges: &[(usize, usize)]) -> String {
        if !self.color {
            return text.to_owned();
        }
        let mut out = String::from(base);
        let mut at = 0;
        for &(s, e) in ranges {
            let (s, e) = (s.max(at).min(text.len()), e.min(text.len()));
            if s >= e {
                continue;
            }
            out.push_str(&text[at..s]);
            out.push_str(MATCH);
            out.push_str(&text[s..e]);
            out.push_str(RESET);
            out.push_str(base);
            at = e;
        }
        out.push_str(&text[at..]);
        if !base.is_empty() {
            out.push_str(RESET);
        }
        out
    }
}

/// A citation in its parts: `location — title › section · tail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation<'a> {
    /// `path:LINE[-LINE] ¶n[.part] [(source ¶N)]`.
    pub location: String,
    pub title: &'a str,
    pub section: Option<&'a str>,
    /// `source, date`, `source` or `date`, when the document has them.
    pub tail: Option<String>,
}

impl Citation<'_> {
    /// The characters around the title and the section: ` — `, ` › `, ` · tail`.
    fn frame_chars(&self) -> usize {
        let chars = |s: &str| s.chars().count();
        chars(&self.location)
            + 3
            + self.section.map_or(0, |_| 3)
            + self.tail.as_deref().map_or(0, |t| 3 + chars(t))
    }
}

impl std::fmt::Display for Citation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} — {}", self.location, self.title)?;
        if let Some(section) = self.section {
            write!(f, " › {section}")?;
        }
        if let Some(tail) = &self.tail {
            write!(f, " · {tail}")?;
        }
        Ok(())
    }
}

/// The parts of a passage's citation.
pub fn citation_parts(p: &Passage) -> Citation<'_> {
    let lines = if p.line_start == p.line_end {
        p.line_start.to_string()
    } else {
        format!("{}-{}", p.line_start, p.line_end)
    };
    let mut location = format!("{}:{} ¶{}", p.path, lines, p.number());
    if let Some(number) = &p.source_paragraph {
        location.push_str(&format!(" (source ¶{number})"));
    }
    let source = p.meta.get("source").and_then(|v| v.as_str());
    let date = p
        .meta
        .get("date")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .or_else(|| p.meta.get("year").map(|y| y.to_string()));
    let tail = match (source, date) {
        (Some(source), Some(date)) => Some(format!("{source}, {date}")),
        (Some(source), None) => Some(source.to_owned()),
        (None, Some(date)) => Some(date),
        (None, None) => None,
    };
    Citation {
        location,
        title: &p.title,
        section: p.section.as_deref(),
        tail,
    }
}

/// `path:LINE[-LINE] ¶n[.part] [(source ¶N)] — title › section · source, date`
pub fn citation(p: &Passage) -> String {
    citation_parts(p).to_string()
}

/// How many characters the title and the section may have on a line of `room` characters:
/// the shorter one whole when it fits in half, the other the rest; never below
/// [`MIN_HEADING_CHARS`] (a line too narrow for that overflows).
fn heading_budget(title: usize, section: Option<usize>, room: usize) -> (usize, Option<usize>) {
    let Some(section) = section else {
        return (title.min(room.max(MIN_HEADING_CHARS)), None);
    };
    if title + section <= room {
        return (title, Some(section));
    }
    let half = room / 2;
    let (t, s) = if title <= half {
        (title, room - title)
    } else if section <= half {
        (room - section, section)
    } else {
        (half, room - half)
    };
    let floor = |len: usize, want: usize| want.max(MIN_HEADING_CHARS).min(len);
    (floor(title, t), Some(floor(section, s)))
}

/// `text` in at most `max` characters, with `…` where it was cut, keeping the first highlight
/// in view; the highlights moved to the shortened text (and clipped to it).
pub fn shorten(
    text: &str,
    highlights: &[(usize, usize)],
    max: usize,
) -> (String, Vec<(usize, usize)>) {
    let chars = text.chars().count();
    if chars <= max || max < 3 {
        return (text.to_owned(), highlights.to_vec());
    }
    // `bytes[c]`: where character `c` starts (and the end of the text).
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let char_of = |byte: usize| bytes.partition_point(|&b| b < byte);
    // The window starts at the start, unless the first highlight would not fit: then it ends
    // with that highlight.
    let mut first = 0;
    if let Some(&(hs, he)) = highlights.first() {
        let (hs, he) = (char_of(hs), char_of(he));
        if he > max - 1 {
            first = he.saturating_sub(max - 2).min(hs);
            if chars - first < max - 1 {
                // The window reaches the end: no `…` there, one more character of room.
                first = chars.saturating_sub(max - 1).min(hs);
            }
        }
    }
    let lead = usize::from(first > 0);
    let last = if chars - first <= max - lead {
        chars
    } else {
        first + (max - 1 - lead)
    };
    let (from, to) = (bytes[first], bytes[last]);
    let mut out = String::new();
    if lead == 1 {
        out.push('…');
    }
    let shift = out.len();
    let kept_text = if last < chars {
        text[from..to].trim_end()
    } else {
        &text[from..to]
    };
    out.push_str(kept_text);
    let kept = out.len();
    if last < chars {
        out.push('…');
    }
    let moved = highlights
        .iter()
        .filter_map(|&(s, e)| {
            let (s, e) = (s.max(from), e.min(to));
            (s < e).then(|| (s - from + shift, (e - from + shift).min(kept)))
        })
        .collect();
    (out, moved)
}

/// The byte ranges of the lines of `text` wrapped at spaces to `columns` characters (a word
/// longer than that has a line of its own).
pub fn wrap_lines(text: &str, columns: usize) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let (mut start, mut chars) = (0usize, 0usize);
    let mut last_space: Option<(usize, usize)> = None; // (byte, chars before it on the line)
    for (i, c) in text.char_indices() {
        if c == ' ' {
            last_space = Some((i, chars));
        }
        chars += 1;
        if chars > columns && c != ' ' {
            if let Some((space, before)) = last_space.filter(|&(b, _)| b > start) {
                lines.push((start, space));
                start = space + 1;
                chars -= before + 1;
                last_space = None;
            }
        }
    }
    lines.push((start, text.len()));
    lines
}

/// Writes `text` after `indent`, wrapped to `width` when given (each line indented), with the
/// `highlights` painted.
fn write_text<W: Write>(
    out: &mut W,
    indent: &str,
    text: &str,
    highlights: &[(usize, usize)],
    style: &Style,
    base: &str,
) -> io::Result<()> {
    let lines = match style.width {
        Some(width) => {
            let columns = width
                .saturating_sub(indent.chars().count())
                .max(MIN_TEXT_COLUMNS);
            wrap_lines(text, columns)
        }
        None => vec![(0, text.len())],
    };
    for (start, end) in lines {
        let inside: Vec<(usize, usize)> = highlights
            .iter()
            .filter(|&&(s, e)| e > start && s < end)
            .map(|&(s, e)| (s.max(start) - start, e.min(end) - start))
            .collect();
        let line = &text[start..end];
        let painted = if base.is_empty() && inside.is_empty() {
            line.to_owned()
        } else {
            style.paint_ranges(base, line, &inside)
        };
        writeln!(out, "{indent}{painted}")?;
    }
    Ok(())
}

/// `label text` under a hit, wrapped like its passage, the label dimmed.
fn write_labelled<W: Write>(out: &mut W, label: &str, text: &str, style: &Style) -> io::Result<()> {
    write_wrapped(out, (INDENT, INDENT), label, text, style)
}

/// `label text` wrapped to the width: the first line after `indents.0`, the others after
/// `indents.1`; the label dimmed.
fn write_wrapped<W: Write>(
    out: &mut W,
    indents: (&str, &str),
    label: &str,
    text: &str,
    style: &Style,
) -> io::Result<()> {
    let line = if label.is_empty() {
        text.to_owned()
    } else {
        format!("{label} {text}")
    };
    let lines = match style.width {
        Some(width) => {
            let indent = indents.0.len().max(indents.1.len());
            wrap_lines(&line, width.saturating_sub(indent).max(MIN_TEXT_COLUMNS))
        }
        None => vec![(0, line.len())],
    };
    for (i, &(start, end)) in lines.iter().enumerate() {
        if i == 0 {
            let label_end = label.len().min(end);
            let painted = if label.is_empty() {
                String::new()
            } else {
                style.paint(DIM, &line[..label_end])
            };
            writeln!(out, "{}{painted}{}", indents.0, &line[label_end..end])?;
        } else {
            writeln!(out, "{}{}", indents.1, &line[start..end])?;
        }
    }
    Ok(())
}

/// A hit's citation line, its title's and section's matches highlighted. With a width, when the
/// title and section do not fit whole on the line (after `lead` characters of rank and score
/// and the location), they go on a line of their own under it, indented like the passage, and
/// are shortened to fit that line when they must.
fn cited_line(hit: &Hit, lead: usize, style: &Style) -> String {
    let highlights = HeadingHighlights {
        title: &hit.title_highlights,
        section: &hit.section_highlights,
    };
    citation_line(&hit.passage, highlights, lead, INDENT, style)
}

/// The byte ranges of a citation's title and section to highlight.
#[derive(Clone, Copy, Default)]
struct HeadingHighlights<'a> {
    title: &'a [(usize, usize)],
    section: &'a [(usize, usize)],
}

/// [`cited_line`] for any passage: `highlights` of its title and section, `lead` characters
/// before it on its line, `indent` for a line of its own.
fn citation_line(
    passage: &Passage,
    highlights: HeadingHighlights<'_>,
    lead: usize,
    indent: &str,
    style: &Style,
) -> String {
    let parts = citation_parts(passage);
    let (mut title, mut title_hl) = (parts.title.to_owned(), highlights.title.to_vec());
    let (mut section, mut section_hl) = (
        parts.section.map(str::to_owned),
        highlights.section.to_vec(),
    );
    let mut own_line = false;
    if let Some(width) = style.width {
        let mut room = width.saturating_sub(lead + parts.frame_chars());
        let whole = title.chars().count() + section.as_deref().map_or(0, |s| s.chars().count());
        if room < whole {
            // A line of their own under the location, shortened only if even that is too short.
            own_line = true;
            let location = parts.location.chars().count();
            room = width.saturating_sub(indent.len() + parts.frame_chars() - location - 1);
        }
        let (t, s) = heading_budget(
            title.chars().count(),
            section.as_deref().map(|s| s.chars().count()),
            room,
        );
        (title, title_hl) = shorten(&title, &title_hl, t);
        if let (Some(text), Some(max)) = (section.as_deref(), s) {
            let (text, hl) = shorten(text, &section_hl, max);
            (section, section_hl) = (Some(text), hl);
        }
    }
    let mut line = if own_line {
        format!("{}\n{indent}— ", parts.location)
    } else {
        format!("{} — ", parts.location)
    };
    push_marked(&mut line, &title, &title_hl, style);
    if let Some(section) = &section {
        line.push_str(" › ");
        push_marked(&mut line, section, &section_hl, style);
    }
    if let Some(tail) = &parts.tail {
        line.push_str(&format!(" · {tail}"));
    }
    if own_line && style.color {
        // Each line opens and closes its colour.
        line = line.replace('\n', &format!("{RESET}\n{CITE}"));
    }
    style.paint(CITE, &line)
}

/// Appends `text` to a citation line with its `ranges` in the match colour (then back to the
/// citation's).
fn push_marked(line: &mut String, text: &str, ranges: &[(usize, usize)], style: &Style) {
    if !style.color || ranges.is_empty() {
        line.push_str(text);
        return;
    }
    let painted = style.paint_ranges(CITE, text, ranges);
    // `paint_ranges` opens and closes the citation colour itself; the line already has it open.
    let inner = painted
        .strip_prefix(CITE)
        .and_then(|p| p.strip_suffix(RESET))
        .unwrap_or(&painted);
    line.push_str(inner);
}

/// `dossier chunk`: a document's heading line, then each passage's citation and text.
pub fn write_chunked_document<W: Write>(out: &mut W, doc: &Document) -> io::Result<()> {
    writeln!(
        out,
        "== {} — {} ({}; {} passages)",
        doc.doc_id,
        doc.title,
        doc.layout,
        doc.passages.len()
    )?;
    for passage in &doc.passages {
        writeln!(out, "{}", citation(passage))?;
        writeln!(out, "    {}", passage.text)?;
    }
    writeln!(out)
}

pub fn write_results<W: Write>(
    out: &mut W,
    results: &SearchResults,
    style: &Style,
) -> io::Result<()> {
    if results.explained {
        writeln!(out, "{}", style.paint(BOLD, "query understood as:"))?;
        for note in &results.understood {
            write_wrapped(out, ("  ", "    "), "", &super::explain::note(note), style)?;
        }
        writeln!(out)?;
    }
    for hit in &results.hits {
        let rank = format!("{:>2}.", hit.rank);
        let score = format!("{:.3}", hit.score);
        let lead = rank.chars().count() + 1 + score.chars().count() + 2;
        writeln!(
            out,
            "{} {}  {}",
            style.paint(BOLD, &rank),
            style.paint(DIM, &score),
            cited_line(hit, lead, style),
        )?;
        let (shown, highlights) = cropped(&hit.passage.text, &hit.highlights, style.crop_bytes);
        write_text(out, INDENT, &shown, &highlights, style, "")?;
        super::copies::write_line(out, hit.copies.as_ref(), INDENT, |l| style.paint(DIM, l))?;
        if hit.highlights.is_empty() {
            // The match is in the headings: say where, for output without colour too.
            for (what, text, ranges) in [
                ("title", hit.passage.title.as_str(), &hit.title_highlights),
                (
                    "section",
                    hit.passage.section.as_deref().unwrap_or(""),
                    &hit.section_highlights,
                ),
            ] {
                if !ranges.is_empty() {
                    let words: Vec<&str> = ranges.iter().map(|&(s, e)| &text[s..e]).collect();
                    writeln!(
                        out,
                        "{INDENT}{}",
                        style.paint(DIM, &format!("matched in the {what}: {}", words.join(", ")))
                    )?;
                }
            }
        }
        if let Some(why) = &hit.explanation {
            let from = if why.matched.is_empty() {
                "filters only".to_owned()
            } else {
                why.matched
                    .iter()
                    .map(super::explain::matched_part)
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            write_labelled(
                out,
                "why:",
                &format!("score {:.3} from {from}", why.score),
                style,
            )?;
            for adjustment in &why.adjustments {
                write_labelled(
                    out,
                    "scaled",
                    &super::explain::adjustment(adjustment),
                    style,
                )?;
            }
            if !why.in_text.is_empty() {
                write_labelled(out, "matched in the text:", &why.in_text.join(", "), style)?;
            }
        }
        if let Some(group) = &hit.group {
            write_group(out, group, style)?;
        }
        writeln!(out)?;
    }
    let shown = results.hits.len();
    if let (Some(documents), Some(first)) = (results.total_documents, results.hits.first()) {
        let summary = format!(
            "{documents} document{} ({} passage{}) match; showing documents {}–{}",
            if documents == 1 { "" } else { "s" },
            results.total_hits,
            if results.total_hits == 1 { "" } else { "s" },
            first.rank,
            first.rank + shown - 1
        );
        return writeln!(out, "{}", style.paint(DIM, &summary));
    }
    let summary = match (shown, results.hits.first()) {
        (0, _) if results.total_hits == 0 => "no passage matches".to_owned(),
        (0, _) => format!(
            "{} passage{} match{}; none on this page",
            results.total_hits,
            if results.total_hits == 1 { "" } else { "s" },
            if results.total_hits == 1 { "es" } else { "" },
        ),
        (_, Some(first)) => format!(
            "{} passage{} match{}; showing {}–{}",
            results.total_hits,
            if results.total_hits == 1 { "" } else { "s" },
            if results.total_hits == 1 { "es" } else { "" },
            first.rank,
            first.rank + shown - 1
        ),
        (_, None) => unreachable!("shown > 0 implies a first hit"),
    };
    writeln!(out, "{}", style.paint(DIM, &summary))
}

/// The other passages of a grouped hit's document, indented beneath it, and the count of the
/// rest.
fn write_group<W: Write>(
    out: &mut W,
    group: &crate::search::Group,
    style: &Style,
) -> io::Result<()> {
    for hit in &group.passages {
        let p = &hit.passage;
        let lines = if p.line_start == p.line_end {
            p.line_start.to_string()
        } else {
            format!("{}-{}", p.line_start, p.line_end)
        };
        writeln!(
            out,
            "{INDENT}{} {}",
            style.paint(DIM, "+"),
            style.paint(CITE, &format!("{}:{lines} ¶{}", p.path, p.number()))
        )?;
        let (shown, highlights) = cropped(&p.text, &hit.highlights, style.crop_bytes / 2);
        write_text(out, GROUP_INDENT, &shown, &highlights, style, "")?;
        super::copies::write_line(out, hit.copies.as_ref(), GROUP_INDENT, |l| {
            style.paint(DIM, l)
        })?;
    }
    if group.more > 0 {
        writeln!(
            out,
            "{INDENT}{}",
            style.paint(
                DIM,
                &format!(
                    "+ {} more matching passage{} in this document",
                    group.more,
                    if group.more == 1 { "" } else { "s" }
                )
            )
        )?;
    }
    Ok(())
}

/// The indent of a grouped passage's text.
const GROUP_INDENT: &str = "      ";

/// `text` cropped around its best match to about `width` bytes (with `…` where it was cut),
/// and the highlights moved to the cropped text.
fn cropped(
    text: &str,
    highlights: &[(usize, usize)],
    width: usize,
) -> (String, Vec<(usize, usize)>) {
    let (start, end) = crop_window(text, highlights, width);
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    let shift = shown.len();
    shown.push_str(&text[start..end]);
    if end < text.len() {
        shown.push('…');
    }
    let moved = highlights
        .iter()
        .filter(|&&(s, e)| e > start && s < end)
        .map(|&(s, e)| (s.max(start) - start + shift, e.min(end) - start + shift))
        .collect();
    (shown, moved)
}

/// The byte window of `text` to show: all of it when short, else about `width` bytes around the
/// place with the most highlights, cut at word boundaries.
pub fn crop_window(text: &str, highlights: &[(usize, usize)], width: usize) -> (usize, usize) {
    if text.len() <= width || width == 0 {
        return (0, text.len());
    }
    let lead = width / 4;
    let mut best = (0usize, 0usize); // (start, highlights inside)
    for &(s, _) in highlights {
        let start = s.saturating_sub(lead);
        let inside = highlights
            .iter()
            .filter(|&&(hs, he)| hs >= start && he <= start + width)
            .count();
        if inside > best.1 {
            best = (start, inside);
        }
    }
    let mut start = best.0.min(text.len().saturating_sub(width));
    let mut end = (start + width).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if start > 0 {
        if let Some(space) = text[start..].find(' ') {
            start += space + 1;
        }
    }
    if end < text.len() {
        if let Some(space) = text[start..end].rfind(' ') {
            end = start + space;
        }
    }
    (start, end)
}

/// A passage and its neighbours, the target marked, each with its citation.
pub fn write_passage<W: Write>(
    out: &mut W,
    passage: &Passage,
    before: &[Passage],
    after: &[Passage],
    style: &Style,
) -> io::Result<()> {
    let mut write_one = |p: &Passage, target: bool| -> io::Result<()> {
        let marker = if target { ">" } else { " " };
        writeln!(
            out,
            "{} {}",
            style.paint(BOLD, marker),
            citation_line(p, HeadingHighlights::default(), 2, "  ", style)
        )?;
        let base = if target && style.color { BOLD } else { "" };
        write_text(out, "  ", &p.text, &[], style, base)?;
        writeln!(out)
    };
    for p in before {
        write_one(p, false)?;
    }
    write_one(passage, true)?;
    for p in after {
        write_one(p, false)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::SearchResults;

    fn passage(title: &str, section: Option<&str>, text: &str) -> Passage {
        Passage {
            passage_id: "fixtures/commentary/a-rather-long-file-name.md#3".into(),
            doc_id: "fixtures/commentary/a-rather-long-file-name.md".into(),
            title: title.into(),
            section: section.map(str::to_owned),
            paragraph: 3,
            part: None,
            source_paragraph: None,
            path: "fixtures/commentary/a-rather-long-file-name.md".into(),
            line_start: 7,
            line_end: 7,
            byte_start: 0,
            byte_end: text.len() as u64,
            field: None,
            meta: Default::default(),
            text: text.into(),
            reference: false,
        }
    }

    fn results(hits: Vec<Hit>) -> SearchResults {
        SearchResults {
            query: "snapback".into(),
            total_hits: hits.len(),
            fallback: false,
            required_words: None,
            understood: Vec::new(),
            explained: false,
            suggestions: Vec::new(),
            total_documents: None,
            hits,
        }
    }

    fn hit(passage: Passage, highlights: Vec<(usize, usize)>, title: Vec<(usize, usize)>) -> Hit {
        Hit {
            rank: 1,
            score: 8.5,
            passage,
            highlights,
            title_highlights: title,
            section_highlights: Vec::new(),
            explanation: None,
            group: None,
            copies: None,
        }
    }

    fn printed(results: &SearchResults, style: &Style) -> String {
        let mut out = Vec::new();
        write_results(&mut out, results, style).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Without ANSI colour codes.
    fn plain(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('\x1b') {
            out.push_str(&rest[..at]);
            let end = rest[at..].find('m').map_or(rest.len(), |m| at + m + 1);
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    const LONG: &str = "The snapback procedure begins with a complaint to the Joint Commission, the body of signatories that oversees implementation. The dispute resolution track allows roughly a month for ministers and an advisory board to settle the matter, after which the complaining participant may notify the Security Council and a thirty-day clock starts running.";

    /// On a terminal of 64 columns every line fits, colour codes included (they take no room),
    /// the passage's continuation lines keep its indent, and the long title and section are
    /// shortened in the citation with `…`.
    #[test]
    fn on_a_terminal_passages_wrap_and_citations_fit() {
        let p = passage(
            "The Snapback Mechanism Explained for Readers Who Need a Working Understanding",
            Some("How the Mechanism Works, Step by Step, From Complaint to Vote"),
            LONG,
        );
        let results = results(vec![hit(p, vec![(4, 12)], vec![(4, 12)])]);
        for color in [false, true] {
            let style = Style {
                color,
                width: Some(64),
                ..Style::default()
            };
            let out = printed(&results, &style);
            let shown = plain(&out);
            let lines: Vec<&str> = shown.lines().collect();
            for line in &lines {
                assert!(line.chars().count() <= 64, "{:?} is longer than 64", line);
            }
            // The citation (its headings on their own line: the path leaves no room), then the
            // passage in lines of 4-space indent.
            assert_eq!(
                lines[0],
                " 1. 8.500  fixtures/commentary/a-rather-long-file-name.md:7 ¶3"
            );
            assert!(
                lines[1].starts_with("    — The Snapback Mechanism"),
                "{}",
                lines[1]
            );
            assert!(lines[1].contains('…') && lines[1].contains(" › How the Mechanism"));
            let passage_lines: Vec<&str> = lines[2..]
                .iter()
                .take_while(|l| !l.is_empty())
                .copied()
                .collect();
            assert!(passage_lines.len() >= 5, "{shown}");
            assert!(passage_lines
                .iter()
                .all(|l| l.starts_with("    ") && !l.starts_with("     ")));
            let rejoined: Vec<&str> = passage_lines.iter().map(|l| &l[4..]).collect();
            assert_eq!(rejoined.join(" "), LONG);
            if color {
                assert!(out.contains("\x1b[1;31msnapback\x1b[0m"), "{out}");
                assert!(
                    out.contains("\x1b[1;31mSnapback\x1b[0m\x1b[35m"),
                    "the title's match: {out}"
                );
            }
        }
        // Not a terminal: one line per passage, the citation whole.
        let out = printed(&results, &Style::default());
        assert!(out.lines().nth(1).unwrap() == format!("    {LONG}"));
        assert!(out
            .lines()
            .next()
            .unwrap()
            .ends_with("Step by Step, From Complaint to Vote"));
    }

    #[test]
    fn headings_stay_on_the_citation_line_when_they_fit_whole() {
        let mut p = passage("The Snapback Mechanism", Some("What Comes Next"), "Short.");
        p.path = "a.md".into();
        let found = results(vec![hit(p, Vec::new(), vec![(4, 12)])]);
        let out = printed(
            &found,
            &Style {
                width: Some(70),
                ..Style::default()
            },
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            " 1. 8.500  a.md:7 ¶3 — The Snapback Mechanism › What Comes Next"
        );
        assert_eq!(lines[1], "    Short.");
        // A match in the title alone is said in words under the passage.
        assert_eq!(lines[2], "    matched in the title: Snapback");

        // Too long for the line: a line of their own, shortened to fit it.
        let mut p = passage(
            "The Snapback Mechanism Explained, and What It Means for the Deal",
            Some("What Comes Next"),
            "Short.",
        );
        p.path = "a.md".into();
        let found = results(vec![hit(p, Vec::new(), vec![(4, 12)])]);
        let out = printed(
            &found,
            &Style {
                width: Some(60),
                ..Style::default()
            },
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], " 1. 8.500  a.md:7 ¶3");
        assert_eq!(
            lines[1],
            "    — The Snapback Mechanism Explained, a… › What Comes Next"
        );
        assert!(lines[1].chars().count() <= 60);
    }

    #[test]
    fn shortening_keeps_the_first_highlight_in_view() {
        let title = "A Long Title Whose Only Matching Word Comes Near Its End: Snapback";
        let at = title.find("Snapback").unwrap();
        let (short, hl) = shorten(title, &[(at, at + 8)], 30);
        assert_eq!(short.chars().count(), 30, "{short}");
        assert!(
            short.starts_with('…') && short.ends_with("Snapback"),
            "{short}"
        );
        assert_eq!(&short[hl[0].0..hl[0].1], "Snapback");
        let (short, hl) = shorten(title, &[(2, 6)], 20);
        assert_eq!(short, "A Long Title Whose…");
        assert_eq!(hl, [(2, 6)]);
        assert_eq!(shorten("Short", &[], 20).0, "Short");
    }

    #[test]
    fn lines_wrap_at_spaces_and_long_words_stand_alone() {
        let text = "aaa bbb ccc https://a-very-long-address.example/path ddd";
        let lines: Vec<&str> = wrap_lines(text, 10)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(
            lines,
            [
                "aaa bbb",
                "ccc",
                "https://a-very-long-address.example/path",
                "ddd"
            ]
        );
        assert_eq!(wrap_lines("", 10), [(0, 0)]);
    }

    #[test]
    fn short_texts_are_not_cropped() {
        assert_eq!(crop_window("short text", &[(0, 5)], 480), (0, 10));
    }

    #[test]
    fn long_texts_are_cropped_around_the_densest_matches() {
        let text = format!(
            "{}snapback and snapback again{}",
            "word ".repeat(200),
            " tail".repeat(200)
        );
        let first = text.find("snapback").unwrap();
        let highlights = [(first, first + 8), (first + 13, first + 21)];
        let (s, e) = crop_window(&text, &highlights, 120);
        assert!(s <= first && e >= first + 21, "{s}..{e} misses the matches");
        assert!(e - s <= 120);
        assert!(text[s..e].starts_with("word"), "cut at a word boundary");
    }

    #[test]
    fn citations_read_path_lines_paragraph_title_section() {
        let p = Passage {
            passage_id: "a.txt#3".into(),
            doc_id: "a.txt".into(),
            title: "Title".into(),
            section: Some("Part".into()),
            paragraph: 3,
            part: None,
            source_paragraph: None,
            path: "a.txt".into(),
            line_start: 7,
            line_end: 9,
            byte_start: 0,
            byte_end: 1,
            field: None,
            meta: Default::default(),
            text: "x".into(),
            reference: false,
        };
        assert_eq!(citation(&p), "a.txt:7-9 ¶3 — Title › Part");
    }
}
