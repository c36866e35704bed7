#!/usr/bin/env bash
# Relevance on the three test collections in ../shared/corpora (TIME, Cranfield, CISI):
# ingest docs.jsonl → batch queries.tsv (TREC run, documents by their best passage, 1,000 per
# query) → eval against qrels.txt, one table next to the peers' figures measured on this machine
# class. With ir-measures installed (pip install ir-measures pytrec-eval-terrier), every run is
# also scored by trec_eval and checked to agree to 4 decimals (benches/verify-eval.py).
#
#   benches/collections.sh                       # ../shared/corpora
#   CORPORA=path/to/corpora benches/collections.sh
#
# The collections' documents are one paragraph each and judged whole, so they are ingested
# without splitting long paragraphs (--max-passage-chars 1000000); the queries are natural
# language, so they run as plain words ranked by any word (--plain --match any), as the peers'.
set -euo pipefail
cd "$(dirname "$0")/.."
corpora=${CORPORA:-../shared/corpora}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/dossier
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A peers=(
  [time]="FTS5 0.754 · tantivy en_stem 0.743 · Lucene 0.737 · Xapian 0.739"
  [cranfield]="bm25s 0.360 · FTS5 0.359 · Lucene 0.358 · tantivy 0.357"
  [cisi]="bm25s 0.381 · Lucene 0.375 · FTS5 0.361 · tantivy 0.360"
)
printf '%-10s %8s %8s %8s %8s %8s  %s\n' collection nDCG@10 AP@100 R@100 RR@10 P@10 "peers (nDCG@10)"
for c in time cranfield cisi; do
  dir=$corpora/$c
  [ -d "$dir" ] || { echo "$c: no collection at $dir"; continue; }
  $bin ingest "$dir/docs.jsonl" --index "$work/$c" --max-passage-chars 1000000 --quiet || true
  $bin batch "$dir/queries.tsv" --index "$work/$c" --format trec --trec-unit document \
    --limit 1000 --plain --match any --output "$work/$c.run" 2> /dev/null
  json=$($bin eval --qrels "$dir/qrels.txt" --run "$work/$c.run" --format json)
  python3 - "$c" "${peers[$c]}" <<PY
import json, sys
m = json.loads('''$json''')["mean"]
print(f"{sys.argv[1]:<10} {m['nDCG@10']:8.4f} {m['AP@100']:8.4f} {m['R@100']:8.4f} {m['RR@10']:8.4f} {m['P@10']:8.4f}  {sys.argv[2]}")
PY
  if python3 -c 'import ir_measures' 2> /dev/null; then
    python3 benches/verify-eval.py "$dir/qrels.txt" "$work/$c.run" "$bin" | sed 's/^/           /'
  fi
done
