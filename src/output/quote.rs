//! `dossier quote`: per hit its rank, coverage and citation, the passage with the matched span
//! highlighted, and a line per difference (`changed  [quote: X → source: Y]`); or the JSON of
//! [`super::json::QuoteJson`], or one JSON line per hit; and for `--batch`, one JSON line per
//! quote.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{QuoteHitJson, QuoteJson};
use super::text::{citation, crop_window, Style};
use super::Format;
use crate::search::quote::{DifferenceKind, QuoteHit, QuoteResults};
use crate::search::SearchError;

const MATCH: &str = "\x1b[1;31m";
const CITE: &str = "\x1b[35m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Bytes of context shown around the matched span of a long passage.
const CONTEXT_BYTES: usize = 160;

/// Writes the answer to one quote in `format`.
pub fn write_results<W: Write>(
    out: &mut W,
    results: &QuoteResults,
    format: Format,
    style: &Style,
) -> io::Result<()> {
    match format {
        // A quote's source with its differences reads the same in a brief as in a terminal.
        Format::Text | Format::Markdown => write_text(out, results, style),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &QuoteJson::new(results))?;
            writeln!(out)
        }
        Format::Jsonl => {
            for hit in &results.hits {
                serde_json::to_writer(&mut *out, &QuoteHitJson::new(hit))?;
                writeln!(out)?;
            }
            Ok(())
        }
    }
}

/// One line of `dossier quote --batch`: the quote's id and line, and its answer (the JSON of
/// `--format json` and `took_ms`) or its error.
#[derive(Serialize)]
struct BatchLineJson<'a> {
    id: &'a str,
    line: usize,
    #[serde(flatten)]
    answer: Option<QuoteJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    took_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Writes one quote of a batch as a JSON line.
pub fn write_batch_line<W: Write>(
    out: &mut W,
    id: &str,
    line: usize,
    outcome: &Result<QuoteResults, SearchError>,
) -> io::Result<()> {
    let record = match outcome {
        Ok(results) => BatchLineJson {
            id,
            line,
            answer: Some(QuoteJson::new(results)),
            took_ms: Some(millis(results.took)),
            error: None,
        },
        Err(e) => BatchLineJson {
            id,
            line,
            answer: None,
            took_ms: None,
            error: Some(e.to_string()),
        },
    };
    serde_json::to_writer(&mut *out, &record)?;
    writeln!(out)
}

/// A duration in milliseconds, to a tenth.
pub fn millis(took: std::time::Duration) -> f64 {
    (took.as_secs_f64() * 1e4).round() / 10.0
}

fn paint(style: &Style, code: &str, text: &str) -> String {
    if style.color {
        format!("{code}{text}{RESET}")
    } else {
        text.to_owned()
    }
}

fn write_text<W: Write>(out: &mut W, results: &QuoteResults, style: &Style) -> io::Result<()> {
    for hit in &results.hits {
        write_hit(out, hit, style)?;
        writeln!(out)?;
    }
    let summary = match results.hits.first() {
        None => "no passage holds the quote or something close to it".to_owned(),
        Some(first) => format!(
            "{} passage{} hold{} the quote or something close to it; showing {}–{}",
            results.total_hits,
            if results.total_hits == 1 { "" } else { "s" },
            if results.total_hits == 1 { "s" } else { "" },
            first.hit.rank,
            first.hit.rank + results.hits.len() - 1
        ),
    };
    writeln!(out, "{}", paint(style, DIM, &summary))
}

fn write_hit<W: Write>(out: &mut W, hit: &QuoteHit, style: &Style) -> io::Result<()> {
    writeln!(
        out,
        "{} {}  {}",
        paint(style, BOLD, &format!("{:>2}.", hit.hit.rank)),
        paint(
            style,
            DIM,
            &format!("coverage {:.0}%", f64::from(hit.coverage) * 100.0)
        ),
        paint(style, CITE, &citation(&hit.hit.passage)),
    )?;
    write_passage(out, &hit.hit.passage.text, &hit.hit.highlights, style)?;
    if let Some(next) = &hit.continues {
        writeln!(
            out,
            "    {} {}",
            paint(style, DIM, "continues in"),
            paint(style, CITE, &citation(&next.passage))
        )?;
        write_passage(out, &next.passage.text, &next.highlights, style)?;
    }
    for d in &hit.differences {
        let side = |s: &str| {
            if s.is_empty() {
                "—".to_owned()
            } else {
                s.to_owned()
            }
        };
        let kind = match d.kind {
            DifferenceKind::Changed => "changed",
            DifferenceKind::Added => "added",
            DifferenceKind::Dropped => "dropped",
            DifferenceKind::Variant => "variant",
        };
        writeln!(
            out,
            "    {} [quote: {} → source: {}]",
            paint(style, DIM, &format!("{kind:<8}")),
            side(&d.quote),
            side(&d.source)
        )?;
    }
    Ok(())
}

/// The passage, cropped around the matched span when long, the span highlighted (in colour, or
/// between `[[` and `]]`).
fn write_passage<W: Write>(
    out: &mut W,
    text: &str,
    highlights: &[(usize, usize)],
    style: &Style,
) -> io::Result<()> {
    let span = match (highlights.first(), highlights.last()) {
        (Some(first), Some(last)) => last.1 - first.0,
        _ => 0,
    };
    let width = style.crop_bytes.max(span + 2 * CONTEXT_BYTES);
    let (start, end) = crop_window(text, highlights, width);
    write!(out, "    ")?;
    if start > 0 {
        write!(out, "…")?;
    }
    let mut at = start;
    for &(s, e) in highlights {
        if e <= start || s >= end {
            continue;
        }
        let (s, e) = (s.max(start), e.min(end));
        write!(out, "{}", &text[at..s])?;
        if style.color {
            write!(out, "{MATCH}{}{RESET}", &text[s..e])?;
        } else {
            write!(out, "[[{}]]", &text[s..e])?;
        }
        at = e;
    }
    write!(out, "{}", &text[at..end])?;
    if end < text.len() {
        write!(out, "…")?;
    }
    writeln!(out)
}
