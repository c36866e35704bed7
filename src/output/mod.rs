//! Output: one printer per format, each generic over `io::Write` so tests print into a `Vec<u8>`.
//! Printers know the result data, never tantivy.

pub mod batch;
pub mod copies;
pub mod eval;
pub mod explain;
pub mod json;
pub mod quote;
pub mod stats;
pub mod text;
pub mod trend;
pub mod watch;

use std::io::{self, Write};

use crate::model::Passage;
use crate::search::SearchResults;

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: ranked citations with highlighted, cropped passages.
    Text,
    /// One JSON document with every hit.
    Json,
    /// One JSON object per hit, one per line.
    Jsonl,
    /// A section of a brief: the query, how many passages match, the hits with their
    /// citations and the matches in bold (the batch report's section).
    Markdown,
}

/// Writes search results in `format`.
pub fn write_results<W: Write>(
    out: &mut W,
    results: &SearchResults,
    format: Format,
    style: &text::Style,
) -> io::Result<()> {
    match format {
        Format::Text => text::write_results(out, results, style),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &json::SearchJson::new(results))?;
            writeln!(out)
        }
        Format::Jsonl => {
            for hit in &results.hits {
                serde_json::to_writer(&mut *out, &json::HitJson::new(hit))?;
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Markdown => batch::write_markdown_search(out, results, None),
    }
}

/// Writes a passage with its neighbours (`dossier show`).
pub fn write_passage<W: Write>(
    out: &mut W,
    passage: &Passage,
    before: &[Passage],
    after: &[Passage],
    format: Format,
    style: &text::Style,
) -> io::Result<()> {
    match format {
        Format::Text | Format::Markdown => text::write_passage(out, passage, before, after, style),
        Format::Json | Format::Jsonl => {
            let show = json::ShowJson::new(passage, before, after);
            if format == Format::Json {
                serde_json::to_writer_pretty(&mut *out, &show)?;
            } else {
                serde_json::to_writer(&mut *out, &show)?;
            }
            writeln!(out)
        }
    }
}
