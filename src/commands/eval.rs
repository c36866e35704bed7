//! `dossier eval --qrels QRELS (--run RUN | --queries QUERIES)`

use std::io::{self, Write};

use anyhow::Context;
use dossier::batch::BatchOptions;
use dossier::engine::IndexLocation;
use dossier::eval;
use dossier::output::eval::write_evaluation;
use dossier::search::SearchOptions;

use super::batch::{read_queries, report_failures, trec_unit};
use super::{found, open, search_options, Status};
use crate::cli::{EvalArgs, MatchArgs, StatsFormat};

pub fn run(location: &IndexLocation, args: &EvalArgs) -> anyhow::Result<Status> {
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let qrels = eval::parse_qrels(&read(&args.qrels)?)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.qrels.display()))?;
    let evaluation = match (&args.run, &args.queries) {
        (Some(run), _) => {
            let run = eval::parse_run(&read(run)?)
                .map_err(|e| anyhow::anyhow!("{}: {e}", run.display()))?;
            eval::evaluate(&qrels, &run)
        }
        (None, Some(queries)) => {
            let matching = MatchArgs {
                match_: args.match_,
                plain: args.plain,
                no_aliases: args.no_aliases,
                ..MatchArgs::default()
            };
            let engine = open(location, Some(&matching))?;
            let unit = trec_unit(args.trec_unit);
            let options = BatchOptions {
                limit: args.depth,
                search: SearchOptions {
                    highlights: false,
                    count: false,
                    suggest: false,
                    // Judgments judge every document: copies are not folded away.
                    fold: false,
                    ..search_options(&matching)
                },
                per_document: unit == eval::TrecUnit::Document,
                threads: 0,
            };
            let (text, name) = read_queries(queries)?;
            let (evaluation, results) =
                engine.eval(&qrels, &text, name.as_deref(), &options, unit)?;
            report_failures(&results);
            evaluation
        }
        (None, None) => anyhow::bail!("give the run to score: --run RUN or --queries QUERIES"),
    };
    let mut out = io::stdout().lock();
    write_evaluation(
        &mut out,
        &evaluation,
        args.per_query,
        args.format == StatsFormat::Json,
    )?;
    out.flush()?;
    Ok(found(evaluation.queries > 0))
}
