//! The index directory on disk: the one way dossier opens it (a tantivy `MmapDirectory` that a
//! reader can use even where it may not write), what a killed writer leaves in it, and tantivy's
//! errors in words that say what happened to the index and what to run.
//!
//! Nothing here decides what an error means for a command; it only names it.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle,
    WritePtr, INDEX_WRITER_LOCK, META_LOCK,
};
use tantivy::TantivyError;

use super::IndexError;

/// An index directory on disk. Every call goes to tantivy's `MmapDirectory`, with one
/// exception: a reader takes the meta lock (a file it opens for writing) while it opens the
/// segments, so that a writer's clean-up cannot delete them under it. Where the lock file
/// cannot be opened for writing (a read-only index: another user's, or on a read-only mount)
/// no writer can delete anything either, and the reader goes on without the lock.
#[derive(Clone, Debug)]
pub(super) struct IndexDirectory {
    inner: MmapDirectory,
}

impl IndexDirectory {
    pub(super) fn open(dir: &Path) -> Result<IndexDirectory, TantivyError> {
        Ok(IndexDirectory {
            inner: MmapDirectory::open(dir)?,
        })
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(e))
                if lock.filepath == META_LOCK.filepath && is_not_writable(&e) =>
            {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }
}

fn is_not_writable(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Removes what a killed writer leaves that tantivy's own clean-up does not know of: the
/// temporary files of its atomic writes (`.tmpXXXXXX`, the next `meta.json` or
/// `.managed.json`). Only called with the writer lock held, when no one else writes them.
/// (Segment files of an ingest that never committed are tantivy's: its garbage collection
/// removes them.)
pub(super) fn remove_temporary_files(dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(".tmp") && entry.file_type()?.is_file() {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}

/// Holds the writer lock of the index directory `dir` without opening the index (to clear an
/// index that cannot be opened): the same lock tantivy's writer takes.
pub(super) fn lock_writer(dir: &Path) -> Result<DirectoryLock, IndexError> {
    let directory = MmapDirectory::open(dir).map_err(|e| write_error(dir, e.into()))?;
    directory
        .acquire_lock(&INDEX_WRITER_LOCK)
        .map_err(|e| write_error(dir, TantivyError::LockFailure(e, None)))
}

/// What was being done when tantivy failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Write,
}

/// A tantivy error met while reading an index (opening it, loading a commit, searching).
pub(super) fn read_error(dir: &Path, e: TantivyError) -> IndexError {
    classify(dir, e, Access::Read)
}

/// A tantivy error met while writing to an index (taking the lock, indexing, committing).
pub(super) fn write_error(dir: &Path, e: TantivyError) -> IndexError {
    classify(dir, e, Access::Write)
}

fn classify(dir: &Path, e: TantivyError, access: Access) -> IndexError {
    let name = dir.display().to_string();
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => {
            return IndexError::Busy {
                dir: name,
                waited: None,
            }
        }
        TantivyError::IncompatibleIndex(inc)
        | TantivyError::OpenReadError(OpenReadError::IncompatibleIndex(inc)) => {
            return IndexError::Incompatible {
                dir: name,
                reason: super::incompatibility(&inc),
            }
        }
        TantivyError::SchemaError(reason) => return IndexError::Incompatible { dir: name, reason },
        TantivyError::DataCorruption(ref corruption) => {
            return IndexError::Damaged {
                dir: name,
                reason: corruption_reason(&format!("{corruption:?}")),
            }
        }
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(ref path)) => {
            return missing_file(dir, path)
        }
        _ => {}
    }
    if let Some(io) = io_cause(&e) {
        return match (access, io.kind()) {
            (Access::Read, io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData) => {
                IndexError::Damaged {
                    dir: name,
                    reason: io.to_string(),
                }
            }
            (Access::Read, _) => unreadable(dir, io),
            (Access::Write, _) => write_failed(dir, io),
        };
    }
    match (access, e) {
        // tantivy's document store passes an I/O error on as its text only.
        (Access::Write, TantivyError::InternalError(text)) if os_error(&text).is_some() => {
            write_failed(dir, &os_error(&text).expect("checked"))
        }
        (Access::Write, TantivyError::ErrorInThread(_)) => IndexError::WriteFailed {
            dir: name,
            reason: "an indexing thread failed".to_owned(),
            fix: "",
        },
        (_, source) => IndexError::Tantivy { dir: name, source },
    }
}

/// `meta.json` gone (the index was removed) or a segment file gone (the index is damaged).
fn missing_file(dir: &Path, path: &Path) -> IndexError {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if file == "meta.json" {
        IndexError::Missing {
            dir: dir.display().to_string(),
        }
    } else {
        IndexError::Damaged {
            dir: dir.display().to_string(),
            reason: format!("its file {file} is missing"),
        }
    }
}

/// tantivy's account of a damaged file, shortened: which file, what is wrong, without the
/// file's content it appends.
fn corruption_reason(debug: &str) -> String {
    let text = debug
        .strip_prefix("Data corruption")
        .unwrap_or(debug)
        .trim_start_matches([' ', ':']);
    let text = text.split(". Content:").next().unwrap_or(text);
    let text = text.replace("(in file `\"", "in ").replace("\"`)", "");
    let text = text.trim().trim_end_matches('.');
    let mut short: String = text.chars().take(200).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// The I/O error behind a tantivy error, if there is one.
fn io_cause(e: &TantivyError) -> Option<&io::Error> {
    match e {
        TantivyError::IoError(io) => Some(io),
        TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, .. })
        | TantivyError::OpenReadError(OpenReadError::IoError { io_error, .. })
        | TantivyError::OpenDirectoryError(OpenDirectoryError::IoError { io_error, .. }) => {
            Some(io_error)
        }
        TantivyError::LockFailure(LockError::IoError(io), _) => Some(io),
        _ => None,
    }
}

/// The I/O error whose text ends a message (`File too large (os error 27)`).
fn os_error(text: &str) -> Option<io::Error> {
    let (_, number) = text.rsplit_once("(os error ")?;
    let number: i32 = number.split(')').next()?.parse().ok()?;
    Some(io::Error::from_raw_os_error(number))
}

/// An I/O error in words: what happened, and what to do about it (empty, or `; …`).
pub(super) fn io_reason(e: &io::Error) -> (String, &'static str) {
    use io::ErrorKind::*;
    match e.kind() {
        StorageFull => (
            "No space left on device".to_owned(),
            "; free some space and run it again",
        ),
        QuotaExceeded => (
            "Disk quota exceeded".to_owned(),
            "; free some space and run it again",
        ),
        FileTooLarge => (
            "File too large (a file size limit was reached)".to_owned(),
            "; raise the limit (`ulimit -f`) and run it again",
        ),
        ReadOnlyFilesystem => ("Read-only file system".to_owned(), ""),
        PermissionDenied => ("Permission denied".to_owned(), ""),
        _ => (e.to_string(), ""),
    }
}

/// [`IndexError::WriteFailed`] for an I/O error.
pub(super) fn write_failed(dir: &Path, e: &io::Error) -> IndexError {
    let (reason, fix) = io_reason(e);
    IndexError::WriteFailed {
        dir: dir.display().to_string(),
        reason,
        fix,
    }
}

/// [`IndexError::Unreadable`] for an I/O error.
pub(super) fn unreadable(dir: &Path, e: &io::Error) -> IndexError {
    IndexError::Unreadable {
        dir: dir.display().to_string(),
        reason: io_reason(e).0,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn a_corruption_names_the_file_and_the_fault_without_the_content() {
        let reason = corruption_reason(
            "Data corruption (in file `\"meta.json\"`): Meta file cannot be deserialized. \
             Error(\"EOF while parsing a string\", line: 6, column: 4). Content: \"{\\n  \\\"s\".",
        );
        assert_eq!(
            reason,
            "in meta.json: Meta file cannot be deserialized. Error(\"EOF while parsing a string\", line: 6, column: 4)"
        );
    }

    #[test]
    fn errors_are_named_by_what_happened_to_the_index() {
        let dir = Path::new("idx");
        let busy = write_error(dir, TantivyError::LockFailure(LockError::LockBusy, None));
        assert!(matches!(busy, IndexError::Busy { .. }));
        let full = write_error(
            dir,
            TantivyError::IoError(Arc::new(io::Error::from(io::ErrorKind::StorageFull))),
        );
        assert!(full
            .to_string()
            .starts_with("cannot write to index at idx: No space left on device"));
        let in_text = write_error(
            dir,
            TantivyError::InternalError("No space left on device (os error 28)".into()),
        );
        assert!(
            in_text.to_string().ends_with(
                "No space left on device (the index is unchanged at its last commit); \
                 free some space and run it again"
            ),
            "{in_text}"
        );
        let denied = read_error(
            dir,
            TantivyError::OpenReadError(OpenReadError::wrap_io_error(
                io::Error::from(io::ErrorKind::PermissionDenied),
                PathBuf::from("meta.json"),
            )),
        );
        assert!(matches!(denied, IndexError::Unreadable { .. }), "{denied}");
        let gone = read_error(
            dir,
            TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(PathBuf::from(
                "idx/0123.store",
            ))),
        );
        assert!(gone.to_string().contains("its file 0123.store is missing"));
        assert!(gone.to_string().contains("dossier ingest --rebuild"));
    }
}
