//! `dossier batch FILE`

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use dossier::batch::{BatchOptions, BatchResult};
use dossier::engine::{BatchStreamError, IndexLocation};
use dossier::eval::TrecUnit;
use dossier::output::batch::{write_batch_part, write_markdown_report, BatchFormat};

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
    if format == BatchFormat::Markdown {
        // A report says how many queries failed in its header: it is written whole.
        let (text, name) = read_queries(&args.file)?;
        let results = engine.batch(&text, name.as_deref(), &options, &extra)?;
        let header = report_header(location, &args.filters);
        let mut counts = Counts::default();
        for r in &results {
            counts.add(r);
        }
        with_output(args.output.as_deref(), &mut |out| {
            write_markdown_report(&mut { out }, &results, &header)
        })?;
        return Ok(counts.finish(started));
    }
    // Every other format is written as the queries run, a block at a time: a file of a million
    // queries needs the memory of one block.
    let (mut input, name): (Box<dyn BufRead>, Option<String>) = if args.file == Path::new("-") {
        (Box::new(io::stdin().lock()), None)
    } else {
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot read queries from {}", args.file.display()))?;
        (
            Box::new(io::BufReader::new(file)),
            Some(args.file.to_string_lossy().into_owned()),
        )
    };
    let mut counts = Counts::default();
    let mut first = true;
    with_output(args.output.as_deref(), &mut |out| {
        let streamed =
            engine.batch_stream(&mut input, name.as_deref(), &options, &extra, &mut |r| {
                counts.add(&r);
                write_batch_part(
                    &mut &mut *out,
                    std::slice::from_ref(&r),
                    format,
                    unit,
                    first,
                )?;
                first = false;
                Ok(())
            });
        match streamed {
            Ok(()) => {
                if first {
                    // No query at all: the CSV header row still comes.
                    write_batch_part(&mut &mut *out, &[], format, unit, true)?;
                }
                Ok(())
            }
            Err(BatchStreamError::Write(e)) => Err(e),
            Err(e) => Err(io::Error::other(e)),
        }
    })?;
    Ok(counts.finish(started))
}

/// What the run's summary line counts.
#[derive(Default)]
struct Counts {
    queries: usize,
    hits: usize,
    empty: usize,
    failed: usize,
}

impl Counts {
    /// Counts a result; a failed query gets its stderr line.
    fn add(&mut self, r: &BatchResult) {
        self.queries += 1;
        match &r.outcome {
            Ok(res) => {
                self.hits += res.hits.len();
                self.empty += usize::from(res.hits.is_empty());
            }
            Err(_) => self.failed += report_failures(std::slice::from_ref(r)),
        }
    }

    /// Prints the summary; the exit status.
    fn finish(self, started: Instant) -> Status {
        let seconds = started.elapsed().as_secs_f64();
        let Counts {
            queries,
            hits,
            empty,
            failed,
        } = self;
        eprintln!(
            "dossier: {queries} queries, {hits} hits, {empty} with no hits, {failed} failed, {seconds:.2} s, {:.0} queries/s",
            queries as f64 / seconds.max(1e-9)
        );
        if failed > 0 {
            Status::Error
        } else {
            super::found(hits > 0)
        }
    }
}

/// Runs `write` on the output (`--output FILE`, else standard output), flushed.
fn with_output(
    path: Option<&Path>,
    write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = BufWriter::new(file);
            write(&mut out)
                .and_then(|()| out.flush())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            write(&mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}
