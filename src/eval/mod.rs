//! Relevance evaluation with trec_eval's semantics: nDCG@10, AP@100 and AP, R@100, RR@10, P@10.
//!
//! - Judgments (qrels): `qid iter docid rel`; a document is relevant when `rel > 0`, and nDCG uses
//!   `rel` itself as the gain (graded qrels such as Cranfield's 1–4), discounted by
//!   `log2(rank + 1)`.
//! - A run: `qid Q0 docid rank score tag`. As in trec_eval, the rank column is ignored: documents
//!   are ordered by score, ties broken by document id in decreasing order.
//! - Averages are over the queries that have both judgments and results (trec_eval's default).
//!
//! Checked against trec_eval (pytrec-eval via ir-measures) by `benches/verify-eval.py`.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::batch::BatchResult;

/// Relevance judgments: query id → document id → grade.
#[derive(Debug, Clone, Default)]
pub struct Qrels {
    judgments: HashMap<String, HashMap<String, i64>>,
}

/// A ranked run: query id → (document id, score), in file order.
#[derive(Debug, Clone, Default)]
pub struct Run {
    ranked: BTreeMap<String, Vec<(String, f64)>>,
}

/// The scores of one query (or their mean).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Scores {
    #[serde(rename = "nDCG@10")]
    pub ndcg_10: f64,
    #[serde(rename = "AP@100")]
    pub ap_100: f64,
    #[serde(rename = "AP")]
    pub ap: f64,
    #[serde(rename = "R@100")]
    pub recall_100: f64,
    #[serde(rename = "RR@10")]
    pub rr_10: f64,
    #[serde(rename = "P@10")]
    pub p_10: f64,
}

/// The scores of one query with its counts.
#[derive(Debug, Clone, Serialize)]
pub struct QueryEvaluation {
    pub query: String,
    pub relevant: usize,
    pub retrieved: usize,
    #[serde(flatten)]
    pub scores: Scores,
}

/// A whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// Queries with judgments and results (the ones averaged).
    pub queries: usize,
    /// Judged queries the run has no results for (not averaged, as in trec_eval).
    pub unanswered: usize,
    pub mean: Scores,
    pub per_query: Vec<QueryEvaluation>,
}

/// The names of the metrics, in report order.
pub const METRICS: &[&str] = &["nDCG@10", "AP@100", "AP", "R@100", "RR@10", "P@10"];

impl Scores {
    /// The values in [`METRICS`] order.
    pub fn values(&self) -> [f64; 6] {
        [
            self.ndcg_10,
            self.ap_100,
            self.ap,
            self.recall_100,
            self.rr_10,
            self.p_10,
        ]
    }
}

/// Reads qrels (`qid iter docid rel`); a malformed line is an error naming it.
pub fn parse_qrels(text: &str) -> Result<Qrels, String> {
    let mut qrels = Qrels::default();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let [qid, _, doc, rel] = fields[..] else {
            return Err(format!(
                "line {}: expected `qid iter docid relevance`",
                i + 1
            ));
        };
        let rel: i64 = rel
            .parse()
            .map_err(|_| format!("line {}: relevance `{rel}` is not a number", i + 1))?;
        qrels
            .judgments
            .entry(qid.to_owned())
            .or_default()
            .insert(doc.to_owned(), rel);
    }
    Ok(qrels)
}

/// What a TREC run ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrecUnit {
    Passage,
    Document,
}

/// An id as a TREC run holds it: one token (runs of whitespace become `_`).
pub fn trec_id(id: &str) -> String {
    id.split_whitespace().collect::<Vec<_>>().join("_")
}

/// A score as a TREC run holds it (six decimals), so a run scored in process and the same run
/// written to a file and read back score exactly alike (ties are broken alike).
pub fn trec_score(score: f32) -> f64 {
    format!("{score:.6}").parse().unwrap_or(0.0)
}

impl Run {
    /// The run of batch results, ranking `unit`s (queries that failed have no entries).
    pub fn from_results(results: &[BatchResult], unit: TrecUnit) -> Run {
        let mut run = Run::default();
        for r in results {
            let Ok(res) = &r.outcome else { continue };
            let ranked = run.ranked.entry(trec_id(&r.query.id)).or_default();
            for hit in &res.hits {
                let doc = match unit {
                    TrecUnit::Passage => &hit.passage.passage_id,
                    TrecUnit::Document => &hit.passage.doc_id,
                };
                ranked.push((trec_id(doc), trec_score(hit.score)));
            }
        }
        run.ranked.retain(|_, ranked| !ranked.is_empty());
        run
    }
}

/// Reads a TREC run (`qid Q0 docid rank score tag`); a malformed line is an error naming it.
pub fn parse_run(text: &str) -> Result<Run, String> {
    let mut run = Run::default();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        if fields.len() < 5 {
            return Err(format!(
                "line {}: expected `qid Q0 docid rank score tag`",
                i + 1
            ));
        }
        let score: f64 = fields[4]
            .parse()
            .map_err(|_| format!("line {}: score `{}` is not a number", i + 1, fields[4]))?;
        run.ranked
            .entry(fields[0].to_owned())
            .or_default()
            .push((fields[2].to_owned(), score));
    }
    Ok(run)
}

/// Scores `run` against `qrels`.
pub fn evaluate(qrels: &Qrels, run: &Run) -> Evaluation {
    let mut per_query = Vec::new();
    for (qid, ranked) in &run.ranked {
        let Some(judged) = qrels.judgments.get(qid) else {
            continue;
        };
        let mut ranked = ranked.clone();
        // trec_eval: by score, ties by document id, both decreasing.
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
        let mut seen = std::collections::HashSet::new();
        ranked.retain(|(doc, _)| seen.insert(doc.clone()));
        per_query.push(QueryEvaluation {
            query: qid.clone(),
            relevant: judged.values().filter(|&&r| r > 0).count(),
            retrieved: ranked.len(),
            scores: score_query(judged, &ranked),
        });
    }
    let queries = per_query.len();
    let mut sums = [0.0; 6];
    for q in &per_query {
        for (s, v) in sums.iter_mut().zip(q.scores.values()) {
            *s += v;
        }
    }
    let mean = |i: usize| {
        if queries == 0 {
            0.0
        } else {
            sums[i] / queries as f64
        }
    };
    let unanswered = qrels
        .judgments
        .keys()
        .filter(|q| !run.ranked.contains_key(*q))
        .count();
    Evaluation {
        queries,
        unanswered,
        mean: Scores {
            ndcg_10: mean(0),
            ap_100: mean(1),
            ap: mean(2),
            recall_100: mean(3),
            rr_10: mean(4),
            p_10: mean(5),
        },
        per_query,
    }
}

fn score_query(judged: &HashMap<String, i64>, ranked: &[(String, f64)]) -> Scores {
    let rel = |doc: &str| judged.get(doc).copied().unwrap_or(0).max(0);
    let num_rel = judged.values().filter(|&&r| r > 0).count();
    let (mut found, mut ap, mut ap_100, mut rr_10, mut dcg, mut p_10, mut r_100) =
        (0usize, 0.0, 0.0, 0.0, 0.0, 0usize, 0usize);
    for (i, (doc, _)) in ranked.iter().enumerate() {
        let rank = i + 1;
        let grade = rel(doc);
        if grade > 0 {
            found += 1;
            let precision = found as f64 / rank as f64;
            ap += precision;
            if rank <= 100 {
                ap_100 += precision;
                r_100 += 1;
            }
            if rank <= 10 {
                p_10 += 1;
                if rr_10 == 0.0 {
                    rr_10 = 1.0 / rank as f64;
                }
            }
        }
        if rank <= 10 {
            dcg += grade as f64 / (rank as f64 + 1.0).log2();
        }
    }
    let mut ideal: Vec<i64> = judged.values().copied().filter(|&r| r > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, &g)| g as f64 / (i as f64 + 2.0).log2())
        .sum();
    let per_rel = |x: f64| {
        if num_rel == 0 {
            0.0
        } else {
            x / num_rel as f64
        }
    };
    Scores {
        ndcg_10: if idcg > 0.0 { dcg / idcg } else { 0.0 },
        ap_100: per_rel(ap_100),
        ap: per_rel(ap),
        recall_100: per_rel(r_100 as f64),
        rr_10,
        p_10: p_10 as f64 / 10.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QRELS: &str = "1 0 a 2\n1 0 b 1\n1 0 c 0\n1 0 d 1\n2 0 x 1\n3 0 z 1\n";

    #[test]
    fn metrics_follow_trec_eval() {
        // Query 1: ranked a (rel 2), c (0), b (1); d (1) never retrieved.
        let run =
            parse_run("1 Q0 a 1 3.0 t\n1 Q0 c 2 2.0 t\n1 Q0 b 3 1.0 t\n2 Q0 y 1 1.0 t\n").unwrap();
        let e = evaluate(&parse_qrels(QRELS).unwrap(), &run);
        assert_eq!(e.queries, 2, "query 3 has no results, and is not averaged");
        assert_eq!(e.unanswered, 1);
        let q1 = &e.per_query[0].scores;
        assert!((q1.ap - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((q1.recall_100 - 2.0 / 3.0).abs() < 1e-12);
        assert!((q1.p_10 - 0.2).abs() < 1e-12);
        assert_eq!(q1.rr_10, 1.0);
        let dcg = 2.0 + 1.0 / 4f64.log2();
        let idcg = 2.0 + 1.0 / 3f64.log2() + 1.0 / 4f64.log2();
        assert!((q1.ndcg_10 - dcg / idcg).abs() < 1e-12);
        let q2 = &e.per_query[1].scores;
        assert_eq!(q2.values(), [0.0; 6]);
        assert!((e.mean.ap - q1.ap / 2.0).abs() < 1e-12);
    }

    #[test]
    fn ties_are_broken_by_decreasing_document_id_and_ranks_are_ignored() {
        // b and a tie: trec_eval puts b first, whatever the rank column says.
        let run = parse_run("1 Q0 a 1 1.0 t\n1 Q0 b 2 1.0 t\n").unwrap();
        let e = evaluate(&parse_qrels("1 0 a 1\n").unwrap(), &run);
        assert_eq!(e.per_query[0].scores.rr_10, 0.5);
    }

    #[test]
    fn malformed_lines_are_named() {
        assert_eq!(
            parse_qrels("1 0 a x").unwrap_err(),
            "line 1: relevance `x` is not a number"
        );
        assert!(parse_run("1 Q0 a\n").unwrap_err().starts_with("line 1"));
    }
}
