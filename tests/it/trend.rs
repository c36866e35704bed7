//! `dossier trend`: documents, passages, the bucket's documents and the share, per year, month
//! or metadata value, every year in between present.

use std::collections::{BTreeMap, BTreeSet};

use dossier::engine::{Engine, IngestOptions};
use dossier::output::trend as printer;
use dossier::search::trend::TrendBy;
use dossier::search::{Filter, SearchRequest};

use crate::common::{ingest_in_ram, paths};

/// The fixtures that carry years and countries (the UN feed, the dated articles) with the rest.
fn engine() -> Engine {
    ingest_in_ram(
        &paths(&[
            "fixtures/articles",
            "fixtures/commentary",
            "fixtures/feeds",
            "fixtures/ungd",
        ]),
        &IngestOptions::default(),
    )
    .0
}

/// Documents and passages per year among every hit of `query`, and documents per year overall,
/// counted the slow way from the hits themselves.
fn by_hand(engine: &Engine, query: &str) -> (BTreeMap<i64, (u64, u64)>, BTreeMap<i64, u64>) {
    let hits = engine
        .search(&SearchRequest::new(query, 100_000))
        .unwrap()
        .hits;
    let mut docs: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    let mut passages: BTreeMap<i64, u64> = BTreeMap::new();
    for h in &hits {
        if let Some(y) = h.passage.meta.get("year").and_then(|v| v.as_i64()) {
            docs.entry(y).or_default().insert(h.passage.doc_id.clone());
            *passages.entry(y).or_default() += 1;
        }
    }
    let matching = docs
        .into_iter()
        .map(|(y, d)| (y, (d.len() as u64, passages[&y])))
        .collect();
    let all = engine
        .facet("year", 1000)
        .unwrap()
        .into_iter()
        .map(|c| (c.value.as_i64().unwrap(), c.documents))
        .collect();
    (matching, all)
}

#[test]
fn a_trend_by_year_counts_documents_passages_and_the_share_of_every_year() {
    let engine = engine();
    let template = SearchRequest::new("", 0);
    let queries = vec!["sanctions".to_owned(), "\"nuclear weapons\"".to_owned()];
    let trend = engine.trend(&queries, &TrendBy::Year, &template).unwrap();
    assert_eq!(trend.by, "year");
    assert_eq!(trend.series.len(), 2);
    for (series, query) in trend.series.iter().zip(&queries) {
        let (matching, all) = by_hand(&engine, query);
        let years: Vec<i64> = series
            .buckets
            .iter()
            .map(|b| b.key.as_i64().unwrap())
            .collect();
        let (first, last) = (*all.keys().next().unwrap(), *all.keys().last().unwrap());
        assert_eq!(
            years,
            (first..=last).collect::<Vec<_>>(),
            "every year, zeros included"
        );
        for b in &series.buckets {
            let year = b.key.as_i64().unwrap();
            let (documents, passages) = matching.get(&year).copied().unwrap_or((0, 0));
            assert_eq!(
                (b.documents, b.passages),
                (documents, passages),
                "{query} {year}"
            );
            assert_eq!(
                b.all_documents,
                all.get(&year).copied().unwrap_or(0),
                "{year}"
            );
            let share = if b.all_documents == 0 {
                0.0
            } else {
                documents as f64 / b.all_documents as f64
            };
            assert!((b.share - share).abs() < 1e-12);
        }
        assert!(series.buckets.iter().any(|b| b.documents > 0), "{query}");
    }
}

#[test]
fn trends_take_filters_metadata_keys_and_months() {
    let engine = engine();
    let irn = SearchRequest {
        filters: vec![Filter::parse("country", "IRN").unwrap()],
        ..SearchRequest::new("", 0)
    };
    let trend = engine
        .trend(&["nuclear".to_owned()], &TrendBy::Year, &irn)
        .unwrap();
    let all: u64 = trend.series[0]
        .buckets
        .iter()
        .map(|b| b.all_documents)
        .sum();
    let iranian = engine
        .facet("country", 100)
        .unwrap()
        .into_iter()
        .find(|c| c.value == "IRN")
        .unwrap()
        .documents;
    assert_eq!(all, iranian, "the denominator is under the filters");

    let by_country = engine
        .trend(
            &["sanctions".to_owned()],
            &TrendBy::parse("country"),
            &SearchRequest::new("", 0),
        )
        .unwrap();
    let keys: Vec<&str> = by_country.series[0]
        .buckets
        .iter()
        .map(|b| b.key.as_str().unwrap())
        .collect();
    assert!(keys.contains(&"IRN") && keys.contains(&"USA"), "{keys:?}");

    let months = engine
        .trend(
            &["ceasefire".to_owned()],
            &TrendBy::Month,
            &SearchRequest::new("", 0),
        )
        .unwrap();
    let dated = &months.series[0].buckets;
    assert!(
        dated.iter().all(|b| b.key.as_str().unwrap().len() == 7),
        "YYYY-MM keys"
    );
    assert!(
        dated.iter().any(|b| b.key == "2026-04" && b.documents == 1),
        "{dated:?}"
    );

    let unknown = engine.trend(
        &["x".to_owned()],
        &TrendBy::parse("colour"),
        &SearchRequest::new("", 0),
    );
    assert!(unknown.unwrap_err().to_string().contains("colour"));
}

#[test]
fn trends_print_as_bars_csv_json_and_svg() {
    let engine = engine();
    let trend = engine
        .trend(
            &["sanctions".to_owned()],
            &TrendBy::Year,
            &SearchRequest::new("", 0),
        )
        .unwrap();
    let mut text = Vec::new();
    printer::write_text(&mut text, &trend, 100).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.starts_with("sanctions by year"), "{text}");
    assert!(text.contains('█') && text.contains('%'));
    let mut csv = Vec::new();
    printer::write_csv(&mut csv, &trend).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("query,year,documents,passages,all_documents,share\n"));
    assert_eq!(csv.lines().count(), trend.series[0].buckets.len() + 1);
    let mut json = Vec::new();
    printer::write_json(&mut json, &trend).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        json["series"][0]["buckets"][0].as_object().unwrap().len(),
        5
    );
    let mut svg = Vec::new();
    printer::write_svg(&mut svg, &trend).unwrap();
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("<polyline") && svg.contains("share of documents"));
}
