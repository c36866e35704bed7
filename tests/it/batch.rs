//! Batch runs over the shared corpus index, in process: input formats, results in input order
//! with errors in their place, and each output format (JSONL, CSV/TSV, TREC, Markdown) as its
//! printer writes it. (Standard input, `--output` and the stderr report are tested in `cli`.)

use std::collections::BTreeSet;

use dossier::batch::{BatchOptions, BatchResult};
use dossier::eval::TrecUnit;
use dossier::output::batch::{write_batch, write_markdown_report, BatchFormat, ReportHeader};
use dossier::search::{SearchOptions, SearchRequest};

use crate::common::{assert_citation_exact, corpus, request, root, search_with, HitJson};

/// `dossier batch NAME --format FORMAT -n LIMIT [--trec-unit UNIT]` on `text`: the results and
/// what the command prints, with the options the command derives from its flags.
fn batch(
    text: &str,
    name: &str,
    format: BatchFormat,
    limit: usize,
    unit: TrecUnit,
) -> (Vec<BatchResult>, String) {
    let options = BatchOptions {
        limit,
        search: SearchOptions {
            // Highlights only matter where they are shown.
            highlights: matches!(format, BatchFormat::Jsonl | BatchFormat::Markdown),
            ..SearchOptions::default()
        },
        per_document: unit == TrecUnit::Document,
        threads: 0,
    };
    let results = corpus().batch(text, Some(name), &options, &[]).unwrap();
    let mut out = Vec::new();
    write_batch(&mut out, &results, format, unit).unwrap();
    (results, String::from_utf8(out).unwrap())
}

#[test]
fn batch_runs_a_watch_list_in_order_with_errors_in_their_place() {
    let (results, printed) = batch(
        "# Iran watch-list\nsnapback\n\n\"maximum pressure\"\n\"unclosed quote\nIRGC sanctions\nzzyzxq\n",
        "watch.txt",
        BatchFormat::Jsonl,
        10,
        TrecUnit::Passage,
    );
    // What the binary reports on stderr (see `cli`): the failed query by id and line, and the
    // counts; a failed query makes the exit code 2.
    let failed: Vec<(&str, usize, &str)> = results
        .iter()
        .filter_map(|r| {
            r.outcome
                .as_ref()
                .err()
                .map(|e| (r.query.id.as_str(), r.query.line, e.as_str()))
        })
        .collect();
    assert_eq!(failed.len(), 1, "1 failed: {failed:?}");
    let (id, line, error) = failed[0];
    assert_eq!((id, line), ("5", 5), "query 5 (line 5)");
    assert!(error.starts_with("bad query: unclosed quote"), "{error}");
    assert_eq!(results.len(), 5, "5 queries");
    let empty = results
        .iter()
        .filter(|r| r.outcome.as_ref().is_ok_and(|res| res.hits.is_empty()))
        .count();
    assert_eq!(empty, 1, "1 with no hits");

    let lines: Vec<serde_json::Value> = printed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["2", "4", "5", "6", "7"],
        "input order, ids are line numbers"
    );
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .contains("unclosed quote"));
    assert_eq!(lines[4]["total_hits"], 0);
    // Each record has the search JSON shape: the same hits as `dossier search`.
    let single = search_with(
        corpus(),
        &SearchRequest {
            limit: 10,
            ..request("\"maximum pressure\"")
        },
    );
    let hits: Vec<HitJson> = serde_json::from_value(lines[1]["hits"].clone()).unwrap();
    assert_eq!(
        hits.iter().map(|h| &h.passage_id).collect::<Vec<_>>(),
        single
            .hits
            .iter()
            .map(|h| &h.passage_id)
            .collect::<Vec<_>>()
    );
    for hit in &hits {
        assert_citation_exact(root(), hit);
        assert!(!hit.highlights.is_empty());
    }
}

#[test]
fn batch_writes_csv_tsv_that_spreadsheets_read_back() {
    for (format, delimiter) in [(BatchFormat::Csv, b','), (BatchFormat::Tsv, b'\t')] {
        let (results, printed) = batch(
            "q1\t\"maximum pressure\"\nq2\tsnapback\n",
            "q.tsv",
            format,
            3,
            TrecUnit::Passage,
        );
        assert!(
            results.iter().all(|r| r.outcome.is_ok()),
            "no query failed (exit code 0)"
        );
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(printed.as_bytes());
        let header = reader.headers().unwrap().clone();
        assert_eq!(&header[0], "query_id");
        assert_eq!(header.iter().next_back(), Some("text"));
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 6);
        assert_eq!(
            (&rows[0][0], &rows[0][1], &rows[0][2]),
            ("q1", "\"maximum pressure\"", "1")
        );
        assert_eq!(&rows[3][0], "q2");
        // The text survives quoting (commas, quotes, curly quotes) intact.
        let json = search_with(
            corpus(),
            &SearchRequest {
                limit: 1,
                ..request("\"maximum pressure\"")
            },
        );
        assert_eq!(&rows[0][19], json.hits[0].text);
        assert_eq!(&rows[0][4], json.hits[0].passage_id);
    }
}

#[test]
fn batch_writes_trec_runs_by_passage_or_document_and_markdown_reports() {
    let queries = "sanctions\nsnapback\n";
    let (_, run) = batch(queries, "q.txt", BatchFormat::Trec, 5, TrecUnit::Document);
    let rows: Vec<Vec<&str>> = run.lines().map(|l| l.split(' ').collect()).collect();
    assert!(rows
        .iter()
        .all(|r| r.len() == 6 && r[1] == "Q0" && r[5] == "dossier"));
    let first: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "1").collect();
    assert_eq!(first.len(), 5);
    let docs: BTreeSet<&str> = first.iter().map(|r| r[2]).collect();
    assert_eq!(docs.len(), 5, "one line per document");
    assert_eq!(
        first.iter().map(|r| r[3]).collect::<Vec<_>>(),
        ["1", "2", "3", "4", "5"]
    );
    assert!(docs.iter().all(|d| !d.contains('#')));

    let (_, run) = batch(queries, "q.txt", BatchFormat::Trec, 3, TrecUnit::Passage);
    assert!(
        run.lines()
            .all(|l| l.split(' ').nth(2).unwrap().contains('#')),
        "passage ids"
    );

    // (That `--output FILE` gets this report and stdout nothing is tested in `cli`.)
    let (results, md) = batch(
        queries,
        "q.txt",
        BatchFormat::Markdown,
        2,
        TrecUnit::Passage,
    );
    assert!(results.iter().all(|r| r.outcome.is_ok()), "exit code 0");
    assert!(md.starts_with("# Search report"));
    assert!(md.contains("## 2 — `snapback`"), "{md}");
    assert!(md.contains("**snapback**"), "matches in bold: {md}");
    assert!(
        md.contains("will-iran-and-the-us-retreat.txt:17 ¶7")
            || md.contains("snapback-mechanism.md"),
        "{md}"
    );
}

/// The Markdown brief: a header saying which index, which filters and which day; counts in
/// good English (`1 passage matches`, `1 query`); citations with their paths as code, so a
/// file name's underscores stay as they are (`ISR_70_2015.txt`, not `ISR\_70\_2015.txt`).
#[test]
fn the_markdown_brief_names_its_run_and_reads_well() {
    let queries = "# watch-list\nsnapback\n\"nuclear bargain\"\n";
    let (results, _) = batch(
        queries,
        "q.txt",
        BatchFormat::Markdown,
        2,
        TrecUnit::Passage,
    );
    let header = ReportHeader {
        index: "idx".into(),
        filters: vec!["--source UN News".into(), "--where year=2015..2019".into()],
        date: "2026-12-01".into(),
    };
    let mut out = Vec::new();
    write_markdown_report(&mut out, &results, &header).unwrap();
    let md = String::from_utf8(out).unwrap();
    assert!(
        md.starts_with(
            "# Search report\n\n- Index: `idx`\n- Filters: `--source UN News`, `--where year=2015..2019`\n- Run on: 2026-12-01\n- Queries: 2\n\n"
        ),
        "{md}"
    );
    // The ids are line numbers: after the comment, the first query is on line 2.
    assert!(md.contains("## 2 — `snapback`\n\n"), "{md}");
    let total = corpus()
        .search(&SearchRequest::new("snapback", 0))
        .unwrap()
        .total_hits;
    assert!(
        md.contains(&format!("{total} passages match; the first 2:\n")),
        "{md}"
    );
    assert!(
        md.contains("## 3 — `\"nuclear bargain\"`\n\n1 passage matches:\n"),
        "{md}"
    );
    assert!(md.contains("1. `fixtures/"), "{md}");
    assert!(!md.contains("\\_"), "nothing escaped in paths: {md}");
    // A title's match is in bold in the citation.
    assert!(
        md.contains("The **Snapback** Mechanism Explained") || !md.contains("Snapback Mechanism"),
        "{md}"
    );

    let (results, md) = batch(
        "snapback\n",
        "q.txt",
        BatchFormat::Markdown,
        1,
        TrecUnit::Passage,
    );
    assert_eq!(results.len(), 1);
    assert!(md.contains("- Queries: 1\n"), "{md}");
    assert!(md.contains("- Filters: none\n"), "{md}");
}
