//! Ingest, first half of the pipeline: find source files, read them, and cut them into
//! [`Document`]s of paragraph [`Passage`]s.
//!
//! Nothing here touches the index: readers hand their results to a sink, and a file (or feed
//! record) that cannot be read is a [`Skip`] with its reason, never a failure of the whole run.
//! Before chunking, each reader asks whether the document's version is already indexed, so an
//! unchanged corpus is re-read but not re-chunked. Metadata can also come from beside a file
//! (a `FILE.meta.json`, a directory's `metadata.csv`, a file-name pattern: see [`sidecar`]).

pub mod chunk;
pub mod debris;
pub mod decode;
pub mod html;
pub mod jsonl;
pub mod markdown;
pub mod sidecar;

use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::model::Meta;
use crate::model::{passage_id, Document, Passage};
pub use chunk::ChunkOptions;
use chunk::Chunked;
use decode::Decoded;
pub use jsonl::FieldNames;
pub use sidecar::{MetadataTables, NamePattern};

/// How much of a file is checked for NUL bytes to decide that it is binary.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// The largest document read by default (a file, or a feed record's line): 64 MiB, hundreds of
/// times the longest real document (a UN speech is under 150 kB, a report page about 1 MB),
/// so that memory stays bounded whatever a file holds (`--max-document-mb`).
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 64 << 20;

/// A compressed feed that inflates to more than this many times its own size, past the
/// document limit, is a decompression bomb: it is read no further. Text feeds inflate 3 to 10
/// times (the UN corpus: 3.1); deflate can reach about 1,000 (a run of one byte).
pub const MAX_INFLATION: u64 = 100;

/// The kinds of source dossier reads, from the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text: paragraphs by blank lines, one per line or hard-wrapped.
    Text,
    Markdown,
    Html,
    /// JSON Lines, one document per record; `gzip` when compressed.
    Jsonl {
        gzip: bool,
    },
}

/// A file found under the paths given to `ingest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub format: Format,
}

/// Settings for reading sources. Build one per run (`..ReadOptions::default()` for the fields
/// not set), and hand the same one to every [`read_source`] of the run.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub chunk: ChunkOptions,
    pub fields: FieldNames,
    /// Metadata read from file names (`{country}_{session}_{year}`), for text, Markdown and
    /// HTML files; see [`sidecar`].
    pub name_pattern: Option<NamePattern>,
    /// The directories' metadata tables read so far in this run (see [`sidecar`]).
    pub metadata_tables: MetadataTables,
    /// The largest file or feed record read, in bytes (`None`:
    /// [`DEFAULT_MAX_DOCUMENT_BYTES`]); a larger one is skipped with [`SkipReason::TooLarge`].
    pub max_document_bytes: Option<u64>,
}

impl ReadOptions {
    /// The largest file or feed record read, in bytes.
    pub fn max_document_bytes(&self) -> u64 {
        self.max_document_bytes
            .unwrap_or(DEFAULT_MAX_DOCUMENT_BYTES)
    }

    /// What, besides a source's bytes, decides how it is cut: documents indexed with other
    /// settings (or by an older chunker) are re-read even when their bytes are the same.
    fn fingerprint(&self) -> String {
        format!(
            "chunker {} max {} fields {:?}",
            chunk::CHUNKER_VERSION,
            self.chunk.max_chars,
            self.fields
        )
    }

    /// The version of a document: its content and the settings that cut it.
    pub fn version(&self, content: &[u8]) -> String {
        self.version_with(content, "")
    }

    /// The version of a document that also takes metadata from beside it (`extra`: a digest of
    /// its sidecars, see [`sidecar::FileMeta::digest`]), so that editing them re-reads it.
    pub fn version_with(&self, content: &[u8], extra: &str) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(content);
        hasher.update(self.fingerprint().as_bytes());
        if !extra.is_empty() {
            hasher.update(b"\0sidecars ");
            hasher.update(extra.as_bytes());
        }
        hasher.finalize().to_hex()[..32].to_owned()
    }
}

/// Why a file or record was not ingested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Not a format dossier reads; counted, not an error.
    Unsupported,
    /// The file holds no text; counted, not an error.
    Empty,
    /// The file could not be read: an error the exit code reports.
    Unreadable(String),
    Binary,
    /// A feed record that is not valid JSON, or lacks a text field.
    BadRecord {
        line: u64,
        message: String,
    },
    /// A feed record whose text field holds no text; counted, not an error, but reported (see
    /// [`SkipReason::is_reported`]): a feed that loses records should say so.
    EmptyRecord {
        line: u64,
        /// The text field that was empty.
        field: String,
    },
    /// A compressed feed that ends early; the records before `line` were read.
    Truncated {
        line: u64,
        message: String,
    },
    /// A sidecar or a metadata table (see [`sidecar`]): metadata for the files beside it, not a
    /// document; counted, not an error.
    Metadata,
    /// The same document id twice in one run: the first one was kept.
    Duplicate {
        id: String,
    },
    /// A directory entry that could not be listed.
    Walk(String),
    /// A file or a feed record over the document size limit, or a compressed feed that
    /// inflates past its limit (see [`ReadOptions::max_document_bytes`], [`MAX_INFLATION`]).
    TooLarge {
        /// The feed line, for a record.
        line: Option<u64>,
        message: String,
    },
}

impl SkipReason {
    /// True when the skip means something went wrong (as opposed to a file that is simply not
    /// for us, or empty).
    pub fn is_error(&self) -> bool {
        !matches!(
            self,
            SkipReason::Unsupported
                | SkipReason::Empty
                | SkipReason::EmptyRecord { .. }
                | SkipReason::Metadata
        )
    }

    /// True when the skip is worth a line on stderr without `--verbose`: every error, and a feed
    /// record with no text (a record the feed meant to hold, so its loss must not go unnoticed).
    /// Files that are simply not for us (unsupported, empty) are only counted.
    pub fn is_reported(&self) -> bool {
        self.is_error() || matches!(self, SkipReason::EmptyRecord { .. })
    }

    /// A short name of the kind of skip, for summaries.
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::Unsupported => "unsupported format",
            SkipReason::Empty | SkipReason::EmptyRecord { .. } => "empty",
            SkipReason::Unreadable(_) => "unreadable",
            SkipReason::Binary => "binary",
            SkipReason::BadRecord { .. } => "bad record",
            SkipReason::Truncated { .. } => "truncated",
            SkipReason::Metadata => "metadata",
            SkipReason::Duplicate { .. } => "duplicate id",
            SkipReason::Walk(_) => "unlistable",
            SkipReason::TooLarge { .. } => "too large",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unsupported => write!(
                f,
                "unsupported format (dossier reads .txt, .md, .html, .jsonl, .ndjson, .jsonl.gz)"
            ),
            SkipReason::Empty => write!(f, "no text to index"),
            SkipReason::Unreadable(e) => write!(f, "cannot read file: {e}"),
            SkipReason::Binary => write!(f, "binary file (contains NUL bytes)"),
            SkipReason::BadRecord { line, message } => write!(f, "line {line}: {message}"),
            SkipReason::EmptyRecord { line, field } => {
                write!(
                    f,
                    "line {line}: the record has no text to index in its `{field}` field"
                )
            }
            SkipReason::Truncated { line, message } => {
                write!(f, "stream ends early after line {line} ({message}); the records before it were read")
            }
            SkipReason::Metadata => write!(f, "metadata for the files beside it, not a document"),
            SkipReason::Duplicate { id } => {
                write!(
                    f,
                    "document id `{id}` given twice in this run; the first one was kept"
                )
            }
            SkipReason::Walk(e) => write!(f, "cannot list directory entry: {e}"),
            SkipReason::TooLarge {
                line: Some(line),
                message,
            } => write!(f, "line {line}: {message}"),
            SkipReason::TooLarge {
                line: None,
                message,
            } => write!(f, "{message}"),
        }
    }
}

/// A file (or feed record) that was not ingested, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub path: PathBuf,
    pub reason: SkipReason,
}

/// What reading a source produces, in order.
#[derive(Debug)]
pub enum Item {
    Document(Box<Document>),
    /// The document is indexed at this version already: nothing to do.
    Unchanged {
        doc_id: String,
    },
    Skip(Skip),
    /// Read, but not quite as it should be (e.g. not valid UTF-8): the document is still used.
    Warning {
        path: PathBuf,
        message: String,
    },
}

/// Everything found under `paths`, in a stable order (each directory walked in file-name order),
/// plus what was passed over. Hidden files and directories inside a walked directory are ignored;
/// a path named explicitly is always considered. Sidecars and metadata tables are not sources
/// (see [`sidecar`]).
pub fn find_sources(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<Skip>) {
    let mut sources = Vec::new();
    let mut skips = Vec::new();
    for root in paths {
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    let reason = match err.io_error() {
                        Some(io) if err.depth() == 0 => SkipReason::Unreadable(io.to_string()),
                        _ => SkipReason::Walk(err.to_string()),
                    };
                    skips.push(Skip { path, reason });
                    continue;
                }
            };
            if entry.file_type().is_dir() {
                continue;
            }
            let path = entry.into_path();
            if sidecar::is_sidecar(&path) || sidecar::is_metadata_table(&path) {
                skips.push(Skip {
                    path,
                    reason: SkipReason::Metadata,
                });
                continue;
            }
            match format_for(&path) {
                Some(format) => sources.push(SourceFile { path, format }),
                None => skips.push(Skip {
                    path,
                    reason: SkipReason::Unsupported,
                }),
            }
        }
    }
    (sources, skips)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// The reader for a file, from its extension.
pub fn format_for(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name.ends_with(".jsonl.gz") || name.ends_with(".ndjson.gz") {
        return Some(Format::Jsonl { gzip: true });
    }
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" => Some(Format::Text),
        "md" | "markdown" => Some(Format::Markdown),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "jsonl" | "ndjson" => Some(Format::Jsonl { gzip: false }),
        _ => None,
    }
}

/// The stable identifier of a file: its path as given, with `.` components dropped, `..`
/// resolved where the path allows it, and `/` as separator on every platform.
pub fn doc_id_for(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for component in path.components() {
        match component {
            Component::RootDir => absolute = true,
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|p| p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..".to_owned());
                }
            }
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Reads one source and hands what it finds to `sink`, in order. `is_current(doc_id, version)`
/// says whether that version of a document is indexed already (then it is not chunked).
pub fn read_source<E>(
    source: &SourceFile,
    options: &ReadOptions,
    is_current: &mut dyn FnMut(&str, &str) -> bool,
    sink: &mut dyn FnMut(Item) -> Result<(), E>,
) -> Result<(), E> {
    if let Format::Jsonl { gzip } = source.format {
        return jsonl::read(source, gzip, options, is_current, sink);
    }
    let skip = |reason| {
        Item::Skip(Skip {
            path: source.path.clone(),
            reason,
        })
    };
    let limit = options.max_document_bytes();
    let bytes = match read_at_most(&source.path, limit) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return sink(skip(too_large(None, "the file", limit))),
        Err(e) => return sink(skip(SkipReason::Unreadable(e.kind().to_string()))),
    };
    let beside = sidecar::for_file(
        &source.path,
        options.name_pattern.as_ref(),
        &options.metadata_tables,
    );
    for (path, message) in &beside.warnings {
        sink(Item::Warning {
            path: path.clone(),
            message: message.clone(),
        })?;
    }
    let doc_id = doc_id_for(&source.path);
    let version = options.version_with(&bytes, &beside.digest());
    if is_current(&doc_id, &version) {
        return sink(Item::Unchanged { doc_id });
    }
    match document_with(&source.path, source.format, &bytes, options, &beside) {
        Ok((mut doc, warning)) => {
            if let Some(message) = warning {
                sink(Item::Warning {
                    path: source.path.clone(),
                    message,
                })?;
            }
            doc.version = version;
            sink(Item::Document(Box::new(doc)))
        }
        Err(reason) => sink(skip(reason)),
    }
}

/// The bytes of a file, or `None` when it holds more than `limit` (only `limit` + 1 bytes are
/// ever read, so a file of any size costs bounded memory).
fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata().map_or(0, |m| m.len());
    if size > limit {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// The skip of a file or record (`what`) over the document size limit.
fn too_large(line: Option<u64>, what: &str, limit: u64) -> SkipReason {
    SkipReason::TooLarge {
        line,
        message: format!(
            "{what} is larger than the limit of {} per document; skipped (raise it with \
             --max-document-mb)",
            if limit.is_multiple_of(1 << 20) {
                format!("{} MiB", limit >> 20)
            } else {
                format!("{limit} bytes")
            }
        ),
    }
}

/// Finds the sources under `paths` and reads each, handing everything to `sink` in order (the
/// entries that could not be walked first): `dossier chunk`'s loop, without an index.
pub fn read_paths<E>(
    paths: &[PathBuf],
    options: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), E>,
) -> Result<(), E> {
    let (sources, skips) = find_sources(paths);
    for skip in skips {
        sink(Item::Skip(skip))?;
    }
    for source in &sources {
        read_source(source, options, &mut |_, _| false, sink)?;
    }
    Ok(())
}

/// Reads a whole source into documents, skips and warnings (for `dossier chunk` and tests).
pub fn read_all(source: &SourceFile, options: &ReadOptions) -> Vec<Item> {
    let mut items = Vec::new();
    let _ = read_source::<()>(source, options, &mut |_, _| false, &mut |item| {
        items.push(item);
        Ok(())
    });
    items
}

/// Builds a [`Document`] from a file's bytes, with the warning its decoding raised, if any. The
/// name pattern of `options` applies; sidecar files are not looked for (see [`read_source`]).
pub fn document_from_bytes(
    path: &Path,
    format: Format,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<(Document, Option<String>), SkipReason> {
    let from_name = sidecar::for_name(path, options.name_pattern.as_ref());
    document_with(path, format, bytes, options, &from_name)
}

/// [`document_from_bytes`] with the metadata found beside the file laid over its own.
fn document_with(
    path: &Path,
    format: Format,
    bytes: &[u8],
    options: &ReadOptions,
    beside: &sidecar::FileMeta,
) -> Result<(Document, Option<String>), SkipReason> {
    if bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return Err(SkipReason::Binary);
    }
    let declared = match format {
        Format::Html => decode::html_charset(bytes),
        _ => None,
    };
    let decoded = decode::decode(bytes, declared);
    let (chunked, mut meta) = match format {
        Format::Text | Format::Jsonl { .. } => (
            chunk::chunk_text(&decoded.text, &options.chunk),
            Meta::new(),
        ),
        Format::Markdown => markdown::read(&decoded.text, &options.chunk),
        Format::Html => html::read(&decoded.text, &options.chunk),
    };
    crate::model::meta::overlay(&mut meta, &beside.meta);
    crate::model::meta::date_from_aliases(&mut meta);
    if chunked.chunks.is_empty() {
        return Err(SkipReason::Empty);
    }
    let doc_id = doc_id_for(path);
    let fallback_title = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| doc_id.clone());
    let doc = build_document(
        DocumentParts {
            doc_id: doc_id.clone(),
            path: doc_id,
            title: beside
                .title
                .clone()
                .or_else(|| chunked.title.clone())
                .unwrap_or(fallback_title),
            meta,
            field: None,
            bytes: bytes.len() as u64,
            record_line: None,
        },
        chunked,
        Some(&decoded),
    );
    Ok((doc, decoded.warning))
}

/// What a document is made of besides its passages.
pub(crate) struct DocumentParts {
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub meta: Meta,
    /// For feed records: the field the passages' byte offsets count in.
    pub field: Option<String>,
    pub bytes: u64,
    /// For feed records: the line of the record, cited as the passages' lines.
    pub record_line: Option<u64>,
}

/// Turns chunks into passages with their ids and citations (byte offsets mapped back to the
/// source's own bytes when the text was decoded from another encoding).
pub(crate) fn build_document(
    parts: DocumentParts,
    chunked: Chunked,
    decoded: Option<&Decoded>,
) -> Document {
    let DocumentParts {
        doc_id,
        path,
        title,
        meta,
        field,
        bytes,
        record_line,
    } = parts;
    let shared_meta = std::sync::Arc::new(meta.clone());
    let passages = chunked
        .chunks
        .into_iter()
        .map(|c| {
            let (byte_start, byte_end) = match decoded {
                Some(d) => (
                    d.source_offset(c.byte_start as usize) as u64,
                    d.source_offset(c.byte_end as usize) as u64,
                ),
                None => (c.byte_start, c.byte_end),
            };
            let (line_start, line_end) = match record_line {
                Some(line) => (line, line),
                None => (c.line_start, c.line_end),
            };
            Passage {
                passage_id: passage_id(&doc_id, c.paragraph, c.part),
                doc_id: doc_id.clone(),
                title: title.clone(),
                section: c.section,
                paragraph: c.paragraph,
                part: c.part,
                source_paragraph: c.source_paragraph,
                path: path.clone(),
                line_start,
                line_end,
                byte_start,
                byte_end,
                field: field.clone(),
                meta: shared_meta.clone(),
                text: c.text,
                reference: c.reference,
            }
        })
        .collect();
    Document {
        doc_id,
        path,
        title,
        version: String::new(),
        bytes,
        layout: chunked.layout,
        meta,
        passages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_document(path: &Path, bytes: &[u8]) -> Result<Document, SkipReason> {
        document_from_bytes(path, Format::Text, bytes, &ReadOptions::default()).map(|(d, _)| d)
    }

    #[test]
    fn doc_ids_are_normalised_paths() {
        assert_eq!(doc_id_for(Path::new("./fixtures//a.txt")), "fixtures/a.txt");
        assert_eq!(
            doc_id_for(Path::new("fixtures/x/../a.txt")),
            "fixtures/a.txt"
        );
        assert_eq!(doc_id_for(Path::new("../shared/a.txt")), "../shared/a.txt");
        assert_eq!(doc_id_for(Path::new("/tmp/./a.md")), "/tmp/a.md");
    }

    #[test]
    fn formats_come_from_extensions() {
        assert_eq!(format_for(Path::new("a/b.MD")), Some(Format::Markdown));
        assert_eq!(
            format_for(Path::new("speeches.jsonl.gz")),
            Some(Format::Jsonl { gzip: true })
        );
        assert_eq!(
            format_for(Path::new("feed.ndjson")),
            Some(Format::Jsonl { gzip: false })
        );
        assert_eq!(format_for(Path::new("page.htm")), Some(Format::Html));
        assert_eq!(format_for(Path::new("report.pdf")), None);
    }

    #[test]
    fn bad_bytes_are_skip_reasons_or_warnings() {
        let p = Path::new("x.txt");
        assert_eq!(
            text_document(p, b"abc\0def").err(),
            Some(SkipReason::Binary)
        );
        assert_eq!(text_document(p, b"  \n\n ").err(), Some(SkipReason::Empty));
        let (doc, warning) = document_from_bytes(
            p,
            Format::Text,
            b"Caf\xe9 diplomacy in Gen\xe8ve.\n",
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(doc.passages[0].text, "Café diplomacy in Genève.");
        assert!(warning.unwrap().contains("offset 3"));
        assert_eq!(
            doc.passages[0].byte_end, 25,
            "byte offsets count in the file, not the text"
        );
    }

    /// Whatever a page or note holds, reading it never panics and citations lie inside the file.
    #[test]
    fn random_markup_never_panics() {
        let pieces = [
            "<p>",
            "</p>",
            "<div class=\"share\">",
            "</div>",
            "<h2>",
            "</h2>",
            "<script>",
            "</script>",
            "<a href=x>",
            "</a>",
            "&amp;",
            "&rsquo;",
            "text ",
            "Word. ",
            "\n",
            "\n\n",
            "# ",
            "## ",
            "- ",
            "**",
            "[link](u)",
            "---\n",
            "+++\n",
            "title: x\n",
            "é",
            "\u{0}",
            "<br>",
            "<",
        ];
        let mut next = crate::testing::lcg(0xfeed);
        for _ in 0..2_000 {
            let n = next() % 40;
            let text: String = (0..n).map(|_| pieces[next() % pieces.len()]).collect();
            for format in [Format::Html, Format::Markdown, Format::Text] {
                let Ok((doc, _)) = document_from_bytes(
                    Path::new("r"),
                    format,
                    text.as_bytes(),
                    &ReadOptions::default(),
                ) else {
                    continue;
                };
                for p in &doc.passages {
                    assert!(
                        p.byte_start < p.byte_end && p.byte_end as usize <= text.len(),
                        "{format:?} {text:?}: {p:?}"
                    );
                }
            }
        }
    }

    /// A note of one short line is a document of one passage, not "no text".
    #[test]
    fn a_one_line_text_file_is_one_passage() {
        let doc = text_document(
            Path::new("wire/oil.txt"),
            b"Iran rejects new sanctions on oil\n",
        )
        .unwrap();
        assert_eq!(doc.title, "Iran rejects new sanctions on oil");
        assert_eq!(doc.passages.len(), 1);
        let p = &doc.passages[0];
        assert_eq!(p.text, "Iran rejects new sanctions on oil");
        assert_eq!(
            (p.line_start, p.line_end, p.byte_start, p.byte_end),
            (1, 1, 0, 33)
        );
        assert_eq!(p.section, None);
    }

    #[test]
    fn only_errors_and_empty_feed_records_are_reported_by_default() {
        assert!(SkipReason::Binary.is_reported());
        assert!(SkipReason::EmptyRecord {
            line: 3,
            field: "text".into()
        }
        .is_reported());
        assert!(!SkipReason::Empty.is_reported());
        assert!(!SkipReason::Unsupported.is_reported());
    }

    #[test]
    fn passages_get_ids_and_the_file_name_as_fallback_title() {
        let doc = text_document(
            Path::new("notes/brief.txt"),
            b"It began in Vienna.\n\nIt ended in New York.\n",
        )
        .unwrap();
        assert_eq!(doc.title, "brief");
        assert_eq!(doc.passages.len(), 2);
        assert_eq!(doc.passages[1].passage_id, "notes/brief.txt#2");
        assert_eq!(doc.passages[1].line_start, 3);
    }

    /// A file over the document limit is skipped, unread: bounded memory for a file of any
    /// size.
    #[test]
    fn files_over_the_limit_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        std::fs::write(&path, "Sanctions. ".repeat(200)).unwrap();
        let source = SourceFile {
            path,
            format: Format::Text,
        };
        let small = ReadOptions {
            max_document_bytes: Some(1 << 10),
            ..ReadOptions::default()
        };
        let items = read_all(&source, &small);
        let [Item::Skip(skip)] = items.as_slice() else {
            panic!("{items:?}")
        };
        assert_eq!(skip.reason.kind(), "too large");
        assert!(skip.reason.is_error());
        assert_eq!(
            skip.reason.to_string(),
            "the file is larger than the limit of 1024 bytes per document; skipped (raise it \
             with --max-document-mb)"
        );
        let items = read_all(&source, &ReadOptions::default());
        assert!(matches!(items.as_slice(), [Item::Document(_)]));
    }
}
