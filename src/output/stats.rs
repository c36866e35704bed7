//! `dossier stats`: the index's counts, and documents and passages per metadata value.

use std::io::{self, Write};

use crate::index::{FacetCount, IndexStats};

/// The counts of `dossier stats`, as text or JSON.
pub fn write_stats<W: Write>(out: &mut W, stats: &IndexStats, json: bool) -> io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, stats)?;
        return writeln!(out);
    }
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
    )
}

/// `dossier stats --by KEY`: a table, or `{"by": KEY, "values": [...]}`.
pub fn write_facet<W: Write>(
    out: &mut W,
    key: &str,
    counts: &[FacetCount],
    json: bool,
) -> io::Result<()> {
    if json {
        let json = serde_json::json!({ "by": key, "values": counts });
        serde_json::to_writer_pretty(&mut *out, &json)?;
        return writeln!(out);
    }
    writeln!(out, "{:<40} {:>10} {:>10}", key, "documents", "passages")?;
    for c in counts {
        let value = match &c.value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        writeln!(out, "{value:<40} {:>10} {:>10}", c.documents, c.passages)?;
    }
    Ok(())
}
