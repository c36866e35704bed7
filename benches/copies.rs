//! Precision and recall of copy folding on a test set made by `benches/copies-make.py` (see
//! `benches/copies-ungd.sh`, which makes one from the whole UN corpus, and `tests/it/copies.rs`,
//! which asserts the figures on the small one in `fixtures/copies/`).
//!
//! ```text
//! cargo bench --bench copies -- INDEX_DIR TRUTH_TSV [--show N]
//! ```
//!
//! Pairs of passages folded together (in one cluster) are scored against the truth's pairs: an
//! outlet paragraph and the passage it copies, and two copies of the same passage. Only pairs
//! with an outlet paragraph are labelled; clusters of the indexed speeches among themselves
//! (a speech repeating a paragraph of an earlier year, a quoted article of the Charter, the same
//! speech twice in the corpus) are counted and shown apart, `--show N` of them, for review.

use dossier::index::DossierIndex;

/// The scoring, shared with the integration test.
#[path = "../tests/it/copies_score.rs"]
mod copies_score;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (Some(dir), Some(truth)) = (args.first(), args.get(1)) else {
        eprintln!("usage: copies INDEX_DIR TRUTH_TSV [--show N]");
        return;
    };
    let show: usize = args
        .iter()
        .position(|a| a == "--show")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let index = DossierIndex::open(std::path::Path::new(dir)).expect("an index");
    let truth = std::fs::read_to_string(truth).expect("a truth file");
    let started = std::time::Instant::now();
    let clusters = index.copy_clusters().expect("clusters");
    let score = copies_score::score(&truth, &clusters);
    println!(
        "{} clusters of two passages or more read in {:.1} s",
        clusters.len(),
        started.elapsed().as_secs_f64()
    );
    println!("{}", score.report());
    let text_of: std::collections::HashMap<&str, &str> = clusters
        .iter()
        .flatten()
        .map(|p| (p.passage_id.as_str(), p.text.as_str()))
        .collect();
    let cut = |id: &str| -> String {
        text_of
            .get(id)
            .map_or_else(String::new, |t| t.chars().take(160).collect())
    };
    if show > 0 && !score.wrong.is_empty() {
        println!(
            "folded pairs that are not copies (first {show} of {}):",
            score.wrong.len()
        );
        for (a, b) in score.wrong.iter().take(show) {
            println!("  {a}: {}\n  {b}: {}", cut(a), cut(b));
        }
    }
    if show > 0 && !score.missed.is_empty() {
        println!(
            "copies not folded (first {show} of {}):",
            score.missed.len()
        );
        for (copy, original) in score.missed.iter().take(show) {
            println!("  {copy} (copy of {original})");
        }
    }
    if show > 0 && !score.natural.is_empty() {
        println!(
            "clusters among the indexed speeches alone (first {show} of {}):",
            score.natural.len()
        );
        for cluster in score.natural.iter().take(show) {
            println!("  {} passages:", cluster.len());
            for (id, text) in cluster.iter().take(4) {
                let cut: String = text.chars().take(110).collect();
                println!("    {id}: {cut}");
            }
        }
    }
}
