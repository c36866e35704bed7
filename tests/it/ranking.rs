//! Ranking beyond the words' BM25: reference matter (footnotes, reference lists, runs of links)
//! below the text, passages that match only through their headings below those whose text
//! matches, and long questions that need most of their words rather than all of them. Each test
//! ingests a small excerpt of its own and reads what a user sees: the order of the hits and the
//! `--explain` lines.

use dossier::engine::IngestOptions;
use dossier::search::{SearchOptions, SearchRequest};

use crate::common::{corpus, ingest_in_ram, json_of, run, search, text_of};

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
    // Each footnote (a row of the pipe table) is a passage of its own.
    assert_eq!(json.hits.len(), 7, "{order:?}");
    // The two paragraphs of text first, then the footnotes and the page of links.
    assert_eq!(
        json.hits[0].section.as_deref(),
        Some("Introduction"),
        "{order:?}"
    );
    assert_eq!(
        json.hits[1].section.as_deref(),
        Some("Introduction"),
        "{order:?}"
    );
    assert!(
        json.hits[2..]
            .iter()
            .all(|h| h.section.as_deref() == Some("Footnotes")
                || h.text.contains("https://www.ukmto")),
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
        5,
        "{text}"
    );
}

/// `snapback` in the fixture corpus: the passages of the snapback explainer that never say the
/// word match through its title alone. They rank after every passage whose text has it, the
/// JSON gives the title's matched bytes, and the text output says where the match was.
#[test]
fn hits_through_the_title_alone_show_the_title_match_and_rank_after_text_matches() {
    let json = search(corpus(), "snapback");
    let text_matched = |h: &crate::common::HitJson| !h.highlights.is_empty();
    let first_title_only = json
        .hits
        .iter()
        .position(|h| !text_matched(h))
        .expect("some hits match through the title only");
    assert!(
        json.hits[first_title_only..]
            .iter()
            .all(|h| !text_matched(h)),
        "a text match ranks below a title-only one"
    );
    for hit in &json.hits[first_title_only..] {
        let lit: Vec<&str> = hit
            .title_highlights
            .iter()
            .map(|[s, e]| &hit.title[*s..*e])
            .collect();
        assert_eq!(lit, ["Snapback"], "{}", hit.passage_id);
    }
    let text = text_of(&run(corpus(), &SearchRequest::new("snapback", 1000)));
    assert!(
        text.contains("    matched in the title: Snapback\n"),
        "{text}"
    );

    // A section match: `section:` searches the section only, and the section lights up.
    let json = search(corpus(), "section:mechanism");
    let hit = &json.hits[0];
    let section = hit.section.as_deref().unwrap();
    let lit: Vec<&str> = hit
        .section_highlights
        .iter()
        .map(|[s, e]| &section[*s..*e])
        .collect();
    assert_eq!(lit, ["Mechanism"]);
    assert!(
        hit.title_highlights.is_empty(),
        "`section:` does not search the title"
    );
}

/// A passage whose text has the word ranks above one whose title alone has it, though the
/// title match scores more by BM25 (a short title is a strong match): the title-only hit counts
/// for 0.6 of its score, and `--explain` says so.
#[test]
fn a_text_match_ranks_above_a_title_only_match_of_similar_score() {
    let filler = "the council debated the sanctions relief at length and the ministers met again \
                  in the autumn to consider the reports";
    let mut long: Vec<&str> = std::iter::repeat_n(filler, 8)
        .flat_map(|f| f.split_whitespace())
        .collect();
    long.insert(100, "snapback");
    let long = format!("# Council Notes\n\n{}.\n", long.join(" "));
    let mut files = vec![
        ("text.md".to_owned(), long),
        (
            "title.md".to_owned(),
            "# Snapback\n\nThe clause was written into the resolution in Vienna.\n".to_owned(),
        ),
    ];
    for i in 0..10 {
        let words: Vec<&str> = filler.split_whitespace().skip(i).take(8).collect();
        files.push((
            format!("notes-{i}.md"),
            format!("# Shipping Notes {i}\n\n{}.\n", words.join(" ")),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (_dir, engine) = engine_with(&files);
    let mut request = SearchRequest::new("snapback", 10);
    request.options.explain = true;
    let results = run(&engine, &request);
    let ranked: Vec<&str> = results
        .hits
        .iter()
        .map(|h| h.passage.path.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(ranked, ["text.md", "title.md"]);
    let title_only = results.hits[1].explanation.as_ref().unwrap();
    let by_bm25: f32 = title_only.matched.iter().map(|m| m.score).sum();
    assert!(
        by_bm25 > results.hits[0].score,
        "the title match alone scores {by_bm25}, more than the text match's {}",
        results.hits[0].score
    );
    assert!(text_of(&results).contains("scaled × 0.60: matched only in the title or section"));
}

/// `what did Israel say about the Iran deal?`: four words that count (`what`, `did`, `about`,
/// `the` are stop words). A passage needs three of them, not all four (Netanyahu's speeches
/// discuss the deal without the word `say`); the passages with all four still rank first, and
/// `--explain` says what happened.
#[test]
fn a_question_needs_most_of_its_words_and_keywords_need_all() {
    let question = "what did Israel say about the Iran deal?";
    let json = search(corpus(), question);
    assert_eq!(json.match_mode, "most");
    let all_four = search(corpus(), "+Israel +say +Iran +deal");
    assert!(
        json.total_hits > all_four.total_hits + 3,
        "{} passages with 3 of the 4 words, {} with all 4",
        json.total_hits,
        all_four.total_hits
    );
    let words_in = |h: &crate::common::HitJson| {
        // In the text or the title (`Israel — UN General Debate 2015`).
        let lit: Vec<String> = h
            .highlights
            .iter()
            .map(|[s, e]| h.text[*s..*e].to_lowercase())
            .chain(
                h.title_highlights
                    .iter()
                    .map(|[s, e]| h.title[*s..*e].to_lowercase()),
            )
            .collect();
        ["israel", "sa", "iran", "deal"]
            .iter()
            .filter(|w| lit.iter().any(|l| l.starts_with(*w)))
            .count()
    };
    assert!(json.hits.iter().all(|h| words_in(h) >= 3));
    let mut request = SearchRequest::new(question, 3);
    request.options.explain = true;
    let text = text_of(&run(corpus(), &request));
    assert!(
        text.contains("a long query: passages need 3 of its 4 words, not all"),
        "{text}"
    );

    // A word the index has never seen does not sink a long query.
    let typo = search(corpus(), "Israel Iran nuclear dael");
    assert_eq!(typo.match_mode, "most");
    assert!(typo.total_hits > 0);

    // Three words or fewer: every word, as before.
    for query in ["Israel Iran deal", "Israel say deal"] {
        let json = search(corpus(), query);
        assert_eq!(json.match_mode, "all", "{query}");
        let required = search(
            corpus(),
            &query
                .split(' ')
                .map(|w| format!("+{w}"))
                .collect::<Vec<_>>()
                .join(" "),
        );
        assert_eq!(json.total_hits, required.total_hits, "{query}");
    }
    // `--match any` is untouched.
    let mut any = SearchRequest::new(question, 10);
    any.options.mode = dossier::search::MatchMode::Any;
    assert_eq!(json_of(&run(corpus(), &any)).match_mode, "all");
}

#[test]
fn passages_of_equal_score_rank_in_ingest_order_whatever_the_segments() {
    // Six one-passage documents, each ingested (and committed) on its own: six segments, which
    // a searcher visits in no particular order. Every passage scores the same for `snapback`
    // (one occurrence, as many words), so only the tie-break orders them.
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "aland",
        "borduria",
        "carpania",
        "dorvia",
        "elbonia",
        "freedonia",
    ];
    let engine = dossier::engine::Engine::from_index(dossier::index::DossierIndex::create_in_ram());
    for name in names {
        let path = dir.path().join(format!("{name}.txt"));
        let text = format!("The snapback clause was raised by the delegation of {name} today.\n");
        std::fs::write(&path, text).unwrap();
        let report = engine
            .ingest(&[path], &IngestOptions::default(), &mut ())
            .unwrap();
        assert!(!report.has_errors(), "{:?}", report.skips);
    }
    let json = search(&engine, "snapback");
    assert_eq!(json.hits.len(), names.len());
    assert!(
        json.hits.iter().all(|h| h.score == json.hits[0].score),
        "the scores tie: {:?}",
        json.hits.iter().map(|h| h.score).collect::<Vec<_>>()
    );
    let order: Vec<&str> = json
        .hits
        .iter()
        .map(|h| {
            names
                .iter()
                .copied()
                .find(|n| h.doc_id.ends_with(&format!("{n}.txt")))
                .unwrap()
        })
        .collect();
    assert_eq!(order, names, "ties rank in ingest order");
    // And so does every page of them.
    let mut page = SearchRequest::new("snapback", 2);
    page.offset = 2;
    let second: Vec<String> = json_of(&run(&engine, &page))
        .hits
        .iter()
        .map(|h| h.doc_id.clone())
        .collect();
    assert_eq!(
        second,
        [json.hits[2].doc_id.clone(), json.hits[3].doc_id.clone()]
    );
}

#[test]
fn every_page_of_a_long_run_of_ties_is_a_page_of_one_ranking() {
    // One document, one segment: forty passages, every fifth with `snapback` twice (a higher
    // score), the rest tying. The collector keeps only a page's worth of the best passages and
    // cuts its buffer as matches stream in; whatever the page, it is a slice of one ranking:
    // by score, and passages of equal score in ingest order (here, paragraph order).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ties.txt");
    let text: String = (10..50)
        .map(|n| {
            if n % 5 == 0 {
                format!("The snapback clause, snapback again, said delegation {n}.\n\n")
            } else {
                format!("The snapback clause was raised by delegation {n} today.\n\n")
            }
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    let engine = dossier::engine::Engine::from_index(dossier::index::DossierIndex::create_in_ram());
    let report = engine
        .ingest(&[path], &IngestOptions::default(), &mut ())
        .unwrap();
    assert!(!report.has_errors(), "{:?}", report.skips);
    let all = json_of(&run(&engine, &SearchRequest::new("snapback", 100))).hits;
    assert_eq!(all.len(), 40);
    let key = |h: &crate::common::HitJson| (h.score, h.paragraph);
    let ranked: Vec<(f32, u64)> = all.iter().map(key).collect();
    assert!(ranked[0].0 > ranked[39].0, "two scores: {ranked:?}");
    let mut expected = ranked.clone();
    expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(ranked, expected, "by score, then in ingest order");
    assert_eq!(
        ranked.iter().take(8).map(|r| r.1).collect::<Vec<_>>(),
        [1, 6, 11, 16, 21, 26, 31, 36],
        "the twice-matching passages first"
    );
    for limit in [1, 3, 7] {
        for offset in (0..42).step_by(limit) {
            let mut page = SearchRequest::new("snapback", limit);
            page.offset = offset;
            let got: Vec<(f32, u64)> = json_of(&run(&engine, &page)).hits.iter().map(key).collect();
            let want: Vec<(f32, u64)> = ranked.iter().skip(offset).take(limit).copied().collect();
            assert_eq!(got, want, "limit {limit}, offset {offset}");
        }
    }
}
