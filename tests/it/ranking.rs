//! Ranking beyond the words' BM25: reference matter (footnotes, reference lists, runs of links)
//! below the text, passages that match only through their headings below those whose text
//! matches, and long questions that need most of their words rather than all of them. Each test
//! ingests a small excerpt of its own and reads what a user sees: the order of the hits and the
//! `--explain` lines.

use dossier::engine::IngestOptions;
use dossier::search::{SearchOptions, SearchRequest};

use crate::common::{ingest_in_ram, json_of, run, text_of};

/// An excerpt of CRS report R48903 (`The Strait of Hormuz in Brief`): two paragraphs of text
/// and its footnotes, which name the Strait of Hormuz in nearly every entry.
const HORMUZ: &str = "# The Strait of Hormuz in Brief: Non-Oil Shipments and Effects on U.S. Shippers

Introduction

Before U.S. and Israeli military operations began against Iran on February 28, 2026, the average number of ships from various countries transiting through the Strait of Hormuz (the Strait) was about 130 each day. As of April 7, 2026, only a handful of ships have risked the transit each day.

While much attention has focused on the decrease in non-Iranian oil and gas shipments, some other commodities and products are affected, and U.S. shippers and ports may face cascading effects. Passage through the Strait of Hormuz may be constrained even if active military exchanges end.

# Footnotes

| 1. | United Nations Conference on Trade and Development (UNCTAD), \"Strait of Hormuz Disruptions: Implications for Global Trade and Development,\" March 10, 2026, https://unctad.org/publication/strait-hormuz-disruptions-implications-global-trade-and-development.
| 5. | Maritime Executive, \"Iran Confirms Two-Week Ceasefire and a Limited Reopening of Strait of Hormuz,\" April 7, 2026, https://maritime-executive.com/article/iran-confirms-two-week-ceasefire-and-a-limited-reopening-of-hormuz.
| 11. | Maritime Executive, \"Iran Publishes Redrawn Traffic Scheme for Strait of Hormuz,\" April 8, 2026, https://maritime-executive.com/article/iran-publishes-redrawn-traffic-scheme-for-strait-of-hormuz.
| 13. | Stuart Chirls, \"Why Strait of Hormuz Maritime Access Is Also Its Biggest Weakness,\" FreightWaves, March 13, 2026, https://www.freightwaves.com/news/why-strait-of-hormuz-maritime-access-is-also-its-biggest-weakness.
";

/// A page of links without a footnotes heading: link density alone marks it.
const LINKS: &str = "Further material on the Strait of Hormuz

Strait of Hormuz traffic data: https://www.ukmto.org/recent-incidents https://www.ukmto.org/strait-of-hormuz-traffic https://unctad.org/strait-of-hormuz
";

fn engine_with(files: &[(&str, &str)]) -> (tempfile::TempDir, dossier::engine::Engine) {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        paths.push(path);
    }
    let (engine, report) = ingest_in_ram(&paths, &IngestOptions::default());
    assert!(!report.has_errors(), "{:?}", report.skips);
    (dir, engine)
}

#[test]
fn footnotes_and_link_runs_rank_below_the_text_they_support() {
    let (_dir, engine) = engine_with(&[("hormuz.md", HORMUZ), ("links.txt", LINKS)]);
    let json = json_of(&run(&engine, &SearchRequest::new("Strait of Hormuz", 10)));
    let order: Vec<(Option<&str>, &str)> = json
        .hits
        .iter()
        .map(|h| (h.section.as_deref(), &h.text[..20]))
        .collect();
    assert_eq!(json.hits.len(), 4, "{order:?}");
    // The two paragraphs of text first, then the footnotes and the page of links.
    assert_eq!(json.hits[0].section.as_deref(), Some("Introduction"), "{order:?}");
    assert_eq!(json.hits[1].section.as_deref(), Some("Introduction"), "{order:?}");
    assert!(
        json.hits[2..]
            .iter()
            .all(|h| h.section.as_deref() == Some("Footnotes") || h.text.contains("https://www.ukmto")),
        "{order:?}"
    );

    // `--explain` says why.
    let mut request = SearchRequest::new("Strait of Hormuz", 10);
    request.options = SearchOptions {
        explain: true,
        ..SearchOptions::default()
    };
    let text = text_of(&run(&engine, &request));
    assert_eq!(
        text.matches("scaled × 0.30: reference matter (footnotes, a reference list, links)")
            .count(),
        2,
        "{text}"
    );
}
