//! Search: query front end → ranked passages → highlights. Returns data; never prints.
//!
//! Ranking is BM25 over the passage body, title and section (the latter two weighted lower).
//! By default every plain word must match; when no passage has them all, the same query runs
//! again with any word sufficing, and [`SearchResults::fallback`] says so.

pub mod aliases;
pub mod compile;
pub mod explain;
pub mod filter;
pub mod fold;
pub mod highlight;
mod prune;
pub mod query;
pub mod quote;
pub mod similar;
pub mod stats;
mod top;
pub mod trend;

use std::collections::BTreeSet;
use std::sync::Arc;

use tantivy::collector::Count;
use tantivy::Searcher;

use crate::index::analyzer::{Analysis, WordAnalyzer};
use crate::index::{DossierIndex, FacetCount, FacetError, IndexError};
use crate::model::Passage;
pub use aliases::AliasTable;
use compile::{CompileOptions, Compiled, Compiler};
pub use compile::{MatchMode, Note, MOST_WORDS_FROM};
pub use explain::{HitExplanation, MatchedPart};
pub use filter::{Filter, FilterError};
pub use fold::Copies;
pub use query::{parse, QueryError, QueryExpr};
pub use stats::TermStats;

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

impl SearchRequest {
    /// The first `fetch` passages of this request's ranking, uncounted: what grouping and
    /// folding look through to fill a page.
    fn first(&self, fetch: usize) -> SearchRequest {
        SearchRequest {
            limit: fetch,
            offset: 0,
            options: SearchOptions {
                count: false,
                ..self.options
            },
            ..self.clone()
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
    /// Rank documents by their best passage, with up to this many more of their matching
    /// passages beneath each (`--group doc --group-size N`); `None`: every passage on its own.
    pub group: Option<usize>,
    /// When nothing matches, look for a spelling of the query's unknown words that the index
    /// knows ([`SearchResults::suggestions`]); batch runs turn it off.
    pub suggest: bool,
    /// Fold copies (syndicated and near-duplicate passages) under the best-ranked one, and
    /// count a copy cluster once in trends (`--no-fold`, `--count-copies` turn it off).
    pub fold: bool,
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
            group: None,
            suggest: true,
            fold: true,
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
    /// Byte ranges into `passage.title` that the query matched (a passage can match through
    /// its title alone), sorted and non-overlapping.
    pub title_highlights: Vec<(usize, usize)>,
    /// Byte ranges into `passage.section` (empty without a section), likewise.
    pub section_highlights: Vec<(usize, usize)>,
    /// Why it scored as it did (with [`SearchOptions::explain`]).
    pub explanation: Option<HitExplanation>,
    /// With [`SearchOptions::group`]: more matching passages of the same document.
    pub group: Option<Group>,
    /// With [`SearchOptions::fold`]: the other matching passages of its copy cluster.
    pub copies: Option<Copies>,
}

/// The other matching passages of a hit's document, when results are grouped by document.
#[derive(Debug, Clone)]
pub struct Group {
    /// Matching passages of the document not shown (beyond the hit and `passages`).
    pub more: usize,
    /// Up to the group size more matching passages, in rank order.
    pub passages: Vec<Hit>,
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
    /// For a long query in the all-words mode: passages needed `.0` of its `.1` plain words
    /// (see [`compile::MOST_WORDS_FROM`]).
    pub required_words: Option<(usize, usize)>,
    /// How each part of the query was understood (expansions, aliases, forms, the fallback).
    pub understood: Vec<Note>,
    /// Whether `--explain` was asked for (hits then carry their explanations).
    pub explained: bool,
    /// With grouping by document: how many documents match (the hits are documents then).
    pub total_documents: Option<usize>,
    /// When nothing matches: the query with each word the index does not know replaced by its
    /// most frequent indexed word within an edit or two (`ghalibaff` → `ghalibaf`); else empty.
    pub suggestions: Vec<String>,
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
    term_stats: Arc<stats::TermStats>,
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
            meta_keys: index
                .viewed_commit_info()
                .map(|c| c.meta_keys)
                .unwrap_or_default(),
            aliases: aliases.into(),
            term_stats: Arc::default(),
        })
    }

    /// The index this session reads.
    pub fn index(&self) -> &DossierIndex {
        self.index
    }

    /// This session, remembering term statistics in `stats` (shared with other sessions on
    /// the same view of the index: the caller keeps them apart by the view's segments and
    /// deletes, as [`crate::engine::Engine::session`] does).
    pub fn sharing_term_stats(self, stats: Arc<stats::TermStats>) -> SearchSession<'i> {
        SearchSession {
            term_stats: stats,
            ..self
        }
    }

    /// The term statistics of this session's view, remembered across its searches.
    pub fn stats(&self) -> stats::CachedStats<'_> {
        self.term_stats.of(&self.searcher)
    }

    /// The one view of the index every search of this session reads.
    pub fn searcher(&self) -> &Searcher {
        &self.searcher
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
        // Folding needs more than the page (copies of better-ranked passages drop out): the
        // first pass fetches that many at once.
        let folding = options.fold && options.group.is_none() && request.limit > 0;
        let fold_request;
        let request_ranked = if folding {
            fold_request = SearchRequest {
                limit: fold::first_fetch(request),
                offset: 0,
                ..request.clone()
            };
            &fold_request
        } else {
            request
        };
        let Some(mut ranked) = self.rank(request_ranked, &expr, first)? else {
            return Err(QueryError {
                message: "the query has no searchable words (only punctuation or symbols)".into(),
                column: 1,
            }
            .into());
        };
        let mut fallback = false;
        if ranked.total == 0 && first == MatchMode::All && can_fall_back(&expr) {
            if let Some(any) = self.rank(request_ranked, &expr, MatchMode::Any)? {
                fallback = any.total > 0;
                if fallback {
                    ranked = any;
                }
            }
        }
        let mode = if fallback { MatchMode::Any } else { first };
        let (hits, total_documents) = match options.group {
            None if folding => (self.folded_hits(request, &expr, mode, &ranked)?, None),
            None => (self.hits(request, &ranked)?, None),
            Some(size) => {
                let (hits, documents) = self.grouped_hits(request, &expr, mode, &ranked, size)?;
                (hits, Some(documents))
            }
        };
        let suggestions = if ranked.total == 0 && options.suggest {
            self.suggest(request, &expr)?
        } else {
            Vec::new()
        };
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
            required_words: ranked.compiled.required_words,
            understood,
            explained: options.explain,
            total_documents,
            suggestions,
            hits,
        };
        Ok((results, counted))
    }

    /// The query of `request` as a tantivy query with its filters (after the any-word
    /// fallback, as a search would run it), and how many passages it matches; `None` when it
    /// has nothing to search for.
    pub fn matching_query(&self, request: &SearchRequest) -> Result<Option<Matching>, SearchError> {
        let expr = match request.options.syntax {
            Syntax::Plain => query::parse_plain(&request.query)?,
            Syntax::Query => parse(&request.query)?,
        };
        let Some(mut ranked) = self.rank(request, &expr, request.options.mode)? else {
            return Ok(None);
        };
        if ranked.total == 0 && request.options.mode == MatchMode::All && can_fall_back(&expr) {
            if let Some(any) = self.rank(request, &expr, MatchMode::Any)? {
                if any.total > 0 {
                    ranked = any;
                }
            }
        }
        Ok(Some(Matching {
            query: ranked.compiled.query,
            total: ranked.total,
        }))
    }

    /// "Did you mean": the query with its unknown words replaced by indexed words near them,
    /// when that finds passages.
    fn suggest(
        &self,
        request: &SearchRequest,
        expr: &QueryExpr,
    ) -> Result<Vec<String>, SearchError> {
        let corrections =
            compile::corrections(self.stats(), *self.index.fields(), &request.query, expr);
        if corrections.is_empty() {
            return Ok(Vec::new());
        }
        let mut suggested = request.query.clone();
        for (start, end, word) in corrections.iter().rev() {
            suggested.replace_range(start..end, word);
        }
        let mut probe = request.clone();
        probe.query = suggested.clone();
        probe.limit = 0;
        probe.offset = 0;
        probe.options.highlights = false;
        probe.options.explain = false;
        probe.options.suggest = false;
        Ok(if self.search(&probe)?.total_hits > 0 {
            vec![suggested]
        } else {
            Vec::new()
        })
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
            self.stats(),
            *self.index.fields(),
            &self.meta_keys,
            compile_options,
        );
        let Some(compiled) = compiler.compile(expr, &request.filters, mode)? else {
            return Ok(None);
        };
        self.collect(request, compiled).map(Some)
    }

    /// Runs a compiled query: its page of hits and, with [`SearchOptions::count`], its count.
    fn collect(&self, request: &SearchRequest, compiled: Compiled) -> Result<Ranked, SearchError> {
        let top = top_passages(self.index, request.limit.max(1), request.offset);
        let error = |e| IndexError::Tantivy {
            dir: self.index.display_dir(),
            source: e,
        };
        let stats = self.stats();
        let pruned = match prune::plan(&*compiled.query) {
            Some(plan) => prune::rank(&self.searcher, &stats, &top, &plan).map_err(error)?,
            None => None,
        };
        let (top, total) = if let Some(pruned) = pruned {
            let total = if request.options.count {
                pruned.total
            } else {
                pruned.top.len() + request.offset
            };
            (pruned.top, total)
        } else if request.options.count {
            self.searcher
                .search_with_statistics_provider(&compiled.query, &(top, Count), &stats)
                .map_err(error)?
        } else {
            let top = self
                .searcher
                .search_with_statistics_provider(&compiled.query, &top, &stats)
                .map_err(error)?;
            let total = top.len() + request.offset;
            (top, total)
        };
        Ok(Ranked {
            compiled,
            total,
            top,
        })
    }

    /// The page's passages with their highlights and explanations.
    fn hits(&self, request: &SearchRequest, ranked: &Ranked) -> Result<Vec<Hit>, SearchError> {
        let mut hits = Vec::with_capacity(ranked.top.len());
        if request.limit == 0 {
            return Ok(hits);
        }
        let mut lighting = Lighting::new(&ranked.compiled.matchers);
        for (i, &(score, addr)) in ranked.top.iter().enumerate() {
            let rank = request.offset + i + 1;
            hits.push(self.hit(request, ranked, score, addr, rank, &mut lighting)?);
        }
        Ok(hits)
    }

    fn hit(
        &self,
        request: &SearchRequest,
        ranked: &Ranked,
        score: f32,
        addr: tantivy::DocAddress,
        rank: usize,
        lighting: &mut Lighting,
    ) -> Result<Hit, SearchError> {
        let options = request.options;
        let passage = self.index.load_passage(&self.searcher, addr)?;
        let (highlights, title_highlights, section_highlights) =
            if options.highlights || options.explain {
                let l = &mut *lighting;
                (
                    l.text
                        .ranges(&mut l.analyzer, &passage.text, Analysis::Text),
                    l.title
                        .ranges(&mut l.analyzer, &passage.title, Analysis::Heading),
                    passage
                        .section
                        .as_deref()
                        .map(|s| l.section.ranges(&mut l.analyzer, s, Analysis::Heading))
                        .unwrap_or_default(),
                )
            } else {
                Default::default()
            };
        let explanation = options.explain.then(|| {
            explain::explain_hit(
                score,
                &ranked.compiled.parts,
                ranked.compiled.heading_only_counts_less,
                &self.searcher,
                addr,
                &passage,
                &highlights,
            )
        });
        Ok(Hit {
            rank,
            score,
            passage,
            highlights,
            title_highlights,
            section_highlights,
            explanation,
            group: None,
            copies: None,
        })
    }

    /// The page of documents, each as its best passage with up to `size` more of its matching
    /// passages and the count of the rest; with how many documents match.
    fn grouped_hits(
        &self,
        request: &SearchRequest,
        expr: &QueryExpr,
        mode: MatchMode,
        ranked: &Ranked,
        size: usize,
    ) -> Result<(Vec<Hit>, usize), SearchError> {
        let per_document = self
            .index
            .documents_of(&self.searcher, &*ranked.compiled.query)?;
        let wanted = request.offset + request.limit;
        let mut fetch = (wanted * (size + 1) * 4).clamp(100, 100_000);
        let (top, doc_ids) = loop {
            let Some(fetched) = self.rank(&request.first(fetch), expr, mode)? else {
                return Ok((Vec::new(), 0));
            };
            let fetched_all = fetched.top.len() < fetch;
            // Copies fold first: a document made only of copies of better-ranked passages is
            // not a result of its own.
            let top: Vec<(f32, tantivy::DocAddress)> = if request.options.fold {
                self.fold_ranked(fetched.top)?
                    .into_iter()
                    .map(|(score, addr, _)| (score, addr))
                    .collect()
            } else {
                fetched.top
            };
            let addrs: Vec<tantivy::DocAddress> = top.iter().map(|&(_, a)| a).collect();
            let doc_ids = self.index.doc_ids(&self.searcher, &addrs)?;
            let distinct: std::collections::HashSet<&str> =
                doc_ids.iter().map(String::as_str).collect();
            if distinct.len() >= wanted || fetched_all || fetch >= 100_000 {
                break (top, doc_ids);
            }
            fetch = (fetch * 4).min(100_000);
        };
        // Documents in the order of their best passage, each with its passages in rank order.
        let mut order: Vec<&str> = Vec::new();
        let mut members: std::collections::HashMap<&str, Vec<(f32, tantivy::DocAddress)>> =
            std::collections::HashMap::new();
        for (&(score, addr), doc_id) in top.iter().zip(&doc_ids) {
            let list = members.entry(doc_id.as_str()).or_default();
            if list.is_empty() {
                order.push(doc_id.as_str());
            }
            list.push((score, addr));
        }
        let mut lighting = Lighting::new(&ranked.compiled.matchers);
        let mut hits = Vec::new();
        let mut placed = Vec::new();
        for (i, key) in order
            .iter()
            .enumerate()
            .skip(request.offset)
            .take(request.limit)
        {
            let list = &members[*key];
            let (score, addr) = list[0];
            let mut hit = self.hit(request, ranked, score, addr, i + 1, &mut lighting)?;
            let mut passages = Vec::new();
            placed.push(addr);
            for (k, &(s, a)) in list.iter().enumerate().skip(1).take(size) {
                passages.push(self.hit(request, ranked, s, a, k + 1, &mut lighting)?);
                placed.push(a);
            }
            let total = per_document
                .get(&hit.passage.doc_id)
                .copied()
                .unwrap_or(list.len() as u64) as usize;
            hit.group = Some(Group {
                more: total.saturating_sub(1 + passages.len()),
                passages,
            });
            hits.push(hit);
        }
        if request.options.fold {
            self.fold_into_groups(ranked, &mut hits, &placed)?;
        }
        Ok((hits, per_document.len()))
    }
}

/// What highlights a page's passages: the query's matchers per field, their terms gathered
/// once, and the thread's warm analyzer (given back when the page is done, or abandoned).
pub(super) struct Lighting<'m> {
    analyzer: WordAnalyzer,
    text: highlight::Highlighter<'m>,
    title: highlight::Highlighter<'m>,
    section: highlight::Highlighter<'m>,
}

impl<'m> Lighting<'m> {
    pub(super) fn new(matchers: &'m compile::FieldMatchers) -> Lighting<'m> {
        Lighting {
            analyzer: WordAnalyzer::take_warm(),
            text: highlight::Highlighter::new(&matchers.text),
            title: highlight::Highlighter::new(&matchers.title),
            section: highlight::Highlighter::new(&matchers.section),
        }
    }
}

impl Drop for Lighting<'_> {
    fn drop(&mut self) {
        std::mem::take(&mut self.analyzer).give_back();
    }
}

/// A request's query as tantivy runs it (filters included), and how many passages it matches.
pub struct Matching {
    pub query: Box<dyn tantivy::query::Query>,
    pub total: usize,
}

/// A compiled query with its count and its page of (score, address) pairs.
struct Ranked {
    compiled: Compiled,
    total: usize,
    top: Vec<(f32, tantivy::DocAddress)>,
}

/// The collector of a ranking: the `limit` best passages after the first `offset`, by score,
/// and passages of equal score in ingest order (see [`top`]).
pub(crate) fn top_passages(
    index: &DossierIndex,
    limit: usize,
    offset: usize,
) -> top::TopPassages<'_> {
    top::TopPassages::new(limit, offset, index.columns())
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
