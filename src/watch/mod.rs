//! Watch-lists: standing queries that report only what is **new** since their last run.
//!
//! New means: a passage whose text an ingest run after the query's last run wrote into its
//! document, and that matches the query now. It is defined by ingest order, not by publication
//! date (a backfilled old article is new to the analyst): every passage carries the number of the
//! ingest run that first wrote its text into its document (a re-ingest of an unchanged text keeps
//! the number; see `index::Fields::ingest_seq`), and the state keeps, per query, the run it has
//! reported up to (its mark), the index's identity, and the digests of the texts it has seen.
//!
//! - The first run of a query (or of a query whose text or filters changed) reports its
//!   current matches, up to its limit, and sets the mark; `from_now` sets the mark only.
//! - A rebuilt index (another identity) is compared by content: what was seen is not new again,
//!   what was not seen is.
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
/// Texts remembered per query.
const MAX_SEEN: usize = 200_000;

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
    pub queries: BTreeMap<String, QueryState>,
}

/// What one query has reported.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct QueryState {
    /// The query's text and filters: a change starts the query over.
    pub fingerprint: String,
    /// The index the mark counts in.
    pub index_id: String,
    /// The last ingest run reported.
    pub mark: u64,
    /// Digests of the texts seen (hex), to compare by content across a rebuild.
    pub seen: BTreeSet<String>,
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
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| WatchError::BadState {
            path: shown,
            message: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(WatchState {
            version: STATE_VERSION,
            queries: BTreeMap::new(),
        }),
        Err(e) => Err(WatchError::BadState {
            path: shown,
            message: e.to_string(),
        }),
    }
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
        let state = match std::fs::read_to_string(path) {
            Ok(text) => {
                let state: WatchState =
                    serde_json::from_str(&text).map_err(|e| WatchError::BadState {
                        path: shown.clone(),
                        message: e.to_string(),
                    })?;
                if state.version != STATE_VERSION {
                    return Err(WatchError::BadState {
                        path: shown,
                        message: format!(
                            "state version {} where {STATE_VERSION} is expected",
                            state.version
                        ),
                    });
                }
                state
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => WatchState {
                version: STATE_VERSION,
                queries: BTreeMap::new(),
            },
            Err(e) => {
                return Err(WatchError::BadState {
                    path: shown,
                    message: e.to_string(),
                })
            }
        };
        Ok(StateFile {
            path: path.to_path_buf(),
            _lock: lock,
            state,
        })
    }

    /// Writes the state atomically: a temp file beside it, synced, then renamed over it.
    pub fn save(&self) -> Result<(), WatchError> {
        let error = |source| WatchError::Write {
            path: self.path.display().to_string(),
            source,
        };
        let mut tmp_name = self.path.as_os_str().to_owned();
        tmp_name.push(".tmp");
        let tmp = PathBuf::from(tmp_name);
        let mut file = std::fs::File::create(&tmp).map_err(error)?;
        serde_json::to_writer(&mut file, &self.state).map_err(|e| error(e.into()))?;
        file.write_all(b"\n").map_err(error)?;
        file.sync_all().map_err(error)?;
        std::fs::rename(&tmp, &self.path).map_err(error)
    }
}

/// What makes a query the same query from run to run: its text and its filters (not its limit,
/// which only says how much to show).
fn fingerprint(q: &BatchQuery) -> String {
    let mut filters: Vec<String> = q.filters.iter().map(|f| format!("{f:?}")).collect();
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
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let mut results = Vec::new();
    let mut kept = BTreeSet::new();
    for query in queries {
        kept.insert(query.id.clone());
        let limit = query.limit.unwrap_or(options.limit);
        let print = fingerprint(&query);
        let previous = state.queries.get(&query.id).cloned();
        let outcome = run_query(
            session,
            &query,
            limit,
            options,
            previous.as_ref().filter(|p| p.fingerprint == print),
            previous.is_some(),
            &index_id,
        );
        match outcome {
            Ok((hits, seen)) => {
                state.queries.insert(
                    query.id.clone(),
                    QueryState {
                        fingerprint: print,
                        index_id: index_id.clone(),
                        mark,
                        seen,
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
    index_id: &str,
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
    let index = session.index();
    let searcher = session.searcher();
    let all_digests = |request: &SearchRequest| -> Result<Vec<u64>, String> {
        match session.matching_query(request).map_err(|e| e.to_string())? {
            Some(m) => index
                .digests_of(searcher, &*m.query)
                .map_err(|e| e.to_string()),
            None => Ok(Vec::new()),
        }
    };
    let first_run = |status: Status| -> Result<(NewHits, BTreeSet<String>), String> {
        let seen: BTreeSet<String> = all_digests(&base)?
            .into_iter()
            .take(MAX_SEEN)
            .map(hex)
            .collect();
        if options.from_now {
            return Ok((
                NewHits {
                    status: Status::Marked,
                    total: 0,
                    hits: Vec::new(),
                },
                seen,
            ));
        }
        let results = session.search(&base).map_err(|e| e.to_string())?;
        Ok((
            NewHits {
                status,
                total: results.total_hits,
                hits: results.hits,
            },
            seen,
        ))
    };
    let Some(previous) = previous else {
        return first_run(if existed {
            Status::Restarted
        } else {
            Status::Started
        });
    };
    let mut seen = previous.seen.clone();
    let rebuilt = previous.index_id != index_id;
    // Candidates: by ingest run since the mark, or (across a rebuild) everything, then by
    // content: a text seen before is never new again.
    let mut candidates = SearchRequest {
        limit: MAX_NEW,
        ..base.clone()
    };
    if !rebuilt {
        candidates
            .filters
            .push(Filter::IngestedAfter(previous.mark));
    }
    let found = session.search(&candidates).map_err(|e| e.to_string())?;
    let mut new: Vec<Hit> = found
        .hits
        .into_iter()
        .filter(|h| !seen.contains(&hex(text_digest(&h.passage.text))))
        .collect();
    let total = new.len()
        + found
            .total_hits
            .saturating_sub(MAX_NEW.min(found.total_hits));
    for hit in &new {
        if seen.len() < MAX_SEEN {
            seen.insert(hex(text_digest(&hit.passage.text)));
        }
    }
    if rebuilt {
        // What the new index holds that matches is seen from now on.
        for d in all_digests(&base)?.into_iter().take(MAX_SEEN) {
            seen.insert(hex(d));
        }
    }
    new.truncate(limit);
    for (i, hit) in new.iter_mut().enumerate() {
        hit.rank = i + 1;
    }
    Ok((
        NewHits {
            status: if rebuilt {
                Status::Rebuilt
            } else {
                Status::Continued
            },
            total,
            hits: new,
        },
        seen,
    ))
}
