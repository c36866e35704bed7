//! The JSON wire format: the stable contract of `--format json|jsonl` (and of the HTTP API to
//! come). Field names and shapes here are documented in the README; change them only additively.

use serde::Serialize;

use crate::model::Passage;
use crate::search::{Hit, HitExplanation, SearchResults};

/// `dossier search --format json`: the whole answer.
#[derive(Debug, Serialize)]
pub struct SearchJson<'a> {
    pub query: &'a str,
    pub total_hits: usize,
    /// `"all"` when every word matched, `"any"` after the any-word fallback.
    pub match_mode: &'static str,
    /// With `--explain`: how the query was understood.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<QueryExplainJson<'a>>,
    pub hits: Vec<HitJson<'a>>,
}

/// `explain` of the search JSON: the query as understood.
#[derive(Debug, Serialize)]
pub struct QueryExplainJson<'a> {
    pub understood: &'a [String],
    pub fallback: bool,
}

/// One hit: rank, score, every passage-record field, and highlights as byte ranges into `text`.
#[derive(Debug, Serialize)]
pub struct HitJson<'a> {
    pub rank: usize,
    pub score: f32,
    #[serde(flatten)]
    pub passage: &'a Passage,
    pub highlights: Vec<[usize; 2]>,
    /// With `--explain`: why the hit scored as it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<&'a HitExplanation>,
}

impl<'a> HitJson<'a> {
    pub fn new(hit: &'a Hit) -> HitJson<'a> {
        HitJson {
            rank: hit.rank,
            score: hit.score,
            passage: &hit.passage,
            highlights: hit.highlights.iter().map(|&(s, e)| [s, e]).collect(),
            explain: hit.explanation.as_ref(),
        }
    }
}

impl<'a> SearchJson<'a> {
    pub fn new(results: &'a SearchResults) -> SearchJson<'a> {
        SearchJson {
            query: &results.query,
            total_hits: results.total_hits,
            match_mode: if results.fallback { "any" } else { "all" },
            explain: results.explained.then_some(QueryExplainJson {
                understood: &results.understood,
                fallback: results.fallback,
            }),
            hits: results.hits.iter().map(HitJson::new).collect(),
        }
    }
}

/// `dossier show --format json`: a passage and its neighbours.
#[derive(Debug, Serialize)]
pub struct ShowJson<'a> {
    pub passage: &'a Passage,
    pub before: &'a [Passage],
    pub after: &'a [Passage],
}
