//! The JSON wire format: the stable contract of `--format json|jsonl` (and of the HTTP API to
//! come). These structs are the contract, built from the engine's data; field names and shapes
//! are documented in the README and pinned by the golden tests below. Change them only
//! additively.

use serde::Serialize;

use super::explain;
use crate::model::{Meta, Passage};
use crate::search::{Hit, HitExplanation, SearchResults};

/// A passage record: its id, document, citation (path, lines, bytes, field) and text.
#[derive(Debug, Serialize)]
pub struct PassageJson<'a> {
    pub passage_id: &'a str,
    pub doc_id: &'a str,
    pub title: &'a str,
    pub section: Option<&'a str>,
    pub paragraph: u64,
    pub part: Option<u32>,
    pub source_paragraph: Option<&'a str>,
    pub path: &'a str,
    pub line_start: u64,
    pub line_end: u64,
    pub byte_start: u64,
    pub byte_end: u64,
    pub field: Option<&'a str>,
    pub meta: &'a Meta,
    pub text: &'a str,
}

impl<'a> PassageJson<'a> {
    pub fn new(p: &'a Passage) -> PassageJson<'a> {
        PassageJson {
            passage_id: &p.passage_id,
            doc_id: &p.doc_id,
            title: &p.title,
            section: p.section.as_deref(),
            paragraph: p.paragraph,
            part: p.part,
            source_paragraph: p.source_paragraph.as_deref(),
            path: &p.path,
            line_start: p.line_start,
            line_end: p.line_end,
            byte_start: p.byte_start,
            byte_end: p.byte_end,
            field: p.field.as_deref(),
            meta: &p.meta,
            text: &p.text,
        }
    }
}

/// `dossier search --format json`: the whole answer.
#[derive(Debug, Serialize)]
pub struct SearchJson<'a> {
    pub query: &'a str,
    pub total_hits: usize,
    /// With `--group doc`: how many documents match (the hits are then documents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_documents: Option<usize>,
    /// `"all"` when every word matched, `"most"` when a long query needed most of its words,
    /// `"any"` after the any-word fallback.
    pub match_mode: &'static str,
    /// With `--explain`: how the query was understood.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<QueryExplainJson>,
    /// When nothing matched: the query with its unknown words spelled as the index has them
    /// ("did you mean"); left out when there is none.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub suggestions: &'a [String],
    pub hits: Vec<HitJson<'a>>,
}

/// `explain` of the search JSON: the query as understood, in words.
#[derive(Debug, Serialize)]
pub struct QueryExplainJson {
    pub understood: Vec<String>,
    pub fallback: bool,
}

/// `explain` of a hit: its score, what matched (in words) and the words of its text that did.
#[derive(Debug, Serialize)]
pub struct HitExplainJson<'a> {
    pub score: f32,
    pub matched: Vec<String>,
    pub in_text: &'a [String],
    /// What scaled the score beside the matches, in words (`× 0.30: reference matter …`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adjusted: Vec<String>,
}

impl<'a> HitExplainJson<'a> {
    pub fn new(why: &'a HitExplanation) -> HitExplainJson<'a> {
        HitExplainJson {
            score: why.score,
            matched: why.matched.iter().map(explain::matched_part).collect(),
            in_text: &why.in_text,
            adjusted: why.adjustments.iter().map(explain::adjustment).collect(),
        }
    }
}

/// One hit: rank, score, every passage-record field, and highlights as byte ranges into `text`.
#[derive(Debug, Serialize)]
pub struct HitJson<'a> {
    pub rank: usize,
    pub score: f32,
    #[serde(flatten)]
    pub passage: PassageJson<'a>,
    pub highlights: Vec<[usize; 2]>,
    /// Byte ranges into `title` and `section` that the query matched (a hit can match through
    /// its headings alone).
    pub title_highlights: Vec<[usize; 2]>,
    pub section_highlights: Vec<[usize; 2]>,
    /// With `--explain`: why the hit scored as it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<HitExplainJson<'a>>,
    /// With `--group doc`: more matching passages of the document, and the count of the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupJson<'a>>,
    /// Copies folded under this hit (other matching passages of its copy cluster), earliest
    /// first; at most 50 listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<CopyJson<'a>>,
    /// How many copies are folded under this hit (all of them, listed or not).
    #[serde(skip_serializing_if = "is_zero")]
    pub copies_total: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One copy folded under a hit: `{"passage_id", "doc_id", "title", "source", "date"}` (`source`
/// and `date` from the document's metadata: its `date`, else its `year`; `null` when absent).
#[derive(Debug, Serialize)]
pub struct CopyJson<'a> {
    pub passage_id: &'a str,
    pub doc_id: &'a str,
    pub title: &'a str,
    pub source: Option<&'a str>,
    pub date: Option<String>,
}

impl<'a> CopyJson<'a> {
    pub fn new(p: &'a Passage) -> CopyJson<'a> {
        CopyJson {
            passage_id: &p.passage_id,
            doc_id: &p.doc_id,
            title: &p.title,
            source: p.meta.get("source").and_then(|v| v.as_str()),
            date: copy_date(p),
        }
    }
}

/// A passage's date as a copy lists it: the `date` metadata, else the `year`.
pub fn copy_date(p: &Passage) -> Option<String> {
    match p.meta.get("date") {
        Some(serde_json::Value::String(d)) => Some(d.clone()),
        _ => p.meta.get("year").map(|y| match y {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
    }
}

/// `group` of a hit: `{"more": n, "passages": [hit records]}`.
#[derive(Debug, Serialize)]
pub struct GroupJson<'a> {
    pub more: usize,
    pub passages: Vec<HitJson<'a>>,
}

impl<'a> HitJson<'a> {
    pub fn new(hit: &'a Hit) -> HitJson<'a> {
        HitJson {
            rank: hit.rank,
            score: hit.score,
            passage: PassageJson::new(&hit.passage),
            highlights: ranges(&hit.highlights),
            title_highlights: ranges(&hit.title_highlights),
            section_highlights: ranges(&hit.section_highlights),
            explain: hit.explanation.as_ref().map(HitExplainJson::new),
            group: hit.group.as_ref().map(|g| GroupJson {
                more: g.more,
                passages: g.passages.iter().map(HitJson::new).collect(),
            }),
            copies: hit
                .copies
                .as_ref()
                .map(|c| c.passages.iter().map(CopyJson::new).collect())
                .unwrap_or_default(),
            copies_total: hit.copies.as_ref().map_or(0, |c| c.total),
        }
    }
}

fn ranges(ranges: &[(usize, usize)]) -> Vec<[usize; 2]> {
    ranges.iter().map(|&(s, e)| [s, e]).collect()
}

/// `"all"`, `"most"` (a long query that needs most of its words) or `"any"` (after the
/// any-word fallback).
pub fn match_mode(results: &SearchResults) -> &'static str {
    if results.fallback {
        "any"
    } else if results.required_words.is_some() {
        "most"
    } else {
        "all"
    }
}

impl<'a> SearchJson<'a> {
    pub fn new(results: &'a SearchResults) -> SearchJson<'a> {
        SearchJson {
            query: &results.query,
            total_hits: results.total_hits,
            total_documents: results.total_documents,
            match_mode: match_mode(results),
            explain: results.explained.then(|| QueryExplainJson {
                understood: results.understood.iter().map(explain::note).collect(),
                fallback: results.fallback,
            }),
            suggestions: &results.suggestions,
            hits: results.hits.iter().map(HitJson::new).collect(),
        }
    }
}

/// `GET /api/search`: the search JSON, with the facets of every match and the time taken.
#[derive(Debug, Serialize)]
pub struct SearchApiJson<'a> {
    #[serde(flatten)]
    pub search: SearchJson<'a>,
    /// Per metadata key asked for: documents and passages per value among all matches.
    pub facets: std::collections::BTreeMap<&'a str, &'a [crate::index::FacetCount]>,
    /// Milliseconds the search took in the server.
    pub took_ms: f64,
}

impl<'a> SearchApiJson<'a> {
    pub fn new(
        results: &'a SearchResults,
        facets: &'a [crate::search::Facet],
        took_ms: f64,
    ) -> SearchApiJson<'a> {
        SearchApiJson {
            search: SearchJson::new(results),
            facets: facets
                .iter()
                .map(|f| (f.key.as_str(), f.values.as_slice()))
                .collect(),
            took_ms,
        }
    }
}

/// `dossier show --format json`: a passage and its neighbours.
#[derive(Debug, Serialize)]
pub struct ShowJson<'a> {
    pub passage: PassageJson<'a>,
    pub before: Vec<PassageJson<'a>>,
    pub after: Vec<PassageJson<'a>>,
}

impl<'a> ShowJson<'a> {
    pub fn new(passage: &'a Passage, before: &'a [Passage], after: &'a [Passage]) -> ShowJson<'a> {
        ShowJson {
            passage: PassageJson::new(passage),
            before: before.iter().map(PassageJson::new).collect(),
            after: after.iter().map(PassageJson::new).collect(),
        }
    }
}

/// `dossier quote --format json`: the search JSON's shape, each hit with how much of the quote
/// it holds and how it differs.
#[derive(Debug, Serialize)]
pub struct QuoteJson<'a> {
    pub query: &'a str,
    /// Hits with at least the minimum coverage among the candidates aligned.
    pub total_hits: usize,
    /// Always `"quote"`.
    pub match_mode: &'static str,
    /// Words of the quote (what `coverage` counts).
    pub words: usize,
    pub hits: Vec<QuoteHitJson<'a>>,
}

/// One hit of a quote: every field of a search hit (`highlights`: the matched span of each
/// piece of the quote), its `coverage` (0..1), the `differences` (`{"quote", "source",
/// "kind"}`) and, when the quote runs on into the next passage, that passage as `continues`.
#[derive(Debug, Serialize)]
pub struct QuoteHitJson<'a> {
    #[serde(flatten)]
    pub hit: HitJson<'a>,
    pub coverage: f32,
    pub differences: &'a [crate::search::quote::Difference],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continues: Option<ContinuationJson<'a>>,
}

/// The passage a quote runs on into: its passage record and the highlights in it.
#[derive(Debug, Serialize)]
pub struct ContinuationJson<'a> {
    #[serde(flatten)]
    pub passage: PassageJson<'a>,
    pub highlights: Vec<[usize; 2]>,
}

impl<'a> QuoteHitJson<'a> {
    pub fn new(hit: &'a crate::search::quote::QuoteHit) -> QuoteHitJson<'a> {
        QuoteHitJson {
            hit: HitJson::new(&hit.hit),
            coverage: hit.coverage,
            differences: &hit.differences,
            continues: hit.continues.as_ref().map(|c| ContinuationJson {
                passage: PassageJson::new(&c.passage),
                highlights: c.highlights.iter().map(|&(s, e)| [s, e]).collect(),
            }),
        }
    }
}

impl<'a> QuoteJson<'a> {
    pub fn new(results: &'a crate::search::quote::QuoteResults) -> QuoteJson<'a> {
        QuoteJson {
            query: &results.quote,
            total_hits: results.total_hits,
            match_mode: "quote",
            words: results.words,
            hits: results.hits.iter().map(QuoteHitJson::new).collect(),
        }
    }
}

/// `GET /api/quote`: the quote JSON, with the time taken.
#[derive(Debug, Serialize)]
pub struct QuoteApiJson<'a> {
    #[serde(flatten)]
    pub quote: QuoteJson<'a>,
    /// Milliseconds the search took in the server.
    pub took_ms: f64,
}

#[cfg(test)]
mod tests {
    use crate::engine::{Engine, IngestOptions};
    use crate::index::{DossierIndex, IndexStats};
    use crate::output::{self, text::Style, Format};
    use crate::search::SearchRequest;

    /// A two-paragraph brief in an in-RAM engine; its path in citations is `path`.
    fn engine(dir: &std::path::Path) -> (Engine, String) {
        let file = dir.join("brief.txt");
        std::fs::write(
            &file,
            "Snapback, explained\n\nThe E3 triggered the snapback mechanism.\n\nTalks resumed.\n",
        )
        .unwrap();
        let engine = Engine::from_index(DossierIndex::create_in_ram());
        engine
            .ingest(
                std::slice::from_ref(&file),
                &IngestOptions::default(),
                &mut (),
            )
            .unwrap();
        (engine, crate::ingest::doc_id_for(&file))
    }

    /// The exact JSON of a search, a show and a stats call: the wire contract.
    #[test]
    fn the_json_of_search_show_and_stats_is_pinned() {
        let dir = tempfile::tempdir().unwrap();
        let (engine, path) = engine(dir.path());
        let results = engine.search(&SearchRequest::new("mechanism", 10)).unwrap();
        let mut out = Vec::new();
        output::write_results(&mut out, &results, Format::Json, &Style::default()).unwrap();
        let mut json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let score = json["hits"][0]["score"].take();
        assert!(score.as_f64().unwrap() > 0.0);
        let expected = serde_json::json!({
            "query": "mechanism",
            "total_hits": 1,
            "match_mode": "all",
            "hits": [{
                "rank": 1,
                "score": null,
                "passage_id": format!("{path}#1"),
                "doc_id": path,
                "title": "Snapback, explained",
                "section": null,
                "paragraph": 1,
                "part": null,
                "source_paragraph": null,
                "path": path,
                "line_start": 3,
                "line_end": 3,
                "byte_start": 21,
                "byte_end": 61,
                "field": null,
                "meta": {},
                "text": "The E3 triggered the snapback mechanism.",
                "highlights": [[30, 39]],
                "title_highlights": [],
                "section_highlights": [],
            }],
        });
        assert_eq!(json, expected);
        let keys: Vec<&String> = json["hits"][0].as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 20, "{keys:?}");

        // A word of the title lights up there.
        let results = engine.search(&SearchRequest::new("snapback", 10)).unwrap();
        let mut out = Vec::new();
        output::write_results(&mut out, &results, Format::Json, &Style::default()).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            json["hits"][0]["title_highlights"],
            serde_json::json!([[0, 8]])
        );
        assert_eq!(json["hits"][0]["section_highlights"], serde_json::json!([]));

        let shown = engine.show(&format!("{path}#2"), 1).unwrap();
        let mut out = Vec::new();
        output::write_passage(
            &mut out,
            &shown.passage,
            &shown.before,
            &shown.after,
            Format::Json,
            &Style::default(),
        )
        .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json["passage"]["text"], "Talks resumed.");
        assert_eq!(json["passage"]["line_start"], 5);
        assert_eq!(json["before"][0]["passage_id"], format!("{path}#1"));
        assert_eq!(json["after"], serde_json::json!([]));

        let stats = IndexStats {
            index: "index".into(),
            documents: 1,
            passages: 2,
            segments: 1,
            size_bytes: 2048,
            last_ingest: Some("2026-12-01T20:00:00Z".into()),
            schema_version: 7,
            meta_keys: vec!["country".into(), "year".into()],
        };
        let mut out = Vec::new();
        output::stats::write_stats(&mut out, &stats, true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{
  "index": "index",
  "documents": 1,
  "passages": 2,
  "segments": 1,
  "size_bytes": 2048,
  "last_ingest": "2026-12-01T20:00:00Z",
  "schema_version": 7,
  "meta_keys": [
    "country",
    "year"
  ]
}
"#
        );
    }
}
