//! `dossier eval --qrels QRELS (--run RUN | --queries QUERIES)`

use std::io::{self, Write};

use anyhow::Context;
use dossier::batch::BatchOptions;
use dossier::eval::{self, Evaluation, METRICS};
use dossier::output::batch::{write_batch, BatchFormat, TrecUnit};
use dossier::search::{SearchOptions, SearchSession};

use super::{open_for_reading, IndexLocation, Status};
use crate::cli::{EvalArgs, MatchChoice, StatsFormat, TrecUnitArg};

pub fn run(location: &IndexLocation, args: &EvalArgs) -> anyhow::Result<Status> {
    let qrels_text = std::fs::read_to_string(&args.qrels)
        .with_context(|| format!("cannot read {}", args.qrels.display()))?;
    let qrels = eval::parse_qrels(&qrels_text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.qrels.display()))?;
    let run_text = match (&args.run, &args.queries) {
        (Some(run), _) => std::fs::read_to_string(run)
            .with_context(|| format!("cannot read {}", run.display()))?,
        (None, Some(queries)) => {
            let index = open_for_reading(location)?;
            let session = SearchSession::new(&index);
            let unit = match args.trec_unit {
                TrecUnitArg::Passage => TrecUnit::Passage,
                TrecUnitArg::Document => TrecUnit::Document,
            };
            let options = BatchOptions {
                limit: args.depth,
                search: SearchOptions {
                    any_word: args.match_ == MatchChoice::Any,
                    plain: args.plain,
                    highlights: false,
                    count: false,
                    aliases: !args.no_aliases,
                    ..SearchOptions::default()
                },
                per_document: unit == TrecUnit::Document,
                threads: 0,
            };
            let results = super::batch::run_file(&session, queries, &options, &[])?;
            for r in &results {
                if let Err(e) = &r.outcome {
                    eprintln!("dossier: query {} (line {}): {e}", r.query.id, r.query.line);
                }
            }
            let mut run = Vec::new();
            write_batch(&mut run, &results, BatchFormat::Trec, unit)?;
            String::from_utf8(run).expect("TREC output is UTF-8")
        }
        (None, None) => unreachable!("clap requires --run or --queries"),
    };
    let run = eval::parse_run(&run_text).map_err(|e| anyhow::anyhow!("run: {e}"))?;
    let evaluation = eval::evaluate(&qrels, &run);
    let mut out = io::stdout().lock();
    match args.format {
        StatsFormat::Json => {
            let mut json = serde_json::to_value(&evaluation)?;
            if !args.per_query {
                json.as_object_mut().expect("an object").remove("per_query");
            }
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
        StatsFormat::Text => write_text(&mut out, &evaluation, args.per_query)?,
    }
    Ok(if evaluation.queries > 0 {
        Status::Found
    } else {
        Status::NotFound
    })
}

fn write_text<W: Write>(out: &mut W, e: &Evaluation, per_query: bool) -> io::Result<()> {
    write!(out, "{:<12}", "query")?;
    for m in METRICS {
        write!(out, " {m:>8}")?;
    }
    writeln!(out, " {:>9} {:>9}", "relevant", "retrieved")?;
    if per_query {
        for q in &e.per_query {
            write!(out, "{:<12}", q.query)?;
            for v in q.scores.values() {
                write!(out, " {v:>8.4}")?;
            }
            writeln!(out, " {:>9} {:>9}", q.relevant, q.retrieved)?;
        }
    }
    write!(out, "{:<12}", "all")?;
    for v in e.mean.values() {
        write!(out, " {v:>8.4}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{} queries scored{}",
        e.queries,
        if e.unanswered > 0 {
            format!(
                "; {} judged queries have no results and are not averaged (as trec_eval)",
                e.unanswered
            )
        } else {
            String::new()
        }
    )
}
