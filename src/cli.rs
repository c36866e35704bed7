//! The command line, as clap sees it: argument structs only, no behaviour.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Full-text search over geopolitical commentary: ranked passages with exact citations.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, about, max_term_width = 100)]
pub struct Cli {
    /// Index directory [default: ./index]
    #[arg(long, global = true, env = "DOSSIER_INDEX", value_name = "DIR")]
    pub index: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add files and directories (recursively) to the index; unchanged files are skipped
    Ingest(IngestArgs),
    /// Search the index and print ranked passages with citations
    Search(SearchArgs),
    /// Print a passage with its neighbouring passages and its citation
    Show(ShowArgs),
    /// Print counts and facts about the index
    Stats(StatsArgs),
    /// Show how files will be cut into passages, without indexing them
    Chunk(ChunkArgs),
    /// Remove documents (by document id) or files (by path; all records of a feed)
    Remove(RemoveArgs),
    /// Run a file of queries (a watch-list, or a collection's topics) in parallel
    Batch(BatchArgs),
    /// Score a run (or a batch of queries) against relevance judgments, as trec_eval does
    Eval(EvalArgs),
    /// Serve the HTTP API and the search page (http://127.0.0.1:7878 by default)
    Serve(ServeArgs),
    /// How often queries match per year, month, day or metadata value, as a share of documents
    Trend(TrendArgs),
    /// Passages like a given one (more like this), from its distinctive words
    Similar(SimilarArgs),
    /// Run a watch-list: only what is new for each standing query since its last run
    Watch(WatchArgs),
    /// Find where a quotation comes from, even trimmed (…) or altered, and how it differs
    Quote(QuoteArgs),
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// A batch query file (plain, TSV or JSONL, with ids, filters and limits as for `batch`)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Where the state is kept (default: FILE.state.json beside FILE)
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = WatchFormatArg::Text)]
    pub format: WatchFormatArg,

    /// Write the output to FILE (the state is saved once it is written)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// New passages shown per query (a query's own limit wins)
    #[arg(long, short = 'n', default_value_t = 100)]
    pub limit: usize,

    /// First runs set the mark without reporting the current matches
    #[arg(long)]
    pub from_now: bool,

    /// Show what is new without saving the state (the next run shows it again)
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub matching: MatchArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchFormatArg {
    Text,
    Markdown,
    Jsonl,
    Atom,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The passage: its id (`doc#7`) or its citation as search prints it (`path:LINE`)
    #[arg(value_name = "PASSAGE")]
    pub passage: String,

    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,

    /// Include the passage's own document (never the passage itself).
    #[arg(long)]
    pub same_doc: bool,

    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Say which words were used and why each hit scored.
    #[arg(long)]
    pub explain: bool,

    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct TrendArgs {
    /// One or more queries (each one argument; quote phrases), compared over the same buckets
    /// (put `--` before a query that starts with `-`).
    #[arg(required = true, value_name = "QUERY")]
    pub queries: Vec<String>,

    /// Buckets: year, month, day, or any metadata key (source, country, speaker, ...).
    #[arg(long, default_value = "year", value_name = "year|month|day|KEY")]
    pub by: String,

    #[arg(long, value_enum, default_value_t = TrendFormat::Text)]
    pub format: TrendFormat,

    /// Also write the chart as SVG to FILE.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,

    /// Count every copy of a syndicated or near-duplicate passage (by default a copy cluster
    /// counts once per bucket: a document whose matching passages are all copies of passages of
    /// earlier-ingested documents of the bucket is not counted).
    #[arg(long)]
    pub count_copies: bool,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub matching: MatchArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrendFormat {
    Text,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct QuoteArgs {
    /// The quotation, as printed (`…` or `...` where words were left out); several words are
    /// joined by spaces
    #[arg(
        value_name = "TEXT",
        allow_hyphen_values = true,
        required_unless_present = "batch"
    )]
    pub quote: Option<String>,

    /// More words of the quotation.
    #[arg(value_name = "WORDS", hide = true)]
    pub more_words: Vec<String>,

    /// Look up every quotation of FILE instead (one a line, or JSON lines with `quote` and
    /// `id`; `-` reads standard input): one JSON line per quotation, timings on stderr
    #[arg(long, value_name = "FILE", conflicts_with = "quote")]
    pub batch: Option<PathBuf>,

    /// Number of hits to show
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,

    /// Passages holding a smaller share of the quotation's words (0 to 1) are not hits
    #[arg(long, default_value_t = 0.5, value_name = "SHARE")]
    pub min_coverage: f32,

    /// How many candidate passages (those with the quotation's rarest words) are aligned
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub candidates: usize,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// When to colour the matched span (text format); NO_COLOR in the environment means never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Do not align names through the alias table (Qaddafi ↔ Gaddafi, US ↔ United States)
    #[arg(long, conflicts_with = "aliases")]
    pub no_aliases: bool,

    /// Add the alias groups of FILE to the shipped table
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,

    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 takes a free port. Anything but loopback needs
    /// --allow-remote.
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "HOST:PORT")]
    pub addr: String,

    /// Allow listening on an address other machines can reach (prints a warning; use --token).
    #[arg(long)]
    pub allow_remote: bool,

    /// Require `Authorization: Bearer TOKEN` on every request but /healthz.
    #[arg(
        long,
        env = "DOSSIER_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,

    /// Let pages from this origin call the API (CORS); none by default.
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,

    /// Watch-lists the page lists with what is new for them (read only; `dossier watch`
    /// advances them). Repeatable.
    #[arg(long, value_name = "FILE")]
    pub watch: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Queries: plain text (one per line), TSV (`id<TAB>query`) or JSONL
    /// (`{"id", "query", "limit", "filters"}`); `-` reads standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Output format
    #[arg(long, value_enum, default_value_t = BatchFormatArg::Jsonl)]
    pub format: BatchFormatArg,

    /// Write the results to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Hits per query (a JSONL query's own `limit` wins)
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,

    /// What a TREC run (and --limit) counts: passages, or documents by their best passage
    #[arg(long, value_enum, default_value_t = TrecUnitArg::Passage)]
    pub trec_unit: TrecUnitArg,

    /// Worker threads [default: one per core]
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub grouping: GroupArgs,

    #[command(flatten)]
    pub matching: MatchArgs,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Relevance judgments in TREC format (`qid iter docid relevance`)
    #[arg(long, value_name = "FILE")]
    pub qrels: PathBuf,

    /// A TREC run to score (`qid Q0 docid rank score tag`)
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "queries",
        required_unless_present = "queries"
    )]
    pub run: Option<PathBuf>,

    /// Queries to run against the index first (as `dossier batch`), then score
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,

    /// With --queries: results per query
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub depth: usize,

    /// With --queries: what the judgments judge (documents: by their best passage)
    #[arg(long, value_enum, default_value_t = TrecUnitArg::Document)]
    pub trec_unit: TrecUnitArg,

    /// With --queries: `any` ranks by any query word (the usual for evaluation), `all` requires
    /// every word first
    #[arg(long = "match", value_enum, default_value_t = MatchChoice::Any)]
    pub match_: MatchChoice,

    /// With --queries: read queries as plain words (natural-language topics)
    #[arg(long)]
    pub plain: bool,

    /// With --queries: do not expand names with aliases
    #[arg(long)]
    pub no_aliases: bool,

    /// Also print every query's scores
    #[arg(long)]
    pub per_query: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    pub format: StatsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormatArg {
    Jsonl,
    Csv,
    Tsv,
    Trec,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrecUnitArg {
    Passage,
    Document,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files or directories to ingest (.txt, .md, .html, .jsonl, .ndjson, .jsonl.gz)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Replace the whole index with these paths (also recovers an index built by an
    /// incompatible version of dossier)
    #[arg(long)]
    pub rebuild: bool,

    /// Also remove documents whose source file under PATH is gone
    #[arg(long)]
    pub prune: bool,

    #[command(flatten)]
    pub wait: WaitArgs,

    /// Print nothing but errors
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also list files skipped for not being a format dossier reads
    #[arg(long, short)]
    pub verbose: bool,

    #[command(flatten)]
    pub read: ReadArgs,
}

/// How files are read into passages (shared by `ingest` and `chunk`).
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// Split paragraphs longer than this many characters at sentence boundaries
    #[arg(long, default_value_t = dossier::ingest::chunk::DEFAULT_MAX_CHARS, value_name = "N")]
    pub max_passage_chars: usize,

    /// Skip files and feed records larger than this many MiB (and stop reading a compressed
    /// feed that inflates to more than 100 times its size past it)
    #[arg(
        long,
        default_value_t = dossier::ingest::DEFAULT_MAX_DOCUMENT_BYTES >> 20,
        value_name = "MB",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_document_mb: u64,

    #[command(flatten)]
    pub fields: FieldArgs,
}

/// Record fields of JSON Lines feeds.
#[derive(Debug, Args, Clone, Default)]
pub struct FieldArgs {
    /// Feed field holding the text [default: text, body, content, ...]
    #[arg(long, value_name = "NAME")]
    pub text_field: Option<String>,

    /// Feed field holding the document id [default: id, doc_id, ...; else FILE:LINE]
    #[arg(long, value_name = "NAME")]
    pub id_field: Option<String>,

    /// Feed field holding the title [default: title, headline, name]
    #[arg(long, value_name = "NAME")]
    pub title_field: Option<String>,

    /// Feed field holding the date [default: date, published, ...]
    #[arg(long, value_name = "NAME")]
    pub date_field: Option<String>,

    /// Metadata from file names, for text, Markdown and HTML files: a pattern of `{key}` parts
    /// and literal separators (`{country}_{session}_{year}` reads `IRN_65_2010.txt`; `{_}`
    /// skips a part)
    #[arg(long, value_name = "PATTERN")]
    pub meta_from_name: Option<String>,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Document ids (as in `doc_id`) or ingested file paths
    #[arg(required = true, value_name = "DOC_ID|PATH")]
    pub targets: Vec<PathBuf>,

    #[command(flatten)]
    pub wait: WaitArgs,
}

/// What a writer does when another one holds the index.
#[derive(Debug, Args, Clone, Default)]
pub struct WaitArgs {
    /// When another ingest or remove is writing to the index, wait for it to finish, up to
    /// SECONDS (60 when no value is given), instead of stopping at once with "busy"
    #[arg(
        long,
        value_name = "SECONDS",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "60"
    )]
    pub wait: Option<u64>,
}

impl WaitArgs {
    pub fn timeout(&self) -> Option<std::time::Duration> {
        self.wait.map(std::time::Duration::from_secs)
    }
}

#[derive(Debug, Args)]
pub struct ChunkArgs {
    /// Files or directories to chunk (.txt and .md)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format: passages for people, or passage records as JSON lines
    #[arg(long, value_enum, default_value_t = ChunkFormat::Text)]
    pub format: ChunkFormat,

    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: one quoted argument, or several words (joined by spaces; quote a query whose
    /// later words start with `-`). Syntax: words, "phrases", "phrase"~N, -exclude, +require,
    /// OR, AND, NOT, (groups), title: / section: / text:, prefix*
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,

    /// More words of the query (`dossier search maximum pressure`).
    #[arg(value_name = "WORDS", hide = true)]
    pub more_words: Vec<String>,

    /// Number of hits to show
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,

    /// Number of hits to skip (for paging)
    #[arg(long, default_value_t = 0)]
    pub offset: usize,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// When to colour highlights (text format); NO_COLOR in the environment means never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Wrap passages to N columns and fit citations to them (text format) [default: the
    /// terminal's width on a terminal, else one line per passage; 0: never wrap]
    #[arg(long, value_name = "N")]
    pub width: Option<usize>,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub matching: MatchArgs,

    /// Show how the query was understood (expansions, aliases, forms, fallback) and why each hit
    /// scored as it did (JSON: an `explain` object)
    #[arg(long)]
    pub explain: bool,

    #[command(flatten)]
    pub grouping: GroupArgs,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GroupArgs {
    /// Group hits by document: ranked documents, each by its best passage with more of its
    /// matching passages beneath.
    #[arg(long, value_enum, value_name = "doc")]
    pub group: Option<GroupChoice>,

    /// With --group doc: how many more passages each document shows.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub group_size: usize,

    /// Show every copy of a syndicated or near-duplicate passage as a hit of its own (by
    /// default copies fold under the best-ranked one: "also in N sources").
    #[arg(long)]
    pub no_fold: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupChoice {
    Doc,
}

/// How queries are read and matched.
#[derive(Debug, Args, Clone, Default)]
pub struct MatchArgs {
    /// `all`: every word must match (falling back to any word when nothing has them all);
    /// `any`: rank passages with any of the words
    #[arg(long = "match", value_enum, default_value_t = MatchChoice::All)]
    pub match_: MatchChoice,

    /// Read queries as plain words, without operators, quotes, fields or prefixes
    #[arg(long)]
    pub plain: bool,

    /// Match every word in its exact form only (as `=word` does for one word)
    #[arg(long)]
    pub exact: bool,

    /// Do not expand names with aliases (IRGC → Islamic Revolutionary Guard Corps, ...)
    #[arg(long, conflicts_with = "aliases")]
    pub no_aliases: bool,

    /// Add the alias groups of FILE (one group a line, names separated by `|`) to the shipped table
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum MatchChoice {
    #[default]
    All,
    Any,
}

/// Metadata filters of `search` (the same as `key:value` in the query).
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only passages from this source (outlet), as in the `source` metadata
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,

    /// Only documents dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Only documents dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD; a year or month
    /// includes all of it)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Only documents whose metadata KEY is VALUE (repeatable; `year=2015..2019` for ranges)
    #[arg(long = "where", value_name = "KEY=VALUE")]
    pub where_: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A passage id as printed by search (`<doc_id>#<paragraph>` or `<doc_id>#<paragraph>.<part>`)
    #[arg(value_name = "PASSAGE_ID")]
    pub passage_id: String,

    /// Number of neighbouring passages to show before and after
    #[arg(short = 'C', long = "context", default_value_t = 0, value_name = "N")]
    pub context: usize,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// When to use colour (text format)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Wrap passages to N columns (text format) [default: the terminal's width on a terminal;
    /// 0: never wrap]
    #[arg(long, value_name = "N")]
    pub width: Option<usize>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    pub format: StatsFormat,

    /// Count documents and passages per value of a metadata key (source, year, country, ...)
    #[arg(long, value_name = "KEY")]
    pub by: Option<String>,

    /// With --by: how many values to list, most frequent first
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub top: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Jsonl,
    /// A Markdown section for a brief (as `batch --format markdown` writes per query)
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChunkFormat {
    Text,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
