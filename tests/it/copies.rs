//! Syndicated and near-duplicate passages: clusters assigned at ingest, copies folded under the
//! best-ranked hit ("also in N sources"), counted once in trends, `--no-fold` and
//! `--count-copies` (`fold=0`, `count_copies=1` in the API).
//!
//! The test set is `fixtures/copies/` (made by `benches/copies-fixture.sh`): 60 outlet articles
//! that copy passages of the UN speeches in `fixtures/ungd`, `fixtures/feeds` and
//! `fixtures/copies/openings.jsonl.gz` with light edits, beside paragraphs of other speeches of
//! the same sessions, and the truth of which copies which.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::http::StatusCode;
use dossier::engine::{Engine, IngestOptions};
use dossier::index::DossierIndex;
use dossier::model::Passage;
use dossier::search::trend::TrendBy;
use dossier::search::{SearchOptions, SearchRequest, SearchResults};
use dossier::server::{self, ServerConfig};
use serde_json::Value;

use crate::common::{get_json, ingest_in_ram, json_of, paths, text_of, TestEnv};
use crate::copies_score;

/// The speeches the outlets copy, then the outlets.
const SPEECHES: &[&str] = &[
    "fixtures/ungd",
    "fixtures/feeds",
    "fixtures/copies/openings.jsonl.gz",
];
const OUTLETS: &str = "fixtures/copies/outlets.jsonl";

/// The whole test set in one ingest.
fn engine() -> Engine {
    let mut all = SPEECHES.to_vec();
    all.push(OUTLETS);
    ingest_in_ram(&paths(&all), &IngestOptions::default()).0
}

fn truth() -> String {
    std::fs::read_to_string("fixtures/copies/truth.tsv").unwrap()
}

/// Clusters as sets of passage ids.
fn clusters(index: &DossierIndex) -> BTreeSet<BTreeSet<String>> {
    index
        .copy_clusters()
        .unwrap()
        .into_iter()
        .map(|c| c.into_iter().map(|p| p.passage_id).collect())
        .collect()
}

fn folded(query: &str, limit: usize, offset: usize, fold: bool) -> SearchRequest {
    SearchRequest {
        offset,
        options: SearchOptions {
            fold,
            ..SearchOptions::default()
        },
        ..SearchRequest::new(query, limit)
    }
}

/// A paragraph of Iran's 2017 speech that eight outlets copy.
const SYNDICATED: &str = "\"41 million people\"";

#[test]
fn folding_finds_the_copies_and_nothing_else() {
    let engine = engine();
    let found = engine.index().copy_clusters().unwrap();
    let score = copies_score::score(&truth(), &found);
    eprintln!("{}", score.report());
    assert!(score.precision() >= 0.98, "{}", score.report());
    assert!(score.recall() >= 0.95, "{}", score.report());
    assert!(
        score.copies >= 100 && score.unrelated >= 100,
        "{}",
        score.report()
    );
    // The outlets' unrelated paragraphs (other speeches' openings among them) fold with nothing,
    // and the speeches' own near-formulaic openings ("I congratulate you, Mr. President, on
    // your election…") never fold with each other.
    assert_eq!(score.unrelated_folded, 0, "{:?}", score.wrong);
    assert!(score.natural.is_empty(), "{:?}", score.natural);
    let openings = std::fs::read("fixtures/copies/openings.jsonl.gz").unwrap();
    assert!(openings.len() > 10_000);
    // A cluster's members are in ingest order: the speech first, then its copies (an outlet
    // may hold two copies of one paragraph: both join it).
    for cluster in &found {
        assert!(
            !cluster[0].doc_id.starts_with("outlet-"),
            "{:?}",
            cluster.iter().map(|p| &p.passage_id).collect::<Vec<_>>()
        );
    }
}

#[test]
fn copies_are_found_the_same_in_one_ingest_or_in_two() {
    let one = engine();
    // The speeches first, committed; then the outlets, whose copies are among the committed
    // passages (their band keys read from the index).
    let (two, _) = ingest_in_ram(&paths(SPEECHES), &IngestOptions::default());
    two.ingest(&paths(&[OUTLETS]), &IngestOptions::default(), &mut ())
        .unwrap();
    assert_eq!(clusters(one.index()), clusters(two.index()));
    // Ingesting again changes nothing.
    let before = clusters(two.index());
    two.ingest(&paths(&[OUTLETS]), &IngestOptions::default(), &mut ())
        .unwrap();
    assert_eq!(clusters(two.index()), before);
}

#[test]
fn a_rebuild_starts_the_clusters_anew() {
    let env = TestEnv::empty();
    let index = env.path("idx");
    let all = paths(&[SPEECHES, &[OUTLETS]].concat());
    dossier::engine::ingest(&index, &all, &IngestOptions::default(), &mut ()).unwrap();
    let first = clusters(&DossierIndex::open(&index).unwrap());
    let rebuild = IngestOptions {
        rebuild: true,
        ..IngestOptions::default()
    };
    dossier::engine::ingest(&index, &all, &rebuild, &mut ()).unwrap();
    assert_eq!(clusters(&DossierIndex::open(&index).unwrap()), first);
}

#[test]
fn copies_fold_under_the_best_ranked_passage() {
    let engine = engine();
    let all = engine.search(&folded(SYNDICATED, 100, 0, false)).unwrap();
    assert!(all.hits.len() >= 5, "{}", all.hits.len());
    let results = engine.search(&folded(SYNDICATED, 10, 0, true)).unwrap();
    assert_eq!(
        results.total_hits, all.total_hits,
        "total_hits counts passages"
    );
    assert_eq!(results.hits.len(), 1, "one story, not {}", all.hits.len());
    let hit = &results.hits[0];
    assert_eq!(hit.passage.passage_id, all.hits[0].passage.passage_id);
    let copies = hit.copies.as_ref().unwrap();
    assert_eq!(copies.total, all.hits.len() - 1);
    let listed: BTreeSet<&str> = copies
        .passages
        .iter()
        .map(|p| p.passage_id.as_str())
        .collect();
    let others: BTreeSet<&str> = all.hits[1..]
        .iter()
        .map(|h| h.passage.passage_id.as_str())
        .collect();
    assert_eq!(listed, others);
    // Earliest-dated first, the undated (the speech's text file) last.
    let dates: Vec<Option<&str>> = copies.passages.iter().map(date).collect();
    let mut sorted = dates.clone();
    sorted.sort_by_key(|d| (d.is_none(), *d));
    assert_eq!(dates, sorted);

    // The wire format: `copies` and `copies_total` on the hit, absent without copies.
    let json = json_value(&results);
    let hit = &json["hits"][0];
    assert_eq!(hit["copies_total"], copies.total);
    let first = &hit["copies"][0];
    let keys: BTreeSet<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["passage_id", "doc_id", "title", "source", "date"])
    );
    assert_eq!(first["passage_id"], copies.passages[0].passage_id);
    let plain = json_value(&all);
    assert!(plain["hits"][0].get("copies").is_none());
    assert!(plain["hits"][0].get("copies_total").is_none());
    // The text: a line under the hit.
    let text = text_of(&results);
    let line = format!("    also in {} sources: ", copies.total);
    assert!(text.contains(&line), "{text}");
}

fn date(p: &Passage) -> Option<&str> {
    p.meta.get("date").and_then(|d| d.as_str())
}

fn json_value(results: &SearchResults) -> Value {
    let mut out = Vec::new();
    dossier::output::write_results(
        &mut out,
        results,
        dossier::output::Format::Json,
        &dossier::output::text::Style::default(),
    )
    .unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// Every matching passage is a hit or a copy under one, once; folded copies do not use up the
/// page, and pages are pages of folded hits.
#[test]
fn folded_pages_show_every_passage_once() {
    let engine = engine();
    for query in ["Iran", "nuclear weapons", "congratulate", "development"] {
        let all = engine.search(&folded(query, 100_000, 0, false)).unwrap();
        let results = engine.search(&folded(query, 100_000, 0, true)).unwrap();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for hit in &results.hits {
            *seen.entry(hit.passage.passage_id.clone()).or_default() += 1;
            for copy in hit.copies.iter().flat_map(|c| &c.passages) {
                *seen.entry(copy.passage_id.clone()).or_default() += 1;
            }
        }
        let expected: BTreeMap<String, usize> = all
            .hits
            .iter()
            .map(|h| (h.passage.passage_id.clone(), 1))
            .collect();
        assert_eq!(seen, expected, "{query}");
        let page = engine.search(&folded(query, 10, 0, true)).unwrap();
        assert_eq!(page.hits.len(), 10.min(results.hits.len()), "{query}");
        let second = engine.search(&folded(query, 5, 5, true)).unwrap();
        let ids = |r: &SearchResults| -> Vec<String> {
            r.hits
                .iter()
                .map(|h| h.passage.passage_id.clone())
                .collect()
        };
        assert_eq!(ids(&second), ids(&page)[5..], "{query}");
        assert_eq!(
            second.hits.iter().map(|h| h.rank).collect::<Vec<_>>(),
            (6..=10).collect::<Vec<_>>()
        );
    }
}

#[test]
fn grouped_results_fold_too() {
    let engine = engine();
    let request = SearchRequest {
        options: SearchOptions {
            group: Some(2),
            ..SearchOptions::default()
        },
        ..SearchRequest::new(SYNDICATED, 10)
    };
    let results = engine.search(&request).unwrap();
    assert_eq!(
        results.hits.len(),
        1,
        "the documents made of copies fold away"
    );
    assert!(results.hits[0].copies.as_ref().unwrap().total >= 4);
    let json = json_of(&results);
    assert_eq!(json.hits.len(), 1);
}

/// A feed of four dated documents: a paragraph, two copies of it in the same year (one in a
/// document with a matching paragraph of its own), and a copy the next year.
fn wire() -> (TestEnv, Engine) {
    let env = TestEnv::empty();
    let story = "The foreign ministers of the three European countries said on Monday that they \
        had triggered the dispute mechanism of the nuclear agreement, a step that could lead to \
        the return of United Nations sanctions within weeks unless talks produce a compromise.";
    let own = "Separately, the agency reported that inspectors had regained access to two sites \
        where nuclear material had been stored, the first visits of the kind since the spring, \
        according to a confidential report circulated to member states this week.";
    let other = "Markets were calm on the news, and the currency held steady against the dollar \
        through the afternoon session, traders said, while oil prices edged higher on supply \
        worries that have lingered since the summer and a cold start to the winter.";
    let records = [
        (
            "wire-a",
            "Atlas Daily",
            "2019-09-01",
            format!("{story}\n\n{other}"),
        ),
        (
            "wire-b",
            "Delta Tribune",
            "2019-09-02",
            story.replace("Monday", "Sunday"),
        ),
        (
            "wire-c",
            "Summit News",
            "2019-09-03",
            format!("{story}\n\n{own}"),
        ),
        (
            "wire-d",
            "Evening Courier",
            "2020-01-10",
            story.replace(", a step", ". A step"),
        ),
    ];
    let mut feed = String::new();
    for (id, source, date, text) in records {
        feed.push_str(
            &serde_json::json!({ "id": id, "title": id, "source": source, "date": date, "text": text })
                .to_string(),
        );
        feed.push('\n');
    }
    std::fs::write(env.path("wire.jsonl"), feed).unwrap();
    let (engine, _) = ingest_in_ram(&[env.path("wire.jsonl")], &IngestOptions::default());
    (env, engine)
}

#[test]
fn a_trend_counts_a_copy_cluster_once() {
    let (_env, engine) = wire();
    let counted = |fold: bool, by: &TrendBy| {
        let template = SearchRequest {
            options: SearchOptions {
                fold,
                ..SearchOptions::default()
            },
            ..SearchRequest::new("", 0)
        };
        let trend = engine
            .trend(&["nuclear".to_owned()], by, &template)
            .unwrap();
        assert_eq!(trend.series[0].total_hits, 5, "total_hits counts passages");
        trend.series[0]
            .buckets
            .iter()
            .map(|b| {
                (
                    b.key.to_string(),
                    (b.documents, b.passages, b.all_documents),
                )
            })
            .collect::<BTreeMap<_, _>>()
    };
    // 2019: wire-a (the story), wire-b (a copy: not counted), wire-c (a copy, and a paragraph
    // of its own: counted); the story counts as one passage. 2020: the copy is that year's.
    let once = counted(true, &TrendBy::Year);
    assert_eq!(once["2019"], (2, 2, 3), "{once:?}");
    assert_eq!(once["2020"], (1, 1, 1), "{once:?}");
    let every = counted(false, &TrendBy::Year);
    assert_eq!(every["2019"], (3, 4, 3), "{every:?}");
    assert_eq!(every["2020"], (1, 1, 1), "{every:?}");
    // By source every outlet is a bucket of its own: nothing folds within one.
    let sources = counted(true, &TrendBy::Key("source".into()));
    assert_eq!(sources, counted(false, &TrendBy::Key("source".into())));
    // By month: September 2019 as the year.
    let months = counted(true, &TrendBy::Month);
    assert_eq!(months["\"2019-09\""], (2, 2, 3), "{months:?}");
}

#[test]
fn the_api_folds_unless_asked_not_to() {
    let (_env, engine) = wire();
    let app = server::router(Arc::new(engine), &ServerConfig::default());
    let get = |uri: &str| -> Value {
        let (status, json) = get_json(&app, uri);
        assert_eq!(status, StatusCode::OK, "{uri}");
        json
    };
    let folded = get("/api/search?q=triggered");
    assert_eq!(folded["total_hits"], 4);
    assert_eq!(folded["hits"].as_array().unwrap().len(), 1);
    let hit = &folded["hits"][0];
    assert_eq!(hit["copies_total"], 3);
    let mut docs: BTreeSet<&str> = hit["copies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["doc_id"].as_str().unwrap())
        .collect();
    docs.insert(hit["doc_id"].as_str().unwrap());
    assert_eq!(
        docs,
        BTreeSet::from(["wire-a", "wire-b", "wire-c", "wire-d"])
    );
    let dates: Vec<&str> = hit["copies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["date"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    let every = get("/api/search?q=triggered&fold=0");
    assert_eq!(every["hits"].as_array().unwrap().len(), 4);
    assert!(every["hits"][0].get("copies").is_none());
    let grouped = get("/api/search?q=triggered&group=doc");
    assert_eq!(grouped["hits"].as_array().unwrap().len(), 1);
    let year = |trend: &Value, key: i64| -> (u64, u64) {
        let b = trend["series"][0]["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["key"] == key)
            .unwrap()
            .clone();
        (
            b["documents"].as_u64().unwrap(),
            b["passages"].as_u64().unwrap(),
        )
    };
    assert_eq!(year(&get("/api/trend?q=nuclear"), 2019), (2, 2));
    assert_eq!(
        year(&get("/api/trend?q=nuclear&count_copies=1"), 2019),
        (3, 4)
    );
}
