//! `dossier chunk PATH...`: the passages `ingest` would index, without indexing them.

use std::io::{self, BufWriter, Write};

use dossier::ingest::{read_paths, Item};
use dossier::output::json::PassageJson;
use dossier::output::text::write_chunked_document;

use super::{read_options, Status};
use crate::cli::{ChunkArgs, ChunkFormat};

pub fn run(args: &ChunkArgs) -> anyhow::Result<Status> {
    let options = read_options(&args.read)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut skips = Vec::new();
    // Documents are printed as they are read: a large feed never sits in memory.
    read_paths(&args.paths, &options, &mut |item| -> io::Result<()> {
        match item {
            Item::Document(doc) => match args.format {
                ChunkFormat::Jsonl => {
                    for passage in &doc.passages {
                        serde_json::to_writer(&mut out, &PassageJson::new(passage))?;
                        writeln!(out)?;
                    }
                }
                ChunkFormat::Text => write_chunked_document(&mut out, &doc)?,
            },
            Item::Skip(skip) => skips.push(skip),
            Item::Warning { path, message } => {
                eprintln!("dossier: warning: {}: {message}", path.display());
            }
            Item::Unchanged { .. } => {}
        }
        Ok(())
    })?;
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
