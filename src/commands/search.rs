//! `dossier search QUERY...`

use std::io::{self, BufWriter, Write};

use dossier::engine::IndexLocation;
use dossier::output::{self, text::Style};
use dossier::search::{SearchError, SearchOptions, SearchRequest};

use super::{filters, found, open, report_header, search_options, text_width, use_color, Status};
use crate::cli::{OutputFormat, SearchArgs};

pub fn run(location: &IndexLocation, args: &SearchArgs) -> anyhow::Result<Status> {
    let engine = open(location, Some(&args.matching))?;
    let request = SearchRequest {
        query: std::iter::once(&args.query)
            .chain(&args.more_words)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        filters: filters(&args.filters)?,
        limit: args.limit,
        offset: args.offset,
        options: SearchOptions {
            explain: args.explain,
            group: super::grouping(&args.grouping),
            fold: !args.grouping.no_fold,
            ..search_options(&args.matching)
        },
    };
    let results = match engine.search(&request) {
        Ok(results) => results,
        Err(SearchError::Query(e)) => {
            let caret = " ".repeat(e.column.saturating_sub(1));
            anyhow::bail!(
                "bad query: {}\n    {}\n    {caret}^ column {}",
                e.message,
                request.query,
                e.column
            );
        }
        Err(e) => return Err(e.into()),
    };
    if results.fallback {
        eprintln!(
            "dossier: no passage contains every word of the query; showing passages that match any of them"
        );
    }
    if results.total_hits == 0 && !results.suggestions.is_empty() {
        eprintln!(
            "dossier: no passage matches; did you mean: {}",
            results.suggestions.join(" or ")
        );
    }
    if results.total_hits == 0 {
        for reason in engine.empty_because(&request)? {
            eprintln!(
                "dossier: the filter on `{}` left nothing: without it {} passages match; `{}` is set on {} of {} documents",
                reason.key,
                reason.passages_without,
                reason.key,
                reason.documents_with_key,
                reason.documents
            );
        }
    }
    let style = Style {
        color: use_color(args.color),
        width: text_width(args.width),
        ..Style::default()
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        OutputFormat::Markdown => output::batch::write_markdown_search(
            &mut out,
            &results,
            Some(&report_header(location, &args.filters)),
        )?,
        other => output::write_results(&mut out, &results, format(other), &style)?,
    }
    out.flush()?;
    Ok(found(results.total_hits > 0))
}

pub fn format(format: OutputFormat) -> output::Format {
    match format {
        OutputFormat::Text => output::Format::Text,
        OutputFormat::Json => output::Format::Json,
        OutputFormat::Jsonl => output::Format::Jsonl,
        OutputFormat::Markdown => output::Format::Markdown,
    }
}
