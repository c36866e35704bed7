//! `dossier stats`

use std::io::{self, Write};

use dossier::index::DossierIndex;

use super::{IndexLocation, Status};
use crate::cli::{StatsArgs, StatsFormat};

pub fn run(location: &IndexLocation, args: &StatsArgs) -> anyhow::Result<Status> {
    let index = DossierIndex::open(&location.dir)?;
    let stats = index.stats()?;
    let mut out = io::stdout().lock();
    match args.format {
        StatsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &stats)?;
            writeln!(out)?;
        }
        StatsFormat::Text => {
            writeln!(out, "index        {}", stats.index)?;
            writeln!(out, "documents    {}", stats.documents)?;
            writeln!(out, "passages     {}", stats.passages)?;
            writeln!(out, "segments     {}", stats.segments)?;
            writeln!(
                out,
                "size         {:.1} MB ({} bytes)",
                stats.size_bytes as f64 / 1e6,
                stats.size_bytes
            )?;
            writeln!(
                out,
                "last ingest  {}",
                stats.last_ingest.as_deref().unwrap_or("never")
            )?;
        }
    }
    Ok(Status::Found)
}
