//! Ingest, first half of the pipeline: find source files, read them, and cut them into
//! [`Document`]s of paragraph [`Passage`]s.
//!
//! Nothing here touches the index: readers return plain data, and a file that cannot be read
//! is a [`Skip`] with its reason, never a failure of the whole run.

pub mod chunk;
pub mod debris;

use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::passage::{passage_number, Document, Passage};
pub use chunk::{ChunkOptions, Format};

/// How much of a file is checked for NUL bytes to decide that it is binary.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// A file found under the paths given to `ingest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub format: Format,
}

/// Why a file was not ingested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Not a format dossier reads (yet); counted, not an error.
    Unsupported,
    /// The file holds no text; counted, not an error.
    Empty,
    /// The file could not be read or is not text: an error the exit code reports.
    Unreadable(String),
    Binary,
    InvalidUtf8 {
        byte: usize,
    },
    /// A directory entry that could not be listed.
    Walk(String),
}

impl SkipReason {
    /// True when the skip means something went wrong (as opposed to a file that is simply not
    /// for us, or empty).
    pub fn is_error(&self) -> bool {
        !matches!(self, SkipReason::Unsupported | SkipReason::Empty)
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unsupported => write!(f, "unsupported format (dossier reads .txt and .md)"),
            SkipReason::Empty => write!(f, "no text to index"),
            SkipReason::Unreadable(e) => write!(f, "cannot read file: {e}"),
            SkipReason::Binary => write!(f, "binary file (contains NUL bytes)"),
            SkipReason::InvalidUtf8 { byte } => {
                write!(f, "not valid UTF-8 (first bad byte at offset {byte})")
            }
            SkipReason::Walk(e) => write!(f, "cannot list directory entry: {e}"),
        }
    }
}

/// A file that was not ingested, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub path: PathBuf,
    pub reason: SkipReason,
}

/// Everything found under `paths`, in a stable order (each directory walked in file-name order),
/// plus what was passed over. Hidden files and directories inside a walked directory are ignored;
/// a path named explicitly is always considered.
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
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" => Some(Format::Text),
        "md" | "markdown" => Some(Format::Markdown),
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

/// The hex digest identifying a file's content.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Reads one source file into a chunked [`Document`].
pub fn read_document(source: &SourceFile, options: &ChunkOptions) -> Result<Document, SkipReason> {
    let bytes =
        std::fs::read(&source.path).map_err(|e| SkipReason::Unreadable(e.kind().to_string()))?;
    document_from_bytes(&source.path, source.format, &bytes, options)
}

/// Builds a [`Document`] from a file's bytes (split out of [`read_document`] for tests).
pub fn document_from_bytes(
    path: &Path,
    format: Format,
    bytes: &[u8],
    options: &ChunkOptions,
) -> Result<Document, SkipReason> {
    if bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return Err(SkipReason::Binary);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| SkipReason::InvalidUtf8 {
        byte: e.valid_up_to(),
    })?;
    let chunked = chunk::chunk(text, format, options);
    if chunked.chunks.is_empty() {
        return Err(SkipReason::Empty);
    }
    let doc_id = doc_id_for(path);
    let title = chunked.title.unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| doc_id.clone())
    });
    let passages = chunked
        .chunks
        .into_iter()
        .map(|c| Passage {
            passage_id: format!("{doc_id}#{}", passage_number(c.paragraph, c.part)),
            doc_id: doc_id.clone(),
            title: title.clone(),
            section: c.section,
            paragraph: c.paragraph,
            part: c.part,
            source_paragraph: c.source_paragraph,
            path: doc_id.clone(),
            line_start: c.line_start,
            line_end: c.line_end,
            byte_start: c.byte_start,
            byte_end: c.byte_end,
            text: c.text,
        })
        .collect();
    Ok(Document {
        path: doc_id.clone(),
        doc_id,
        title,
        content_hash: content_hash(bytes),
        bytes: bytes.len() as u64,
        layout: chunked.layout,
        passages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document_from_bytes_default(path: &Path, bytes: &[u8]) -> Result<Document, SkipReason> {
        document_from_bytes(path, Format::Text, bytes, &ChunkOptions::default())
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
    fn bad_bytes_are_skip_reasons() {
        let p = Path::new("x.txt");
        assert_eq!(
            document_from_bytes_default(p, b"abc\0def"),
            Err(SkipReason::Binary)
        );
        assert_eq!(
            document_from_bytes_default(p, b"caf\xe9 au lait"),
            Err(SkipReason::InvalidUtf8 { byte: 3 })
        );
        assert_eq!(
            document_from_bytes_default(p, b"  \n\n "),
            Err(SkipReason::Empty)
        );
    }

    #[test]
    fn passages_get_ids_and_the_file_name_as_fallback_title() {
        let doc = document_from_bytes_default(
            Path::new("notes/brief.txt"),
            b"It began in Vienna.\n\nIt ended in New York.\n",
        )
        .unwrap();
        assert_eq!(doc.title, "brief");
        assert_eq!(doc.passages.len(), 2);
        assert_eq!(doc.passages[1].passage_id, "notes/brief.txt#2");
        assert_eq!(doc.passages[1].line_start, 3);
    }
}
