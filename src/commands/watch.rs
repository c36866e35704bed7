//! `dossier watch FILE [--state FILE] [--format text|markdown|jsonl|atom] [--output FILE]`
//!
//! Exit codes for cron: 0 when something is new, 1 when nothing is, 2 on an error (a bad query
//! line is reported with its line; the other queries still run and their state advances).

use std::io::{self, BufWriter, Write};

use anyhow::Context;
use dossier::engine::IndexLocation;
use dossier::output::watch::{write_watch, WatchFormat, WatchHeader};
use dossier::watch::{default_state_path, StateFile, WatchOptions};

use super::batch::read_queries;
use super::{open, search_options, Status};
use crate::cli::{WatchArgs, WatchFormatArg};

pub fn run(location: &IndexLocation, args: &WatchArgs) -> anyhow::Result<Status> {
    let engine = open(location, Some(&args.matching))?;
    let state_path = args
        .state
        .clone()
        .unwrap_or_else(|| default_state_path(&args.file));
    let mut state = StateFile::open(&state_path)?;
    let (text, name) = read_queries(&args.file)?;
    let options = WatchOptions {
        limit: args.limit,
        from_now: args.from_now,
        search: search_options(&args.matching),
    };
    let run = engine.watch(&text, name.as_deref(), &options, &mut state.state)?;
    let format = match args.format {
        WatchFormatArg::Text => WatchFormat::Text,
        WatchFormatArg::Markdown => WatchFormat::Markdown,
        WatchFormatArg::Jsonl => WatchFormat::Jsonl,
        WatchFormatArg::Atom => WatchFormat::Atom,
    };
    let header = WatchHeader {
        watch_list: args.file.display().to_string(),
        run_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
    };
    for r in &run.results {
        if let Err(e) = &r.outcome {
            eprintln!("dossier: query {} (line {}): {e}", r.query.id, r.query.line);
        }
    }
    // The output first, whole; only then the state: a crash or a full disk in between reports
    // the same passages again next time rather than losing them.
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = BufWriter::new(file);
            write_watch(&mut out, &run, format, &header)?;
            out.into_inner()
                .map_err(|e| e.into_error())
                .and_then(|f| f.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            write_watch(&mut out, &run, format, &header)?;
            out.flush()?;
        }
    }
    if !args.dry_run {
        state.save()?;
    }
    let (with_new, new) = run.counts();
    eprintln!(
        "dossier: {} queries, {with_new} with new passages, {new} new passages{}",
        run.results.len(),
        if args.dry_run {
            " (dry run: state not saved)"
        } else {
            ""
        }
    );
    Ok(if run.failed() > 0 {
        Status::Error
    } else if new > 0 {
        Status::Found
    } else {
        Status::NotFound
    })
}
