//! `dossier batch FILE`

use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use dossier::batch::{BatchOptions, BatchResult};
use dossier::engine::IndexLocation;
use dossier::eval::TrecUnit;
use dossier::output::batch::{write_batch, write_markdown_report, BatchFormat, ReportHeader};

use super::{filters, open, report_header, search_options, Status};
use crate::cli::{BatchArgs, BatchFormatArg, TrecUnitArg};

/// Reads a batch file (or standard input for `-`), with its name when it has one.
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

pub fn trec_unit(arg: TrecUnitArg) -> TrecUnit {
    match arg {
        TrecUnitArg::Passage => TrecUnit::Passage,
        TrecUnitArg::Document => TrecUnit::Document,
    }
}

/// One stderr line per query that failed; how many.
pub fn report_failures(results: &[BatchResult]) -> usize {
    let mut failed = 0;
    for r in results {
        if let Err(e) = &r.outcome {
            failed += 1;
            eprintln!("dossier: query {} (line {}): {e}", r.query.id, r.query.line);
        }
    }
    failed
}

pub fn run(location: &IndexLocation, args: &BatchArgs) -> anyhow::Result<Status> {
    let engine = open(location, Some(&args.matching))?;
    let started = Instant::now();
    let format = match args.format {
        BatchFormatArg::Jsonl => BatchFormat::Jsonl,
        BatchFormatArg::Csv => BatchFormat::Csv,
        BatchFormatArg::Tsv => BatchFormat::Tsv,
        BatchFormatArg::Trec => BatchFormat::Trec,
        BatchFormatArg::Markdown => BatchFormat::Markdown,
    };
    let unit = trec_unit(args.trec_unit);
    let mut search = search_options(&args.matching);
    search.group = super::grouping(&args.grouping);
    // A TREC run is judged document by document: copies stay in it.
    search.fold = !args.grouping.no_fold && format != BatchFormat::Trec;
    // Highlights only matter where they are shown; suggestions are for one search at a time.
    search.highlights = matches!(format, BatchFormat::Jsonl | BatchFormat::Markdown);
    search.suggest = false;
    let options = BatchOptions {
        limit: args.limit,
        search,
        per_document: unit == TrecUnit::Document,
        threads: args.threads,
    };
    let extra = filters(&args.filters)?;
    let (text, name) = read_queries(&args.file)?;
    let results = engine.batch(&text, name.as_deref(), &options, &extra)?;
    let seconds = started.elapsed().as_secs_f64();
    let failed = report_failures(&results);
    let header = report_header(location, &args.filters);
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = BufWriter::new(file);
            write(&mut out, &results, format, unit, &header)?;
            out.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            write(&mut out, &results, format, unit, &header)?;
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
    } else {
        super::found(hits > 0)
    })
}

/// The results in `format`; a Markdown report with its header.
fn write<W: Write>(
    out: &mut W,
    results: &[BatchResult],
    format: BatchFormat,
    unit: TrecUnit,
    header: &ReportHeader,
) -> std::io::Result<()> {
    match format {
        BatchFormat::Markdown => write_markdown_report(out, results, header),
        _ => write_batch(out, results, format, unit),
    }
}
