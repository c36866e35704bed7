//! `dossier stats`

use std::io::{self, Write};

use dossier::index::DossierIndex;

use super::{IndexLocation, Status};
use crate::cli::{StatsArgs, StatsFormat};

pub fn run(location: &IndexLocation, args: &StatsArgs) -> anyhow::Result<Status> {
    let index = DossierIndex::open(&location.dir)?;
    let mut out = io::stdout().lock();
    if let Some(key) = &args.by {
        let counts = index.facet(&key.to_lowercase(), args.top)?;
        match args.format {
            StatsFormat::Json => {
                let json = serde_json::json!({ "by": key, "values": counts });
                serde_json::to_writer_pretty(&mut out, &json)?;
                writeln!(out)?;
            }
            StatsFormat::Text => {
                writeln!(out, "{:<40} {:>10} {:>10}", key, "documents", "passages")?;
                for c in &counts {
                    let value = match &c.value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    writeln!(out, "{value:<40} {:>10} {:>10}", c.documents, c.passages)?;
                }
            }
        }
        return Ok(Status::Found);
    }
    let stats = index.stats()?;
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
