#!/usr/bin/env bash
# Precision and recall of copy folding on the whole UN General Debate corpus: 200 speeches are
# held out, the other 10,752 indexed, and 3,000 outlet articles made by benches/copies-make.py
# copy their passages (light edits) beside paragraphs of the held-out speeches (their openings
# among them). Scored by benches/copies.rs; also prints the clusters the speeches form among
# themselves (a speech repeating an earlier year's paragraph, a quoted Charter article, a
# speech filed twice), --show N of them for review.
#
#   benches/copies-ungd.sh                # corpus at ../shared/corpora/ungd/speeches.jsonl.gz
#   OUTLETS=1000 SHOW=40 benches/copies-ungd.sh
#   KEEP=dir benches/copies-ungd.sh       # work in dir (the test set, the indexes) and keep it
#
# The index is built twice: in one run (the outlets' copies found in memory), and in two (the
# speeches, then the outlets, whose copies are found among the committed passages).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${DOSSIER_UNGD:-../shared/corpora/ungd/speeches.jsonl.gz}
[ -f "$corpus" ] || { echo "no corpus at $corpus (set DOSSIER_UNGD)"; exit 1; }
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/dossier
if [ -n "${KEEP:-}" ]; then
  work=$KEEP
  rm -rf "$work/one" "$work/two"
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

python3 - "$corpus" "$work" <<'EOF'
import gzip, json, os, random, sys
corpus, work = sys.argv[1], sys.argv[2]
records = [json.loads(l) for l in gzip.open(corpus, "rt", encoding="utf-8")]
ids = sorted(r["id"] for r in records)
held = set(random.Random(15).sample(ids, 200))
with open(os.path.join(work, "speeches.jsonl"), "w", encoding="utf-8") as kept, \
     open(os.path.join(work, "holdout.jsonl"), "w", encoding="utf-8") as out:
    for r in records:
        (out if r["id"] in held else kept).write(json.dumps(r, ensure_ascii=False) + "\n")
EOF
"$bin" chunk "$work/speeches.jsonl" --format jsonl > "$work/speech-passages.jsonl"
"$bin" chunk "$work/holdout.jsonl" --format jsonl > "$work/holdout-passages.jsonl"
python3 benches/copies-make.py "$work/speech-passages.jsonl" "$work/holdout-passages.jsonl" \
  "$work/outlets" --outlets "${OUTLETS:-3000}" --seed 15
"$bin" chunk "$work/outlets/outlets.jsonl" --format jsonl > "$work/outlets/chunked.jsonl"
python3 benches/copies-make.py --align "$work/outlets/chunked.jsonl" "$work/outlets"

echo "== one run: speeches and outlets"
/usr/bin/time -f "ingest: %e s, %M KB" "$bin" ingest "$work/speeches.jsonl" "$work/outlets/outlets.jsonl" \
  --index "$work/one" --quiet
cargo bench --quiet --bench copies -- "$work/one" "$work/outlets/truth.tsv" --show "${SHOW:-20}" 2> /dev/null

echo "== two runs: the speeches, then the outlets"
"$bin" ingest "$work/speeches.jsonl" --index "$work/two" --quiet
/usr/bin/time -f "second ingest (outlets into the speeches' index): %e s, %M KB" \
  "$bin" ingest "$work/outlets/outlets.jsonl" --index "$work/two" --quiet
cargo bench --quiet --bench copies -- "$work/two" "$work/outlets/truth.tsv" --show 0 2> /dev/null
