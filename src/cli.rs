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
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files or directories to ingest (.txt and .md)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Replace the whole index with these paths (also recovers an index built by an
    /// incompatible version of dossier)
    #[arg(long)]
    pub rebuild: bool,

    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,

    /// Split paragraphs longer than this many characters at sentence boundaries
    #[arg(long, default_value_t = dossier::ingest::chunk::DEFAULT_MAX_CHARS, value_name = "N")]
    pub max_passage_chars: usize,
}

#[derive(Debug, Args)]
pub struct ChunkArgs {
    /// Files or directories to chunk (.txt and .md)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format: passages for people, or passage records as JSON lines
    #[arg(long, value_enum, default_value_t = ChunkFormat::Text)]
    pub format: ChunkFormat,

    /// Split paragraphs longer than this many characters at sentence boundaries
    #[arg(long, default_value_t = dossier::ingest::chunk::DEFAULT_MAX_CHARS, value_name = "N")]
    pub max_passage_chars: usize,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query, quoted as one argument. Syntax: words, "phrases", "phrase"~N, -exclude,
    /// +require, OR, AND, NOT, (groups), title: / section: / text:, prefix*
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,

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
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    pub format: StatsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Jsonl,
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
