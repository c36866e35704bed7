//! Writing to the index: one ingest run (read → upsert → prune → one atomic commit) and
//! removals, with a typed report and an observer for progress.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::index::{DossierIndex, IndexError, IngestOutcome, Updater};
use crate::ingest::{doc_id_for, find_sources, read_source, Item, ReadOptions, Skip, SkipReason};

/// What an ingest run does besides reading its sources.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    pub read: ReadOptions,
    /// Start from an empty index (an index this version cannot read is cleared first).
    pub rebuild: bool,
    /// Remove the documents whose files under the given paths are gone.
    pub prune: bool,
    /// How long to wait for another writer to finish (`None`: refuse at once, "busy").
    pub wait: Option<std::time::Duration>,
}

/// Hears what an ingest run is doing. Every method has a default that ignores it.
pub trait IngestObserver {
    /// The default index is missing and is being built from the demo fixtures.
    fn building_demo_index(&mut self, _index: &Path, _fixtures: &Path) {}
    /// Another process is writing to the index: this run waits up to `timeout` for it.
    fn waiting(&mut self, _index: &Path, _timeout: std::time::Duration) {}
    /// The sources were found: this many bytes to read.
    fn started(&mut self, _sources: usize, _bytes: u64) {}
    /// A file or record was skipped (or a document given twice).
    fn skipped(&mut self, _skip: &Skip) {}
    /// A document was read, but not quite as it should be.
    fn warning(&mut self, _path: &Path, _message: &str) {}
    /// One source was read; `report` is the run so far.
    fn source_done(&mut self, _bytes: u64, _report: &IngestReport) {}
    /// A document whose file is gone was removed (`--prune`); heard after the commit.
    fn pruned(&mut self, _path: &str) {}
    /// Everything was written; the commit starts.
    fn committing(&mut self) {}
}

/// An observer that hears nothing.
impl IngestObserver for () {}

/// What one ingest run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestReport {
    /// Documents new to the index.
    pub added: usize,
    /// Documents whose content changed: their passages were replaced.
    pub replaced: usize,
    /// Documents indexed at this version already.
    pub unchanged: usize,
    /// Documents removed because their file is gone.
    pub pruned: usize,
    /// Passages written.
    pub passages: usize,
    /// Bytes of source read.
    pub bytes: u64,
    /// Files and records passed over, in order.
    pub skips: Vec<Skip>,
    pub warnings: usize,
    pub seconds: f64,
}

impl IngestReport {
    /// Documents read (added, replaced or unchanged).
    pub fn documents(&self) -> usize {
        self.added + self.replaced + self.unchanged
    }

    /// Whether a skip means something went wrong (the exit code reports it).
    pub fn has_errors(&self) -> bool {
        self.skips.iter().any(|s| s.reason.is_error())
    }
}

/// Ingests `paths` into the index in `dir` (created if needed), in one commit.
pub fn ingest(
    dir: &Path,
    paths: &[PathBuf],
    options: &IngestOptions,
    observer: &mut dyn IngestObserver,
) -> Result<IngestReport, IndexError> {
    let index = if options.rebuild {
        DossierIndex::open_for_rebuild(dir)?
    } else {
        DossierIndex::open_or_create(dir)?
    };
    ingest_into(&index, paths, options, observer)
}

/// Ingests `paths` into an open index (an in-RAM one in tests), in one commit.
pub fn ingest_into(
    index: &DossierIndex,
    paths: &[PathBuf],
    options: &IngestOptions,
    observer: &mut dyn IngestObserver,
) -> Result<IngestReport, IndexError> {
    let started = Instant::now();
    let mut updater = writer(index, options.wait, observer)?;
    let mut pruned = Vec::new();
    if options.rebuild {
        updater.clear()?;
    }
    let (sources, walk_skips) = find_sources(paths);
    let mut report = IngestReport::default();
    for skip in walk_skips {
        observer.skipped(&skip);
        report.skips.push(skip);
    }
    let sizes: Vec<u64> = sources
        .iter()
        .map(|s| std::fs::metadata(&s.path).map_or(0, |m| m.len()))
        .collect();
    observer.started(sources.len(), sizes.iter().sum());
    for (source, &size) in sources.iter().zip(&sizes) {
        read_one(source, &options.read, &mut updater, &mut report, observer)?;
        report.bytes += size;
        observer.source_done(size, &report);
    }
    if options.prune {
        pruned = prune(index, &mut updater, paths)?;
        report.pruned = pruned.len();
    }
    observer.committing();
    let committed = updater.commit()?;
    if let Some(warning) = committed.merge_warning {
        report.warnings += 1;
        observer.warning(Path::new(&index.display_dir()), &warning);
    }
    for path in &pruned {
        observer.pruned(path);
    }
    index.refresh();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The index's writer, waiting for another one to finish when asked to.
fn writer(
    index: &DossierIndex,
    wait: Option<std::time::Duration>,
    observer: &mut dyn IngestObserver,
) -> Result<Updater, IndexError> {
    let dir = std::path::PathBuf::from(index.display_dir());
    index.updater_waiting(wait, &mut |timeout| observer.waiting(&dir, timeout))
}

/// Reads one source into the updater. The reader asks whether a document is current and hands
/// over documents, one at a time: both need the writer, never at once, so the question is
/// answered from a copy of the writer's view taken before each document.
fn read_one(
    source: &crate::ingest::SourceFile,
    options: &ReadOptions,
    updater: &mut Updater,
    report: &mut IngestReport,
    observer: &mut dyn IngestObserver,
) -> Result<(), IndexError> {
    let currency = updater.currency();
    let mut is_current =
        |doc_id: &str, version: &str| currency.is_current(doc_id, version).unwrap_or(false);
    let mut sink = |item: Item| -> Result<(), IndexError> {
        match item {
            Item::Document(doc) => match updater.upsert(&doc)? {
                IngestOutcome::Duplicate => {
                    let skip = Skip {
                        path: source.path.clone(),
                        reason: SkipReason::Duplicate {
                            id: doc.doc_id.clone(),
                        },
                    };
                    observer.skipped(&skip);
                    report.skips.push(skip);
                }
                outcome => {
                    if outcome == IngestOutcome::Added {
                        report.added += 1;
                    } else {
                        report.replaced += 1;
                    }
                    report.passages += doc.passages.len();
                }
            },
            Item::Unchanged { .. } => report.unchanged += 1,
            Item::Skip(skip) => {
                observer.skipped(&skip);
                report.skips.push(skip);
            }
            Item::Warning { path, message } => {
                report.warnings += 1;
                observer.warning(&path, &message);
            }
        }
        Ok(())
    };
    read_source(source, options, &mut is_current, &mut sink)
}

/// Removes the documents whose source file, under one of the ingested roots, is gone; returns
/// their paths.
fn prune(
    index: &DossierIndex,
    updater: &mut Updater,
    roots: &[PathBuf],
) -> Result<Vec<String>, IndexError> {
    let roots: Vec<String> = roots.iter().map(|r| doc_id_for(r)).collect();
    let mut pruned = Vec::new();
    for path in index.indexed_paths()? {
        let under_root = roots
            .iter()
            .any(|r| path == *r || path.starts_with(&format!("{r}/")) || r.is_empty());
        if under_root && !Path::new(&path).exists() && updater.remove_path(&path)? > 0 {
            pruned.push(path);
        }
    }
    Ok(pruned)
}

/// What `remove` did with one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoveOutcome {
    /// A document id: its passages were removed.
    Document { target: String, passages: usize },
    /// An ingested file: the passages of all its documents were removed.
    File { target: String, passages: usize },
    /// Neither a document id nor an ingested file.
    NotFound { target: String },
}

/// Removes documents (by id) or files (by path), in one commit, waiting up to `wait` for
/// another writer to finish.
pub(super) fn remove(
    index: &DossierIndex,
    targets: &[String],
    wait: Option<std::time::Duration>,
    observer: &mut dyn IngestObserver,
) -> Result<Vec<RemoveOutcome>, IndexError> {
    let mut updater = writer(index, wait, observer)?;
    let mut outcomes = Vec::with_capacity(targets.len());
    for target in targets {
        let n = updater.remove(target)?;
        let outcome = if n > 0 {
            RemoveOutcome::Document {
                target: target.clone(),
                passages: n,
            }
        } else {
            match updater.remove_path(&doc_id_for(Path::new(target)))? {
                0 => RemoveOutcome::NotFound {
                    target: target.clone(),
                },
                n => RemoveOutcome::File {
                    target: target.clone(),
                    passages: n,
                },
            }
        };
        outcomes.push(outcome);
    }
    if let Some(warning) = updater.commit()?.merge_warning {
        observer.warning(Path::new(&index.display_dir()), &warning);
    }
    index.refresh();
    Ok(outcomes)
}
