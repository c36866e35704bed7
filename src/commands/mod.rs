//! One module per subcommand: parsed arguments → one engine call → a printer. The shared
//! argument mappings (match, filter and field options) live here.

pub mod batch;
pub mod chunk;
pub mod eval;
pub mod ingest;
pub mod quote;
pub mod search;
pub mod serve;
pub mod show;
pub mod similar;
pub mod stats;
pub mod trend;
pub mod watch;

use std::io::IsTerminal;

use dossier::engine::{Engine, IndexLocation};
use dossier::ingest::sidecar::NamePattern;
use dossier::ingest::{ChunkOptions, FieldNames, ReadOptions};
use dossier::output::batch::ReportHeader;
use dossier::search::{AliasTable, Filter, Forms, MatchMode, SearchOptions, Syntax};

use crate::cli::{ColorChoice, FilterArgs, MatchArgs, MatchChoice, ReadArgs};

/// Exit statuses, as grep: 0 results, 1 no results, 2 error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Found = 0,
    NotFound = 1,
    Error = 2,
}

/// Opens the engine for reading (building the demo index on a fresh checkout, and saying so).
pub fn open(location: &IndexLocation, matching: Option<&MatchArgs>) -> anyhow::Result<Engine> {
    let mut observer = ingest::Reporter::quiet_progress();
    let engine = Engine::open(location, &mut observer)?;
    Ok(match matching {
        Some(args) => engine.with_aliases(alias_table(args)?),
        None => engine,
    })
}

/// `--match`, `--plain`, `--exact` and `--no-aliases` as search options.
pub fn search_options(args: &MatchArgs) -> SearchOptions {
    SearchOptions {
        mode: match_mode(args.match_),
        syntax: if args.plain {
            Syntax::Plain
        } else {
            Syntax::Query
        },
        forms: if args.exact {
            Forms::Exact
        } else {
            Forms::Stems
        },
        aliases: !args.no_aliases,
        ..SearchOptions::default()
    }
}

pub fn match_mode(choice: MatchChoice) -> MatchMode {
    match choice {
        MatchChoice::All => MatchMode::All,
        MatchChoice::Any => MatchMode::Any,
    }
}

/// `--group doc --group-size N` as the search option.
pub fn grouping(args: &crate::cli::GroupArgs) -> Option<usize> {
    args.group.map(|_| args.group_size)
}

/// The shipped alias table, with the groups of `--aliases FILE` added.
pub fn alias_table(args: &MatchArgs) -> anyhow::Result<AliasTable> {
    match &args.aliases {
        Some(path) => AliasTable::builtin_with_file(path).map_err(anyhow::Error::msg),
        None => Ok(AliasTable::builtin()),
    }
}

/// The `--source`, `--since`, `--until` and `--where` options as filters.
pub fn filters(args: &FilterArgs) -> anyhow::Result<Vec<Filter>> {
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

/// The filter options as the user gave them, for a report's header.
pub fn filter_labels(args: &FilterArgs) -> Vec<String> {
    let mut labels = Vec::new();
    if let Some(source) = &args.source {
        labels.push(format!("--source {source}"));
    }
    if let Some(since) = &args.since {
        labels.push(format!("--since {since}"));
    }
    if let Some(until) = &args.until {
        labels.push(format!("--until {until}"));
    }
    for assignment in &args.where_ {
        labels.push(format!("--where {assignment}"));
    }
    labels
}

/// What a Markdown report says about its run: the index, the filters and today's date (UTC).
pub fn report_header(location: &IndexLocation, filters: &FilterArgs) -> ReportHeader {
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    ReportHeader {
        index: location.dir.display().to_string(),
        filters: filter_labels(filters),
        date: now.get(..10).unwrap_or(&now).to_owned(),
    }
}

/// Reader settings from the command line (shared by `ingest` and `chunk`).
pub fn read_options(read: &ReadArgs) -> anyhow::Result<ReadOptions> {
    let fields = &read.fields;
    let name_pattern = fields
        .meta_from_name
        .as_deref()
        .map(NamePattern::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--meta-from-name: {e}"))?;
    Ok(ReadOptions {
        chunk: ChunkOptions {
            max_chars: read.max_passage_chars,
        },
        fields: FieldNames {
            text: fields.text_field.clone(),
            id: fields.id_field.clone(),
            title: fields.title_field.clone(),
            date: fields.date_field.clone(),
        },
        name_pattern,
        max_document_bytes: Some(read.max_document_mb.saturating_mul(1 << 20)),
        ..ReadOptions::default()
    })
}

/// Whether to write ANSI colour to stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// The columns text output wraps to: `--width N` (0: never), else the terminal's width when
/// stdout is a terminal (`COLUMNS` when the terminal does not say), else none (a pipe or a file
/// gets one line per passage).
pub fn text_width(given: Option<usize>) -> Option<usize> {
    match given {
        Some(0) => None,
        Some(n) => Some(n),
        None if std::io::stdout().is_terminal() => {
            terminal_size::terminal_size_of(std::io::stdout())
                .map(|(terminal_size::Width(w), _)| usize::from(w))
                .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
                .filter(|&w| w > 0)
        }
        None => None,
    }
}

/// The status of a search-like answer: results or none.
pub fn found(any: bool) -> Status {
    if any {
        Status::Found
    } else {
        Status::NotFound
    }
}
