//! Search: query front end → ranked passages → highlights. Returns data; never prints.
//!
//! Ranking is BM25 over the passage body, title and section (the latter two weighted lower).
//! By default every plain word must match; when no passage has them all, the same query runs
//! again with any word sufficing, and [`SearchResults::fallback`] says so.

pub mod aliases;
pub mod compile;
pub mod explain;
pub mod filter;
pub mod highlight;
pub mod query;
pub mod quote;

use std::collections::BTreeSet;
use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::Searcher;

use crate::index::analyzer::WordAnalyzer;
use crate::index::{DossierIndex, FacetCount, FacetError, IndexError};
use crate::model::Passage;
pub use aliases::AliasTable;
use compile::{CompileOptions, Compiled, Compiler};
pub use compile::{MatchMode, Note};
pub use explain::{HitExplanation, MatchedPart};
pub use filter::{Filter, FilterError};
pub use query::{parse, QueryError, QueryExpr};

/// What to search for and which page of hits to return.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    /// Filters beside the query (`--source`, `--since`, `--until`, `--where`).
    pub filters: Vec<Filter>,
    pub limit: usize,
    pub offset: usize,
    pub options: SearchOptions,
}

impl SearchRequest {
    /// A request for the first `limit` hits of `query`, with default options.
    pub fn new(query: impl Into<String>, limit: usize) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            filters: Vec::new(),
            limit,
            offset: 0,
            options: SearchOptions::default(),
        }
    }
}

/// How the query text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Syntax {
    /// Words, phrases, operators, fields, prefixes and fuzzy words.
    #[default]
    Query,
    /// Plain words only: no operators, quotes, fields or prefixes (for natural-language queries
    /// such as the test collections').
    Plain,
}

/// Which forms of the query words match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Forms {
    /// Stems, joined and split compounds (`sanctions` finds `sanctioned`).
    #[default]
    Stems,
    /// Every word in its exact form only (`--exact`).
    Exact,
}

/// How a query is read and what comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Whether every plain word must match (falling back to any word when no passage has them
    /// all) or any word suffices (as evaluation runs rank).
    pub mode: MatchMode,
    pub syntax: Syntax,
    pub forms: Forms,
    /// Expand names with the alias table (`--no-aliases` turns it off).
    pub aliases: bool,
    /// Compute highlights (not needed for TREC runs).
    pub highlights: bool,
    /// Count every matching passage (`total_hits`); without it only the page is collected.
    pub count: bool,
    /// Say how the query was understood and why each hit scored (`--explain`).
    pub explain: bool,
}

impl Default for SearchOptions {
    fn default() -> SearchOptions {
        SearchOptions {
            mode: MatchMode::All,
            syntax: Syntax::Query,
            forms: Forms::Stems,
            aliases: true,
            highlights: true,
            count: true,
            explain: false,
        }
    }
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
    /// Why it scored as it did (with [`SearchOptions::explain`]).
    pub explanation: Option<HitExplanation>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone)]
pub struct SearchResults {
    pub query: String,
    /// Passages matching the query (all of them, not just this page; without
    /// [`SearchOptions::count`], the hits returned).
    pub total_hits: usize,
    /// True when no passage had every word and any-word matching was used instead.
    pub fallback: bool,
    /// How each part of the query was understood (expansions, aliases, forms, the fallback).
    pub understood: Vec<Note>,
    /// Whether `--explain` was asked for (hits then carry their explanations).
    pub explained: bool,
    pub hits: Vec<Hit>,
}

/// Documents and passages per value of one metadata key, among a query's matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    pub key: String,
    pub values: Vec<FacetCount>,
}

/// A search that could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("bad query: {0}")]
    Query(#[from] QueryError),
    #[error("bad filter: {0}")]
    Filter(#[from] FilterError),
    #[error("bad facet: {0}")]
    Facet(#[from] FacetError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// A consistent view of the index for any number of searches (one reader generation, the
/// metadata keys read once). Shared by threads in batch runs.
pub struct SearchSession<'i> {
    index: &'i DossierIndex,
    searcher: Searcher,
    meta_keys: BTreeSet<String>,
    aliases: Arc<AliasTable>,
}

impl<'i> SearchSession<'i> {
    /// A session with the shipped alias table.
    pub fn new(index: &'i DossierIndex) -> Result<SearchSession<'i>, IndexError> {
        SearchSession::with_aliases(index, AliasTable::shared_builtin())
    }

    /// A session with its own alias table.
    pub fn with_aliases(
        index: &'i DossierIndex,
        aliases: impl Into<Arc<AliasTable>>,
    ) -> Result<SearchSession<'i>, IndexError> {
        Ok(SearchSession {
            index,
            searcher: index.searcher()?,
            meta_keys: index.commit_info().map(|c| c.meta_keys).unwrap_or_default(),
            aliases: aliases.into(),
        })
    }

    /// Runs `request`.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        Ok(self.search_with_facets(request, &[], 0)?.0)
    }

    /// Runs `request` and counts, over all the passages it matches, documents and passages per
    /// value of each metadata key in `facets` (the largest `top` values of each).
    pub fn search_with_facets(
        &self,
        request: &SearchRequest,
        facets: &[String],
        top: usize,
    ) -> Result<(SearchResults, Vec<Facet>), SearchError> {
        let options = request.options;
        let expr = match options.syntax {
            Syntax::Plain => query::parse_plain(&request.query)?,
            Syntax::Query => parse(&request.query)?,
        };
        let first = options.mode;
        let Some(mut ranked) = self.rank(request, &expr, first)? else {
            return Err(QueryError {
                message: "the query has no searchable words (only punctuation or symbols)".into(),
                column: 1,
            }
            .into());
        };
        let mut fallback = false;
        if ranked.total == 0 && first == MatchMode::All && can_fall_back(&expr) {
            if let Some(any) = self.rank(request, &expr, MatchMode::Any)? {
                fallback = any.total > 0;
                if fallback {
                    ranked = any;
                }
            }
        }
        let hits = self.hits(request, &ranked)?;
        let mut counted = Vec::with_capacity(facets.len());
        for key in facets {
            let key = key.trim().to_lowercase();
            let values = self
                .index
                .facet_of(&self.searcher, &*ranked.compiled.query, &key, top)?;
            counted.push(Facet { key, values });
        }
        let mut understood = ranked.compiled.notes;
        if fallback {
            understood.push(Note::Fallback);
        }
        let results = SearchResults {
            query: request.query.clone(),
            total_hits: ranked.total,
            fallback,
            understood,
            explained: options.explain,
            hits,
        };
        Ok((results, counted))
    }

    /// Compiles the query for `mode` and collects its page of hits; `None` when the query has
    /// nothing to search for.
    fn rank(
        &self,
        request: &SearchRequest,
        expr: &QueryExpr,
        mode: MatchMode,
    ) -> Result<Option<Ranked>, SearchError> {
        let compile_options = CompileOptions {
            aliases: request.options.aliases.then_some(&self.aliases),
            exact: request.options.forms == Forms::Exact,
        };
        let compiler = Compiler::new(
            &self.searcher,
            *self.index.fields(),
            &self.meta_keys,
            compile_options,
        );
        let Some(compiled) = compiler.compile(expr, &request.filters, mode)? else {
            return Ok(None);
        };
        let top = TopDocs::with_limit(request.limit.max(1))
            .and_offset(request.offset)
            .order_by_score();
        let error = |e| IndexError::Tantivy {
            dir: self.index.display_dir(),
            source: e,
        };
        let (top, total) = if request.options.count {
            self.searcher
                .search(&compiled.query, &(top, Count))
                .map_err(error)?
        } else {
            let top = self.searcher.search(&compiled.query, &top).map_err(error)?;
            let total = top.len() + request.offset;
            (top, total)
        };
        Ok(Some(Ranked {
            compiled,
            total,
            top,
        }))
    }

    /// The page's passages with their highlights and explanations.
    fn hits(&self, request: &SearchRequest, ranked: &Ranked) -> Result<Vec<Hit>, SearchError> {
        let options = request.options;
        let mut analyzer = WordAnalyzer::default();
        let mut hits = Vec::with_capacity(ranked.top.len());
        if request.limit == 0 {
            return Ok(hits);
        }
        for (i, &(score, addr)) in ranked.top.iter().enumerate() {
            let passage = self.index.load_passage(&self.searcher, addr)?;
            let highlights = if options.highlights || options.explain {
                let tokens = analyzer.index_tokens(&passage.text);
                highlight::highlight(&tokens, &ranked.compiled.matchers)
            } else {
                Vec::new()
            };
            let explanation = options.explain.then(|| {
                explain::explain_hit(
                    score,
                    &ranked.compiled.parts,
                    &self.searcher,
                    addr,
                    &passage,
                    &highlights,
                )
            });
            hits.push(Hit {
                rank: request.offset + i + 1,
                score,
                passage,
                highlights,
                explanation,
            });
        }
        Ok(hits)
    }
}

/// A compiled query with its count and its page of (score, address) pairs.
struct Ranked {
    compiled: Compiled,
    total: usize,
    top: Vec<(f32, tantivy::DocAddress)>,
}

/// Runs one `request` against `index`.
pub fn search(index: &DossierIndex, request: &SearchRequest) -> Result<SearchResults, SearchError> {
    SearchSession::new(index)?.search(request)
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
