//! The integration tests: one test binary, a module per feature, helpers in `common`.
//!
//! The feature modules run in process, through the library (`dossier::engine::Engine` and the
//! printers in `dossier::output`), over one index of the fixture corpus built once for the whole
//! binary (`common::corpus`) or over an index of their own when they write. The binary itself is
//! run only where it is the subject: `cli` (exit codes, index location, the demo index, colour,
//! standard input, `--output`, the busy writer, what it prints), `errors` (messages on stderr)
//! and `readme` (the README's examples).

mod common;

mod analyzer;
mod batch;
mod browser;
mod chunk;
mod cli;
mod copies;
mod copies_score;
mod errors;
mod eval;
mod fuzz;
mod group;
mod ingest;
mod quote;
mod ranking;
mod readme;
mod search;
mod server;
mod show;
mod similar;
mod trend;
mod watch;
