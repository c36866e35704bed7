//! Evaluation, in process: a TREC run scored on judgments with known answers, a batch of
//! queries run on the shared corpus index and scored by document, and a malformed qrels file.

use dossier::batch::BatchOptions;
use dossier::eval::{self, TrecUnit};
use dossier::output::eval::write_evaluation;
use dossier::search::{MatchMode, SearchOptions};

use crate::common::{corpus, SEED};

/// The evaluation as `dossier eval --per-query` prints it: JSON (`--format json`) or the table.
fn printed(evaluation: &eval::Evaluation, json: bool) -> String {
    let mut out = Vec::new();
    write_evaluation(&mut out, evaluation, true, json).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn eval_scores_runs_and_queries_like_trec_eval() {
    // A run and judgments with known answers (see src/eval/mod.rs for the arithmetic).
    let qrels = eval::parse_qrels("1 0 a 2\n1 0 b 1\n1 0 c 0\n1 0 d 1\n2 0 x 1\n").unwrap();
    let run = "1 Q0 a 1 3.0 t\n1 Q0 c 2 2.0 t\n1 Q0 b 3 1.0 t\n";
    let evaluation = eval::evaluate(&qrels, &eval::parse_run(run).unwrap());
    assert!(evaluation.queries > 0, "something scored (exit code 0)");
    let json: serde_json::Value = serde_json::from_str(&printed(&evaluation, true)).unwrap();
    assert_eq!(json["queries"], 1);
    assert_eq!(json["unanswered"], 1);
    let ap = json["mean"]["AP"].as_f64().unwrap();
    assert!((ap - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-9, "{ap}");
    assert_eq!(json["mean"]["P@10"], 0.2);

    // --queries runs the batch itself: documents judged by their best passage.
    let seed = SEED;
    let judged = eval::parse_qrels(&format!(
        "t1 0 {seed} 1\nt1 0 fixtures/commentary/snapback-mechanism.md 1\nt2 0 fixtures/commentary/gulf-shipping.md 1\n"
    ))
    .unwrap();
    // The options `eval --queries` runs the batch with (its defaults: `--match any`,
    // `--depth 1000`, `--trec-unit document`).
    let options = BatchOptions {
        limit: 1000,
        search: SearchOptions {
            mode: MatchMode::Any,
            highlights: false,
            count: false,
            ..SearchOptions::default()
        },
        per_document: true,
        threads: 0,
    };
    let (evaluation, results) = corpus()
        .eval(
            &judged,
            "t1\tsnapback\nt2\tKharg Island\n",
            Some("topics.tsv"),
            &options,
            TrecUnit::Document,
        )
        .unwrap();
    assert!(results.iter().all(|r| r.outcome.is_ok()));
    assert!(evaluation.queries > 0, "something scored (exit code 0)");
    let text = printed(&evaluation, false);
    assert!(
        text.contains("nDCG@10") && text.contains("2 queries scored"),
        "{text}"
    );
    let t2 = text.lines().find(|l| l.starts_with("t2")).unwrap();
    assert!(
        t2.contains("1.0000"),
        "Kharg Island finds the Gulf shipping piece first: {t2}"
    );

    // A run is not judgments (exit code 2, the line named).
    let bad = eval::parse_qrels(run).unwrap_err();
    assert!(bad.contains("line 1"), "{bad}");
}
