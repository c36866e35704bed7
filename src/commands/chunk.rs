//! `dossier chunk PATH...`: the passages `ingest` would index, without indexing them.

use std::io::{self, BufWriter, Write};

use dossier::ingest::{find_sources, read_document, ChunkOptions, Skip};
use dossier::output::text::citation;

use super::Status;
use crate::cli::{ChunkArgs, ChunkFormat};

pub fn run(args: &ChunkArgs) -> anyhow::Result<Status> {
    let options = ChunkOptions {
        max_chars: args.max_passage_chars,
    };
    let (sources, mut skips) = find_sources(&args.paths);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for source in sources {
        let doc = match read_document(&source, &options) {
            Ok(doc) => doc,
            Err(reason) => {
                skips.push(Skip {
                    path: source.path,
                    reason,
                });
                continue;
            }
        };
        match args.format {
            ChunkFormat::Jsonl => {
                for passage in &doc.passages {
                    serde_json::to_writer(&mut out, passage)?;
                    writeln!(out)?;
                }
            }
            ChunkFormat::Text => {
                writeln!(
                    out,
                    "== {} — {} ({}; {} passages)",
                    doc.path,
                    doc.title,
                    doc.layout,
                    doc.passages.len()
                )?;
                for passage in &doc.passages {
                    writeln!(out, "{}", citation(passage))?;
                    writeln!(out, "    {}", passage.text)?;
                }
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    for skip in &skips {
        super::ingest::report(skip);
    }
    Ok(if skips.iter().any(|s| s.reason.is_error()) {
        Status::Error
    } else {
        Status::Found
    })
}
