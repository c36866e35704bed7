//! The `dossier` binary: parse the command line, run one command, map the result to an exit code
//! (0 results, 1 no results, 2 error; a closed pipe is not an error).

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use commands::Status;
use dossier::engine::IndexLocation;

/// Ingest allocates passages on one thread and tantivy frees them on its indexing threads;
/// glibc's allocator serialises that on arena locks, mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let location = IndexLocation::new(cli.index);
    let result = match &cli.command {
        Command::Ingest(args) => commands::ingest::run(&location, args),
        Command::Search(args) => commands::search::run(&location, args),
        Command::Show(args) => commands::show::run(&location, args),
        Command::Stats(args) => commands::stats::run(&location, args),
        Command::Chunk(args) => commands::chunk::run(args),
        Command::Remove(args) => commands::ingest::remove(&location, args),
        Command::Batch(args) => commands::batch::run(&location, args),
        Command::Eval(args) => commands::eval::run(&location, args),
        Command::Serve(args) => commands::serve::run(&location, args),
        Command::Trend(args) => commands::trend::run(&location, args),
        Command::Similar(args) => commands::similar::run(&location, args),
        Command::Watch(args) => commands::watch::run(&location, args),
        Command::Quote(args) => commands::quote::run(&location, args),
    };
    let status = match result {
        Ok(status) => status,
        Err(err) if is_broken_pipe(&err) => Status::Found,
        Err(err) => {
            eprintln!("dossier: error: {}", message(&err));
            Status::Error
        }
    };
    ExitCode::from(status as u8)
}

/// The error and its causes, as `{:#}` prints them, less the causes a message already quotes
/// (`index at idx: <tantivy's error>` is not followed by tantivy's error again).
fn message(err: &anyhow::Error) -> String {
    let mut out = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
    })
}
