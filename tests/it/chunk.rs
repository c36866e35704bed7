//! Chunking, in process: the paragraphs a document is cut into (what `dossier chunk` prints and
//! `ingest` indexes), hard-wrapped and numbered speeches, and long paragraphs split into parts
//! that search and show cite.

use std::collections::BTreeSet;
use std::path::Path;

use dossier::engine::IngestOptions;
use dossier::ingest::{ChunkOptions, Item, ReadOptions};
use dossier::output;

use crate::common::{
    assert_citation_exact, ingest_in_ram, paths, root, search, show_json, HitJson, SEED,
};

#[test]
fn the_seed_article_yields_its_eighteen_body_paragraphs() {
    let bytes = std::fs::read(root().join(SEED)).unwrap();
    let (doc, warning) = dossier::ingest::document_from_bytes(
        Path::new(SEED),
        dossier::ingest::Format::Text,
        &bytes,
        &Default::default(),
    )
    .unwrap();
    assert_eq!(warning, None);
    assert_eq!(doc.passages.len(), 18);
    assert!(doc.passages[..4].iter().all(|p| p.section.is_none()));
    let sections: BTreeSet<_> = doc
        .passages
        .iter()
        .filter_map(|p| p.section.clone())
        .collect();
    assert_eq!(sections.len(), 4);
    assert!(doc
        .passages
        .iter()
        .all(|p| !p.text.contains("Was this news useful")));
}

/// What `dossier chunk PATH` prints: the passages as JSON lines (`--format jsonl`), or the text
/// format; and whether something was skipped as an error (exit code 2).
fn chunk(path: &str, jsonl: bool) -> (String, bool) {
    let mut out = Vec::new();
    let mut errors = false;
    dossier::ingest::read_paths(
        &paths(&[path]),
        &ReadOptions::default(),
        &mut |item| -> std::io::Result<()> {
            match item {
                Item::Document(doc) if jsonl => {
                    for passage in &doc.passages {
                        serde_json::to_writer(&mut out, &output::json::PassageJson::new(passage))?;
                        out.push(b'\n');
                    }
                }
                Item::Document(doc) => output::text::write_chunked_document(&mut out, &doc)?,
                Item::Skip(skip) => errors |= skip.reason.is_error(),
                Item::Warning { .. } | Item::Unchanged { .. } => {}
            }
            Ok(())
        },
    )
    .unwrap();
    (String::from_utf8(out).unwrap(), errors)
}

#[test]
fn chunk_shows_the_passages_ingest_would_index() {
    let (records, errors) = chunk("fixtures/ungd", true);
    assert!(!errors, "nothing skipped as an error (exit code 0)");
    let passages: Vec<HitJson> = records
        .lines()
        .map(|l| {
            // Chunk records are search hits without rank, score and highlights.
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["rank"] = 0.into();
            v["score"] = 0.0.into();
            v["highlights"] = serde_json::json!([]);
            serde_json::from_value(v).unwrap()
        })
        .collect();
    for p in &passages {
        assert_citation_exact(root(), p);
        assert!(p.text.chars().count() <= 1500 || !p.text.trim_end_matches('.').contains(". "));
        assert!(!p.text.contains("27/55") && !p.text.contains("A/70/PV.22 01/10/2015"));
    }
    // Hard-wrapped speech: rebuilt paragraphs, not one blob and not 50-character fragments.
    let usa: Vec<&HitJson> = passages
        .iter()
        .filter(|p| p.path.ends_with("USA_60_2005.txt"))
        .collect();
    assert!(usa.len() > 15, "{} passages", usa.len());
    let median = {
        let mut l: Vec<usize> = usa.iter().map(|p| p.text.len()).collect();
        l.sort_unstable();
        l[l.len() / 2]
    };
    assert!(
        (200..1500).contains(&median),
        "median passage {median} bytes"
    );
    // Numbered 1970 speech: the record's own numbers, outside the text.
    let irn: Vec<&HitJson> = passages
        .iter()
        .filter(|p| p.path.ends_with("IRN_25_1970.txt"))
        .collect();
    assert_eq!(irn[0].source_paragraph.as_deref(), Some("31"));
    assert!(
        irn.iter()
            .all(|p| !p.text.starts_with(|c: char| c.is_ascii_digit())
                || p.source_paragraph.is_none())
    );

    let (printed, _) = chunk("fixtures/ungd/IRN_25_1970.txt", false);
    assert!(printed.contains("one paragraph per line"), "{printed}");
    assert!(
        printed.contains("¶1 (source ¶31) — Iran — UN General Debate 1970"),
        "{printed}"
    );
}

#[test]
fn long_paragraphs_are_split_into_parts_that_search_and_show_cite() {
    // `ingest --max-passage-chars 300`.
    let options = IngestOptions {
        read: ReadOptions {
            chunk: ChunkOptions { max_chars: 300 },
            ..ReadOptions::default()
        },
        ..IngestOptions::default()
    };
    let (engine, report) = ingest_in_ram(&paths(&["fixtures/ungd"]), &options);
    assert!(!report.has_errors(), "{:?}", report.skips);
    let json = search(&engine, "sanctions");
    let part = json
        .hits
        .iter()
        .find(|h| h.part == Some(2))
        .expect("some hit is a second part");
    assert_citation_exact(root(), part);
    // The id names the part (derived at load from the document, paragraph and part).
    assert_eq!(
        part.passage_id,
        format!("{}#{}.2", part.doc_id, part.paragraph)
    );
    let shown = show_json(&engine, &part.passage_id, 1);
    assert_eq!(shown["before"][0]["part"], 1);
    assert_eq!(shown["before"][0]["paragraph"], part.paragraph);
}

/// The passages a Markdown fixture is read into.
fn markdown_passages(path: &str) -> dossier::model::Document {
    let bytes = std::fs::read(root().join(path)).unwrap();
    dossier::ingest::document_from_bytes(
        Path::new(path),
        dossier::ingest::Format::Markdown,
        &bytes,
        &Default::default(),
    )
    .unwrap()
    .0
}

/// The CRS pages' footnotes are a pipe table with no delimiter row (`| 1. | United Nations…`):
/// each row is a passage of its own, its cells without the pipes, cited on its line. They came
/// out as one raw run of rows, cut into parts.
#[test]
fn pipe_tables_without_a_delimiter_row_give_a_passage_per_row() {
    let path = "fixtures/markdown/crs-R48903-excerpt.md";
    let doc = markdown_passages(path);
    let notes: Vec<_> = doc
        .passages
        .iter()
        .filter(|p| p.section.as_deref() == Some("Footnotes"))
        .collect();
    assert_eq!(notes.len(), 5, "{notes:#?}");
    assert!(notes[0].text.starts_with(
        "1. United Nations Conference on Trade and Development (UNCTAD), \"Strait of Hormuz"
    ));
    for (i, note) in notes.iter().enumerate() {
        assert!(
            note.text.starts_with(&format!("{}. ", i + 1)),
            "{}",
            note.text
        );
        assert!(!note.text.contains('|'), "{}", note.text);
        assert_eq!(note.line_start, note.line_end);
        assert!(note.reference, "footnotes are reference matter");
    }
    assert!(doc.passages.iter().all(|p| !p.text.starts_with('|')));
    let engine = ingest_in_ram(&paths(&["fixtures/markdown"]), &IngestOptions::default()).0;
    for hit in search(&engine, "UNCTAD OR Beckman OR UKMTO").hits {
        assert_citation_exact(root(), &hit);
    }
}

/// A converted report page prints its title with the date glued to it, behind a glued
/// `[Listen](…)` link: `ListenIran and Nuclear Weapons ProductionUpdated April 9, 2026
/// (IF12106)` was a passage. The date is still read; the line is not text. The page header's
/// key-value table (`| **Author:** | Kerr, Paul K.`) is metadata, like the `**Key:** value`
/// header above it, and its "Hide Overview" toggle is interface debris.
#[test]
fn a_report_pages_masthead_and_header_table_are_not_passages() {
    let doc = markdown_passages("fixtures/markdown/crs-IF12106-excerpt.md");
    let texts: Vec<&str> = doc.passages.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts.len(), 1, "{texts:#?}");
    assert!(texts[0].starts_with("Iran's nuclear program has for decades"));
    assert_eq!(doc.passages[0].section.as_deref(), Some("Background"));
    assert_eq!(doc.meta["date"], "2026-04-09");
    assert_eq!(doc.meta["updated"], "2026-04-09");
    assert_eq!(doc.meta["crs_product_type"], "In Focus");
    assert_eq!(doc.meta["author"], "Kerr, Paul K.");

    // The other shape: the masthead without `Listen`, and a date with no `Updated`.
    let doc = markdown_passages("fixtures/markdown/crs-R48903-excerpt.md");
    assert!(
        doc.passages
            .iter()
            .all(|p| !p.text.contains("ShippersApril 10, 2026")),
        "{:#?}",
        doc.passages
    );
    // The version list item the IN12678 page runs its masthead into keeps its own text only.
    let doc = markdown_passages("fixtures/articles/crs-IN12678-us-iran-ceasefire.md");
    assert!(doc
        .passages
        .iter()
        .all(|p| !p.text.contains("Listen") && !p.text.contains("CongressUpdated")));
}
