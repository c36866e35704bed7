//! Trend latency, warm: `dossier trend nuclear --by year` on an index (the full UN corpus in
//! `benches/trend-ungd.sh`), run 30 times in one process after a first warm-up run.
//!
//! ```text
//! cargo bench --bench trend -- INDEX_DIR [QUERY] [BY]
//! ```

use std::time::Instant;

use dossier::engine::{Engine, IndexLocation};
use dossier::search::trend::TrendBy;
use dossier::search::SearchRequest;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: trend INDEX_DIR [QUERY] [BY]");
        return;
    };
    let query = args.get(1).cloned().unwrap_or_else(|| "nuclear".into());
    let by = TrendBy::parse(args.get(2).map_or("year", String::as_str));
    let location = IndexLocation {
        dir: dir.into(),
        is_default: false,
    };
    let engine = Engine::open(&location, &mut ()).expect("an index");
    let template = SearchRequest::new("", 0);
    let queries = vec![query.clone()];
    let first = engine.trend(&queries, &by, &template).expect("a trend");
    let mut times = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let trend = engine.trend(&queries, &by, &template).expect("a trend");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(trend, first);
    }
    times.sort_by(f64::total_cmp);
    let series = &first.series[0];
    println!(
        "trend {query:?} by {}: {} buckets, {} passages match; warm median {:.1} ms, min {:.1} ms, max {:.1} ms (30 runs)",
        first.by,
        series.buckets.len(),
        series.total_hits,
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
