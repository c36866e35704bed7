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
use super::text::{citation_parts, crop_window};
use crate::batch::BatchResult;
use crate::eval::{trec_id, TrecUnit};
use crate::search::{Hit, SearchResults};

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
    write_batch_part(out, results, format, unit, true)
}

/// Writes `results` in `format` as one part of a longer output written part by part (a
/// streamed batch run): the CSV and TSV header row only with the `first` part. A Markdown
/// report is written whole, with its header, whatever `first` says.
pub fn write_batch_part<W: Write>(
    out: &mut W,
    results: &[BatchResult],
    format: BatchFormat,
    unit: TrecUnit,
    first: bool,
) -> io::Result<()> {
    match format {
        BatchFormat::Jsonl => write_jsonl(out, results),
        BatchFormat::Csv => write_delimited(out, results, b',', first),
        BatchFormat::Tsv => write_delimited(out, results, b'\t', first),
        BatchFormat::Trec => write_trec(out, results, unit),
        BatchFormat::Markdown => write_markdown_report(out, results, &ReportHeader::default()),
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
    header: bool,
) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    if header {
        w.write_record(COLUMNS)?;
    }
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

/// What a Markdown report says about its run, handed over by the command (the printer reads
/// no clock and no arguments): the index searched, the filters given beside the queries, and
/// the date of the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportHeader {
    /// The index directory.
    pub index: String,
    /// The filters as given (`--source UN News`, `--where year=2015..2019`); empty: none.
    pub filters: Vec<String>,
    /// The date of the run, `YYYY-MM-DD`.
    pub date: String,
}

/// `text` with the characters Markdown would read as markup escaped.
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

/// `text` as a code span (paths, queries: shown as they are, nothing escaped), with enough
/// backticks around it to hold any it contains.
fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

/// `text` escaped, with the `ranges` in bold.
fn bold_ranges(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut s = String::new();
    let mut at = 0;
    for &(hs, he) in ranges {
        let (hs, he) = (hs.max(at).min(text.len()), he.min(text.len()));
        if hs >= he {
            continue;
        }
        s.push_str(&escape_markdown(&text[at..hs]));
        s.push_str("**");
        s.push_str(&escape_markdown(&text[hs..he]));
        s.push_str("**");
        at = he;
    }
    s.push_str(&escape_markdown(&text[at..]));
    s
}

/// The passage with its highlights in bold, cropped like the text output.
fn markdown_text(hit: &Hit) -> String {
    let text = &hit.passage.text;
    let (start, end) = crop_window(text, &hit.highlights, 600);
    let inside: Vec<(usize, usize)> = hit
        .highlights
        .iter()
        .filter(|&&(s, e)| e > start && s < end)
        .map(|&(s, e)| (s.max(start) - start, e.min(end) - start))
        .collect();
    let mut s = String::new();
    if start > 0 {
        s.push('…');
    }
    s.push_str(&bold_ranges(&text[start..end], &inside));
    if end < text.len() {
        s.push('…');
    }
    s
}

/// A hit's citation: the location as code (a path is not prose), then the title and section
/// with their matches in bold.
fn markdown_citation(hit: &Hit) -> String {
    let parts = citation_parts(&hit.passage);
    let mut s = format!(
        "{} — {}",
        code_span(&parts.location),
        bold_ranges(parts.title, &hit.title_highlights)
    );
    if let Some(section) = parts.section {
        s.push_str(" › ");
        s.push_str(&bold_ranges(section, &hit.section_highlights));
    }
    if let Some(tail) = &parts.tail {
        s.push_str(" · ");
        s.push_str(&escape_markdown(tail));
    }
    s
}

/// `1 passage`, `2 passages`.
fn passages(n: usize) -> String {
    format!("{n} passage{}", if n == 1 { "" } else { "s" })
}

/// The report's title and what it ran on: index, filters, date, and (for a batch) how many
/// queries there were.
fn write_markdown_header<W: Write>(
    out: &mut W,
    header: &ReportHeader,
    queries: Option<(usize, usize)>,
) -> io::Result<()> {
    writeln!(out, "# Search report\n")?;
    if !header.index.is_empty() {
        writeln!(out, "- Index: {}", code_span(&header.index))?;
    }
    let filters = if header.filters.is_empty() {
        "none".to_owned()
    } else {
        header
            .filters
            .iter()
            .map(|f| code_span(f))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(out, "- Filters: {filters}")?;
    if !header.date.is_empty() {
        writeln!(out, "- Run on: {}", header.date)?;
    }
    if let Some((queries, failed)) = queries {
        writeln!(
            out,
            "- Queries: {queries}{}",
            if failed > 0 {
                format!(" ({failed} could not run)")
            } else {
                String::new()
            }
        )?;
    }
    writeln!(out)
}

/// One query's section: its heading (`## ID — `query``, or `## `query`` for a single search),
/// how many passages match, and its hits with citations and the matches in bold.
pub fn write_markdown_section<W: Write>(
    out: &mut W,
    id: Option<&str>,
    query: &str,
    outcome: Result<&SearchResults, &str>,
) -> io::Result<()> {
    match id {
        Some(id) => writeln!(out, "## {} — {}\n", escape_markdown(id), code_span(query))?,
        None => writeln!(out, "## {}\n", code_span(query))?,
    }
    let res = match outcome {
        Err(e) => return writeln!(out, "*Could not run:* {}\n", escape_markdown(e)),
        Ok(res) if res.hits.is_empty() => {
            return writeln!(
                out,
                "No passage matches{}.\n",
                if res.total_hits > 0 {
                    format!(" on this page ({} in all)", passages(res.total_hits))
                } else {
                    String::new()
                }
            )
        }
        Ok(res) => res,
    };
    let note = if res.fallback {
        " (no passage has every word; these match some of them)".to_owned()
    } else if let Some((required, of)) = res.required_words {
        format!(" (a long query: these have at least {required} of its {of} words)")
    } else {
        String::new()
    };
    let verb = if res.total_hits == 1 {
        "matches"
    } else {
        "match"
    };
    let (first, last) = (res.hits[0].rank, res.hits[res.hits.len() - 1].rank);
    let shown = if first == 1 && res.hits.len() == res.total_hits {
        String::new()
    } else if first == 1 {
        format!("; the first {}", res.hits.len())
    } else {
        format!("; ranks {first}–{last}")
    };
    writeln!(out, "{} {verb}{note}{shown}:\n", passages(res.total_hits))?;
    for hit in &res.hits {
        writeln!(out, "{}. {}", hit.rank, markdown_citation(hit))?;
        writeln!(out, "   > {}\n", markdown_text(hit))?;
    }
    Ok(())
}

/// A batch run as a Markdown report: the header, then a section per query.
pub fn write_markdown_report<W: Write>(
    out: &mut W,
    results: &[BatchResult],
    header: &ReportHeader,
) -> io::Result<()> {
    let failed = results.iter().filter(|r| r.outcome.is_err()).count();
    write_markdown_header(out, header, Some((results.len(), failed)))?;
    for r in results {
        let outcome = r.outcome.as_ref().map_err(String::as_str);
        write_markdown_section(out, Some(&r.query.id), &r.query.query, outcome)?;
    }
    Ok(())
}

/// One search as a Markdown report: the header (when given), then its section.
pub fn write_markdown_search<W: Write>(
    out: &mut W,
    results: &SearchResults,
    header: Option<&ReportHeader>,
) -> io::Result<()> {
    if let Some(header) = header {
        write_markdown_header(out, header, None)?;
    }
    write_markdown_section(out, None, &results.query, Ok(results))
}
