//! `--group doc`: ranked documents, each by its best passage with more of its matching passages
//! beneath and the count of the rest.

use std::collections::{BTreeMap, BTreeSet};

use dossier::output::{self, text::Style, Format};
use dossier::search::{SearchOptions, SearchRequest};

use crate::common::{engine_over, text_of};

fn grouped(query: &str, limit: usize, offset: usize, size: usize) -> SearchRequest {
    SearchRequest {
        offset,
        options: SearchOptions {
            group: Some(size),
            ..SearchOptions::default()
        },
        ..SearchRequest::new(query, limit)
    }
}

#[test]
fn documents_rank_by_their_best_passage_with_their_other_passages_beneath() {
    let engine = engine_over(&["fixtures/commentary", "fixtures/feeds", "fixtures/ungd"]);
    let all = engine
        .search(&SearchRequest::new("sanctions", 100_000))
        .unwrap();
    let mut per_doc: BTreeMap<String, usize> = BTreeMap::new();
    let mut best_order: Vec<String> = Vec::new();
    for hit in &all.hits {
        let n = per_doc.entry(hit.passage.doc_id.clone()).or_default();
        if *n == 0 {
            best_order.push(hit.passage.doc_id.clone());
        }
        *n += 1;
    }
    let results = engine.search(&grouped("sanctions", 5, 0, 2)).unwrap();
    assert_eq!(
        results.total_hits, all.total_hits,
        "total_hits counts passages"
    );
    assert_eq!(results.total_documents, Some(per_doc.len()));
    let docs: Vec<&str> = results
        .hits
        .iter()
        .map(|h| h.passage.doc_id.as_str())
        .collect();
    assert_eq!(
        docs,
        best_order[..5]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        docs.iter().collect::<BTreeSet<_>>().len(),
        docs.len(),
        "one hit per document"
    );
    for (i, hit) in results.hits.iter().enumerate() {
        assert_eq!(hit.rank, i + 1, "ranks count documents");
        let group = hit.group.as_ref().unwrap();
        assert!(group.passages.len() <= 2);
        assert!(group
            .passages
            .iter()
            .all(|p| p.passage.doc_id == hit.passage.doc_id));
        assert!(group.passages.iter().all(|p| p.score <= hit.score));
        assert_eq!(
            1 + group.passages.len() + group.more,
            per_doc[&hit.passage.doc_id],
            "{}",
            hit.passage.doc_id
        );
    }
    // Pages are pages of documents.
    let second = engine.search(&grouped("sanctions", 2, 1, 2)).unwrap();
    assert_eq!(second.hits[0].passage.doc_id, best_order[1]);
    assert_eq!(second.hits[0].rank, 2);
}

#[test]
fn grouped_results_print_their_groups() {
    let engine = engine_over(&["fixtures/commentary"]);
    let results = engine.search(&grouped("sanctions", 3, 0, 1)).unwrap();
    let text = text_of(&results);
    assert!(text.contains("    + fixtures/commentary/"), "{text}");
    assert!(
        text.contains("documents (") && text.contains("showing documents 1–"),
        "{text}"
    );
    let mut json = Vec::new();
    output::write_results(&mut json, &results, Format::Json, &Style::default()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(json["total_documents"].as_u64().unwrap() >= 3);
    let group = &json["hits"][0]["group"];
    assert!(group["more"].is_u64(), "{group}");
    assert_eq!(
        group["passages"][0]["doc_id"], json["hits"][0]["doc_id"],
        "group passages are hit records of the same document"
    );
    let plain = engine.search(&SearchRequest::new("sanctions", 3)).unwrap();
    let mut json = Vec::new();
    output::write_results(&mut json, &plain, Format::Json, &Style::default()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(json.get("total_documents").is_none() && json["hits"][0].get("group").is_none());
}
