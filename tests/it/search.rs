//! Search over the fixture corpus, in process: ranking, paging, highlights, exact citations,
//! query syntax, the any-word fallback and `--explain`, read through the JSON and text printers.
//! (What the binary adds, exit codes and its stderr notices, is tested in `cli`.)

use std::collections::BTreeSet;

use dossier::output::{self, text::Style};
use dossier::search::{SearchOptions, SearchRequest};

use crate::common::{
    assert_citation_exact, corpus, json_of, paths, request, root, run, search, search_with,
    text_of, HitJson, CORPUS, SEED,
};

#[test]
fn snapback_finds_the_araghchi_paragraph_of_the_seed_article() {
    let json = search(corpus(), "snapback");
    assert!(json.total_hits > 0, "found (exit code 0)");
    let hit = json
        .hits
        .iter()
        .find(|h| h.path == SEED)
        .expect("the seed article is among the hits");
    assert_eq!(hit.line_start, 17);
    assert_eq!(hit.line_end, 17);
    assert_eq!(hit.paragraph, 7);
    assert!(hit
        .text
        .starts_with("Abbas Araghchi, Iran’s foreign minister"));
    assert_eq!(
        hit.section.as_deref(),
        Some("Peace From the Barrel of a Gun: Trump’s Narrative of Coercive Diplomacy")
    );
    assert_eq!(
        hit.title,
        "Will Iran and the United States Retreat From Their Positions?"
    );
    let lit: Vec<&str> = hit
        .highlights
        .iter()
        .map(|[s, e]| &hit.text[*s..*e])
        .collect();
    assert_eq!(lit, ["snapback"]);
    assert_citation_exact(root(), hit);

    // The text format cites the same line.
    let text = text_of(&run(corpus(), &SearchRequest::new("snapback", 10)));
    assert!(text.contains(&format!("{SEED}:17 ¶7 — Will Iran")));
}

#[test]
fn a_phrase_returns_exactly_the_passages_containing_it_and_highlights_only_it() {
    let json = search(corpus(), "\"maximum pressure\"");
    let found: BTreeSet<String> = json.hits.iter().map(|h| h.passage_id.clone()).collect();

    // Brute force over every passage of the corpus, chunked by the library (from the same
    // relative paths as the index, so the ids compare as they are).
    let mut expected = BTreeSet::new();
    let mut passages = Vec::new();
    let (sources, _) = dossier::ingest::find_sources(&paths(CORPUS));
    for source in sources {
        for item in dossier::ingest::read_all(&source, &Default::default()) {
            if let dossier::ingest::Item::Document(doc) = item {
                passages.extend(doc.passages);
            }
        }
    }
    for p in &passages {
        if p.text.to_lowercase().contains("maximum pressure") {
            expected.insert(p.passage_id.clone());
        }
    }
    assert_eq!(found, expected);
    assert_eq!(json.total_hits, expected.len());
    assert!(expected.len() >= 6, "the fixtures use the phrase widely");

    for hit in &json.hits {
        assert!(!hit.highlights.is_empty());
        for [s, e] in &hit.highlights {
            assert_eq!(
                hit.text[*s..*e].to_lowercase(),
                "maximum pressure",
                "in {}",
                hit.passage_id
            );
        }
    }
    // The paragraph with "pressure ... maximum" apart is not a phrase match.
    assert!(json.hits.iter().all(|h| !h.text.contains("condensate")));
}

#[test]
fn every_cited_line_and_byte_range_holds_the_hit_text() {
    for query in [
        "snapback",
        "sanctions",
        "\"Security Council\"",
        "IRGC",
        "Tehran’s",
        "résumé",
        "Zürich",
        "U.S.",
        "Kharg OR Hormuz",
        "nuclear -Israel",
        "section:deadlock",
    ] {
        // The search runs (no error) and finds something (exit code 0).
        let json = search(corpus(), query);
        assert!(!json.hits.is_empty(), "{query}");
        for hit in &json.hits {
            assert_citation_exact(root(), hit);
        }
    }
}

#[test]
fn ranks_scores_and_paging() {
    let all = search(corpus(), "sanctions");
    assert!(all.hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert_eq!(all.query, "sanctions");
    let page = search_with(
        corpus(),
        &SearchRequest {
            limit: 3,
            offset: 2,
            ..request("sanctions")
        },
    );
    assert_eq!(page.total_hits, all.total_hits);
    assert_eq!(page.hits.len(), 3);
    assert_eq!(page.hits[0].rank, 3);
    assert_eq!(page.hits[0].passage_id, all.hits[2].passage_id);
}

#[test]
fn jsonl_prints_one_hit_per_line() {
    let results = run(corpus(), &SearchRequest::new("snapback", 3));
    let mut out = Vec::new();
    output::write_results(&mut out, &results, output::Format::Jsonl, &Style::default()).unwrap();
    let lines: Vec<HitJson> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2].rank, 3);
}

#[test]
fn query_syntax_works_end_to_end() {
    let ids = |q: &str| -> Vec<String> {
        search(corpus(), q)
            .hits
            .into_iter()
            .map(|h| h.passage_id)
            .collect()
    };
    // Every word must match.
    for id in ids("Kharg shadow") {
        assert!(id.contains("gulf-shipping"), "{id}");
    }
    // Exclusion.
    let excluded = search(corpus(), "nuclear -Israel");
    assert!(excluded
        .hits
        .iter()
        .all(|h| !h.text.to_lowercase().contains("israel")
            && !h.title.to_lowercase().contains("israel")));
    // OR.
    let either = ids("Kharg OR Musandam");
    assert_eq!(either.len(), 2);
    // Fields.
    let titled = search(corpus(), "title:timeline");
    assert!(!titled.hits.is_empty());
    assert!(titled.hits.iter().all(|h| h.title.contains("Timeline")));
    // Prefix: a real prefix match, not the bare word.
    let prefix = search(corpus(), "snap*");
    let lit: BTreeSet<String> = prefix
        .hits
        .iter()
        .flat_map(|h| {
            h.highlights
                .iter()
                .map(|[s, e]| h.text[*s..*e].to_lowercase())
        })
        .collect();
    assert!(lit.contains("snapback"), "{lit:?}");
    assert!(lit.contains("snap"), "{lit:?}");
    assert!(lit.iter().all(|w| w.starts_with("snap")));
    // Sloppy phrase: "pressure was at its maximum" is not in order, "maximum economic pressure"-like
    // gaps are.
    let slop = search(corpus(), "\"maximum pressure\"~2");
    assert!(slop.total_hits >= search(corpus(), "\"maximum pressure\"").total_hits);
}

#[test]
fn no_passage_with_every_word_falls_back_to_any_word() {
    let results = run(corpus(), &request("snapback zzyzxq"));
    // The binary announces the fallback on stderr when this flag is set (see `cli`).
    assert!(results.fallback);
    let json = json_of(&results);
    assert!(json.total_hits > 0, "found (exit code 0)");
    assert_eq!(json.match_mode, "any");
    assert!(!json.hits.is_empty());
    // An explicit AND means it: no fallback.
    let strict = run(corpus(), &request("snapback AND zzyzxq"));
    assert!(!strict.fallback);
    assert_eq!(strict.total_hits, 0, "nothing found (exit code 1)");
}

#[test]
fn explain_tells_how_the_query_was_read_and_why_a_hit_scored() {
    let explained = |query: &str, limit: usize| {
        run(
            corpus(),
            &SearchRequest {
                options: SearchOptions {
                    explain: true,
                    ..SearchOptions::default()
                },
                ..SearchRequest::new(query, limit)
            },
        )
    };
    let mut out = Vec::new();
    output::write_results(
        &mut out,
        &explained("snapback IRGC", 2),
        output::Format::Json,
        &Style::default(),
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let understood: Vec<&str> = json["explain"]["understood"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        understood
            .iter()
            .any(|l| l.starts_with("IRGC → ")
                && l.contains("alias `Islamic Revolutionary Guard Corps`")),
        "{understood:?}"
    );
    assert!(
        understood
            .iter()
            .any(|l| l.contains("no passage has every word")),
        "{understood:?}"
    );
    let why = &json["hits"][0]["explain"];
    assert!(why["score"].as_f64().unwrap() > 0.0);
    assert!(why["matched"][0].as_str().unwrap().contains("→"), "{why}");
    let printed = text_of(&explained("sanctions", 1));
    assert!(
        printed.starts_with("query understood as:\n  sanctions → sanction (as typed)"),
        "{printed}"
    );
    assert!(printed.contains("why: "), "{printed}");
}

/// `ghalibaff` is in no passage, while `Ghalibaff~1` finds Ghalibaf: a search that finds
/// nothing offers the query spelled as the index has its words. The JSON says so under
/// `suggestions`, only when there is one.
#[test]
fn a_search_that_finds_nothing_suggests_the_indexed_spelling() {
    let results = run(corpus(), &request("ghalibaff"));
    assert_eq!(results.total_hits, 0);
    assert_eq!(results.suggestions, ["ghalibaf"]);
    let json = search(corpus(), "ghalibaf");
    assert!(json.total_hits > 0, "the suggestion finds passages");

    // Each unknown word is replaced in place; the rest of the query stays as typed.
    let results = run(corpus(), &request("Speaker Ghalibaff AND Majlis -zzzzzz"));
    assert_eq!(results.suggestions, ["Speaker ghalibaf AND Majlis -zzzzzz"]);

    let printed = |query: &str| {
        let mut out = Vec::new();
        output::write_results(
            &mut out,
            &run(corpus(), &request(query)),
            output::Format::Json,
            &Style::default(),
        )
        .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out).unwrap()
    };
    assert_eq!(
        printed("ghalibaff")["suggestions"],
        serde_json::json!(["ghalibaf"])
    );
    assert!(printed("ghalibaf").get("suggestions").is_none());
    // Nothing near: no suggestion.
    assert!(run(corpus(), &request("zzyzxq")).suggestions.is_empty());
    assert!(printed("zzyzxq").get("suggestions").is_none());
}
