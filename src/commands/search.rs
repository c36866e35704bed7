//! `dossier search QUERY...`

use std::io::{self, BufWriter, Write};

use anyhow::Context;
use dossier::output::{self, text::Style};
use dossier::search::{
    AliasTable, Filter, SearchError, SearchOptions, SearchRequest, SearchSession,
};

use super::{open_for_reading, use_color, IndexLocation, Status};
use crate::cli::{OutputFormat, SearchArgs};

pub fn run(location: &IndexLocation, args: &SearchArgs) -> anyhow::Result<Status> {
    let index = open_for_reading(location)?;
    let request = SearchRequest {
        query: args.query.clone(),
        filters: filters(&args.filters)?,
        limit: args.limit,
        offset: args.offset,
        options: SearchOptions {
            explain: args.explain,
            ..options(&args.matching)
        },
    };
    let session = SearchSession::with_aliases(&index, alias_table(&args.matching)?);
    let results = match session.search(&request) {
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
    let style = Style {
        color: use_color(args.color),
        ..Style::default()
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    output::write_results(&mut out, &results, format(args.format), &style)?;
    out.flush()?;
    Ok(if results.total_hits > 0 {
        Status::Found
    } else {
        Status::NotFound
    })
}

/// `--match`, `--plain`, `--exact` and `--no-aliases` as search options.
pub fn options(args: &crate::cli::MatchArgs) -> SearchOptions {
    SearchOptions {
        any_word: args.match_ == crate::cli::MatchChoice::Any,
        plain: args.plain,
        exact: args.exact,
        aliases: !args.no_aliases,
        ..SearchOptions::default()
    }
}

/// The shipped alias table, with the groups of `--aliases FILE` added.
pub fn alias_table(args: &crate::cli::MatchArgs) -> anyhow::Result<AliasTable> {
    let mut table = AliasTable::builtin();
    if let Some(path) = &args.aliases {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read aliases from {}", path.display()))?;
        table
            .add(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    Ok(table)
}

/// The `--source`, `--since`, `--until` and `--where` options as filters.
pub fn filters(args: &crate::cli::FilterArgs) -> anyhow::Result<Vec<Filter>> {
    let mut filters = Vec::new();
    if let Some(source) = &args.source {
        filters.push(Filter::Meta {
            key: "source".into(),
            value: source.clone(),
        });
    }
    if args.since.is_some() || args.until.is_some() {
        filters.push(Filter::date_range(
            args.since.as_deref(),
            args.until.as_deref(),
        )?);
    }
    for assignment in &args.where_ {
        filters.push(
            Filter::parse_assignment(assignment).map_err(|e| anyhow::anyhow!("--where: {e}"))?,
        );
    }
    Ok(filters)
}

pub fn format(format: OutputFormat) -> output::Format {
    match format {
        OutputFormat::Text => output::Format::Text,
        OutputFormat::Json => output::Format::Json,
        OutputFormat::Jsonl => output::Format::Jsonl,
    }
}
