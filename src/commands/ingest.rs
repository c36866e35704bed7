//! `dossier ingest PATH...` and `dossier remove DOC_ID|PATH...`

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use dossier::engine::{self, IndexLocation, IngestObserver, IngestOptions, IngestReport};
use dossier::engine::{Engine, RemoveOutcome};
use dossier::ingest::Skip;
use indicatif::{ProgressBar, ProgressStyle};

use super::{read_options, Status};
use crate::cli::{IngestArgs, RemoveArgs};

pub fn run(location: &IndexLocation, args: &IngestArgs) -> anyhow::Result<Status> {
    let options = IngestOptions {
        read: read_options(&args.read)?,
        rebuild: args.rebuild,
        prune: args.prune,
        wait: args.wait.timeout(),
    };
    let mut reporter = Reporter::new(args.quiet, args.verbose);
    let report = engine::ingest(&location.dir, &args.paths, &options, &mut reporter)?;
    reporter.progress.finish_and_clear();
    if !args.quiet {
        eprintln!("{}", summary(&report));
    }
    Ok(if report.has_errors() {
        Status::Error
    } else {
        Status::Found
    })
}

/// Prints an ingest's progress (a bar on a terminal), its skips and its warnings on stderr.
pub struct Reporter {
    quiet: bool,
    verbose: bool,
    progress: ProgressBar,
}

impl Reporter {
    pub fn new(quiet: bool, verbose: bool) -> Reporter {
        Reporter {
            quiet,
            verbose,
            progress: ProgressBar::hidden(),
        }
    }

    /// For the demo index built on first search: messages, no summary.
    pub fn quiet_progress() -> Reporter {
        Reporter::new(false, false)
    }
}

impl IngestObserver for Reporter {
    fn building_demo_index(&mut self, index: &Path, fixtures: &Path) {
        eprintln!(
            "dossier: no index in ./{} yet: building it from ./{}/ first",
            index.display(),
            fixtures.display()
        );
    }

    fn waiting(&mut self, index: &Path, timeout: Duration) {
        if !self.quiet {
            eprintln!(
                "dossier: index at {} is busy: waiting up to {} s for the other writer to finish",
                index.display(),
                timeout.as_secs()
            );
        }
    }

    fn started(&mut self, _sources: usize, bytes: u64) {
        if self.quiet || !std::io::stderr().is_terminal() {
            return;
        }
        self.progress = ProgressBar::new(bytes).with_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
            )
            .expect("valid template"),
        );
        self.progress.enable_steady_tick(Duration::from_millis(120));
    }

    fn skipped(&mut self, skip: &Skip) {
        if skip.reason.is_reported() || self.verbose {
            self.progress.suspend(|| report(skip));
        }
    }

    fn warning(&mut self, path: &Path, message: &str) {
        if !self.quiet {
            self.progress
                .suspend(|| eprintln!("dossier: warning: {}: {message}", path.display()));
        }
    }

    fn source_done(&mut self, bytes: u64, report: &IngestReport) {
        self.progress.inc(bytes);
        self.progress.set_message(format!(
            "{} documents, {} passages",
            report.documents(),
            report.passages
        ));
    }

    fn pruned(&mut self, path: &str) {
        if self.quiet {
            return;
        }
        self.progress
            .suspend(|| eprintln!("dossier: pruned {path} (file is gone)"));
    }

    fn committing(&mut self) {
        self.progress.set_message("committing");
    }
}

/// One summary line: documents by outcome, passages, skips by kind, time and throughput.
fn summary(report: &IngestReport) -> String {
    let detail: Vec<String> = [
        (report.added, "added"),
        (report.pruned, "pruned"),
        (report.replaced, "replaced"),
        (report.unchanged, "unchanged"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    let mut skipped = format!("{} skipped", report.skips.len());
    if !report.skips.is_empty() {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &report.skips {
            *kinds.entry(s.reason.kind()).or_default() += 1;
        }
        let kinds: Vec<String> = kinds.iter().map(|(k, v)| format!("{v} {k}")).collect();
        skipped.push_str(&format!(" ({})", kinds.join(", ")));
    }
    let warnings = match report.warnings {
        0 => String::new(),
        n => format!(", {n} warnings"),
    };
    format!(
        "dossier: {} documents ({}), {} passages indexed, {skipped}{warnings}, {:.2} s, {:.1} MB/s",
        report.documents(),
        if detail.is_empty() {
            "none".to_owned()
        } else {
            detail.join(", ")
        },
        report.passages,
        report.seconds,
        report.bytes as f64 / 1e6 / report.seconds.max(1e-9),
    )
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

/// `dossier remove DOC_ID|PATH...`
pub fn remove(location: &IndexLocation, args: &RemoveArgs) -> anyhow::Result<Status> {
    let engine = Engine::open(
        &IndexLocation {
            is_default: false,
            ..location.clone()
        },
        &mut (),
    )?;
    let targets: Vec<String> = args
        .targets
        .iter()
        .map(|t| t.to_string_lossy().into_owned())
        .collect();
    let mut reporter = Reporter::new(false, false);
    let outcomes = engine.remove_waiting(&targets, args.wait.timeout(), &mut reporter)?;
    let mut removed = 0;
    for outcome in &outcomes {
        match outcome {
            RemoveOutcome::Document { target, passages } => {
                eprintln!("dossier: removed document {target} ({passages} passages)");
                removed += 1;
            }
            RemoveOutcome::File { target, passages } => {
                eprintln!("dossier: removed file {target} ({passages} passages)");
                removed += 1;
            }
            RemoveOutcome::NotFound { target } => eprintln!(
                "dossier: `{target}` is neither a document id nor an ingested file in {}",
                engine.index().display_dir()
            ),
        }
    }
    Ok(if removed == outcomes.len() {
        Status::Found
    } else if removed == 0 {
        Status::NotFound
    } else {
        Status::Error
    })
}
