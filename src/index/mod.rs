//! The index: schema, the one place that opens or creates an index and registers the analyzer,
//! and reading passages back out of it.
//!
//! Everything that touches tantivy's `Index` goes through [`DossierIndex`]; search and output
//! never open an index themselves (custom analyzers are not stored in the index, so opening it
//! anywhere else would silently search with the wrong analyzer).

pub mod analyzer;
pub(crate) mod columns;
pub mod copies;
mod directory;
pub mod writer;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::AggregationCollector;
use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::{AllQuery, TermQuery};
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, OwnedValue, Schema,
    TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher, TantivyError, Term};

use crate::model::Passage;
pub use writer::{Currency, IngestOutcome, Updater};

/// Bumped whenever the schema or the analyzer changes in a way that needs a rebuild.
pub const SCHEMA_VERSION: u32 = 14;

/// Why an index could not be used. Each message names the index and says what to run.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("there is no index in the directory {dir} yet: build one with `dossier ingest PATH... --index {dir}`")]
    Missing { dir: String },
    #[error("{}", busy_message(dir, *waited))]
    Busy {
        dir: String,
        /// How long this process waited for the other writer (`--wait`).
        waited: Option<std::time::Duration>,
    },
    #[error(
        "index at {dir} cannot be used by this version of dossier ({reason}); \
         rebuild it with `dossier ingest --rebuild PATH... --index {dir}`"
    )]
    Incompatible { dir: String, reason: String },
    #[error(
        "index at {dir} is damaged ({reason}); \
         rebuild it with `dossier ingest --rebuild PATH... --index {dir}`"
    )]
    Damaged { dir: String, reason: String },
    #[error(
        "cannot read the index at {dir}: {reason}; give yourself access to it \
         (`chmod -R u+rwX {dir}`) or name another with --index"
    )]
    Unreadable { dir: String, reason: String },
    #[error(
        "cannot write to index at {dir}: {reason} (the index is unchanged at its last commit){fix}"
    )]
    WriteFailed {
        dir: String,
        reason: String,
        /// What to do (`; free some space and run it again`), or nothing.
        fix: &'static str,
    },
    #[error(
        "{dir} is not an index: it holds {count} other files or folders ({examples}); \
         give `--index` a new or empty directory"
    )]
    NotAnIndex {
        dir: String,
        count: usize,
        examples: String,
    },
    #[error("index at {dir}: {source}")]
    Tantivy {
        dir: String,
        #[source]
        source: TantivyError,
    },
    #[error("index at {dir}: {source}")]
    Io {
        dir: String,
        #[source]
        source: std::io::Error,
    },
}

fn busy_message(dir: &str, waited: Option<std::time::Duration>) -> String {
    let waited = match waited {
        Some(w) => format!(" (waited {} s)", w.as_secs()),
        None => String::new(),
    };
    format!(
        "index at {dir} is busy: another dossier process is writing to it{waited}; \
         wait for it to finish, or add `--wait[=SECONDS]` (searches keep working meanwhile)"
    )
}

/// Why `stats --by` could not count.
#[derive(Debug, thiserror::Error)]
pub enum FacetError {
    #[error("no document in this index has the metadata key `{key}` (keys: {})", known.join(", "))]
    UnknownKey { key: String, known: Vec<String> },
    #[error("aggregation failed: {0}")]
    Aggregation(String),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// The fields of the passage schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub doc_id: Field,
    /// `doc_id` + version, on the first passage of each document: present in the index iff this
    /// version of the document is indexed.
    pub doc_version: Field,
    pub title: Field,
    pub section: Field,
    pub body: Field,
    pub path: Field,
    /// The passage's number and its place in the source file, packed (see [`Citation`]).
    pub citation: Field,
    pub source_paragraph: Field,
    /// 1-based position of the passage in its document (parts counted): orders `show`'s
    /// neighbours; `seq == 1` marks one passage per document for counting documents.
    pub seq: Field,
    /// For feed records: the field the byte offsets count in.
    pub field: Field,
    /// Metadata as `key=value` terms, one per value: indexed lower-cased for filters, and a fast
    /// field in the original case for facets.
    pub meta: Field,
    /// Metadata as stored JSON, for the hits.
    pub meta_json: Field,
    /// The document date (day precision), for `--since` / `--until` and `date:` ranges.
    pub date: Field,
    /// The document year, for `year:` ranges.
    pub year: Field,
    /// The ingest run that first wrote this passage's text into its document (a text kept
    /// through a re-ingest keeps its number): what watch-lists call new.
    pub ingest_seq: Field,
    /// A digest of the passage's text (case and whitespace folded), to recognise a text again.
    pub digest: Field,
    /// The document's month as `YYYYMM` and day as `YYYYMMDD` (from its date), for trends by
    /// month and day: tantivy's date histogram has no calendar intervals.
    pub month: Field,
    pub day: Field,
    /// 1 for reference matter (footnotes, reference lists, runs of links), else 0: a fast field
    /// the ranking reads (see [`REFERENCE_FIELD`]).
    pub reference: Field,
    /// Ingest order, unique in the index (see [`copies`]).
    pub serial: Field,
    /// The copy cluster: the serial of its first member (the passage's own when it has no
    /// earlier copy). Indexed too, so that a cluster's members are found by a term and a
    /// cluster of one is known from its document frequency.
    pub cluster: Field,
    /// The passage's LSH band keys (32 bits each, two to a value), for the next ingest to find
    /// copies among (fast field: read into memory by an ingest that needs them, never searched).
    pub copy_bands: Field,
}

/// The digest of a passage text as watch-lists compare texts: case and whitespace folded.
///
/// The folded text (each word lower-cased and followed by one space) is built in one buffer and
/// hashed at once: the same bytes as hashing it word by word, without a string per word.
pub fn text_digest(text: &str) -> u64 {
    let mut folded: Vec<u8> = Vec::with_capacity(text.len() + 1);
    for word in text.split_whitespace() {
        if word.is_ascii() {
            folded.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
        } else {
            // `str::to_lowercase`, not per character: a final sigma lower-cases as `ς`.
            folded.extend_from_slice(word.to_lowercase().as_bytes());
        }
        folded.push(b' ');
    }
    let bytes = blake3::hash(&folded);
    u64::from_le_bytes(bytes.as_bytes()[..8].try_into().expect("eight bytes"))
}

/// The name of the fast field of ingest order (see [`copies`]): rankings break ties by it.
pub const SERIAL_FIELD: &str = "serial";

/// The name of the fast field that marks reference matter.
pub const REFERENCE_FIELD: &str = "reference";

/// The `meta` term of one metadata value (`country=IRN`; the tokenizer lower-cases it).
pub fn meta_term(key: &str, value: &str) -> String {
    format!("{key}={value}")
}

/// A value as JSON: numbers as numbers (`2017`), the rest as strings.
fn typed(value: &str) -> serde_json::Value {
    value
        .parse::<i64>()
        .map(serde_json::Value::from)
        .unwrap_or_else(|_| serde_json::Value::String(value.to_owned()))
}

/// `text` with the characters special to regular expressions escaped.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~\"<>@=".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Tokenizer of metadata values: the whole value, lower-cased (`country:irn` finds `IRN`).
pub const KEYWORD_TOKENIZER: &str = "dossier_keyword";

/// The fields searched by words without a `field:` prefix, with their weights: title and section
/// words count, but less than the passage body.
pub const BODY_BOOST: f32 = 1.0;
pub const TITLE_BOOST: f32 = 0.3;
pub const SECTION_BOOST: f32 = 0.3;

/// `options` of a field searched only to filter or find (ids, paths, metadata terms), never
/// ranked: without field norms (a byte per passage that only scoring reads).
fn keyword(options: TextOptions) -> TextOptions {
    match options.get_indexing_options() {
        Some(indexing) => {
            let indexing = indexing.clone().set_fieldnorms(false);
            options.set_indexing_options(indexing)
        }
        None => options,
    }
}

impl Fields {
    fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer::ANALYZER_NAME)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored();
        let heading = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer::HEADING_ANALYZER_NAME)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored();
        let fields = Fields {
            doc_id: b.add_text_field("doc_id", keyword(STRING | STORED | FAST)),
            doc_version: b.add_text_field("doc_version", keyword(STRING)),
            title: b.add_text_field("title", heading.clone()),
            section: b.add_text_field("section", heading),
            body: b.add_text_field("body", text),
            path: b.add_text_field("path", keyword(STRING | STORED)),
            citation: b.add_bytes_field("citation", STORED),
            source_paragraph: b.add_text_field("source_paragraph", STORED),
            // Searched and read as a column only.
            seq: b.add_u64_field("seq", NumericOptions::default().set_indexed().set_fast()),
            field: b.add_text_field("field", STORED),
            meta: b.add_text_field(
                "meta",
                TextOptions::default()
                    .set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer(KEYWORD_TOKENIZER)
                            .set_index_option(IndexRecordOption::Basic)
                            .set_fieldnorms(false),
                    )
                    .set_fast("raw"),
            ),
            meta_json: b.add_text_field("meta_json", STORED),
            // Ranges run on the fast fields: no inverted index needed.
            date: b.add_date_field(
                "date",
                DateOptions::default()
                    .set_fast()
                    .set_precision(DateTimePrecision::Seconds),
            ),
            year: b.add_i64_field("year", NumericOptions::default().set_fast()),
            ingest_seq: b.add_u64_field("ingest_seq", NumericOptions::default().set_fast()),
            digest: b.add_u64_field("digest", NumericOptions::default().set_fast()),
            month: b.add_i64_field("month", NumericOptions::default().set_fast()),
            day: b.add_i64_field("day", NumericOptions::default().set_fast()),
            reference: b.add_u64_field(
                REFERENCE_FIELD,
                // Read as a column, by the ranking and when a passage is loaded.
                NumericOptions::default().set_fast(),
            ),
            serial: b.add_u64_field(SERIAL_FIELD, NumericOptions::default().set_fast()),
            cluster: b.add_u64_field(
                "cluster",
                NumericOptions::default().set_fast().set_indexed(),
            ),
            copy_bands: b.add_u64_field("copy_bands", NumericOptions::default().set_fast()),
        };
        (b.build(), fields)
    }

    fn from_schema(schema: &Schema) -> Result<Fields, String> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| format!("field `{name}` is missing"))
        };
        Ok(Fields {
            doc_id: get("doc_id")?,
            doc_version: get("doc_version")?,
            title: get("title")?,
            section: get("section")?,
            body: get("body")?,
            path: get("path")?,
            citation: get("citation")?,
            source_paragraph: get("source_paragraph")?,
            seq: get("seq")?,
            field: get("field")?,
            meta: get("meta")?,
            meta_json: get("meta_json")?,
            date: get("date")?,
            year: get("year")?,
            ingest_seq: get("ingest_seq")?,
            digest: get("digest")?,
            month: get("month")?,
            day: get("day")?,
            reference: get(REFERENCE_FIELD)?,
            serial: get(SERIAL_FIELD)?,
            cluster: get("cluster")?,
            copy_bands: get("copy_bands")?,
        })
    }
}

/// What dossier keeps in the commit payload (written atomically with each commit).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CommitInfo {
    pub schema_version: u32,
    /// RFC 3339 time of the last ingest that committed.
    pub last_ingest: String,
    /// Every metadata key the index holds, for `key:value` filters and `stats --by`.
    #[serde(default)]
    pub meta_keys: std::collections::BTreeSet<String>,
    /// The number of the last ingest run (watch-lists report what later runs wrote).
    #[serde(default)]
    pub ingest_seq: u64,
    /// Made anew when an index is created or rebuilt: a watch-list that sees it change compares
    /// by passage content instead of by ingest run.
    #[serde(default)]
    pub index_id: String,
    /// The serial the next passage written gets (see [`copies`]).
    #[serde(default)]
    pub next_serial: u64,
}

/// Counts and facts about an index.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    pub index: String,
    pub documents: u64,
    pub passages: u64,
    pub segments: usize,
    pub size_bytes: u64,
    pub last_ingest: Option<String>,
    pub schema_version: u32,
    /// Every metadata key the documents carry (for `--where`, facets and `stats --by`).
    pub meta_keys: Vec<String>,
}

/// What a histogram buckets by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketField {
    Year,
    /// `YYYYMM`.
    Month,
    /// `YYYYMMDD`.
    Day,
    /// The values of a metadata key.
    Meta(String),
}

/// A bucket of a histogram: a number (a year, `YYYYMM`, `YYYYMMDD`, a numeric value) or text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum BucketKey {
    Number(i64),
    Text(String),
}

/// Documents and passages with one value of a metadata key (`stats --by`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FacetCount {
    pub value: serde_json::Value,
    pub documents: u64,
    pub passages: u64,
}

/// An open dossier index with its analyzer registered.
pub struct DossierIndex {
    index: Index,
    fields: Fields,
    dir: Option<PathBuf>,
    reader: IndexReader,
    /// Fast-field columns by segment, for folding and trends.
    columns: columns::ColumnCache,
    /// When the reader last looked for new commits, and the commit data it found then.
    view: std::sync::Arc<std::sync::Mutex<View>>,
}

/// What the reader last saw.
pub(crate) struct View {
    checked: Option<std::time::Instant>,
    info: Option<CommitInfo>,
    /// `meta.json`'s modification time, size and file (a commit replaces it with a new file)
    /// at the last reload: when they have not changed there is no new commit, and the reader
    /// (whose reload opens every segment anew and loses its caches) is left as it is.
    stamp: Option<(std::time::SystemTime, u64, u64)>,
}

/// How long a searcher's view is reused before the reader looks for commits again: a server
/// answering many requests reads `meta.json` a few times a second, not once per request, and
/// another process's commit is searchable well within a second.
const RECHECK_AFTER: std::time::Duration = std::time::Duration::from_millis(200);

/// How often a writer that waits (`--wait`) tries the lock again.
const WAIT_STEP: std::time::Duration = std::time::Duration::from_millis(100);

/// The file behind a `meta.json` (its inode): a commit writes a new one.
#[cfg(unix)]
fn file_number(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn file_number(_: &std::fs::Metadata) -> u64 {
    0
}

impl DossierIndex {
    /// Opens the index in `dir`; a directory without one is [`IndexError::Missing`].
    pub fn open(dir: &Path) -> Result<DossierIndex, IndexError> {
        if !has_index(dir)? {
            return Err(IndexError::Missing {
                dir: dir.display().to_string(),
            });
        }
        let directory = directory::IndexDirectory::open(dir).map_err(|e| read_error(dir, e))?;
        let index = Index::open(directory).map_err(|e| read_error(dir, e))?;
        Self::from_index(index, Some(dir.to_path_buf()))
    }

    /// Opens the index in `dir`, creating the directory and an empty index if needed. A
    /// directory that holds other files and no index is refused ([`IndexError::NotAnIndex`]).
    pub fn open_or_create(dir: &Path) -> Result<DossierIndex, IndexError> {
        if has_index(dir)? {
            return Self::open(dir);
        }
        let foreign = foreign_entries(dir);
        if !foreign.is_empty() {
            return Err(IndexError::NotAnIndex {
                dir: dir.display().to_string(),
                count: foreign.len(),
                examples: foreign.into_iter().take(3).collect::<Vec<_>>().join(", "),
            });
        }
        std::fs::create_dir_all(dir).map_err(|e| directory::write_failed(dir, &e))?;
        let (schema, _) = Fields::build();
        let directory = directory::IndexDirectory::open(dir).map_err(|e| write_error(dir, e))?;
        match Index::create(directory, schema, index_settings()) {
            Ok(index) => Self::from_index(index, Some(dir.to_path_buf())),
            // Another first ingest created it a moment ago.
            Err(TantivyError::IndexAlreadyExists) => Self::open(dir),
            Err(e) => Err(write_error(dir, e)),
        }
    }

    /// Opens the index in `dir` for a rebuild: an index this version cannot read, or a damaged
    /// one, is cleared first (its files only; anything else in the directory stays), under the
    /// writer lock.
    pub fn open_for_rebuild(dir: &Path) -> Result<DossierIndex, IndexError> {
        match Self::open_or_create(dir) {
            Err(IndexError::Incompatible { .. } | IndexError::Damaged { .. }) => {
                let lock = directory::lock_writer(dir)?;
                remove_index_files(dir)?;
                drop(lock);
                Self::open_or_create(dir)
            }
            other => other,
        }
    }

    /// An index in memory, for tests and experiments.
    pub fn create_in_ram() -> DossierIndex {
        let (schema, _) = Fields::build();
        Self::from_index(Index::create_in_ram(schema), None).expect("a fresh schema is compatible")
    }

    fn from_index(index: Index, dir: Option<PathBuf>) -> Result<DossierIndex, IndexError> {
        let dir_name = dir
            .as_deref()
            .map_or_else(|| "<memory>".to_owned(), |d| d.display().to_string());
        let incompatible = |reason: String| IndexError::Incompatible {
            dir: dir_name.clone(),
            reason,
        };
        let fields = Fields::from_schema(&index.schema()).map_err(incompatible)?;
        let metas = index
            .load_metas()
            .map_err(|e| read_error(Path::new(&dir_name), e))?;
        check_payload(metas.payload.as_deref()).map_err(incompatible)?;
        index
            .tokenizers()
            .register(analyzer::ANALYZER_NAME, analyzer::analyzer());
        index.tokenizers().register(
            analyzer::HEADING_ANALYZER_NAME,
            analyzer::heading_analyzer(),
        );
        index.tokenizers().register(
            KEYWORD_TOKENIZER,
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(LowerCaser)
                .build(),
        );
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| read_error(Path::new(&dir_name), e))?;
        Ok(DossierIndex {
            index,
            fields,
            dir,
            reader,
            columns: columns::ColumnCache::default(),
            view: std::sync::Arc::new(std::sync::Mutex::new(View {
                checked: None,
                info: None,
                stamp: None,
            })),
        })
    }

    /// Where the index lives (`<memory>` for an in-RAM index).
    pub fn display_dir(&self) -> String {
        self.dir
            .as_deref()
            .map_or_else(|| "<memory>".to_owned(), |d| d.display().to_string())
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The fast-field columns of the searched segments, opened once per segment.
    pub(crate) fn columns(&self) -> &columns::ColumnCache {
        &self.columns
    }

    pub fn tantivy(&self) -> &Index {
        &self.index
    }

    /// A searcher on the latest commit (picking up commits made by other processes since the
    /// last call).
    pub fn searcher(&self) -> Result<Searcher, IndexError> {
        let mut view = self.view.lock().unwrap_or_else(|p| p.into_inner());
        if view.checked.is_none_or(|at| at.elapsed() >= RECHECK_AFTER) {
            let stamp = self.dir.as_deref().and_then(|dir| {
                let meta = std::fs::metadata(dir.join("meta.json")).ok()?;
                Some((meta.modified().ok()?, meta.len(), file_number(&meta)))
            });
            // A forgotten view (after this process committed), an index in memory, or a
            // changed meta.json: look for the new commit.
            let unchanged = view.checked.is_some() && stamp.is_some() && stamp == view.stamp;
            if !unchanged {
                // The new commit is checked before the reader loads it: a damaged `meta.json`,
                // or an index of another version put in its place, is an error (and the reader
                // keeps what it had) rather than segments read with the wrong schema.
                let metas = self.index.load_metas().map_err(|e| self.read_error(e))?;
                check_payload(metas.payload.as_deref()).map_err(|reason| {
                    IndexError::Incompatible {
                        dir: self.display_dir(),
                        reason,
                    }
                })?;
                self.reader.reload().map_err(|e| self.read_error(e))?;
                view.info = self.commit_info();
                view.stamp = stamp;
            }
            view.checked = Some(std::time::Instant::now());
        }
        Ok(self.reader.searcher())
    }

    /// Forgets the current view: the next [`DossierIndex::searcher`] looks for commits at once
    /// (after this process committed).
    pub fn refresh(&self) {
        forget_view(&self.view);
    }

    /// The commit data as the last [`DossierIndex::searcher`] saw it (cheap: no file read).
    pub fn viewed_commit_info(&self) -> Option<CommitInfo> {
        let view = self.view.lock().unwrap_or_else(|p| p.into_inner());
        match view.checked {
            Some(_) => view.info.clone(),
            None => {
                drop(view);
                self.commit_info()
            }
        }
    }

    /// Starts an ingest. Fails with [`IndexError::Busy`] when another writer holds the lock.
    pub fn updater(&self) -> Result<Updater, IndexError> {
        Updater::new(self)
    }

    /// Starts an ingest, waiting up to `wait` for another writer to finish (`None`: not at
    /// all); `waiting` is called once when the wait starts. After the wait, still
    /// [`IndexError::Busy`] (saying how long it waited).
    pub fn updater_waiting(
        &self,
        wait: Option<std::time::Duration>,
        waiting: &mut dyn FnMut(std::time::Duration),
    ) -> Result<Updater, IndexError> {
        let Some(wait) = wait else {
            return self.updater();
        };
        let started = std::time::Instant::now();
        let mut told = false;
        loop {
            match Updater::new(self) {
                Err(IndexError::Busy { dir, .. }) => {
                    let elapsed = started.elapsed();
                    if elapsed >= wait {
                        return Err(IndexError::Busy {
                            dir,
                            waited: Some(wait),
                        });
                    }
                    if !told {
                        waiting(wait);
                        told = true;
                    }
                    std::thread::sleep(WAIT_STEP.min(wait - elapsed));
                }
                other => return other,
            }
        }
    }

    /// The payload of the last commit, if the index was ever written by dossier.
    pub fn commit_info(&self) -> Option<CommitInfo> {
        let metas = self.index.load_metas().ok()?;
        serde_json::from_str(metas.payload.as_deref()?).ok()
    }

    /// Documents, passages, size and last ingest time.
    pub fn stats(&self) -> Result<IndexStats, IndexError> {
        let searcher = self.searcher()?;
        let first_passages = TermQuery::new(
            Term::from_field_u64(self.fields.seq, 1),
            IndexRecordOption::Basic,
        );
        let documents = searcher
            .search(&first_passages, &Count)
            .map_err(|e| self.error(e))? as u64;
        let size_bytes = match &self.dir {
            Some(dir) => dir_size(dir).map_err(|source| IndexError::Io {
                dir: self.display_dir(),
                source,
            })?,
            None => 0,
        };
        Ok(IndexStats {
            index: self.display_dir(),
            documents,
            passages: searcher.num_docs(),
            segments: searcher.segment_readers().len(),
            size_bytes,
            last_ingest: self.commit_info().map(|c| c.last_ingest.clone()),
            schema_version: SCHEMA_VERSION,
            meta_keys: self
                .commit_info()
                .map(|c| c.meta_keys.into_iter().collect())
                .unwrap_or_default(),
        })
    }

    /// Documents and passages per value of the metadata `key` over the whole index, most
    /// documents first.
    pub fn facet(&self, key: &str, top: usize) -> Result<Vec<FacetCount>, FacetError> {
        let searcher = self.searcher()?;
        self.facet_of(&searcher, &AllQuery, key, top)
    }

    /// Documents and passages per value of the metadata `key` among the passages `query`
    /// matches, most documents first, the largest `top` values. Aggregations over the fast
    /// fields (the metadata terms, and the document id for counting documents exactly); no
    /// stored text is read.
    pub fn facet_of(
        &self,
        searcher: &Searcher,
        query: &dyn tantivy::query::Query,
        key: &str,
        top: usize,
    ) -> Result<Vec<FacetCount>, FacetError> {
        let known = self.commit_info().map(|c| c.meta_keys).unwrap_or_default();
        if !known.contains(key) {
            return Err(FacetError::UnknownKey {
                key: key.to_owned(),
                known: known.into_iter().collect(),
            });
        }
        let json = aggregate(
            searcher,
            query,
            serde_json::json!({
                "by": {
                    "terms": {
                        "field": "meta",
                        "size": 1_000_000,
                        "include": format!("{}.*", regex_escape(&meta_term(key, ""))),
                    },
                    "aggs": { "docs": { "terms": { "field": "doc_id", "size": 10_000_000 } } }
                }
            }),
        )?;
        let prefix = meta_term(key, "");
        let mut counts: Vec<FacetCount> = json["by"]["buckets"]
            .as_array()
            .map(|buckets| {
                buckets
                    .iter()
                    .filter_map(|b| {
                        let value = b["key"].as_str()?.strip_prefix(&prefix)?;
                        Some(FacetCount {
                            value: typed(value),
                            documents: b["docs"]["buckets"]
                                .as_array()
                                .map_or(0, |d| d.len() as u64),
                            passages: b["doc_count"].as_u64().unwrap_or(0),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        counts.sort_by(|a, b| {
            b.documents
                .cmp(&a.documents)
                .then(b.passages.cmp(&a.passages))
                .then_with(|| a.value.to_string().cmp(&b.value.to_string()))
        });
        counts.truncate(top);
        Ok(counts)
    }

    /// Documents in the index, and how many of them carry the metadata `key` (`year` and `date`
    /// included): what tells an analyst why a filter on it emptied a result.
    pub fn documents_with_key(&self, key: &str) -> Result<(u64, u64), IndexError> {
        use tantivy::query::{BooleanQuery, ExistsQuery, Occur, Query, RegexQuery};
        let searcher = self.searcher()?;
        let first: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_u64(self.fields.seq, 1),
            IndexRecordOption::Basic,
        ));
        let all = searcher.search(&first, &Count).map_err(|e| self.error(e))? as u64;
        let carrying: Box<dyn Query> = match key {
            "year" | "date" => Box::new(ExistsQuery::new(key.to_owned(), false)),
            "doc_id" | "path" => return Ok((all, all)),
            _ => {
                let pattern = format!("{}.*", regex_escape(&meta_term(key, "")));
                match RegexQuery::from_pattern(&pattern, self.fields.meta) {
                    Ok(q) => Box::new(q),
                    Err(_) => return Ok((all, 0)),
                }
            }
        };
        let query = BooleanQuery::new(vec![(Occur::Must, first), (Occur::Must, carrying)]);
        let with = searcher.search(&query, &Count).map_err(|e| self.error(e))? as u64;
        Ok((all, with))
    }

    /// Passages (and, with `distinct_documents`, documents) per bucket among the passages
    /// `query` matches: aggregations over the fast fields, no stored text read. Without
    /// `distinct_documents` the first number is the passage count too (for a query that
    /// matches one passage per document).
    pub fn histogram(
        &self,
        searcher: &Searcher,
        query: &dyn tantivy::query::Query,
        field: &BucketField,
        distinct_documents: bool,
    ) -> Result<std::collections::BTreeMap<BucketKey, (u64, u64)>, FacetError> {
        let (name, include) = match field {
            BucketField::Year => ("year", None),
            BucketField::Month => ("month", None),
            BucketField::Day => ("day", None),
            BucketField::Meta(key) => {
                let known = self.commit_info().map(|c| c.meta_keys).unwrap_or_default();
                if !known.contains(key) {
                    return Err(FacetError::UnknownKey {
                        key: key.clone(),
                        known: known.into_iter().collect(),
                    });
                }
                (
                    "meta",
                    Some(format!("{}.*", regex_escape(&meta_term(key, "")))),
                )
            }
        };
        let mut terms = serde_json::json!({ "field": name, "size": 10_000_000 });
        if let Some(include) = include {
            terms["include"] = serde_json::Value::String(include);
        }
        let mut by = serde_json::json!({ "terms": terms });
        if distinct_documents {
            by["aggs"] = serde_json::json!({
                "docs": { "terms": { "field": "doc_id", "size": 10_000_000 } }
            });
        }
        let json = aggregate(searcher, query, serde_json::json!({ "by": by }))?;
        let mut counts = std::collections::BTreeMap::new();
        for bucket in json["by"]["buckets"].as_array().into_iter().flatten() {
            let key = match (&bucket["key"], field) {
                (serde_json::Value::String(s), BucketField::Meta(key)) => {
                    match s.strip_prefix(&meta_term(key, "")) {
                        Some(v) => match typed(v) {
                            serde_json::Value::Number(n) => {
                                BucketKey::Number(n.as_i64().unwrap_or(0))
                            }
                            other => BucketKey::Text(other.as_str().unwrap_or("").to_owned()),
                        },
                        None => continue,
                    }
                }
                (serde_json::Value::Number(n), _) => {
                    BucketKey::Number(n.as_f64().map_or(0, |f| f as i64))
                }
                _ => continue,
            };
            let passages = bucket["doc_count"].as_u64().unwrap_or(0);
            let documents = if distinct_documents {
                bucket["docs"]["buckets"]
                    .as_array()
                    .map_or(0, |d| d.len() as u64)
            } else {
                passages
            };
            counts.insert(key, (documents, passages));
        }
        Ok(counts)
    }

    /// The document id of each passage at `addrs`, from the fast field (no stored text read).
    pub fn doc_ids(
        &self,
        searcher: &Searcher,
        addrs: &[tantivy::DocAddress],
    ) -> Result<Vec<String>, IndexError> {
        let mut columns: std::collections::HashMap<u32, tantivy::columnar::StrColumn> =
            std::collections::HashMap::new();
        let mut out = Vec::with_capacity(addrs.len());
        for addr in addrs {
            if let std::collections::hash_map::Entry::Vacant(slot) = columns.entry(addr.segment_ord)
            {
                let column = searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .str("doc_id")
                    .map_err(|e| self.error(e))?
                    .ok_or_else(|| IndexError::Incompatible {
                        dir: self.display_dir(),
                        reason: "the document id is not a fast field".into(),
                    })?;
                slot.insert(column);
            }
            let column = &columns[&addr.segment_ord];
            let mut id = String::new();
            if let Some(ord) = column.term_ords(addr.doc_id).next() {
                column
                    .ord_to_str(ord, &mut id)
                    .map_err(|source| IndexError::Io {
                        dir: self.display_dir(),
                        source,
                    })?;
            }
            out.push(id);
        }
        Ok(out)
    }

    /// The latest ingest run whose passages this view holds (0 for an empty index).
    pub fn last_ingest_run(&self, searcher: &Searcher) -> Result<u64, IndexError> {
        let mut last = 0;
        for segment in searcher.segment_readers() {
            let column = segment
                .fast_fields()
                .u64("ingest_seq")
                .map_err(|e| self.error(e))?;
            if segment.num_docs() > 0 {
                last = last.max(column.max_value());
            }
        }
        Ok(last)
    }

    /// The text digests of every passage `query` matches.
    pub fn digests_of(
        &self,
        searcher: &Searcher,
        query: &dyn tantivy::query::Query,
    ) -> Result<Vec<u64>, IndexError> {
        let docs = searcher
            .search(query, &DocSetCollector)
            .map_err(|e| self.error(e))?;
        let mut digests = Vec::with_capacity(docs.len());
        let mut columns = std::collections::HashMap::new();
        for addr in docs {
            let column = match columns.entry(addr.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(addr.segment_ord)
                        .fast_fields()
                        .u64("digest")
                        .map_err(|e| self.error(e))?,
                ),
            };
            if let Some(d) = column.first(addr.doc_id) {
                digests.push(d);
            }
        }
        Ok(digests)
    }

    /// Matching passages per document among those `query` matches.
    pub fn documents_of(
        &self,
        searcher: &Searcher,
        query: &dyn tantivy::query::Query,
    ) -> Result<std::collections::HashMap<String, u64>, FacetError> {
        let json = aggregate(
            searcher,
            query,
            serde_json::json!({
                "docs": { "terms": { "field": "doc_id", "size": 10_000_000 } }
            }),
        )?;
        Ok(json["docs"]["buckets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|b| Some((b["key"].as_str()?.to_owned(), b["doc_count"].as_u64()?)))
            .collect())
    }

    /// Every source file with passages in the index (feeds count once).
    pub fn indexed_paths(&self) -> Result<Vec<String>, IndexError> {
        let searcher = self.searcher()?;
        let mut paths = std::collections::BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment
                .inverted_index(self.fields.path)
                .map_err(|e| self.error(e))?;
            let mut terms = inverted.terms().stream().map_err(|e| IndexError::Io {
                dir: self.display_dir(),
                source: e,
            })?;
            while terms.advance() {
                if let Ok(path) = std::str::from_utf8(terms.key()) {
                    paths.insert(path.to_owned());
                }
            }
        }
        // A path whose passages were all deleted keeps its term until a merge: check it.
        Ok(paths
            .into_iter()
            .filter(|p| {
                let q = TermQuery::new(
                    Term::from_field_text(self.fields.path, p),
                    IndexRecordOption::Basic,
                );
                searcher.search(&q, &Count).is_ok_and(|n| n > 0)
            })
            .collect())
    }

    /// All passages of a document, in document order.
    pub fn passages_of(&self, doc_id: &str) -> Result<Vec<Passage>, IndexError> {
        let mut passages = self.passages_with(self.fields.doc_id, doc_id)?;
        passages.sort_by_key(|p| (p.paragraph, p.part));
        Ok(passages)
    }

    /// All passages read from the file `path` (every record of a feed), in document order.
    pub fn passages_of_path(&self, path: &str) -> Result<Vec<Passage>, IndexError> {
        let mut passages = self.passages_with(self.fields.path, path)?;
        passages.sort_by(|a, b| {
            (a.line_start, &a.doc_id, a.paragraph, a.part).cmp(&(
                b.line_start,
                &b.doc_id,
                b.paragraph,
                b.part,
            ))
        });
        Ok(passages)
    }

    fn passages_with(&self, field: Field, value: &str) -> Result<Vec<Passage>, IndexError> {
        let searcher = self.searcher()?;
        let query = TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        );
        let addresses = searcher
            .search(&query, &DocSetCollector)
            .map_err(|e| self.error(e))?;
        addresses
            .into_iter()
            .map(|addr| self.load_passage(&searcher, addr))
            .collect()
    }

    /// Reads the stored passage at `addr`.
    pub fn load_passage(
        &self,
        searcher: &Searcher,
        addr: tantivy::DocAddress,
    ) -> Result<Passage, IndexError> {
        let doc: StoredFields = searcher.doc(addr).map_err(|e| self.error(e))?;
        let mut passage = self.passage_from_fields(doc.0);
        let columns = self
            .columns
            .of(searcher.segment_reader(addr.segment_ord))
            .map_err(|e| self.error(e))?;
        passage.reference = columns.reference.first(addr.doc_id) == Some(1);
        Ok(passage)
    }

    /// A passage from its stored fields, their strings moved in (not copied). Each field has
    /// one value; a field stored with another type than this schema's reads as missing.
    fn passage_from_fields(&self, fields: Vec<(Field, OwnedValue)>) -> Passage {
        let f = &self.fields;
        let mut p = Passage::default();
        let mut meta_json = None;
        for (field, value) in fields {
            match value {
                OwnedValue::Bytes(bytes) if field == f.citation => {
                    if let Some(c) = Citation::decode(&bytes) {
                        c.fill(&mut p);
                    }
                }
                OwnedValue::Str(s) => {
                    if field == f.doc_id {
                        p.doc_id = s;
                    } else if field == f.title {
                        p.title = s;
                    } else if field == f.path {
                        p.path = s;
                    } else if field == f.body {
                        p.text = s;
                    } else if field == f.section {
                        p.section = Some(s);
                    } else if field == f.source_paragraph {
                        p.source_paragraph = Some(s);
                    } else if field == f.field {
                        p.field = Some(s);
                    } else if field == f.meta_json {
                        meta_json = Some(s);
                    }
                }
                _ => {}
            }
        }
        p.meta = meta_json
            .and_then(|json| serde_json::from_str(&json).ok())
            .map(std::sync::Arc::new)
            .unwrap_or_default();
        p.passage_id = crate::model::passage_id(&p.doc_id, p.paragraph, p.part);
        p
    }

    fn error(&self, source: TantivyError) -> IndexError {
        IndexError::Tantivy {
            dir: self.display_dir(),
            source,
        }
    }

    /// A failure to read the index, named by what it means for the index.
    fn read_error(&self, source: TantivyError) -> IndexError {
        read_error(Path::new(&self.display_dir()), source)
    }
}

/// Passages are stored in lz4 blocks of this many bytes: twice tantivy's default, for an index
/// 3.5% smaller (the UN feed's: 254 -> 245 MB) at no measurable cost in batch or page time (a
/// hit decompresses its block: ~30 KB at several GB/s).
const DOC_STORE_BLOCK: usize = 32_768;

fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_blocksize: DOC_STORE_BLOCK,
        ..tantivy::IndexSettings::default()
    }
}

/// A passage's number and its place in its source file, stored as one value of unsigned
/// LEB128 numbers (paragraph, part + 1 or 0, first and last line, byte range): a stored
/// number of its own costs 13 bytes (field, type, 8 bytes), and a passage has six.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Citation {
    pub paragraph: u64,
    pub part: Option<u32>,
    pub line_start: u64,
    pub line_end: u64,
    pub byte_start: u64,
    pub byte_end: u64,
}

impl Citation {
    pub(crate) fn of(p: &Passage) -> Citation {
        Citation {
            paragraph: p.paragraph,
            part: p.part,
            line_start: p.line_start,
            line_end: p.line_end,
            byte_start: p.byte_start,
            byte_end: p.byte_end,
        }
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24);
        let part = self.part.map_or(0, |part| u64::from(part) + 1);
        for mut n in [
            self.paragraph,
            part,
            self.line_start,
            self.line_end,
            self.byte_start,
            self.byte_end,
        ] {
            while n >= 0x80 {
                out.push((n as u8 & 0x7f) | 0x80);
                n >>= 7;
            }
            out.push(n as u8);
        }
        out
    }

    /// `None` for bytes [`Citation::encode`] did not write.
    pub(crate) fn decode(mut bytes: &[u8]) -> Option<Citation> {
        let mut next = || -> Option<u64> {
            let mut n = 0u64;
            for shift in (0..64).step_by(7) {
                let (&b, rest) = bytes.split_first()?;
                bytes = rest;
                n |= u64::from(b & 0x7f) << shift;
                if b < 0x80 {
                    return Some(n);
                }
            }
            None
        };
        let paragraph = next()?;
        let part = match next()? {
            0 => None,
            n => Some(u32::try_from(n - 1).ok()?),
        };
        let c = Citation {
            paragraph,
            part,
            line_start: next()?,
            line_end: next()?,
            byte_start: next()?,
            byte_end: next()?,
        };
        bytes.is_empty().then_some(c)
    }

    fn fill(self, p: &mut Passage) {
        p.paragraph = self.paragraph;
        p.part = self.part;
        p.line_start = self.line_start;
        p.line_end = self.line_end;
        p.byte_start = self.byte_start;
        p.byte_end = self.byte_end;
    }
}

/// A stored passage as its fields and values, in the order the store holds them.
struct StoredFields(Vec<(Field, OwnedValue)>);

impl DocumentDeserialize for StoredFields {
    fn deserialize<'de, D>(mut deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let mut fields = Vec::with_capacity(deserializer.size_hint());
        while let Some(entry) = deserializer.next_field::<OwnedValue>()? {
            fields.push(entry);
        }
        Ok(StoredFields(fields))
    }
}

/// Whether `dir` holds an index (its `meta.json`); a directory that cannot be looked into is
/// [`IndexError::Unreadable`], not a missing index.
fn has_index(dir: &Path) -> Result<bool, IndexError> {
    match std::fs::metadata(dir.join("meta.json")) {
        Ok(meta) => Ok(meta.is_file()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        // `dir` is a file, or a path through one.
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Ok(false),
        Err(e) => Err(directory::unreadable(dir, &e)),
    }
}

/// Checks the commit data dossier keeps in `meta.json`: an index another version wrote is
/// refused (the reason says why).
fn check_payload(payload: Option<&str>) -> Result<(), String> {
    let Some(payload) = payload else {
        return Ok(());
    };
    let info: CommitInfo =
        serde_json::from_str(payload).map_err(|_| "unrecognised commit data".to_owned())?;
    if info.schema_version != SCHEMA_VERSION {
        return Err(format!(
            "schema version {} where {} is expected",
            info.schema_version, SCHEMA_VERSION
        ));
    }
    Ok(())
}

use directory::{read_error, write_error};

/// Runs a tantivy aggregation request (JSON, as Elasticsearch writes them) over the passages
/// `query` matches, and returns its result as JSON.
fn aggregate(
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
    request: serde_json::Value,
) -> Result<serde_json::Value, FacetError> {
    let failed = |e: &dyn std::fmt::Display| FacetError::Aggregation(e.to_string());
    let request: Aggregations = serde_json::from_value(request).map_err(|e| failed(&e))?;
    let collector = AggregationCollector::from_aggs(request, Default::default());
    let result = searcher.search(query, &collector).map_err(|e| failed(&e))?;
    serde_json::to_value(result).map_err(|e| failed(&e))
}

/// Makes the next searcher look for commits at once.
pub(crate) fn forget_view(view: &std::sync::Mutex<View>) {
    view.lock().unwrap_or_else(|p| p.into_inner()).checked = None;
}

/// Why tantivy cannot read an index, in words.
fn incompatibility(inc: &tantivy::directory::error::Incompatibility) -> String {
    use tantivy::directory::error::Incompatibility;
    match inc {
        Incompatibility::IndexMismatch {
            library_version,
            index_version,
        } => format!(
            "it was written by {index_version} and this build is {library_version}"
        ),
        Incompatibility::CompressionMismatch {
            library_compression_format,
            index_compression_format,
        } => format!(
            "it is compressed with {index_compression_format} and this build reads {library_compression_format}"
        ),
    }
}

/// Whether a file name is one tantivy writes into an index directory.
fn is_index_file(name: &str) -> bool {
    name == "meta.json"
        || name == ".managed.json"
        || name.starts_with(".tantivy")
        || name.rsplit_once('.').is_some_and(|(stem, _)| {
            stem.len() == 32 && stem.chars().all(|c| c.is_ascii_hexdigit())
        })
}

/// Clears an index directory that this version cannot open, keeping anything that is not an
/// index file (such as the checkout's `.gitignore`).
fn remove_index_files(dir: &Path) -> Result<(), IndexError> {
    let io = |source| IndexError::Io {
        dir: dir.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // The lock files stay: the caller holds the writer lock.
        let removable =
            (is_index_file(&name) && !name.ends_with(".lock")) || name.starts_with(".tmp");
        if removable && entry.file_type().map_err(io)?.is_file() {
            std::fs::remove_file(entry.path()).map_err(io)?;
        }
    }
    Ok(())
}

/// The entries of a directory that holds no index, other than hidden files (a `.gitignore`):
/// an index is never created among someone's documents.
fn foreign_entries(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && !is_index_file(n))
        .collect();
    names.sort();
    names
}

fn dir_size(dir: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let meta = entry?.metadata()?;
        if meta.is_file() {
            total += meta.len();
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::{text_digest, Citation};

    #[test]
    fn citations_read_back_as_written_and_anything_else_reads_as_none() {
        let edges = [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ];
        let parts = [None, Some(1), Some(2), Some(u32::MAX)];
        for (i, &a) in edges.iter().enumerate() {
            let b = edges[(i + 3) % edges.len()];
            let c = Citation {
                paragraph: a,
                part: parts[i % parts.len()],
                line_start: b,
                line_end: a.max(b),
                byte_start: a / 2,
                byte_end: b,
            };
            let bytes = c.encode();
            assert_eq!(Citation::decode(&bytes), Some(c), "{c:?}");
            // Cut short, or with a byte too many: not a citation.
            assert_eq!(Citation::decode(&bytes[..bytes.len() - 1]), None);
            let mut longer = bytes.clone();
            longer.push(0);
            assert_eq!(Citation::decode(&longer), None);
        }
        // A number longer than 64 bits.
        assert_eq!(Citation::decode(&[0xff; 11]), None);
        let small = Citation {
            paragraph: 12,
            part: Some(2),
            line_start: 40,
            line_end: 41,
            byte_start: 900,
            byte_end: 1_700,
        };
        assert_eq!(
            small.encode().len(),
            8,
            "a typical passage's citation is 8 bytes"
        );
    }

    /// The digest as it was first defined, word by word: watch-lists keep digests from run to
    /// run, so the folded bytes must never change.
    fn word_by_word(text: &str) -> u64 {
        let mut hasher = blake3::Hasher::new();
        for word in text.split_whitespace() {
            hasher.update(word.to_lowercase().as_bytes());
            hasher.update(b" ");
        }
        let bytes = hasher.finalize();
        u64::from_le_bytes(bytes.as_bytes()[..8].try_into().expect("eight bytes"))
    }

    #[test]
    fn text_digests_fold_case_and_whitespace_as_they_always_did() {
        let alphabets: [Vec<char>; 2] = [
            "aZ09 .,\n\t\u{a0}\u{2003}ÉéΣσİ’".chars().collect(),
            "aZ09 .,\n\t\r\u{b}\u{c}\u{1f}-".chars().collect(),
        ];
        let mut next = crate::testing::lcg(0xd16e);
        let mut texts: Vec<String> = vec![
            String::new(),
            "Snapback  sanctions\n".into(),
            "ΟΔΟΣ ΣΙΣ İstanbul".into(),
        ];
        for i in 0..6_000 {
            let alphabet = &alphabets[i % 2];
            let len = next() % 30;
            texts.push(
                (0..len)
                    .map(|_| alphabet[next() % alphabet.len()])
                    .collect(),
            );
        }
        for text in &texts {
            assert_eq!(text_digest(text), word_by_word(text), "on {text:?}");
        }
        assert_eq!(
            text_digest("The  snapback\nof SANCTIONS"),
            text_digest("the snapback of sanctions")
        );
        assert_ne!(
            text_digest("the snapback of sanctions"),
            text_digest("the snap back of sanctions")
        );
    }
}
