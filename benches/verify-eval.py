#!/usr/bin/env python3
"""Checks `dossier eval` against trec_eval (pytrec-eval, through ir-measures).

    pip install ir-measures pytrec-eval-terrier
    benches/verify-eval.py QRELS RUN [DOSSIER_BINARY]

Scores RUN against QRELS with both and compares every query's nDCG@10, AP@100, AP, R@100,
RR@10 and P@10 and their means; exits 1 when any differ by 0.00005 or more (4 decimals).
`benches/collections.sh` runs it on each collection.
"""
import json
import subprocess
import sys

import ir_measures
from ir_measures import AP, P, R, RR, nDCG

MEASURES = {"nDCG@10": nDCG @ 10, "AP@100": AP @ 100, "AP": AP, "R@100": R @ 100, "RR@10": RR @ 10, "P@10": P @ 10}


def main():
    qrels_path, run_path = sys.argv[1], sys.argv[2]
    binary = sys.argv[3] if len(sys.argv) > 3 else "target/release/dossier"
    ours = json.loads(subprocess.run(
        [binary, "eval", "--qrels", qrels_path, "--run", run_path, "--format", "json", "--per-query"],
        check=True, capture_output=True, text=True).stdout)
    qrels = list(ir_measures.read_trec_qrels(qrels_path))
    run = list(ir_measures.read_trec_run(run_path))
    theirs_per_query = {}
    for m in ir_measures.iter_calc(list(MEASURES.values()), qrels, run):
        theirs_per_query.setdefault(m.query_id, {})[str(m.measure)] = m.value
    theirs_mean = {str(k): v for k, v in ir_measures.calc_aggregate(list(MEASURES.values()), qrels, run).items()}

    worst, compared = 0.0, 0
    for q in ours["per_query"]:
        for name, measure in MEASURES.items():
            diff = abs(q[name] - theirs_per_query[q["query"]][str(measure)])
            worst = max(worst, diff)
            compared += 1
    for name, measure in MEASURES.items():
        diff = abs(ours["mean"][name] - theirs_mean[str(measure)])
        worst = max(worst, diff)
        compared += 1
    missing = set(theirs_per_query) - {q["query"] for q in ours["per_query"]}
    ok = worst < 5e-5 and not missing
    print(f"{run_path}: {len(ours['per_query'])} queries, {compared} values compared with trec_eval, "
          f"largest difference {worst:.2e}{'' if not missing else f', queries missing: {sorted(missing)}'}"
          f" -> {'AGREE' if ok else 'DISAGREE'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
