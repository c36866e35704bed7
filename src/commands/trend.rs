//! `dossier trend QUERY... [--by year|month|day|KEY] [--format text|csv|json] [--svg FILE]
//! [--count-copies]`

use std::io::{self, BufWriter, IsTerminal, Write};

use anyhow::Context;
use dossier::engine::IndexLocation;
use dossier::output::trend as printer;
use dossier::search::trend::TrendBy;
use dossier::search::{SearchOptions, SearchRequest};

use super::{filters, found, open, search_options, Status};
use crate::cli::{TrendArgs, TrendFormat};

pub fn run(location: &IndexLocation, args: &TrendArgs) -> anyhow::Result<Status> {
    let engine = open(location, Some(&args.matching))?;
    let template = SearchRequest {
        filters: filters(&args.filters)?,
        options: SearchOptions {
            fold: !args.count_copies,
            ..search_options(&args.matching)
        },
        ..SearchRequest::new("", 0)
    };
    let trend = engine.trend(&args.queries, &TrendBy::parse(&args.by), &template)?;
    if let Some(path) = &args.svg {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let mut svg = BufWriter::new(file);
        printer::write_svg(&mut svg, &trend)?;
        svg.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        TrendFormat::Json => printer::write_json(&mut out, &trend)?,
        TrendFormat::Csv => printer::write_csv(&mut out, &trend)?,
        TrendFormat::Text => {
            let width = if io::stdout().is_terminal() {
                std::env::var("COLUMNS")
                    .ok()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(100)
            } else {
                100
            };
            printer::write_text(&mut out, &trend, width)?;
        }
    }
    out.flush()?;
    Ok(found(trend.series.iter().any(|s| s.total_hits > 0)))
}
