#!/usr/bin/env python3
"""Scores `dossier quote --batch` (and, beside it, a phrase search of the same quotes) on a set
from benches/quote-make-set.py.

    benches/quote-score.py set.jsonl quote-results.jsonl [phrase-results.jsonl] [--misses]

Top-1 is right when the first hit is the passage the quote was cut from (`strict`), or a passage
whose text holds the whole original span too (`top-1`: the same words said again elsewhere are
as good a source; for a quote running into the next passage, either passage). Prints one row per
kind, then the unedited and edited totals, and the time per quote from the quote results'
`took_ms`.
"""
import json
import statistics
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    files = [a for a in sys.argv[1:] if not a.startswith("-")]
    quotes = load(files[0])
    results = {r["id"]: r for r in load(files[1])}
    phrases = {r["id"]: r for r in load(files[2])} if len(files) > 2 else {}
    rows = {}
    misses = []
    for q in quotes:
        kind = q["kind"]
        row = rows.setdefault(kind, {"n": 0, "strict": 0, "lenient": 0, "phrase": 0,
                                     "coverage": []})
        row["n"] += 1
        wanted = {q["passage_id"]}
        if q.get("next_passage_id"):
            wanted.add(q["next_passage_id"])
        r = results.get(q["id"], {})
        hits = r.get("hits") or []
        top = hits[0] if hits else None
        if top and top["passage_id"] in wanted:
            row["strict"] += 1
            row["lenient"] += 1
            row["coverage"].append(top["coverage"])
        elif top and q.get("span") and q["span"] in top["text"]:
            row["lenient"] += 1
            row["coverage"].append(top["coverage"])
        else:
            misses.append((q, top))
        p = phrases.get(q["id"], {})
        phits = p.get("hits") or []
        if phits and (phits[0]["passage_id"] in wanted
                      or (q.get("span") and q["span"] in phits[0]["text"])):
            row["phrase"] += 1

    def line(label, rs):
        n = sum(r["n"] for r in rs)
        if n == 0:
            return
        s = sum(r["strict"] for r in rs)
        lenient = sum(r["lenient"] for r in rs)
        ph = sum(r["phrase"] for r in rs)
        cov = [c for r in rs for c in r["coverage"]]
        mean_cov = statistics.mean(cov) if cov else 0.0
        print(f"{label:<16} {n:>4}   {100 * lenient / n:6.1f}%  {100 * s / n:6.1f}%   "
              f"{100 * ph / n:6.1f}%   {mean_cov:6.3f}")

    print(f"{'kind':<16} {'n':>4}   {'top-1':>7} {'strict':>7}   {'phrase':>7}   coverage")
    order = ["unedited", "trim", "change1", "change2", "drop", "spelling", "punctuation",
             "sentence", "cross_passage"]
    for kind in order + sorted(set(rows) - set(order)):
        if kind in rows:
            line(kind, [rows[kind]])
    print("-" * 62)
    line("unedited", [rows[k] for k in rows if k == "unedited"])
    line("edited", [rows[k] for k in rows if k not in ("unedited", "cross_passage")])
    line("cross_passage", [rows[k] for k in rows if k == "cross_passage"])
    took = [r["took_ms"] for r in results.values() if "took_ms" in r]
    if took:
        took.sort()
        print(f"\ntime per quote (warm, one process, {len(took)} quotes): "
              f"mean {statistics.mean(took):.1f} ms, median {took[len(took) // 2]:.1f} ms, "
              f"p95 {took[int(len(took) * 0.95)]:.1f} ms, max {took[-1]:.1f} ms")
    if "-v" in sys.argv or "--misses" in sys.argv:
        for q, top in misses:
            print("\nMISS", q["id"], q["passage_id"], "|", q["quote"])
            if top:
                print("  got", top["passage_id"], top["coverage"], "|", top["text"][:200])


if __name__ == "__main__":
    main()
