//! Scoring copy folding against a truth file of `benches/copies-make.py` (shared by
//! `tests/it/copies.rs` and `benches/copies.rs`).
//!
//! The truth names, for each outlet paragraph (`outlet_id`, paragraph number: the passage
//! `outlet_id#paragraph`), the indexed passage it copies, or `-`. True pairs: an outlet
//! paragraph with the passage it copies, and two outlet paragraphs that copy the same passage.
//! Folded pairs: two passages in one cluster, at least one of them an outlet paragraph (the
//! others are not labelled). A folded pair of an outlet paragraph with an indexed passage that is
//! itself folded with the one it copies (a speech repeated in the corpus) counts as true, and is
//! counted apart.

use std::collections::{BTreeMap, HashMap, HashSet};

use dossier::model::Passage;

/// Precision and recall of folding, with what they were counted from.
#[derive(Debug, Default)]
pub struct Score {
    pub true_pairs: usize,
    pub folded_pairs: usize,
    pub correct_pairs: usize,
    /// Correct only through an indexed passage folded with the copied one.
    pub through_natural: usize,
    /// Outlet paragraphs that copy a passage, and those folded with it.
    pub copies: usize,
    pub copies_folded: usize,
    /// Per edit (the truth's last column): copies, and those folded with their original.
    pub by_edit: BTreeMap<String, (usize, usize)>,
    /// Outlet paragraphs that copy nothing, and those folded with something.
    pub unrelated: usize,
    pub unrelated_folded: usize,
    /// Clusters of indexed passages only: (passage id, text) of each member.
    pub natural: Vec<Vec<(String, String)>>,
    /// Outlet copies not folded with their original: (copy, original).
    pub missed: Vec<(String, String)>,
    /// Folded pairs that are not copies.
    pub wrong: Vec<(String, String)>,
}

impl Score {
    pub fn precision(&self) -> f64 {
        if self.folded_pairs == 0 {
            1.0
        } else {
            self.correct_pairs as f64 / self.folded_pairs as f64
        }
    }

    pub fn recall(&self) -> f64 {
        if self.true_pairs == 0 {
            1.0
        } else {
            (self.correct_pairs - self.through_natural) as f64 / self.true_pairs as f64
        }
    }

    pub fn report(&self) -> String {
        let mut out = format!(
            "precision {:.4} ({} of {} folded pairs are copies{}), recall {:.4} (of {} true pairs)\n\
             copies folded with their original: {} of {} ({:.4}); unrelated paragraphs folded: {} of {}\n",
            self.precision(),
            self.correct_pairs,
            self.folded_pairs,
            if self.through_natural > 0 {
                format!(", {} of them through a repeated speech", self.through_natural)
            } else {
                String::new()
            },
            self.recall(),
            self.true_pairs,
            self.copies_folded,
            self.copies,
            self.copies_folded as f64 / self.copies.max(1) as f64,
            self.unrelated_folded,
            self.unrelated,
        );
        let edits: Vec<String> = self
            .by_edit
            .iter()
            .map(|(k, (n, f))| format!("{k} {f}/{n}"))
            .collect();
        out.push_str(&format!("by edit: {}\n", edits.join(", ")));
        out.push_str(&format!(
            "clusters among the indexed passages alone: {} ({} passages)",
            self.natural.len(),
            self.natural.iter().map(Vec::len).sum::<usize>()
        ));
        out
    }
}

/// Scores `clusters` (every cluster of two passages or more) against a truth file.
pub fn score(truth: &str, clusters: &[Vec<Passage>]) -> Score {
    // Outlet passage id → (copied passage id or None, edits).
    let mut labels: HashMap<String, (Option<String>, String)> = HashMap::new();
    for line in truth
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[2] == "?" {
            continue;
        }
        let id = format!("{}#{}", cols[0], cols[1]);
        let original = (cols[2] != "-").then(|| cols[2].to_owned());
        labels.insert(id, (original, cols.get(3).unwrap_or(&"").to_string()));
    }
    let mut cluster_of: HashMap<&str, usize> = HashMap::new();
    for (i, c) in clusters.iter().enumerate() {
        for p in c {
            cluster_of.insert(&p.passage_id, i);
        }
    }
    let mut score = Score::default();
    // True pairs: per copied passage, it and its copies.
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, (original, edits)) in &labels {
        match original {
            Some(o) => {
                groups.entry(o).or_default().push(id);
                score.copies += 1;
                let folded = cluster_of.contains_key(id.as_str())
                    && cluster_of.get(id.as_str()) == cluster_of.get(o.as_str());
                score.copies_folded += usize::from(folded);
                if !folded {
                    score.missed.push((id.clone(), o.clone()));
                }
                let e = score.by_edit.entry(edits.clone()).or_default();
                e.0 += 1;
                e.1 += usize::from(folded);
            }
            None => {
                score.unrelated += 1;
                score.unrelated_folded += usize::from(cluster_of.contains_key(id.as_str()));
            }
        }
    }
    let mut true_pairs: HashSet<(String, String)> = HashSet::new();
    let pair = |a: &str, b: &str| {
        if a < b {
            (a.to_owned(), b.to_owned())
        } else {
            (b.to_owned(), a.to_owned())
        }
    };
    for (original, copies) in &groups {
        for (i, c) in copies.iter().enumerate() {
            true_pairs.insert(pair(c, original));
            for d in &copies[i + 1..] {
                true_pairs.insert(pair(c, d));
            }
        }
    }
    score.true_pairs = true_pairs.len();
    for c in clusters {
        let ids: Vec<&str> = c.iter().map(|p| p.passage_id.as_str()).collect();
        if !ids.iter().any(|id| labels.contains_key(*id)) {
            score.natural.push(
                c.iter()
                    .map(|p| (p.passage_id.clone(), p.text.clone()))
                    .collect(),
            );
            continue;
        }
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                if !labels.contains_key(*a) && !labels.contains_key(*b) {
                    continue;
                }
                score.folded_pairs += 1;
                if true_pairs.contains(&pair(a, b)) {
                    score.correct_pairs += 1;
                } else if through_natural(a, b, &labels, &cluster_of) {
                    score.correct_pairs += 1;
                    score.through_natural += 1;
                } else {
                    score.wrong.push((a.to_string(), b.to_string()));
                }
            }
        }
    }
    score
}

/// An outlet paragraph and an indexed passage folded with the one it copies.
fn through_natural(
    a: &str,
    b: &str,
    labels: &HashMap<String, (Option<String>, String)>,
    cluster_of: &HashMap<&str, usize>,
) -> bool {
    let check = |outlet: &str, other: &str| {
        labels
            .get(outlet)
            .and_then(|(o, _)| o.as_deref())
            .is_some_and(|o| {
                !labels.contains_key(other) && cluster_of.get(o) == cluster_of.get(other)
            })
    };
    let original = |id: &str| labels.get(id).and_then(|(o, _)| o.as_deref());
    let both = match (original(a), original(b)) {
        (Some(x), Some(y)) => cluster_of.get(x).is_some() && cluster_of.get(x) == cluster_of.get(y),
        _ => false,
    };
    check(a, b) || check(b, a) || both
}
