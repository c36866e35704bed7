//! Batch output: one printer per format, all over the same ordered results.
//!
//! - `jsonl`: one object per query, its hits in the search JSON shape;
//! - `csv` / `tsv`: one row per hit with the citation fields, a header row, quoted so
//!   spreadsheets open it (the `csv` crate);
//! - `trec`: `qid Q0 docid rank score dossier`, passages or documents as the unit;
//! - `markdown`: a report, a section per query with its cited hits, ready to paste into a brief.

use std::io::{self, Write};

use serde::Serialize;

use super::json::HitJson;
use super::text::{citation, crop_window};
use crate::batch::BatchResult;
use crate::eval::{trec_id, TrecUnit};
use crate::search::Hit;

/// How batch results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFormat {
    Jsonl,
    Csv,
    Tsv,
    Trec,
    Markdown,
}

#[derive(Serialize)]
struct QueryJson<'a> {
    id: &'a str,
    query: &'a str,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_hits: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    match_mode: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hits: Option<Vec<HitJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// Writes `results` in `format`.
pub fn write_batch<W: Write>(
    out: &mut W,
    results: &[BatchResult],
    format: BatchFormat,
    unit: TrecUnit,
) -> io::Result<()> {
    match format {
        BatchFormat::Jsonl => write_jsonl(out, results),
        BatchFormat::Csv => write_delimited(out, results, b','),
        BatchFormat::Tsv => write_delimited(out, results, b'\t'),
        BatchFormat::Trec => write_trec(out, results, unit),
        BatchFormat::Markdown => write_markdown(out, results),
    }
}

fn write_jsonl<W: Write>(out: &mut W, results: &[BatchResult]) -> io::Result<()> {
    for r in results {
        let q = &r.query;
        let record = match &r.outcome {
            Ok(res) => QueryJson {
                id: &q.id,
                query: &q.query,
                line: q.line,
                total_hits: Some(res.total_hits),
                match_mode: Some(super::json::match_mode(res)),
                hits: Some(res.hits.iter().map(HitJson::new).collect()),
                error: None,
            },
            Err(e) => QueryJson {
                id: &q.id,
                query: &q.query,
                line: q.line,
                total_hits: None,
                match_mode: None,
                hits: None,
                error: Some(e),
            },
        };
        serde_json::to_writer(&mut *out, &record)?;
        writeln!(out)?;
    }
    Ok(())
}

const COLUMNS: &[&str] = &[
    "query_id",
    "query",
    "rank",
    "score",
    "passage_id",
    "doc_id",
    "title",
    "section",
    "paragraph",
    "part",
    "source_paragraph",
    "path",
    "line_start",
    "line_end",
    "byte_start",
    "byte_end",
    "field",
    "source",
    "date",
    "text",
];

fn write_delimited<W: Write>(
    out: &mut W,
    results: &[BatchResult],
    delimiter: u8,
) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    w.write_record(COLUMNS)?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in results {
        let Ok(res) = &r.outcome else { continue };
        for hit in &res.hits {
            let p = &hit.passage;
            let meta_str = |k: &str| {
                p.meta
                    .get(k)
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            };
            w.write_record([
                r.query.id.clone(),
                r.query.query.clone(),
                hit.rank.to_string(),
                format!("{:.4}", hit.score),
                p.passage_id.clone(),
                p.doc_id.clone(),
                p.title.clone(),
                opt(p.section.clone()),
                p.paragraph.to_string(),
                opt(p.part.map(|n| n.to_string())),
                opt(p.source_paragraph.clone()),
                p.path.clone(),
                p.line_start.to_string(),
                p.line_end.to_string(),
                p.byte_start.to_string(),
                p.byte_end.to_string(),
                opt(p.field.clone()),
                opt(meta_str("source")),
                opt(meta_str("date").or_else(|| meta_str("year"))),
                p.text.clone(),
            ])?;
        }
    }
    w.flush()
}

/// TREC ids cannot hold whitespace.
fn write_trec<W: Write>(out: &mut W, results: &[BatchResult], unit: TrecUnit) -> io::Result<()> {
    for r in results {
        let Ok(res) = &r.outcome else { continue };
        for hit in &res.hits {
            let doc = match unit {
                TrecUnit::Passage => &hit.passage.passage_id,
                TrecUnit::Document => &hit.passage.doc_id,
            };
            writeln!(
                out,
                "{} Q0 {} {} {:.6} dossier",
                trec_id(&r.query.id),
                trec_id(doc),
                hit.rank,
                hit.score
            )?;
        }
    }
    Ok(())
}

/// The passage with its highlights in bold, cropped like the text output.
fn markdown_text(hit: &Hit) -> String {
    let text = &hit.passage.text;
    let (start, end) = crop_window(text, &hit.highlights, 600);
    let mut s = String::new();
    if start > 0 {
        s.push('…');
    }
    let mut at = start;
    for &(hs, he) in &hit.highlights {
        if he <= start || hs >= end {
            continue;
        }
        let (hs, he) = (hs.max(start), he.min(end));
        s.push_str(&escape_markdown(&text[at..hs]));
        s.push_str("**");
        s.push_str(&escape_markdown(&text[hs..he]));
        s.push_str("**");
        at = he;
    }
    s.push_str(&escape_markdown(&text[at..end]));
    if end < text.len() {
        s.push('…');
    }
    s
}

fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '\\'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn write_markdown<W: Write>(out: &mut W, results: &[BatchResult]) -> io::Result<()> {
    writeln!(out, "# Search report\n")?;
    let failed = results.iter().filter(|r| r.outcome.is_err()).count();
    writeln!(
        out,
        "{} queries{}.\n",
        results.len(),
        if failed > 0 {
            format!(", {failed} could not run")
        } else {
            String::new()
        }
    )?;
    for r in results {
        writeln!(
            out,
            "## {} — `{}`\n",
            escape_markdown(&r.query.id),
            r.query.query.replace('`', "'")
        )?;
        match &r.outcome {
            Err(e) => writeln!(out, "*Could not run:* {}\n", escape_markdown(e))?,
            Ok(res) if res.hits.is_empty() => writeln!(out, "No passage matches.\n")?,
            Ok(res) => {
                let note = if res.fallback {
                    " (no passage has every word; these match some of them)"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{} passage{} match{note}; the first {}:\n",
                    res.total_hits,
                    if res.total_hits == 1 { "" } else { "s" },
                    res.hits.len()
                )?;
                for hit in &res.hits {
                    writeln!(
                        out,
                        "{}. {}",
                        hit.rank,
                        escape_markdown(&citation(&hit.passage))
                    )?;
                    writeln!(out, "   > {}\n", markdown_text(hit))?;
                }
            }
        }
    }
    Ok(())
}
