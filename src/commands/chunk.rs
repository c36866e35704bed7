//! `dossier chunk PATH...`: the passages `ingest` would index, without indexing them.

use std::io::{self, BufWriter, Write};

use dossier::ingest::{find_sources, read_source, Item};
use dossier::output::text::citation;

use super::Status;
use crate::cli::{ChunkArgs, ChunkFormat};

pub fn run(args: &ChunkArgs) -> anyhow::Result<Status> {
    let options = super::ingest::read_options(args.max_passage_chars, &args.fields);
    let (sources, mut skips) = find_sources(&args.paths);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for source in &sources {
        // Documents are printed as they are read: a large feed never sits in memory.
        let mut sink = |item: Item| -> anyhow::Result<()> {
            match item {
                Item::Document(doc) => match args.format {
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
                            doc.doc_id,
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
                },
                Item::Skip(skip) => skips.push(skip),
                Item::Warning { path, message } => {
                    eprintln!("dossier: warning: {}: {message}", path.display());
                }
                Item::Unchanged { .. } => {}
            }
            Ok(())
        };
        read_source(source, &options, &mut |_, _| false, &mut sink)?;
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
