//! Watch runs: a digest to read (text), a brief to paste (Markdown), one JSON object per query
//! (JSONL, as `dossier batch` writes), or an Atom feed (one entry per new passage, with ids that
//! stay the same from run to run so a reader never shows one twice).

use std::io::{self, Write};

use serde::Serialize;

use super::json::HitJson;
use super::text::citation;
use crate::search::Hit;
use crate::watch::{Status, WatchResult, WatchRun};

/// How a watch run is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchFormat {
    Text,
    Markdown,
    Jsonl,
    Atom,
}

/// What the printers need besides the run: the watch-list's name and the time of the run.
#[derive(Debug, Clone)]
pub struct WatchHeader {
    pub watch_list: String,
    /// RFC 3339.
    pub run_at: String,
}

pub fn write_watch<W: Write>(
    out: &mut W,
    run: &WatchRun,
    format: WatchFormat,
    header: &WatchHeader,
) -> io::Result<()> {
    match format {
        WatchFormat::Text => write_text(out, run),
        WatchFormat::Markdown => write_markdown(out, run, header),
        WatchFormat::Jsonl => write_jsonl(out, run),
        WatchFormat::Atom => write_atom(out, run, header),
    }
}

fn status_note(status: Status) -> &'static str {
    match status {
        Status::Started => "first run: its current matches",
        Status::Restarted => "the query changed: started over with its current matches",
        Status::Marked => "first run: marked, nothing reported (--from-now)",
        Status::Continued => "new since the last run",
        Status::Rebuilt => "the index was rebuilt: compared by content",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The hits in document groups: each document once, its new passages under it, in rank order
/// of their document's best one.
fn by_document(hits: &[Hit]) -> Vec<(&Hit, Vec<&Hit>)> {
    let mut groups: Vec<(&Hit, Vec<&Hit>)> = Vec::new();
    for hit in hits {
        match groups
            .iter_mut()
            .find(|(first, _)| first.passage.doc_id == hit.passage.doc_id)
        {
            Some((_, rest)) => rest.push(hit),
            None => groups.push((hit, Vec::new())),
        }
    }
    groups
}

fn summary(run: &WatchRun) -> String {
    let (with_new, new) = run.counts();
    format!(
        "{}, {} with new passages, {}{}",
        plural(run.results.len(), "query", "queries"),
        with_new,
        plural(new, "new passage", "new passages"),
        match run.failed() {
            0 => String::new(),
            n => format!(", {} failed", n),
        }
    )
}

fn write_text<W: Write>(out: &mut W, run: &WatchRun) -> io::Result<()> {
    for r in &run.results {
        write_query_heading(out, r)?;
        if let Ok(new) = &r.outcome {
            for (first, rest) in by_document(&new.hits) {
                for hit in std::iter::once(first).chain(rest) {
                    writeln!(out, "  {}", citation(&hit.passage))?;
                    writeln!(out, "      {}", hit.passage.text)?;
                }
            }
            if new.total > new.hits.len() {
                writeln!(
                    out,
                    "  … and {} more new (raise --limit to see them)",
                    new.total - new.hits.len()
                )?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(run))
}

fn write_query_heading<W: Write>(out: &mut W, r: &WatchResult) -> io::Result<()> {
    let q = &r.query;
    match &r.outcome {
        Ok(new) => writeln!(
            out,
            "== {} (line {}): {} — {} ({})",
            q.id,
            q.line,
            q.query,
            plural(new.total, "new passage", "new passages"),
            status_note(new.status)
        ),
        Err(e) => writeln!(
            out,
            "== {} (line {}): {} — error: {e}",
            q.id, q.line, q.query
        ),
    }
}

fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>#|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn write_markdown<W: Write>(out: &mut W, run: &WatchRun, header: &WatchHeader) -> io::Result<()> {
    writeln!(
        out,
        "# Watch-list `{}`",
        header.watch_list.replace('`', "'")
    )?;
    writeln!(out)?;
    writeln!(out, "- Run on: {}", header.run_at)?;
    writeln!(out, "- {}", summary(run))?;
    writeln!(out)?;
    for r in &run.results {
        let q = &r.query;
        writeln!(out, "## {} — {}", md_escape(&q.id), md_escape(&q.query))?;
        writeln!(out)?;
        match &r.outcome {
            Err(e) => writeln!(out, "**Error** (line {}): {}", q.line, md_escape(e))?,
            Ok(new) if new.hits.is_empty() => {
                writeln!(out, "Nothing new ({}).", status_note(new.status))?
            }
            Ok(new) => {
                writeln!(
                    out,
                    "{} ({}):",
                    plural(new.total, "new passage", "new passages"),
                    status_note(new.status)
                )?;
                writeln!(out)?;
                for (first, rest) in by_document(&new.hits) {
                    writeln!(out, "### {}", md_escape(&first.passage.title))?;
                    writeln!(out)?;
                    for hit in std::iter::once(first).chain(rest) {
                        writeln!(out, "> {}", md_escape(&hit.passage.text))?;
                        writeln!(out)?;
                        writeln!(out, "— `{}`", citation(&hit.passage).replace('`', "'"))?;
                        writeln!(out)?;
                    }
                }
                if new.total > new.hits.len() {
                    writeln!(out, "… and {} more new.", new.total - new.hits.len())?;
                }
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct QueryJson<'a> {
    id: &'a str,
    query: &'a str,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_total: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hits: Option<Vec<HitJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

fn write_jsonl<W: Write>(out: &mut W, run: &WatchRun) -> io::Result<()> {
    for r in &run.results {
        let q = &r.query;
        let record = match &r.outcome {
            Ok(new) => QueryJson {
                id: &q.id,
                query: &q.query,
                line: q.line,
                status: Some(new.status),
                new_total: Some(new.total),
                hits: Some(new.hits.iter().map(HitJson::new).collect()),
                error: None,
            },
            Err(e) => QueryJson {
                id: &q.id,
                query: &q.query,
                line: q.line,
                status: None,
                new_total: None,
                hits: None,
                error: Some(e),
            },
        };
        serde_json::to_writer(&mut *out, &record)?;
        writeln!(out)?;
    }
    Ok(())
}

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A stable id: the same query id and the same passage text in the same document give the same
/// id in every run (and across a rebuild).
fn entry_id(query_id: &str, hit: &Hit) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(query_id.as_bytes());
    hasher.update(b"\x1f");
    hasher.update(hit.passage.doc_id.as_bytes());
    hasher.update(b"\x1f");
    hasher.update(&crate::index::text_digest(&hit.passage.text).to_le_bytes());
    format!("urn:dossier:{}", &hasher.finalize().to_hex()[..32])
}

fn write_atom<W: Write>(out: &mut W, run: &WatchRun, header: &WatchHeader) -> io::Result<()> {
    let feed_id = blake3::hash(header.watch_list.as_bytes()).to_hex();
    writeln!(out, r#"<?xml version="1.0" encoding="utf-8"?>"#)?;
    writeln!(out, r#"<feed xmlns="http://www.w3.org/2005/Atom">"#)?;
    writeln!(
        out,
        "  <title>dossier watch: {}</title>",
        xml(&header.watch_list)
    )?;
    writeln!(out, "  <id>urn:dossier:watch:{}</id>", &feed_id[..32])?;
    writeln!(out, "  <updated>{}</updated>", xml(&header.run_at))?;
    writeln!(out, "  <author><name>dossier</name></author>")?;
    writeln!(out, "  <subtitle>{}</subtitle>", xml(&summary(run)))?;
    for r in &run.results {
        let Ok(new) = &r.outcome else { continue };
        for hit in &new.hits {
            let p = &hit.passage;
            writeln!(out, "  <entry>")?;
            writeln!(
                out,
                "    <title>{}</title>",
                xml(&format!("[{}] {} ¶{}", r.query.query, p.title, p.number()))
            )?;
            writeln!(out, "    <id>{}</id>", entry_id(&r.query.id, hit))?;
            writeln!(out, "    <updated>{}</updated>", xml(&header.run_at))?;
            if let Some(url) = p.meta.get("url").and_then(|u| u.as_str()) {
                if url.starts_with("http://") || url.starts_with("https://") {
                    writeln!(out, r#"    <link rel="alternate" href="{}"/>"#, xml(url))?;
                }
            }
            writeln!(
                out,
                r#"    <summary type="text">{}</summary>"#,
                xml(&p.text)
            )?;
            writeln!(
                out,
                r#"    <content type="text">{}</content>"#,
                xml(&format!("{}\n\n{}", citation(p), p.text))
            )?;
            writeln!(out, "  </entry>")?;
        }
    }
    writeln!(out, "</feed>")
}
