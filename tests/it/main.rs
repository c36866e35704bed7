//! The integration tests: one test binary, a module per feature, helpers in `common`.
//!
//! The feature modules run in process, through the library (`dossier::engine::Engine` and the
//! printers in `dossier::output`), over one index of the fixture corpus built once for the whole
//! binary (`common::corpus`) or over an index of their own when they write. The binary itself is
//! run only where it is the subject: `cli` (exit codes, index location, the demo index, colour,
//! standard input, `--output`, the busy writer, what it prints), `errors` (messages on stderr),
//! `readme` (the README's examples), and the reliability modules on generated documents in
//! temp dirs: `crash` (ingest killed with SIGKILL, a disk that fills up), `broken` (damaged,
//! foreign, read-only and unreadable indexes), `concurrency` (writers that wait or are refused,
//! readers during an ingest) and `http_abuse` (hostile clients of `dossier serve` over raw
//! TCP).

mod common;

mod analyzer;
mod batch;
mod broken;
mod browser;
mod chunk;
mod cli;
mod concurrency;
mod copies;
mod copies_score;
mod crash;
mod errors;
mod eval;
mod fuzz;
mod group;
mod http_abuse;
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
