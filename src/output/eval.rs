//! `dossier eval`: the scores of a run, as a table (trec_eval's metrics) or JSON.

use std::io::{self, Write};

use crate::eval::{Evaluation, METRICS};

/// Writes an evaluation; per-query rows only with `per_query`.
pub fn write_evaluation<W: Write>(
    out: &mut W,
    evaluation: &Evaluation,
    per_query: bool,
    json: bool,
) -> io::Result<()> {
    if json {
        let mut value = serde_json::to_value(evaluation)?;
        if !per_query {
            if let Some(object) = value.as_object_mut() {
                object.remove("per_query");
            }
        }
        serde_json::to_writer_pretty(&mut *out, &value)?;
        return writeln!(out);
    }
    write_text(out, evaluation, per_query)
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
