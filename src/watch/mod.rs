//! Watch-lists: standing queries that report only what is **new** since their last run.
//!
//! New means: a passage whose text an ingest run after the query's last run wrote into its
//! document, and that matches the query now. It is defined by ingest order, not by publication
//! date (a backfilled old article is new to the analyst): every passage carries the number of the
//! ingest run that first wrote its text into its document (a re-ingest of an unchanged text keeps
//! the number; see `index::Fields::ingest_seq`), and the state keeps, per query, the run it has
//! reported up to (its mark); for the whole list, the index's identity and (in a file beside the
//! state) the digests of every text the index held at the last run.
//!
//! - The first run of a query (or of a query whose text or filters changed) reports its
//!   current matches, up to its limit, and sets the mark; `from_now` sets the mark only.
//! - A rebuilt index (another identity) is compared by content: a text the old index held at the
//!   last run is not new again; any other is.
//! - One view of the index per run: an ingest that commits during the run is new next time.
//! - The state is written atomically (temp file + rename), after the output; two runs on one
//!   state at once: the second is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::batch::{self, BatchQuery};
use crate::index::{text_digest, IndexError};
use crate::search::{Filter, Hit, SearchOptions, SearchRequest, SearchSession};

/// The state file's format version.
const STATE_VERSION: u32 = 1;
/// New passages looked at per query and run (the output shows up to the query's limit of them
/// and counts the rest).
const MAX_NEW: usize = 10_000;
/// Reported texts remembered per query (the fallback across a rebuild when the text file is
/// gone).
const MAX_REPORTED: usize = 10_000;

/// How a watch run goes.
#[derive(Debug, Clone, Copy)]
pub struct WatchOptions {
    /// New hits shown per query (a query's own `limit` wins).
    pub limit: usize,
    /// First runs set the mark without reporting.
    pub from_now: bool,
    /// Search options (match mode, aliases, …) for every query.
    pub search: SearchOptions,
}

/// The state of a watch-list: per query id, what it has reported.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WatchState {
    pub version: u32,
    /// The index of the last run.
    #[serde(default)]
    pub index_id: String,
    /// The last ingest run of the last run's view.
    #[serde(default)]
    pub mark: u64,
    pub queries: BTreeMap<String, QueryState>,
    /// Every text (digest) the index held at the last run, sorted: kept in a file of its own
    /// beside the state (`STATE.texts`), not in the JSON.
    #[serde(skip)]
    pub texts: Vec<u64>,
}

/// What one query has reported.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct QueryState {
    /// The query's text and filters: a change starts the query over.
    pub fingerprint: String,
    /// The last ingest run reported.
    pub mark: u64,
    /// Digests (hex) of the texts reported, the most recent ones.
    pub reported: BTreeSet<String>,
    /// When it last ran (RFC 3339).
    pub last_run: String,
}

/// How a query's run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Its first run: its current matches.
    Started,
    /// Its text or filters changed: it started over with its current matches.
    Restarted,
    /// First run with `from_now`: the mark is set, nothing reported.
    Marked,
    /// What is new since the last run.
    Continued,
    /// The index was rebuilt: compared by content.
    Rebuilt,
}

/// One query's new passages.
#[derive(Debug)]
pub struct WatchResult {
    pub query: BatchQuery,
    pub outcome: Result<NewHits, String>,
}

/// The new passages of one query.
#[derive(Debug)]
pub struct NewHits {
    pub status: Status,
    /// New passages in all (the hits are the first `limit` of them, by rank).
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// A whole run: results in file order.
#[derive(Debug)]
pub struct WatchRun {
    pub results: Vec<WatchResult>,
    /// The index's identity and last ingest run in this run's view.
    pub index_id: String,
    pub mark: u64,
}

impl WatchRun {
    /// Queries with new passages, and new passages in all.
    pub fn counts(&self) -> (usize, usize) {
        let new: Vec<usize> = self
            .results
            .iter()
            .filter_map(|r| r.outcome.as_ref().ok().map(|n| n.total))
            .collect();
        (new.iter().filter(|&&n| n > 0).count(), new.iter().sum())
    }

    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| r.outcome.is_err()).count()
    }
}

/// Why a watch run could not go on.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(
        "the watch-list state {path} is in use by another `dossier watch`; wait for it to finish"
    )]
    Busy { path: String },
    #[error("cannot read the watch-list state {path}: {message}")]
    BadState { path: String, message: String },
    #[error("cannot write the watch-list state {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// The state file of a watch-list: `FILE.state.json` beside it.
pub fn default_state_path(watch_list: &Path) -> PathBuf {
    let mut name = watch_list.as_os_str().to_owned();
    name.push(".state.json");
    PathBuf::from(name)
}

/// Reads a state without locking it (for a reader that never saves, such as the server's
/// watch panel); an absent file is an empty state.
pub fn read_state(path: &Path) -> Result<WatchState, WatchError> {
    let shown = path.display().to_string();
    let mut state: WatchState = match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| WatchError::BadState {
            path: shown.clone(),
            message: e.to_string(),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => WatchState {
            version: STATE_VERSION,
            ..WatchState::default()
        },
        Err(e) => {
            return Err(WatchError::BadState {
                path: shown,
                message: e.to_string(),
            })
        }
    };
    if state.version != STATE_VERSION {
        return Err(WatchError::BadState {
            path: shown,
            message: format!(
                "state version {} where {STATE_VERSION} is expected",
                state.version
            ),
        });
    }
    state.texts = read_texts(&texts_path(path), &state.index_id, state.mark);
    Ok(state)
}

/// The file beside a state that holds the texts of the last run's index.
fn texts_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(".texts");
    PathBuf::from(name)
}

/// The text digests saved for the run of `index_id` at `mark`: empty when the file is absent,
/// damaged, or from another run (a crash between the two files).
fn read_texts(path: &Path, index_id: &str, mark: u64) -> Vec<u64> {
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    let header = texts_header(index_id, mark);
    match bytes.strip_prefix(header.as_slice()) {
        Some(rest) if rest.len() % 8 == 0 => rest
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("eight bytes")))
            .collect(),
        _ => Vec::new(),
    }
}

fn texts_header(index_id: &str, mark: u64) -> Vec<u8> {
    let mut header = format!("dossier-texts 1 {index_id} {mark}\n").into_bytes();
    header.resize(64, b' ');
    header
}

/// Writes `bytes` to `path` atomically: a temp file beside it, synced, then renamed over it.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// A state file held for one run: locked against a second run until dropped.
pub struct StateFile {
    path: PathBuf,
    _lock: std::fs::File,
    pub state: WatchState,
}

impl StateFile {
    /// Locks and reads the state at `path` (an absent file is an empty state).
    pub fn open(path: &Path) -> Result<StateFile, WatchError> {
        let shown = path.display().to_string();
        let mut lock_name = path.as_os_str().to_owned();
        lock_name.push(".lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(PathBuf::from(lock_name))
            .map_err(|source| WatchError::Write {
                path: shown.clone(),
                source,
            })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(WatchError::Busy { path: shown }),
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(WatchError::Write {
                    path: shown,
                    source,
                })
            }
        }
        let state = read_state(path)?;
        Ok(StateFile {
            path: path.to_path_buf(),
            _lock: lock,
            state,
        })
    }

    /// Writes the state atomically (a temp file beside it, synced, then renamed over it): the
    /// texts file first, then the state that names its run.
    pub fn save(&self) -> Result<(), WatchError> {
        let error = |source| WatchError::Write {
            path: self.path.display().to_string(),
            source,
        };
        let mut texts = texts_header(&self.state.index_id, self.state.mark);
        texts.reserve(self.state.texts.len() * 8);
        for d in &self.state.texts {
            texts.extend_from_slice(&d.to_le_bytes());
        }
        write_atomically(&texts_path(&self.path), &texts).map_err(error)?;
        let mut json = serde_json::to_vec(&self.state).map_err(|e| error(e.into()))?;
        json.push(b'\n');
        write_atomically(&self.path, &json).map_err(error)
    }
}

/// `work` on every item, on all cores, results in input order.
fn parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<R>>> =
        items.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = work(item);
                *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().unwrap_or_else(|p| p.into_inner()))
        .collect()
}

/// What makes a query the same query from run to run: its text and its filters (not its limit,
/// which only says how much to show).
fn fingerprint(q: &BatchQuery) -> String {
    let mut filters: Vec<String> = q.filters.iter().map(Filter::to_string).collect();
    filters.sort();
    format!("{}\u{1f}{}", q.query, filters.join("\u{1e}"))
}

fn hex(digest: u64) -> String {
    format!("{digest:016x}")
}

/// Runs a watch-list's queries (`text`, named `name` for its format) on one view of the index,
/// updating `state` in memory (the caller saves it once the output is written).
pub fn run(
    session: &SearchSession,
    text: &str,
    name: Option<&str>,
    options: &WatchOptions,
    state: &mut WatchState,
) -> Result<WatchRun, WatchError> {
    let format = batch::detect_format(name, text);
    let (queries, errors) = batch::parse_queries(text, format);
    let index = session.index();
    let searcher = session.searcher();
    let mark = index.last_ingest_run(searcher)?;
    let index_id = index.commit_info().map(|c| c.index_id).unwrap_or_default();
    // Across a rebuild, what the old index held is what is not new.
    let rebuilt = !state.index_id.is_empty() && state.index_id != index_id;
    let old_texts = std::mem::take(&mut state.texts);
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let mut results = Vec::new();
    let mut kept = BTreeSet::new();
    // The queries run in parallel over the one view, as a batch does; the state is updated
    // after, in file order.
    let old = rebuilt.then_some(old_texts.as_slice());
    let outcomes = parallel(&queries, |query| {
        let limit = query.limit.unwrap_or(options.limit);
        let print = fingerprint(query);
        let previous = state.queries.get(&query.id);
        let outcome = run_query(
            session,
            query,
            limit,
            options,
            previous.filter(|p| p.fingerprint == print),
            previous.is_some(),
            old,
        );
        (print, outcome)
    });
    for (query, (print, outcome)) in queries.into_iter().zip(outcomes) {
        kept.insert(query.id.clone());
        match outcome {
            Ok((hits, reported)) => {
                state.queries.insert(
                    query.id.clone(),
                    QueryState {
                        fingerprint: print,
                        mark,
                        reported,
                        last_run: now.clone(),
                    },
                );
                results.push(WatchResult {
                    query,
                    outcome: Ok(hits),
                });
            }
            Err(message) => {
                // A query that fails keeps its state (it reports again once it is fixed).
                results.push(WatchResult {
                    query,
                    outcome: Err(message),
                });
            }
        }
    }
    for e in errors {
        kept.insert(e.id.clone());
        let r = e.into_result();
        results.push(WatchResult {
            query: r.query,
            outcome: Err(r.outcome.err().unwrap_or_default()),
        });
    }
    // Queries no longer in the file are dropped from the state.
    state.queries.retain(|id, _| kept.contains(id));
    let mut texts = index
        .digests_of(searcher, &tantivy::query::AllQuery)
        .map_err(WatchError::Index)?;
    texts.sort_unstable();
    texts.dedup();
    state.texts = texts;
    state.index_id = index_id.clone();
    state.mark = mark;
    results.sort_by_key(|r| r.query.line);
    Ok(WatchRun {
        results,
        index_id,
        mark,
    })
}

fn run_query(
    session: &SearchSession,
    query: &BatchQuery,
    limit: usize,
    options: &WatchOptions,
    previous: Option<&QueryState>,
    existed: bool,
    old_texts: Option<&[u64]>,
) -> Result<(NewHits, BTreeSet<String>), String> {
    let base = SearchRequest {
        query: query.query.clone(),
        filters: query.filters.clone(),
        limit,
        offset: 0,
        options: SearchOptions {
            suggest: false,
            ..options.search
        },
    };
    let reported_of = |hits: &[Hit], before: Option<&BTreeSet<String>>| {
        let mut reported = before.cloned().unwrap_or_default();
        for hit in hits {
            reported.insert(hex(text_digest(&hit.passage.text)));
        }
        while reported.len() > MAX_REPORTED {
            let first = reported.iter().next().cloned().unwrap_or_default();
            reported.remove(&first);
        }
        reported
    };
    let Some(previous) = previous else {
        if options.from_now {
            let status = Status::Marked;
            return Ok((
                NewHits {
                    status,
                    total: 0,
                    hits: Vec::new(),
                },
                BTreeSet::new(),
            ));
        }
        let results = session.search(&base).map_err(|e| e.to_string())?;
        let reported = reported_of(&results.hits, None);
        return Ok((
            NewHits {
                status: if existed {
                    Status::Restarted
                } else {
                    Status::Started
                },
                total: results.total_hits,
                hits: results.hits,
            },
            reported,
        ));
    };
    // Candidates: by ingest run since the mark, or (across a rebuild) every match, then by
    // content: a text the old index held (or, without its list, one reported before) is not new.
    // By ingest run every candidate is new: the page is the limit. Across a rebuild they are
    // compared by content, so many are looked at.
    let mut candidates = SearchRequest {
        limit: if old_texts.is_some() { MAX_NEW } else { limit },
        ..base.clone()
    };
    if old_texts.is_none() {
        candidates
            .filters
            .push(Filter::IngestedAfter(previous.mark));
    }
    let found = session.search(&candidates).map_err(|e| e.to_string())?;
    let is_new = |hit: &Hit| {
        let digest = text_digest(&hit.passage.text);
        match old_texts {
            None => true,
            Some(texts) if !texts.is_empty() => texts.binary_search(&digest).is_err(),
            Some(_) => !previous.reported.contains(&hex(digest)),
        }
    };
    let beyond = found.total_hits.saturating_sub(found.hits.len());
    let mut new: Vec<Hit> = found.hits.into_iter().filter(|h| is_new(h)).collect();
    let total = new.len() + if old_texts.is_none() { beyond } else { 0 };
    new.truncate(limit);
    for (i, hit) in new.iter_mut().enumerate() {
        hit.rank = i + 1;
    }
    let reported = reported_of(&new, Some(&previous.reported));
    Ok((
        NewHits {
            status: if old_texts.is_some() {
                Status::Rebuilt
            } else {
                Status::Continued
            },
            total,
            hits: new,
        },
        reported,
    ))
}
