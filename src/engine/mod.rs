//! The engine: the one API every front end calls (the CLI today, the HTTP server next).
//!
//! An [`Engine`] is an open index with its alias table. It answers [`Engine::search`],
//! [`Engine::show`], [`Engine::document`], [`Engine::stats`], [`Engine::facet`],
//! [`Engine::batch`] and [`Engine::eval`], and writes with [`Engine::ingest`] and [`Engine::remove`].
//! Everything comes back as data; nothing here prints. Progress and skipped files reach the
//! caller through an [`IngestObserver`].

pub mod ingest;
pub mod quote;
pub mod show;

use std::path::{Path, PathBuf};

use crate::batch::{self, BatchOptions, BatchResult};
use crate::eval::{self, Evaluation, Qrels, TrecUnit};
use crate::index::{DossierIndex, FacetCount, FacetError, IndexError, IndexStats};
use crate::search::trend::{Trend, TrendBy};
use crate::search::{
    AliasTable, Facet, Filter, SearchError, SearchRequest, SearchResults, SearchSession, TermStats,
};

pub use ingest::{ingest, ingest_into, IngestObserver, IngestOptions, IngestReport, RemoveOutcome};
pub use quote::QuoteBatchResult;
pub use show::{PassageRef, ShowError, Shown};

/// The default index directory, relative to the working directory.
pub const DEFAULT_INDEX: &str = "index";
/// The bundled demo corpus, used to build the default index on first use.
pub const DEMO_FIXTURES: &str = "fixtures";

/// Where the index is and whether the user chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexLocation {
    pub dir: PathBuf,
    /// Neither `--index` nor `DOSSIER_INDEX` was given: the default `./index`.
    pub is_default: bool,
}

impl IndexLocation {
    /// The location given by the user, else the default `./index`.
    pub fn new(given: Option<PathBuf>) -> IndexLocation {
        match given {
            Some(dir) => IndexLocation {
                dir,
                is_default: false,
            },
            None => IndexLocation {
                dir: PathBuf::from(DEFAULT_INDEX),
                is_default: true,
            },
        }
    }
}

/// Why similar passages could not be found.
#[derive(Debug, thiserror::Error)]
pub enum SimilarError {
    /// The passage is not there (or not named right).
    #[error(transparent)]
    Passage(#[from] ShowError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

impl From<IndexError> for SimilarError {
    fn from(e: IndexError) -> SimilarError {
        SimilarError::Search(SearchError::Index(e))
    }
}

/// A filter that emptied a result on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyFilter {
    /// The metadata key it reads.
    pub key: String,
    /// Passages the search finds without it.
    pub passages_without: usize,
    /// Documents in the index.
    pub documents: u64,
    /// Documents that carry the key at all.
    pub documents_with_key: u64,
}

/// Queries a batch run reads and runs at a time, per worker thread (see
/// [`Engine::batch_stream`]).
const BATCH_BLOCK_PER_THREAD: usize = 64;

/// Why a streamed batch run stopped.
#[derive(Debug, thiserror::Error)]
pub enum BatchStreamError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("cannot read the queries: {0}")]
    Read(std::io::Error),
    /// Writing a result failed (the sink's error, as it gave it).
    #[error("{0}")]
    Write(std::io::Error),
}

/// A view of the index as its segments and their delete stamps.
type ViewKey = std::collections::BTreeMap<tantivy::index::SegmentId, Option<u64>>;

/// An open index and the alias table its searches expand names with.
pub struct Engine {
    index: DossierIndex,
    aliases: std::sync::Arc<AliasTable>,
    /// The term statistics of the latest view, shared by every session on it (a server's
    /// requests ask about the same terms again and again), by the view's segments and their
    /// deletes: the same segments, the same statistics.
    term_stats: std::sync::Mutex<Option<(ViewKey, std::sync::Arc<TermStats>)>>,
}

impl Engine {
    /// Opens the index at `location`. The one exception to "a missing index is an error": the
    /// default `./index` of a checkout with `./fixtures` is built from the fixtures first (the
    /// observer hears of it), so the README's first command works on a fresh clone.
    pub fn open(
        location: &IndexLocation,
        observer: &mut dyn IngestObserver,
    ) -> Result<Engine, IndexError> {
        let index = match DossierIndex::open(&location.dir) {
            Err(IndexError::Missing { .. })
                if location.is_default && Path::new(DEMO_FIXTURES).is_dir() =>
            {
                observer.building_demo_index(&location.dir, Path::new(DEMO_FIXTURES));
                let paths = demo_paths().map_err(|source| IndexError::Io {
                    dir: DEMO_FIXTURES.to_owned(),
                    source,
                })?;
                ingest(&location.dir, &paths, &IngestOptions::default(), observer)?;
                DossierIndex::open(&location.dir)?
            }
            other => other?,
        };
        Ok(Engine::from_index(index))
    }

    /// An engine on an index already open (an in-RAM index in tests), with the shipped aliases.
    pub fn from_index(index: DossierIndex) -> Engine {
        Engine {
            index,
            aliases: AliasTable::shared_builtin(),
            term_stats: std::sync::Mutex::new(None),
        }
    }

    /// Replaces the alias table (`--aliases FILE` adds groups; `AliasTable::builtin()` is the
    /// default).
    pub fn with_aliases(mut self, aliases: AliasTable) -> Engine {
        self.aliases = std::sync::Arc::new(aliases);
        self
    }

    pub fn index(&self) -> &DossierIndex {
        &self.index
    }

    /// A consistent view of the index for any number of searches.
    pub fn session(&self) -> Result<SearchSession<'_>, IndexError> {
        let session =
            SearchSession::with_aliases(&self.index, std::sync::Arc::clone(&self.aliases))?;
        let view = session.searcher().generation().segments();
        let mut shared = self
            .term_stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stats = match &*shared {
            Some((key, stats)) if key == view => std::sync::Arc::clone(stats),
            _ => {
                let stats = std::sync::Arc::new(TermStats::default());
                *shared = Some((view.clone(), std::sync::Arc::clone(&stats)));
                stats
            }
        };
        Ok(session.sharing_term_stats(stats))
    }

    /// Runs one search on the latest commit.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        self.session()?.search(request)
    }

    /// Runs one search and counts its matches per value of each key in `facets`.
    pub fn search_with_facets(
        &self,
        request: &SearchRequest,
        facets: &[String],
        top: usize,
    ) -> Result<(SearchResults, Vec<Facet>), SearchError> {
        self.session()?.search_with_facets(request, facets, top)
    }

    /// How often each query matches per year, month, day or metadata value, beside the
    /// documents of each bucket under the same filters (`template` gives filters and options).
    pub fn trend(
        &self,
        queries: &[String],
        by: &TrendBy,
        template: &SearchRequest,
    ) -> Result<Trend, SearchError> {
        self.session()?.trend(queries, by, template)
    }

    /// Passages like the one `reference` names (an id or a printed citation), other documents
    /// only unless `same_document`; `request` gives the page, filters and options.
    pub fn similar(
        &self,
        reference: &str,
        request: &SearchRequest,
        same_document: bool,
    ) -> Result<SearchResults, SimilarError> {
        let shown = self.show(reference, 0)?;
        Ok(self
            .session()?
            .similar(&shown.passage, request, same_document)?)
    }

    /// For a search that found nothing: each filter beside the query without which it would
    /// have found passages, with how many, and how many documents carry the filter's key.
    pub fn empty_because(&self, request: &SearchRequest) -> Result<Vec<EmptyFilter>, SearchError> {
        let mut reasons = Vec::new();
        if request.filters.is_empty() {
            return Ok(reasons);
        }
        let session = self.session()?;
        for (i, filter) in request.filters.iter().enumerate() {
            let mut without = request.clone();
            without.filters.remove(i);
            without.limit = 0;
            without.offset = 0;
            without.options.highlights = false;
            without.options.explain = false;
            without.options.suggest = false;
            let passages = session.search(&without)?.total_hits;
            if passages > 0 {
                let (documents, with_key) = self.index.documents_with_key(filter.key())?;
                reasons.push(EmptyFilter {
                    key: filter.key().to_owned(),
                    passages_without: passages,
                    documents,
                    documents_with_key: with_key,
                });
            }
        }
        Ok(reasons)
    }

    /// A passage (by id, `path:LINE` or `path ¶N`) with `context` neighbours on each side.
    pub fn show(&self, reference: &str, context: usize) -> Result<Shown, ShowError> {
        show::show(&self.index, reference, context)
    }

    /// Every passage of a document, in order.
    pub fn document(&self, doc_id: &str) -> Result<Vec<crate::model::Passage>, ShowError> {
        let passages = self.index.passages_of(doc_id)?;
        if passages.is_empty() {
            return Err(ShowError::NoDocument {
                doc_id: doc_id.to_owned(),
                index: self.index.display_dir(),
            });
        }
        Ok(passages)
    }

    /// Documents, passages, size and last ingest.
    pub fn stats(&self) -> Result<IndexStats, IndexError> {
        self.index.stats()
    }

    /// Documents and passages per value of a metadata key, the largest `top` values.
    pub fn facet(&self, key: &str, top: usize) -> Result<Vec<FacetCount>, FacetError> {
        self.index.facet(&key.to_lowercase(), top)
    }

    /// Runs a batch file's queries (`name` picks the format by extension; else the content
    /// does), with `extra_filters` added to each; lines that are not queries come back as
    /// error results in their place, everything in file order.
    pub fn batch(
        &self,
        text: &str,
        name: Option<&str>,
        options: &BatchOptions,
        extra_filters: &[Filter],
    ) -> Result<Vec<BatchResult>, IndexError> {
        let format = batch::detect_format(name, text);
        let (mut queries, errors) = batch::parse_queries(text, format);
        for q in &mut queries {
            q.filters.extend(extra_filters.iter().cloned());
        }
        let session = self.session()?;
        let mut results = batch::run(&session, queries, options);
        results.extend(errors.into_iter().map(|e| e.into_result()));
        results.sort_by_key(|r| r.query.line);
        Ok(results)
    }

    /// Runs the queries of a batch file read from `input` as a stream: a block of queries at
    /// a time (in parallel within the block), each result handed to `sink` in file order with
    /// the lines that are not queries as error results in their place. Memory stays that of one
    /// block, however long the file. `name` picks the format by extension; else the content
    /// does.
    pub fn batch_stream(
        &self,
        input: &mut dyn std::io::BufRead,
        name: Option<&str>,
        options: &BatchOptions,
        extra_filters: &[Filter],
        sink: &mut dyn FnMut(BatchResult) -> std::io::Result<()>,
    ) -> Result<(), BatchStreamError> {
        let threads = match options.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let block = BATCH_BLOCK_PER_THREAD * threads;
        let session = self.session()?;
        let mut reader = batch::QueryReader::new(input, name).map_err(BatchStreamError::Read)?;
        let mut done = false;
        while !done {
            let (mut queries, mut errors) = (Vec::new(), Vec::new());
            while queries.len() < block {
                match reader.next_query().map_err(BatchStreamError::Read)? {
                    Some(Ok(mut q)) => {
                        q.filters.extend(extra_filters.iter().cloned());
                        queries.push(q);
                    }
                    Some(Err(e)) => errors.push(e.into_result()),
                    None => {
                        done = true;
                        break;
                    }
                }
            }
            let mut results = batch::run(&session, queries, options);
            results.extend(errors);
            results.sort_by_key(|r| r.query.line);
            for result in results {
                sink(result).map_err(BatchStreamError::Write)?;
            }
        }
        Ok(())
    }

    /// Runs a batch file's queries as a TREC run of `unit`s and scores it against `qrels`; with
    /// the batch results, so the caller can report the queries that failed.
    pub fn eval(
        &self,
        qrels: &Qrels,
        queries: &str,
        name: Option<&str>,
        options: &BatchOptions,
        unit: TrecUnit,
    ) -> Result<(Evaluation, Vec<BatchResult>), IndexError> {
        let results = self.batch(queries, name, options, &[])?;
        let run = eval::Run::from_results(&results, unit);
        Ok((eval::evaluate(qrels, &run), results))
    }

    /// Ingests `paths` into this engine's index, in one commit (searches see it at once).
    pub fn ingest(
        &self,
        paths: &[PathBuf],
        options: &IngestOptions,
        observer: &mut dyn IngestObserver,
    ) -> Result<IngestReport, IndexError> {
        ingest::ingest_into(&self.index, paths, options, observer)
    }

    /// Runs a watch-list (`text`, its format from `name`) against `state`: what is new for each
    /// query since its last run, on one view of the index. The caller writes the output, then
    /// saves the state.
    pub fn watch(
        &self,
        text: &str,
        name: Option<&str>,
        options: &crate::watch::WatchOptions,
        state: &mut crate::watch::WatchState,
    ) -> Result<crate::watch::WatchRun, crate::watch::WatchError> {
        crate::watch::run(&self.session()?, text, name, options, state)
    }

    /// Removes documents (by id) or files (by path) from the index, in one commit.
    pub fn remove(&self, targets: &[String]) -> Result<Vec<RemoveOutcome>, IndexError> {
        ingest::remove(&self.index, targets, None, &mut ())
    }

    /// [`Engine::remove`], waiting up to `wait` for another writer to finish (the observer
    /// hears of the wait, and of a warning).
    pub fn remove_waiting(
        &self,
        targets: &[String],
        wait: Option<std::time::Duration>,
        observer: &mut dyn IngestObserver,
    ) -> Result<Vec<RemoveOutcome>, IndexError> {
        ingest::remove(&self.index, targets, wait, observer)
    }
}

/// The demo corpus: every directory under `fixtures/` (the files at its top level, such as its
/// README with the credits, describe the fixtures and are not part of the corpus).
fn demo_paths() -> std::io::Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(DEMO_FIXTURES)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    Ok(dirs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_statistics_follow_each_commit() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let file = dir.path().join(name);
            std::fs::write(&file, text).unwrap();
            file
        };
        let first = write("a.txt", "The snapback mechanism.\n\nTalks resumed.\n");
        let engine = Engine::from_index(DossierIndex::create_in_ram());
        let options = IngestOptions::default();
        engine.ingest(&[first], &options, &mut ()).unwrap();
        let request = SearchRequest::new("snapback mechanism", 10);
        // Scores through the engine's shared statistics, and through a session of its own.
        let scores = |engine: &Engine| -> (Vec<f32>, Vec<f32>) {
            let shared = engine.search(&request).unwrap();
            let own = SearchSession::new(engine.index()).unwrap().search(&request);
            let of = |r: SearchResults| r.hits.iter().map(|h| h.score).collect();
            (of(shared), of(own.unwrap()))
        };
        let (before, own) = scores(&engine);
        assert_eq!(before, own);
        // More passages with the words: their weights change, in the shared statistics too.
        let more: Vec<_> = (0..5)
            .map(|i| write(&format!("b{i}.txt"), "A snapback mechanism again.\n"))
            .collect();
        engine.ingest(&more, &options, &mut ()).unwrap();
        let (after, own) = scores(&engine);
        assert_eq!(after, own);
        assert_eq!(after.len(), 6);
        assert_ne!(after[0], before[0]);
    }

    #[test]
    fn an_engine_in_ram_ingests_searches_and_shows() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("brief.txt");
        std::fs::write(
            &file,
            "Snapback, explained\n\nThe E3 triggered the snapback mechanism.\n\nTalks resumed.\n",
        )
        .unwrap();
        let engine = Engine::from_index(DossierIndex::create_in_ram());
        let report = engine
            .ingest(
                std::slice::from_ref(&file),
                &IngestOptions::default(),
                &mut (),
            )
            .unwrap();
        assert_eq!((report.added, report.passages), (1, 2));
        let results = engine.search(&SearchRequest::new("snapback", 10)).unwrap();
        assert_eq!(results.hits[0].passage.line_start, 3);
        let cited = format!("{}:3", crate::ingest::doc_id_for(&file));
        let shown = engine.show(&cited, 1).unwrap();
        assert_eq!(shown.passage.paragraph, 1);
        assert_eq!(shown.after[0].text, "Talks resumed.");
        assert!(matches!(
            engine.show("nothing", 0),
            Err(ShowError::BadReference(_))
        ));
    }
}
