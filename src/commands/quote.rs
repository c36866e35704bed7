//! `dossier quote TEXT...` and `dossier quote --batch FILE`

use std::io::{self, BufWriter, Write};
use std::time::Duration;

use dossier::engine::IndexLocation;
use dossier::output::quote::{millis, write_batch_line, write_results};
use dossier::output::text::Style;
use dossier::search::quote::{QuoteOptions, QuoteRequest};
use dossier::search::SearchError;

use super::batch::read_queries;
use super::search::format;
use super::{filters, found, open, use_color, Status};
use crate::cli::{MatchArgs, QuoteArgs};

pub fn run(location: &IndexLocation, args: &QuoteArgs) -> anyhow::Result<Status> {
    if !(0.0..=1.0).contains(&args.min_coverage) {
        anyhow::bail!(
            "--min-coverage is a share between 0 and 1, not {}",
            args.min_coverage
        );
    }
    let matching = MatchArgs {
        no_aliases: args.no_aliases,
        aliases: args.aliases.clone(),
        ..MatchArgs::default()
    };
    let engine = open(location, Some(&matching))?;
    let request = QuoteRequest {
        quote: args
            .quote
            .iter()
            .chain(&args.more_words)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        filters: filters(&args.filters)?,
        limit: args.limit,
        options: QuoteOptions {
            aliases: !args.no_aliases,
            min_coverage: args.min_coverage,
            candidates: args.candidates,
        },
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if let Some(path) = &args.batch {
        let (text, _) = read_queries(path)?;
        let results = engine.quote_batch(&text, &request)?;
        let mut took: Vec<Duration> = Vec::new();
        let (mut with_hits, mut failed) = (0, 0);
        for r in &results {
            write_batch_line(&mut out, &r.id, r.line, &r.outcome)?;
            match &r.outcome {
                Ok(answer) => {
                    took.push(answer.took);
                    with_hits += usize::from(!answer.hits.is_empty());
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("dossier: quote {} (line {}): {e}", r.id, r.line);
                }
            }
        }
        out.flush()?;
        took.sort();
        let total: Duration = took.iter().sum();
        let at = |share: f64| {
            took.get(((took.len() as f64 * share) as usize).min(took.len().saturating_sub(1)))
                .map_or(0.0, |d| millis(*d))
        };
        eprintln!(
            "dossier: {} quotes, {with_hits} with a hit, {failed} failed; per quote {:.1} ms mean, {:.1} ms median, {:.1} ms p95, {:.1} ms max",
            results.len(),
            millis(total) / took.len().max(1) as f64,
            at(0.5),
            at(0.95),
            took.last().map_or(0.0, |d| millis(*d)),
        );
        return Ok(if failed > 0 {
            Status::Error
        } else {
            found(with_hits > 0)
        });
    }
    let results = match engine.quote(&request) {
        Ok(results) => results,
        Err(SearchError::Query(e)) => anyhow::bail!("{}", e.message),
        Err(e) => return Err(e.into()),
    };
    let style = Style {
        color: use_color(args.color),
        ..Style::default()
    };
    write_results(&mut out, &results, format(args.format), &style)?;
    out.flush()?;
    Ok(found(!results.hits.is_empty()))
}
