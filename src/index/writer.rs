//! Writing to the index: add, replace or skip documents, remove them, then one atomic commit.
//!
//! A document's passages are replaced as a unit (`delete_term(doc_id)` + adds), so the index
//! never holds two versions of a document. Until [`Updater::commit`] nothing is visible to
//! searches; a crashed ingest leaves the previous commit intact.

use std::collections::{BTreeSet, HashMap, HashSet};

use tantivy::collector::Count;
use tantivy::indexer::UserOperation;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, IndexWriter, Searcher, TantivyDocument, Term};

use super::directory::{read_error, remove_temporary_files, write_error};
use super::{meta_term, CommitInfo, DossierIndex, Fields, IndexError, SCHEMA_VERSION};
use crate::model::meta::{date_of, year_of};
use crate::model::Document;
use crate::model::{Period, Precision};

/// Memory for tantivy's indexing threads, per thread.
const MEMORY_PER_THREAD: usize = 128 * 1024 * 1024;
const MAX_THREADS: usize = 8;

/// What happened to one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    /// New to the index.
    Added,
    /// Its content changed: the old passages were replaced.
    Replaced,
    /// The same document id was already written earlier in this run (nothing written).
    Duplicate,
}

/// An open index writer. Holds the index lock until dropped.
pub struct Updater {
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    searcher: Searcher,
    dir: String,
    seen: HashSet<String>,
    meta_keys: BTreeSet<String>,
    /// Set by [`Updater::clear`]: nothing indexed before counts as present any more.
    cleared: bool,
    /// The index's view, forgotten on commit so this process searches what it wrote.
    view: std::sync::Arc<std::sync::Mutex<super::View>>,
    /// This run's number (the last commit's plus one).
    run_seq: u64,
    /// The index's identity (new when the index is new or rebuilt).
    index_id: String,
    /// Finds each passage's copies and assigns its serial and cluster.
    copies: super::copies::CopyFinder,
}

impl Updater {
    pub(super) fn new(index: &DossierIndex) -> Result<Updater, IndexError> {
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, MAX_THREADS);
        let dir_path = std::path::PathBuf::from(index.display_dir());
        let writer = index
            .tantivy()
            .writer_with_num_threads(threads, threads * MEMORY_PER_THREAD)
            .map_err(|e| write_error(&dir_path, e))?;
        if index.dir.is_some() {
            // What a writer killed before its commit left behind goes now, before this run
            // needs the space: its temporary files, and (tantivy's garbage collection) the
            // files of segments no commit names.
            remove_temporary_files(&dir_path)
                .map_err(|e| super::directory::write_failed(&dir_path, &e))?;
            writer
                .garbage_collect_files()
                .wait()
                .map_err(|e| write_error(&dir_path, e))?;
        }
        // The lock may have been waited for: look at the commit the last writer made, not
        // at a view of the index from before it (that would take a changed document for a
        // new one and index it twice).
        index.refresh();
        Ok(Updater {
            writer,
            fields: *index.fields(),
            searcher: index.searcher()?,
            dir: index.display_dir(),
            seen: HashSet::new(),
            meta_keys: index.commit_info().map(|c| c.meta_keys).unwrap_or_default(),
            cleared: false,
            view: std::sync::Arc::clone(&index.view),
            run_seq: index.commit_info().map_or(0, |c| c.ingest_seq) + 1,
            index_id: index
                .commit_info()
                .map(|c| c.index_id)
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| new_index_id(&index.display_dir())),
            copies: super::copies::CopyFinder::new(
                &index.searcher()?,
                index.commit_info().map_or(0, |c| c.next_serial),
                &index.display_dir(),
            ),
        })
    }

    /// Whether this version of the document is what the index holds (then there is nothing to
    /// do).
    pub fn is_current(&self, doc_id: &str, version: &str) -> Result<bool, IndexError> {
        self.currency().is_current(doc_id, version)
    }

    /// The question of [`Updater::is_current`] as a value of its own, so a reader can ask it
    /// while the updater takes its documents.
    pub fn currency(&self) -> Currency {
        Currency {
            searcher: self.searcher.clone(),
            fields: self.fields,
            cleared: self.cleared,
            dir: self.dir.clone(),
        }
    }

    /// Adds `doc`, replacing any earlier version of it.
    pub fn upsert(&mut self, doc: &Document) -> Result<IngestOutcome, IndexError> {
        if !self.seen.insert(doc.doc_id.clone()) {
            return Ok(IngestOutcome::Duplicate);
        }
        let id = Term::from_field_text(self.fields.doc_id, &doc.doc_id);
        let existed = !self.cleared && self.count(id.clone())? > 0;
        // Texts the old version already had keep the run that first wrote them.
        let earlier = if existed {
            self.earlier_texts(&id)?
        } else {
            HashMap::new()
        };
        // One batch per document: the old version's removal and the new passages travel to
        // the indexing threads together.
        let mut batch = Vec::with_capacity(doc.passages.len() + 1);
        if existed {
            batch.push(UserOperation::Delete(id));
        }
        self.meta_keys.extend(doc.meta.keys().cloned());
        let f = self.fields;
        let version = version_key(&doc.doc_id, &doc.version);
        let meta_terms: Vec<String> = doc
            .meta
            .iter()
            .flat_map(|(k, v)| {
                let values: Vec<&serde_json::Value> = match v {
                    serde_json::Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                values.into_iter().filter_map(move |v| {
                    let text = match v {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Number(n) => n.to_string(),
                        serde_json::Value::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    Some(meta_term(k, &text))
                })
            })
            .collect();
        let meta_json = (!doc.meta.is_empty())
            .then(|| serde_json::to_string(&doc.meta).expect("metadata serialises"));
        let date = date_of(&doc.meta).map(|d| DateTime::from_timestamp_secs(d.timestamp()));
        // Months and days only from a date that names them (not a bare year).
        let period = doc
            .meta
            .get("date")
            .and_then(serde_json::Value::as_str)
            .and_then(Period::parse);
        let month = period
            .filter(|p| p.precision != Precision::Year)
            .map(|p| i64::from(p.start.year) * 100 + i64::from(p.start.month));
        let day_key = period
            .filter(|p| p.precision == Precision::Day)
            .zip(month)
            .map(|(p, m)| m * 100 + i64::from(p.start.day));
        let year = year_of(&doc.meta);
        let copies = self.copies.assign(doc, &f)?;
        for ((seq, passage), copy) in (1u64..).zip(&doc.passages).zip(copies) {
            let mut d = TantivyDocument::default();
            d.add_text(f.doc_id, &passage.doc_id);
            if seq == 1 {
                d.add_text(f.doc_version, &version);
            }
            d.add_text(f.title, &passage.title);
            if let Some(section) = &passage.section {
                d.add_text(f.section, section);
            }
            d.add_text(f.body, &passage.text);
            d.add_text(f.path, &passage.path);
            d.add_bytes(f.citation, &super::Citation::of(passage).encode());
            d.add_u64(f.seq, seq);
            let digest = super::text_digest(&passage.text);
            d.add_u64(f.digest, digest);
            d.add_u64(
                f.ingest_seq,
                earlier.get(&digest).copied().unwrap_or(self.run_seq),
            );
            if let Some(number) = &passage.source_paragraph {
                d.add_text(f.source_paragraph, number);
            }
            d.add_u64(f.reference, u64::from(passage.reference));
            if let Some(field) = &passage.field {
                d.add_text(f.field, field);
            }
            for term in &meta_terms {
                d.add_text(f.meta, term);
            }
            if let Some(json) = &meta_json {
                d.add_text(f.meta_json, json);
            }
            if let Some(date) = date {
                d.add_date(f.date, date);
            }
            if let Some(year) = year {
                d.add_i64(f.year, year);
            }
            if let Some(month) = month {
                d.add_i64(f.month, month);
            }
            if let Some(day) = day_key {
                d.add_i64(f.day, day);
            }
            d.add_u64(f.serial, copy.serial);
            d.add_u64(f.cluster, copy.cluster);
            // Two 32-bit band keys to a value.
            for pair in copy.bands.chunks(2) {
                d.add_u64(
                    f.copy_bands,
                    pair[0] << 32 | pair.get(1).copied().unwrap_or(pair[0]),
                );
            }
            batch.push(UserOperation::Add(d));
        }
        if let Err(e) = self.writer.run(batch) {
            return Err(self.failed(e));
        }
        Ok(if existed {
            IngestOutcome::Replaced
        } else {
            IngestOutcome::Added
        })
    }

    /// Removes every document; the old ones stay visible to searches until the commit.
    pub fn clear(&mut self) -> Result<(), IndexError> {
        if let Err(e) = self.writer.delete_all_documents() {
            return Err(self.failed(e));
        }
        self.cleared = true;
        self.copies.forget_committed();
        // A rebuilt index is another index: watch-lists compare by content across it.
        self.index_id = new_index_id(&self.dir);
        self.meta_keys.clear();
        Ok(())
    }

    /// Removes every passage of the document `doc_id`; returns how many were indexed.
    pub fn remove(&mut self, doc_id: &str) -> Result<usize, IndexError> {
        let id = Term::from_field_text(self.fields.doc_id, doc_id);
        let n = self.count(id.clone())?;
        self.writer.delete_term(id);
        Ok(n)
    }

    /// Removes every passage read from the file `path` (all records of a feed); returns how many
    /// were indexed.
    pub fn remove_path(&mut self, path: &str) -> Result<usize, IndexError> {
        let term = Term::from_field_text(self.fields.path, path);
        let n = self.count(term.clone())?;
        self.writer.delete_term(term);
        Ok(n)
    }

    /// Makes everything written so far visible, atomically, and records the ingest time. A
    /// failure to write (a full disk) leaves the index at its last commit. After the commit,
    /// tantivy may merge segments: a merge that fails does not undo the commit, and is
    /// returned as a warning (its files go at the next ingest).
    pub fn commit(mut self) -> Result<Committed, IndexError> {
        let info = CommitInfo {
            schema_version: SCHEMA_VERSION,
            last_ingest: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                .to_string(),
            meta_keys: std::mem::take(&mut self.meta_keys),
            ingest_seq: self.run_seq,
            index_id: self.index_id.clone(),
            next_serial: self.copies.next_serial(),
        };
        let payload = serde_json::to_string(&info).expect("CommitInfo serialises");
        let dir = std::path::PathBuf::from(&self.dir);
        let mut prepared = self
            .writer
            .prepare_commit()
            .map_err(|e| write_error(&dir, e))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(|e| write_error(&dir, e))?;
        super::forget_view(&self.view);
        let merge_warning = self.writer.wait_merging_threads().err().map(|e| {
            format!(
                "the commit is complete, but merging its segments failed ({}); \
                 the next ingest tidies up",
                write_error(&dir, e)
            )
        });
        Ok(Committed { merge_warning })
    }

    /// The error of a writer whose indexing threads stopped: tantivy's own answer only says
    /// that a thread died; the thread's error (a full disk, most likely) comes with joining it,
    /// which preparing a commit does. Nothing is committed.
    fn failed(&mut self, e: tantivy::TantivyError) -> IndexError {
        let dir = std::path::PathBuf::from(&self.dir);
        match self.writer.prepare_commit() {
            Err(cause) => write_error(&dir, cause),
            Ok(prepared) => {
                let _ = prepared.abort();
                write_error(&dir, e)
            }
        }
    }

    /// The texts (digests) of a document's indexed passages, with the run that first wrote each.
    fn earlier_texts(&self, id: &Term) -> Result<HashMap<u64, u64>, IndexError> {
        let docs = self
            .searcher
            .search(
                &TermQuery::new(id.clone(), IndexRecordOption::Basic),
                &tantivy::collector::DocSetCollector,
            )
            .map_err(|e| self.error(e))?;
        let mut texts = HashMap::new();
        for addr in docs {
            let fast = self.searcher.segment_reader(addr.segment_ord).fast_fields();
            let (Ok(digest), Ok(seq)) = (fast.u64("digest"), fast.u64("ingest_seq")) else {
                continue;
            };
            if let (Some(d), Some(s)) = (digest.first(addr.doc_id), seq.first(addr.doc_id)) {
                texts.entry(d).or_insert(s);
            }
        }
        Ok(texts)
    }

    fn count(&self, term: Term) -> Result<usize, IndexError> {
        self.searcher
            .search(&TermQuery::new(term, IndexRecordOption::Basic), &Count)
            .map_err(|e| self.error(e))
    }

    fn error(&self, source: tantivy::TantivyError) -> IndexError {
        read_error(std::path::Path::new(&self.dir), source)
    }
}

/// A commit that was made.
#[derive(Debug, Default)]
pub struct Committed {
    /// The segment merge after the commit failed (the commit stands).
    pub merge_warning: Option<String>,
}

/// A fresh identity for an index: the time, the process and the place, hashed.
fn new_index_id(dir: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut hasher = blake3::Hasher::new();
    hasher.update(&now.to_le_bytes());
    hasher.update(&std::process::id().to_le_bytes());
    hasher.update(dir.as_bytes());
    hasher.finalize().to_hex()[..16].to_owned()
}

/// Says whether a version of a document is indexed, from the commit the ingest started on.
#[derive(Clone)]
pub struct Currency {
    searcher: Searcher,
    fields: Fields,
    /// The run started with [`Updater::clear`]: nothing counts as indexed.
    cleared: bool,
    dir: String,
}

impl Currency {
    /// Whether this version of the document is what the index holds.
    pub fn is_current(&self, doc_id: &str, version: &str) -> Result<bool, IndexError> {
        if self.cleared {
            return Ok(false);
        }
        let key = Term::from_field_text(self.fields.doc_version, &version_key(doc_id, version));
        self.searcher
            .search(&TermQuery::new(key, IndexRecordOption::Basic), &Count)
            .map(|n| n > 0)
            .map_err(|source| IndexError::Tantivy {
                dir: self.dir.clone(),
                source,
            })
    }
}

/// Identifies what is indexed for a document: its id and its version.
fn version_key(doc_id: &str, version: &str) -> String {
    format!("{doc_id}\u{1f}{version}")
}
