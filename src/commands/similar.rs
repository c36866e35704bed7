//! `dossier similar PASSAGE [--limit N] [--same-doc]`

use std::io::{self, BufWriter, Write};

use dossier::engine::IndexLocation;
use dossier::output::{self, text::Style};
use dossier::search::{SearchOptions, SearchRequest};

use super::{filters, found, open, use_color, Status};
use crate::cli::SimilarArgs;

pub fn run(location: &IndexLocation, args: &SimilarArgs) -> anyhow::Result<Status> {
    let engine = open(location, None)?;
    let request = SearchRequest {
        filters: filters(&args.filters)?,
        options: SearchOptions {
            explain: args.explain,
            ..SearchOptions::default()
        },
        ..SearchRequest::new("", args.limit)
    };
    let mut results = engine.similar(&args.passage, &request, args.same_doc)?;
    // The words used are always said (JSON: `explain.understood`): they are what "similar"
    // means here.
    results.explained = true;
    let style = Style {
        color: use_color(args.color),
        ..Style::default()
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    output::write_results(
        &mut out,
        &results,
        super::search::format(args.format),
        &style,
    )?;
    out.flush()?;
    Ok(found(results.total_hits > 0))
}
