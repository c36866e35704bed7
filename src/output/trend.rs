//! Trends: a bar chart in the terminal, CSV, JSON, and an SVG chart (bars for documents, a line
//! for the share, one colour per query, labelled axes).

use std::io::{self, Write};

use crate::search::trend::{Bucket, Trend};

/// `{"by", "series": [{"query", "total_hits", "buckets": [{"key", "documents", "passages",
/// "all_documents", "share"}]}]}`
pub fn write_json<W: Write>(out: &mut W, trend: &Trend) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, trend)?;
    writeln!(out)
}

/// One row per query and bucket.
pub fn write_csv<W: Write>(out: &mut W, trend: &Trend) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let header = [
        "query",
        &trend.by,
        "documents",
        "passages",
        "all_documents",
        "share",
    ];
    writer.write_record(header).map_err(io::Error::other)?;
    for series in &trend.series {
        for b in &series.buckets {
            writer
                .write_record([
                    series.query.clone(),
                    key_text(b),
                    b.documents.to_string(),
                    b.passages.to_string(),
                    b.all_documents.to_string(),
                    format!("{:.6}", b.share),
                ])
                .map_err(io::Error::other)?;
        }
    }
    writer.flush()
}

fn key_text(b: &Bucket) -> String {
    match &b.key {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A bar per bucket (the share of documents), with the counts; one block per query.
pub fn write_text<W: Write>(out: &mut W, trend: &Trend, width: usize) -> io::Result<()> {
    let key_width = trend
        .series
        .iter()
        .flat_map(|s| s.buckets.iter().map(|b| key_text(b).chars().count()))
        .max()
        .unwrap_or(4)
        .clamp(4, 30);
    let bar_width = width.saturating_sub(key_width + 34).clamp(10, 60);
    for (i, series) in trend.series.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} by {} ({} passages match): share of documents, documents / all documents",
            series.query, trend.by, series.total_hits
        )?;
        let max = series
            .buckets
            .iter()
            .map(|b| b.share)
            .fold(0.0_f64, f64::max);
        for b in &series.buckets {
            let filled = if max > 0.0 {
                ((b.share / max) * bar_width as f64).round() as usize
            } else {
                0
            };
            let key: String = key_text(b).chars().take(key_width).collect();
            writeln!(
                out,
                "{key:<key_width$} {:<bar_width$} {:>6.2}%  {:>6} / {:<6} {:>7} passages",
                "█".repeat(filled),
                b.share * 100.0,
                b.documents,
                b.all_documents,
                b.passages,
            )?;
        }
    }
    Ok(())
}

const COLOURS: &[&str] = &[
    "#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490",
];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An SVG chart: per bucket a bar of matching documents for each query (left axis), and a line
/// of each query's share (right axis); buckets along the bottom, a legend on top.
pub fn write_svg<W: Write>(out: &mut W, trend: &Trend) -> io::Result<()> {
    let buckets = trend.series.first().map_or(0, |s| s.buckets.len()).max(1);
    let queries = trend.series.len().max(1);
    let (left, right, top, bottom) = (60.0, 60.0, 50.0, 70.0);
    let plot_w = (buckets as f64 * (8.0 * queries as f64 + 6.0)).clamp(400.0, 2400.0);
    let plot_h = 300.0;
    let (w, h) = (left + plot_w + right, top + plot_h + bottom);
    let max_docs = trend
        .series
        .iter()
        .flat_map(|s| s.buckets.iter().map(|b| b.documents))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let max_share = trend
        .series
        .iter()
        .flat_map(|s| s.buckets.iter().map(|b| b.share))
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let slot = plot_w / buckets as f64;
    let bar = (slot - 4.0).max(1.0) / queries as f64;
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="sans-serif" font-size="11">"#
    )?;
    writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#)?;
    // Axes.
    let (x0, y0, y1) = (left, top + plot_h, top);
    writeln!(
        out,
        r##"<line x1="{x0}" y1="{y0}" x2="{:.1}" y2="{y0}" stroke="#333"/><line x1="{x0}" y1="{y1}" x2="{x0}" y2="{y0}" stroke="#333"/><line x1="{:.1}" y1="{y1}" x2="{:.1}" y2="{y0}" stroke="#333"/>"##,
        left + plot_w,
        left + plot_w,
        left + plot_w
    )?;
    for i in 0..=4 {
        let f = f64::from(i) / 4.0;
        let y = y0 - f * plot_h;
        writeln!(
            out,
            r##"<text x="{:.1}" y="{y:.1}" text-anchor="end" dominant-baseline="middle">{:.0}</text><text x="{:.1}" y="{y:.1}" dominant-baseline="middle">{:.1}%</text>"##,
            left - 6.0,
            f * max_docs,
            left + plot_w + 6.0,
            f * max_share * 100.0
        )?;
    }
    writeln!(
        out,
        r#"<text x="14" y="{:.1}" transform="rotate(-90 14 {:.1})" text-anchor="middle">matching documents (bars)</text>"#,
        top + plot_h / 2.0,
        top + plot_h / 2.0
    )?;
    writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" transform="rotate(90 {:.1} {:.1})" text-anchor="middle">share of documents (lines)</text>"#,
        w - 12.0,
        top + plot_h / 2.0,
        w - 12.0,
        top + plot_h / 2.0
    )?;
    // Bucket labels, thinned to fit.
    let every = (buckets as f64 / (plot_w / 40.0)).ceil().max(1.0) as usize;
    if let Some(first) = trend.series.first() {
        for (i, b) in first
            .buckets
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
        {
            let x = left + slot * (i as f64 + 0.5);
            writeln!(
                out,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="end" transform="rotate(-45 {x:.1} {:.1})">{}</text>"#,
                y0 + 14.0,
                y0 + 14.0,
                escape(&key_text(b))
            )?;
        }
    }
    writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        left + plot_w / 2.0,
        h - 6.0,
        escape(&trend.by)
    )?;
    for (q, series) in trend.series.iter().enumerate() {
        let colour = COLOURS[q % COLOURS.len()];
        let mut points = Vec::new();
        for (i, b) in series.buckets.iter().enumerate() {
            let bh = b.documents as f64 / max_docs * plot_h;
            let x = left + slot * i as f64 + 2.0 + bar * q as f64;
            writeln!(
                out,
                r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="{colour}" fill-opacity="0.35"><title>{}: {} documents of {}, {:.2}%</title></rect>"#,
                y0 - bh,
                bar.max(0.5),
                escape(&key_text(b)),
                b.documents,
                b.all_documents,
                b.share * 100.0
            )?;
            points.push(format!(
                "{:.1},{:.1}",
                left + slot * (i as f64 + 0.5),
                y0 - b.share / max_share * plot_h
            ));
        }
        writeln!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            points.join(" ")
        )?;
        writeln!(
            out,
            r#"<rect x="{:.1}" y="14" width="12" height="12" fill="{colour}"/><text x="{:.1}" y="24">{}</text>"#,
            left + q as f64 * 180.0,
            left + q as f64 * 180.0 + 16.0,
            escape(&series.query)
        )?;
    }
    writeln!(out, "</svg>")
}
