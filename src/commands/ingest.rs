//! `dossier ingest PATH...` and `dossier remove DOC_ID|PATH...`

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use dossier::index::{DossierIndex, IndexError, IngestOutcome};
use dossier::ingest::{doc_id_for, find_sources, read_source, Item, ReadOptions, Skip, SkipReason};
use indicatif::{ProgressBar, ProgressStyle};

use super::{IndexLocation, Status};
use crate::cli::{IngestArgs, RemoveArgs};

/// Counts of one ingest run.
#[derive(Default)]
struct Tally {
    outcomes: BTreeMap<&'static str, usize>,
    passages: usize,
    bytes: u64,
    skips: Vec<Skip>,
    warnings: usize,
}

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
    let options = args.read_options();

    let (sources, walk_skips) = find_sources(&args.paths);
    let mut tally = Tally::default();
    for skip in walk_skips {
        if skip.reason.is_error() || args.verbose {
            report(&skip);
        }
        tally.skips.push(skip);
    }
    let progress = progress_bar(&sources, args.quiet);
    // The reader asks whether a document is current and hands over documents, one at a time:
    // both need the writer, never at once.
    let updater = RefCell::new(updater);
    for source in &sources {
        let size = std::fs::metadata(&source.path).map_or(0, |m| m.len());
        let mut is_current = |doc_id: &str, version: &str| {
            updater
                .borrow_mut()
                .is_current(doc_id, version)
                .unwrap_or(false)
        };
        let mut sink = |item: Item| -> anyhow::Result<()> {
            match item {
                Item::Document(doc) => match updater.borrow_mut().upsert(&doc)? {
                    IngestOutcome::Duplicate => {
                        let skip = Skip {
                            path: source.path.clone(),
                            reason: SkipReason::Duplicate {
                                id: doc.doc_id.clone(),
                            },
                        };
                        progress.suspend(|| report(&skip));
                        tally.skips.push(skip);
                    }
                    outcome => {
                        let name = if outcome == IngestOutcome::Added {
                            "added"
                        } else {
                            "replaced"
                        };
                        tally.passages += doc.passages.len();
                        *tally.outcomes.entry(name).or_default() += 1;
                    }
                },
                Item::Unchanged { .. } => *tally.outcomes.entry("unchanged").or_default() += 1,
                Item::Skip(skip) => {
                    if skip.reason.is_error() || args.verbose {
                        progress.suspend(|| report(&skip));
                    }
                    tally.skips.push(skip);
                }
                Item::Warning { path, message } => {
                    tally.warnings += 1;
                    if !args.quiet {
                        progress.suspend(|| {
                            eprintln!("dossier: warning: {}: {message}", path.display())
                        });
                    }
                }
            }
            Ok(())
        };
        read_source(source, &options, &mut is_current, &mut sink)?;
        tally.bytes += size;
        progress.inc(size);
        progress.set_message(format!(
            "{} documents, {} passages",
            tally.outcomes.values().sum::<usize>(),
            tally.passages
        ));
    }
    let mut updater = updater.into_inner();
    if args.prune {
        let pruned = prune(&index, &mut updater, &args.paths)?;
        *tally.outcomes.entry("pruned").or_default() += pruned;
    }
    progress.set_message("committing");
    updater.commit().context("could not commit the ingest")?;
    progress.finish_and_clear();

    let seconds = started.elapsed().as_secs_f64();
    if !args.quiet {
        eprintln!("{}", summary(&tally, seconds));
    }
    Ok(if tally.skips.iter().any(|s| s.reason.is_error()) {
        Status::Error
    } else {
        Status::Found
    })
}

/// One summary line: documents by outcome, passages, skips by kind, time and throughput.
fn summary(tally: &Tally, seconds: f64) -> String {
    let documents: usize = tally
        .outcomes
        .iter()
        .filter(|(k, _)| **k != "pruned")
        .map(|(_, v)| v)
        .sum();
    let detail = tally
        .outcomes
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut skipped = format!("{} skipped", tally.skips.len());
    if !tally.skips.is_empty() {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &tally.skips {
            *kinds.entry(s.reason.kind()).or_default() += 1;
        }
        let kinds: Vec<String> = kinds.iter().map(|(k, v)| format!("{v} {k}")).collect();
        skipped.push_str(&format!(" ({})", kinds.join(", ")));
    }
    let warnings = match tally.warnings {
        0 => String::new(),
        n => format!(", {n} warnings"),
    };
    format!(
        "dossier: {documents} documents ({}), {} passages indexed, {skipped}{warnings}, {seconds:.2} s, {:.1} MB/s",
        if detail.is_empty() { "none".to_owned() } else { detail },
        tally.passages,
        tally.bytes as f64 / 1e6 / seconds.max(1e-9),
    )
}

fn progress_bar(sources: &[dossier::ingest::SourceFile], quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let total: u64 = sources
        .iter()
        .map(|s| std::fs::metadata(&s.path).map_or(0, |m| m.len()))
        .sum();
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
        )
        .expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Removes the documents whose source file, under one of the ingested roots, is gone.
fn prune(
    index: &DossierIndex,
    updater: &mut dossier::index::Updater,
    roots: &[std::path::PathBuf],
) -> anyhow::Result<usize> {
    let roots: Vec<String> = roots.iter().map(|r| doc_id_for(r)).collect();
    let mut pruned = 0;
    for path in index.indexed_paths()? {
        let under_root = roots
            .iter()
            .any(|r| path == *r || path.starts_with(&format!("{r}/")) || r.is_empty());
        if under_root && !Path::new(&path).exists() {
            let n = updater.remove_path(&path)?;
            if n > 0 {
                eprintln!("dossier: pruned {path} (file is gone)");
                pruned += 1;
            }
        }
    }
    Ok(pruned)
}

/// One stderr line for a skipped file or record; `error:` marks the skips that make the exit
/// code 2.
pub fn report(skip: &Skip) {
    let level = if skip.reason.is_error() {
        "error: "
    } else {
        ""
    };
    eprintln!(
        "dossier: {level}skipped {}: {}",
        skip.path.display(),
        skip.reason
    );
}

/// Clears an index directory that this version cannot open, keeping anything that is not an
/// index file (such as the checkout's `.gitignore`).
fn remove_index_files(dir: &Path) -> anyhow::Result<()> {
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

/// `dossier remove DOC_ID|PATH...`
pub fn remove(location: &IndexLocation, args: &RemoveArgs) -> anyhow::Result<Status> {
    let index = DossierIndex::open(&location.dir)?;
    let mut updater = index.updater()?;
    let mut removed = 0;
    for target in &args.targets {
        let target = target.to_string_lossy();
        let mut n = updater.remove(&target)?;
        let mut what = "document";
        if n == 0 {
            n = updater.remove_path(&doc_id_for(Path::new(target.as_ref())))?;
            what = "file";
        }
        if n == 0 {
            eprintln!(
                "dossier: `{target}` is neither a document id nor an ingested file in {}",
                index.display_dir()
            );
        } else {
            eprintln!("dossier: removed {what} {target} ({n} passages)");
            removed += 1;
        }
    }
    updater.commit().context("could not commit the removal")?;
    Ok(if removed == args.targets.len() {
        Status::Found
    } else if removed == 0 {
        Status::NotFound
    } else {
        Status::Error
    })
}

impl IngestArgs {
    pub fn read_options(&self) -> ReadOptions {
        read_options(self.max_passage_chars, &self.fields)
    }
}

/// Reader settings from the command line (shared by `ingest` and `chunk`).
pub fn read_options(max_passage_chars: usize, fields: &crate::cli::FieldArgs) -> ReadOptions {
    ReadOptions {
        chunk: dossier::ingest::ChunkOptions {
            max_chars: max_passage_chars,
        },
        fields: dossier::ingest::FieldNames {
            text: fields.text_field.clone(),
            id: fields.id_field.clone(),
            title: fields.title_field.clone(),
            date: fields.date_field.clone(),
        },
        ..ReadOptions::default()
    }
}
