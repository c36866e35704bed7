//! Writing to the index: add, replace or skip documents, then one atomic commit.
//!
//! A document's passages are replaced as a unit (`delete_term(doc_id)` + adds), so the index
//! never holds two versions of a document. Until [`Updater::commit`] nothing is visible to
//! searches; a crashed ingest leaves the previous commit intact.

use std::collections::HashSet;

use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, Searcher, TantivyDocument, Term};

use super::{tantivy_error, CommitInfo, DossierIndex, Fields, IndexError, SCHEMA_VERSION};
use crate::passage::Document;

/// Memory for tantivy's indexing threads, per thread.
const MEMORY_PER_THREAD: usize = 96 * 1024 * 1024;
const MAX_THREADS: usize = 8;

/// What happened to one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    /// New to the index.
    Added,
    /// Its content changed: the old passages were replaced.
    Replaced,
    /// Same content as indexed: nothing written.
    Unchanged,
    /// The same document was already given earlier in this run.
    Duplicate,
}

/// An open index writer. Holds the index lock until dropped.
pub struct Updater {
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    searcher: Searcher,
    dir: String,
    seen: HashSet<String>,
    /// Set by [`Updater::clear`]: nothing indexed before counts as present any more.
    cleared: bool,
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
            .map_err(|e| tantivy_error(&dir_path, e))?;
        Ok(Updater {
            writer,
            fields: *index.fields(),
            searcher: index.searcher(),
            dir: index.display_dir(),
            seen: HashSet::new(),
            cleared: false,
        })
    }

    /// Adds `doc`, replacing any earlier version; skips it when its content is already indexed.
    pub fn upsert(&mut self, doc: &Document) -> Result<IngestOutcome, IndexError> {
        if !self.seen.insert(doc.doc_id.clone()) {
            return Ok(IngestOutcome::Duplicate);
        }
        let version = Term::from_field_text(self.fields.doc_version, &version_key(doc));
        if !self.cleared && self.count(version)? > 0 {
            return Ok(IngestOutcome::Unchanged);
        }
        let id = Term::from_field_text(self.fields.doc_id, &doc.doc_id);
        let existed = !self.cleared && self.count(id.clone())? > 0;
        self.writer.delete_term(id);
        for (seq, passage) in (1u64..).zip(&doc.passages) {
            let f = &self.fields;
            let mut d = TantivyDocument::default();
            d.add_text(f.passage_id, &passage.passage_id);
            d.add_text(f.doc_id, &passage.doc_id);
            d.add_text(f.doc_version, version_key(doc));
            d.add_text(f.title, &passage.title);
            if let Some(section) = &passage.section {
                d.add_text(f.section, section);
            }
            d.add_text(f.body, &passage.text);
            d.add_text(f.path, &passage.path);
            d.add_u64(f.paragraph, passage.paragraph);
            d.add_u64(f.seq, seq);
            if let Some(part) = passage.part {
                d.add_u64(f.part, u64::from(part));
            }
            if let Some(number) = &passage.source_paragraph {
                d.add_text(f.source_paragraph, number);
            }
            d.add_u64(f.line_start, passage.line_start);
            d.add_u64(f.line_end, passage.line_end);
            d.add_u64(f.byte_start, passage.byte_start);
            d.add_u64(f.byte_end, passage.byte_end);
            self.writer.add_document(d).map_err(|e| self.error(e))?;
        }
        Ok(if existed {
            IngestOutcome::Replaced
        } else {
            IngestOutcome::Added
        })
    }

    /// Removes every document; the old ones stay visible to searches until the commit.
    pub fn clear(&mut self) -> Result<(), IndexError> {
        self.writer
            .delete_all_documents()
            .map_err(|e| self.error(e))?;
        self.cleared = true;
        Ok(())
    }

    /// Removes every passage of `doc_id`; returns how many passages were indexed for it.
    pub fn remove(&mut self, doc_id: &str) -> Result<usize, IndexError> {
        let id = Term::from_field_text(self.fields.doc_id, doc_id);
        let n = self.count(id.clone())?;
        self.writer.delete_term(id);
        Ok(n)
    }

    /// Makes everything written so far visible, atomically, and records the ingest time.
    pub fn commit(mut self) -> Result<(), IndexError> {
        let info = CommitInfo {
            schema_version: SCHEMA_VERSION,
            last_ingest: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                .to_string(),
        };
        let payload = serde_json::to_string(&info).expect("CommitInfo serialises");
        let dir = self.dir.clone();
        let error = |source| IndexError::Tantivy {
            dir: dir.clone(),
            source,
        };
        let mut prepared = self.writer.prepare_commit().map_err(error)?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(error)?;
        self.writer.wait_merging_threads().map_err(error)
    }

    fn count(&self, term: Term) -> Result<usize, IndexError> {
        self.searcher
            .search(&TermQuery::new(term, IndexRecordOption::Basic), &Count)
            .map_err(|e| self.error(e))
    }

    fn error(&self, source: tantivy::TantivyError) -> IndexError {
        IndexError::Tantivy {
            dir: self.dir.clone(),
            source,
        }
    }
}

/// Identifies what is indexed for a document: its id, its content, and the version of the
/// chunker that cut it (so a dossier upgrade that chunks differently re-indexes unchanged files).
fn version_key(doc: &Document) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}",
        doc.doc_id,
        doc.content_hash,
        crate::ingest::chunk::CHUNKER_VERSION
    )
}
