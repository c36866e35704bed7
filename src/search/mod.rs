//! Search: query front end → ranked passages → highlights. Returns data; never prints.
//!
//! Ranking is BM25 over the passage body, title and section (the latter two weighted lower).
//! By default every plain word must match; when no passage has them all, the same query runs
//! again with any word sufficing, and [`SearchResults::fallback`] says so.

pub mod compile;
pub mod filter;
pub mod highlight;
pub mod query;

use tantivy::collector::{Count, TopDocs};

use crate::index::analyzer::{analyze, analyzer};
use crate::index::{DossierIndex, IndexError};
use crate::passage::Passage;
pub use compile::MatchMode;
use compile::{Compiled, Compiler};
pub use filter::Filter;
pub use query::{parse, QueryError, QueryExpr};

/// What to search for and which page of hits to return.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    /// Filters beside the query (`--source`, `--since`, `--until`, `--where`).
    pub filters: Vec<Filter>,
    pub limit: usize,
    pub offset: usize,
}

/// One ranked passage.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 1-based rank over the whole result list (offset included).
    pub rank: usize,
    pub score: f32,
    pub passage: Passage,
    /// Byte ranges into `passage.text`, sorted and non-overlapping.
    pub highlights: Vec<(usize, usize)>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone)]
pub struct SearchResults {
    pub query: String,
    /// Passages matching the query (all of them, not just this page).
    pub total_hits: usize,
    /// True when no passage had every word and any-word matching was used instead.
    pub fallback: bool,
    pub hits: Vec<Hit>,
}

/// A search that could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("bad query: {0}")]
    Query(#[from] QueryError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// Runs `request` against `index`.
pub fn search(index: &DossierIndex, request: &SearchRequest) -> Result<SearchResults, SearchError> {
    let expr = parse(&request.query)?;
    let searcher = index.searcher();
    let meta_keys = index.commit_info().map(|c| c.meta_keys).unwrap_or_default();
    let run = |mode: MatchMode| -> Result<Option<(Compiled, usize, Vec<_>)>, SearchError> {
        let compiler = Compiler::new(&searcher, *index.fields(), &meta_keys);
        let Some(compiled) = compiler.compile(&expr, &request.filters, mode)? else {
            return Ok(None);
        };
        let top = TopDocs::with_limit(request.limit.max(1))
            .and_offset(request.offset)
            .order_by_score();
        let (top, total) = searcher
            .search(&compiled.query, &(top, Count))
            .map_err(|e| IndexError::Tantivy {
                dir: index.display_dir(),
                source: e,
            })?;
        Ok(Some((compiled, total, top)))
    };
    let Some(mut outcome) = run(MatchMode::All)? else {
        return Err(QueryError {
            message: "the query has no searchable words (only punctuation or symbols)".into(),
            column: 1,
        }
        .into());
    };
    let mut fallback = false;
    if outcome.1 == 0 && can_fall_back(&expr) {
        if let Some(any) = run(MatchMode::Any)? {
            fallback = any.1 > 0;
            if fallback {
                outcome = any;
            }
        }
    }
    let (compiled, total_hits, top) = outcome;
    let mut analyzer = analyzer();
    let mut hits = Vec::with_capacity(top.len());
    if request.limit > 0 {
        for (i, (score, addr)) in top.into_iter().enumerate() {
            let passage = index.load_passage(&searcher, addr)?;
            let tokens = analyze(&mut analyzer, &passage.text);
            let highlights = highlight::highlight(&tokens, &compiled.matchers);
            hits.push(Hit {
                rank: request.offset + i + 1,
                score,
                passage,
                highlights,
            });
        }
    }
    Ok(SearchResults {
        query: request.query.clone(),
        total_hits,
        fallback,
        hits,
    })
}

/// Any-word fallback applies to a top-level list of plain words that the user did not join with
/// an explicit `AND`.
fn can_fall_back(expr: &QueryExpr) -> bool {
    match expr {
        QueryExpr::And { clauses, explicit } => {
            !explicit
                && clauses
                    .iter()
                    .filter(|(o, _)| *o == query::Occur::Default)
                    .count()
                    >= 2
        }
        _ => false,
    }
}
