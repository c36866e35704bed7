//! `dossier ingest PATH...`

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Context;
use dossier::index::{DossierIndex, IndexError, IngestOutcome};
use dossier::ingest::{find_sources, read_document, ChunkOptions, Skip};

use super::{IndexLocation, Status};
use crate::cli::IngestArgs;

pub fn run(location: &IndexLocation, args: &IngestArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let dir = &location.dir;
    let index = match DossierIndex::open_or_create(dir) {
        Err(IndexError::Incompatible { .. }) if args.rebuild => {
            remove_index_files(dir)?;
            DossierIndex::open_or_create(dir)?
        }
        other => other?,
    };
    let mut updater = index.updater()?;
    if args.rebuild {
        updater.clear()?;
    }

    let options = ChunkOptions {
        max_chars: args.max_passage_chars,
    };
    let (sources, mut skips) = find_sources(&args.paths);
    for skip in skips.iter().filter(|s| s.reason.is_error()) {
        report(skip);
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut passages, mut bytes) = (0usize, 0u64);
    for source in sources {
        match read_document(&source, &options) {
            Ok(doc) => {
                bytes += doc.bytes;
                let outcome = updater.upsert(&doc)?;
                if matches!(outcome, IngestOutcome::Added | IngestOutcome::Replaced) {
                    passages += doc.passages.len();
                }
                *counts.entry(outcome_name(outcome)).or_default() += 1;
            }
            Err(reason) => {
                let skip = Skip {
                    path: source.path,
                    reason,
                };
                if skip.reason.is_error() || !args.quiet {
                    report(&skip);
                }
                skips.push(skip);
            }
        }
    }
    updater.commit().context("could not commit the ingest")?;

    let seconds = started.elapsed().as_secs_f64();
    if !args.quiet {
        let documents: usize = counts.values().sum();
        let detail = counts
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ");
        eprintln!(
            "dossier: {documents} documents ({}), {passages} passages indexed, {} skipped{}, {:.2} s, {:.1} MB/s",
            if detail.is_empty() { "none".to_owned() } else { detail },
            skips.len(),
            skip_detail(&skips),
            seconds,
            bytes as f64 / 1e6 / seconds.max(1e-9),
        );
    }
    Ok(if skips.iter().any(|s| s.reason.is_error()) {
        Status::Error
    } else {
        Status::Found
    })
}

fn outcome_name(outcome: IngestOutcome) -> &'static str {
    match outcome {
        IngestOutcome::Added => "added",
        IngestOutcome::Replaced => "replaced",
        IngestOutcome::Unchanged => "unchanged",
        IngestOutcome::Duplicate => "given twice",
    }
}

pub fn report(skip: &Skip) {
    eprintln!(
        "dossier: error: skipped {}: {}",
        skip.path.display(),
        skip.reason
    );
}

/// ` (2 unsupported format, 1 empty)`: why files were skipped, grouped.
fn skip_detail(skips: &[Skip]) -> String {
    if skips.is_empty() {
        return String::new();
    }
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for s in skips {
        let kind = s.reason.to_string();
        let kind = kind
            .split(':')
            .next()
            .unwrap_or(&kind)
            .split(" (")
            .next()
            .unwrap_or("")
            .to_owned();
        *by_kind.entry(kind).or_default() += 1;
    }
    let parts: Vec<String> = by_kind.iter().map(|(k, v)| format!("{v} {k}")).collect();
    format!(" ({})", parts.join(", "))
}

/// Clears an index directory that this version cannot open, keeping anything that is not an
/// index file (such as the checkout's `.gitignore`).
fn remove_index_files(dir: &std::path::Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_index_file = name == "meta.json"
            || name == ".managed.json"
            || name.starts_with(".tantivy")
            || name.rsplit_once('.').is_some_and(|(stem, _)| {
                stem.len() == 32 && stem.chars().all(|c| c.is_ascii_hexdigit())
            });
        if is_index_file && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    Ok(())
}
