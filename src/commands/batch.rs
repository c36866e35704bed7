//! `dossier batch FILE`

use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use dossier::batch::{self, BatchOptions, BatchResult};
use dossier::output::batch::{write_batch, BatchFormat, TrecUnit};
use dossier::search::SearchSession;

use super::{open_for_reading, IndexLocation, Status};
use crate::cli::{BatchArgs, BatchFormatArg, TrecUnitArg};

/// Reads a batch file (or standard input for `-`).
pub fn read_queries(path: &Path) -> anyhow::Result<(String, Option<String>)> {
    if path == Path::new("-") {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .context("cannot read queries from standard input")?;
        return Ok((text, None));
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read queries from {}", path.display()))?;
    Ok((text, Some(path.to_string_lossy().into_owned())))
}

/// Parses and runs a batch file; input errors come back as error results in their place.
pub fn run_file(
    session: &SearchSession,
    path: &Path,
    options: &BatchOptions,
    extra_filters: &[dossier::search::Filter],
) -> anyhow::Result<Vec<BatchResult>> {
    let (text, name) = read_queries(path)?;
    let format = batch::detect_format(name.as_deref(), &text);
    let (mut queries, errors) = batch::parse_queries(&text, format);
    for q in &mut queries {
        q.filters.extend(extra_filters.iter().cloned());
    }
    let mut results = batch::run(session, queries, options);
    results.extend(errors.into_iter().map(|e| e.into_result()));
    results.sort_by_key(|r| r.query.line);
    Ok(results)
}

pub fn run(location: &IndexLocation, args: &BatchArgs) -> anyhow::Result<Status> {
    let index = open_for_reading(location)?;
    let started = Instant::now();
    let format = match args.format {
        BatchFormatArg::Jsonl => BatchFormat::Jsonl,
        BatchFormatArg::Csv => BatchFormat::Csv,
        BatchFormatArg::Tsv => BatchFormat::Tsv,
        BatchFormatArg::Trec => BatchFormat::Trec,
        BatchFormatArg::Markdown => BatchFormat::Markdown,
    };
    let unit = match args.trec_unit {
        TrecUnitArg::Passage => TrecUnit::Passage,
        TrecUnitArg::Document => TrecUnit::Document,
    };
    let mut search = super::search::options(&args.matching);
    // Highlights only matter where they are shown.
    search.highlights = matches!(format, BatchFormat::Jsonl | BatchFormat::Markdown);
    let options = BatchOptions {
        limit: args.limit,
        search,
        per_document: unit == TrecUnit::Document,
        threads: args.threads,
    };
    let filters = super::search::filters(&args.filters)?;
    let session = SearchSession::with_aliases(&index, super::search::alias_table(&args.matching)?);
    let results = run_file(&session, &args.file, &options, &filters)?;
    let seconds = started.elapsed().as_secs_f64();

    let mut failed = 0;
    for r in &results {
        if let Err(e) = &r.outcome {
            failed += 1;
            eprintln!("dossier: query {} (line {}): {e}", r.query.id, r.query.line);
        }
    }
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = BufWriter::new(file);
            write_batch(&mut out, &results, format, unit)?;
            out.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            write_batch(&mut out, &results, format, unit)?;
            out.flush()?;
        }
    }
    let ok: Vec<_> = results
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .collect();
    let hits: usize = ok.iter().map(|r| r.hits.len()).sum();
    let empty = ok.iter().filter(|r| r.hits.is_empty()).count();
    eprintln!(
        "dossier: {} queries, {hits} hits, {empty} with no hits, {failed} failed, {seconds:.2} s, {:.0} queries/s",
        results.len(),
        results.len() as f64 / seconds.max(1e-9)
    );
    Ok(if failed > 0 {
        Status::Error
    } else if hits > 0 {
        Status::Found
    } else {
        Status::NotFound
    })
}
