//! One module per subcommand: turns parsed arguments into library calls and picks the printer.

pub mod batch;
pub mod chunk;
pub mod eval;
pub mod ingest;
pub mod search;
pub mod show;
pub mod stats;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use dossier::index::{DossierIndex, IndexError};

use crate::cli::ColorChoice;

/// The default index directory, relative to the working directory.
pub const DEFAULT_INDEX: &str = "index";
/// The bundled demo corpus, used to build the default index on first search.
pub const DEMO_FIXTURES: &str = "fixtures";

/// Exit statuses, as grep: 0 results, 1 no results, 2 error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Found = 0,
    NotFound = 1,
    Error = 2,
}

/// Where the index is and whether the user chose it.
#[derive(Debug, Clone)]
pub struct IndexLocation {
    pub dir: PathBuf,
    /// Neither `--index` nor `DOSSIER_INDEX` was given.
    pub is_default: bool,
}

impl IndexLocation {
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

/// Opens the index for reading. The one exception to "a missing index is an error": the
/// default `./index` of a checkout with `./fixtures` is built from the fixtures first, so the
/// README's first command works on a fresh clone.
pub fn open_for_reading(location: &IndexLocation) -> anyhow::Result<DossierIndex> {
    match DossierIndex::open(&location.dir) {
        Err(IndexError::Missing { .. })
            if location.is_default && Path::new(DEMO_FIXTURES).is_dir() =>
        {
            eprintln!(
                "dossier: no index in ./{DEFAULT_INDEX} yet: building it from ./{DEMO_FIXTURES}/ first"
            );
            let args = crate::cli::IngestArgs {
                paths: demo_paths()?,
                rebuild: false,
                prune: false,
                quiet: false,
                verbose: false,
                max_passage_chars: dossier::ingest::chunk::DEFAULT_MAX_CHARS,
                fields: crate::cli::FieldArgs::default(),
            };
            ingest::run(location, &args)?;
            Ok(DossierIndex::open(&location.dir)?)
        }
        other => Ok(other?),
    }
}

/// The demo corpus: every directory under `fixtures/` (the files at its top level, such as its
/// README with the credits, describe the fixtures and are not part of the corpus).
fn demo_paths() -> anyhow::Result<Vec<PathBuf>> {
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

/// Whether to write ANSI colour to stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}
