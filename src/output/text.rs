//! The human format: per hit its rank, score and citation, then the passage, cropped around its
//! best match when long, with matches highlighted (ANSI colour when enabled).

use std::io::{self, Write};

use crate::model::{Document, Passage};
use crate::search::SearchResults;

const MATCH: &str = "\x1b[1;31m";
const CITE: &str = "\x1b[35m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Presentation settings for text output.
#[derive(Debug, Clone)]
pub struct Style {
    pub color: bool,
    /// Passages longer than this many bytes are cropped around their best match.
    pub crop_bytes: usize,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            color: false,
            crop_bytes: 480,
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
}

/// `path:LINE[-LINE] ¶n[.part] [(source ¶N)] — title › section · source, date`
pub fn citation(p: &Passage) -> String {
    let lines = if p.line_start == p.line_end {
        p.line_start.to_string()
    } else {
        format!("{}-{}", p.line_start, p.line_end)
    };
    let mut s = format!("{}:{} ¶{}", p.path, lines, p.number());
    if let Some(number) = &p.source_paragraph {
        s.push_str(&format!(" (source ¶{number})"));
    }
    s.push_str(" — ");
    s.push_str(&p.title);
    if let Some(section) = &p.section {
        s.push_str(" › ");
        s.push_str(section);
    }
    let source = p.meta.get("source").and_then(|v| v.as_str());
    let date = p
        .meta
        .get("date")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .or_else(|| p.meta.get("year").map(|y| y.to_string()));
    match (source, date) {
        (Some(source), Some(date)) => s.push_str(&format!(" · {source}, {date}")),
        (Some(source), None) => s.push_str(&format!(" · {source}")),
        (None, Some(date)) => s.push_str(&format!(" · {date}")),
        (None, None) => {}
    }
    s
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
            writeln!(out, "  {}", super::explain::note(note))?;
        }
        writeln!(out)?;
    }
    for hit in &results.hits {
        writeln!(
            out,
            "{} {}  {}",
            style.paint(BOLD, &format!("{:>2}.", hit.rank)),
            style.paint(DIM, &format!("{:.3}", hit.score)),
            style.paint(CITE, &citation(&hit.passage)),
        )?;
        let text = &hit.passage.text;
        let (start, end) = crop_window(text, &hit.highlights, style.crop_bytes);
        write!(out, "    ")?;
        if start > 0 {
            write!(out, "…")?;
        }
        write_highlighted(out, text, start, end, &hit.highlights, style)?;
        if end < text.len() {
            write!(out, "…")?;
        }
        writeln!(out)?;
        super::copies::write_line(out, hit.copies.as_ref(), "    ", |l| style.paint(DIM, l))?;
        if let Some(why) = &hit.explanation {
            writeln!(
                out,
                "    {} score {:.3} from {}",
                style.paint(DIM, "why:"),
                why.score,
                if why.matched.is_empty() {
                    "filters only".to_owned()
                } else {
                    why.matched
                        .iter()
                        .map(super::explain::matched_part)
                        .collect::<Vec<_>>()
                        .join("; ")
                }
            )?;
            if !why.in_text.is_empty() {
                writeln!(
                    out,
                    "    {} {}",
                    style.paint(DIM, "matched in the text:"),
                    why.in_text.join(", ")
                )?;
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
        (0, _) => format!("{} passages match; none on this page", results.total_hits),
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
            "    {} {}",
            style.paint(DIM, "+"),
            style.paint(CITE, &format!("{}:{lines} ¶{}", p.path, p.number()))
        )?;
        let (start, end) = crop_window(&p.text, &hit.highlights, style.crop_bytes / 2);
        write!(out, "      ")?;
        if start > 0 {
            write!(out, "…")?;
        }
        write_highlighted(out, &p.text, start, end, &hit.highlights, style)?;
        if end < p.text.len() {
            write!(out, "…")?;
        }
        writeln!(out)?;
        super::copies::write_line(out, hit.copies.as_ref(), "      ", |l| style.paint(DIM, l))?;
    }
    if group.more > 0 {
        writeln!(
            out,
            "    {}",
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

fn write_highlighted<W: Write>(
    out: &mut W,
    text: &str,
    start: usize,
    end: usize,
    highlights: &[(usize, usize)],
    style: &Style,
) -> io::Result<()> {
    let mut at = start;
    for &(s, e) in highlights {
        if e <= start || s >= end {
            continue;
        }
        let (s, e) = (s.max(start), e.min(end));
        write!(out, "{}", &text[at..s])?;
        write!(out, "{}", style.paint(MATCH, &text[s..e]))?;
        at = e;
    }
    write!(out, "{}", &text[at..end])
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
            style.paint(CITE, &citation(p))
        )?;
        let text = if target {
            style.paint(BOLD, &p.text)
        } else {
            p.text.clone()
        };
        writeln!(out, "  {text}")?;
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
        };
        assert_eq!(citation(&p), "a.txt:7-9 ¶3 — Title › Part");
    }
}
