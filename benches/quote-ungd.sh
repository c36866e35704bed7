#!/usr/bin/env bash
# Quote finder benchmark: quotations cut from random passages of the UN General Debate corpus
# (benches/quote-make-set.py, fixed seed: 200 unedited, 200 edited, 50 running into the next
# passage), looked up with `dossier quote --batch` (top 1, warm, one process, one thread), and
# beside it the phrase search of the same text (`dossier search '"…quote…"'`, as a batch).
#
#   benches/quote-ungd.sh                  # builds the index in a temp dir first (about 15 s)
#   INDEX=dir benches/quote-ungd.sh        # reuse an index built from speeches.jsonl.gz
#   SEED=7 benches/quote-ungd.sh           # another set
#   UNEDITED=300 EDITED=700 CROSS=100 benches/quote-ungd.sh   # a larger one
#   MISSES=1 benches/quote-ungd.sh         # also list the quotes whose top hit is wrong
#
# Prints top-1 accuracy per kind of edit (lenient: the first hit holds the quote's original
# words, wherever they are said again; strict: it is the passage the quote was cut from), the
# phrase search's top-1, the mean coverage of right hits, and the time per quote.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${DOSSIER_UNGD:-../shared/corpora/ungd/speeches.jsonl.gz}
[ -f "$corpus" ] || { echo "no corpus at $corpus (set DOSSIER_UNGD)"; exit 1; }
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/dossier
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${INDEX:-}" ]; then
  INDEX=$work/index
  "$bin" ingest "$corpus" --index "$INDEX" --quiet
fi
# The passages as the index holds them (same chunking, same ids), to cut quotes from.
"$bin" chunk "$corpus" --format jsonl > "$work/passages.jsonl"
python3 benches/quote-make-set.py "$work/passages.jsonl" --seed "${SEED:-15}" \
  --unedited "${UNEDITED:-200}" --edited "${EDITED:-200}" --cross "${CROSS:-50}" \
  > "$work/set.jsonl" 2> /dev/null
# The phrase search of each quote: its text between double quotes (its own double quotes out).
python3 - "$work/set.jsonl" > "$work/phrases.jsonl" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    q = json.loads(line)
    text = q["quote"].replace('"', " ").replace("“", " ").replace("”", " ")
    print(json.dumps({"id": q["id"], "query": f'"{text}"'}, ensure_ascii=False))
EOF
# Twice: the first pass warms the page cache (and is not measured).
"$bin" quote --index "$INDEX" --batch "$work/set.jsonl" -n 1 > /dev/null 2>&1
"$bin" quote --index "$INDEX" --batch "$work/set.jsonl" -n 1 > "$work/quote.jsonl"
"$bin" batch --index "$INDEX" "$work/phrases.jsonl" -n 1 --threads 1 > "$work/phrase.jsonl" \
  2> "$work/phrase.err" || true
sed 's/^/phrase search: /' "$work/phrase.err"
python3 benches/quote-score.py "$work/set.jsonl" "$work/quote.jsonl" "$work/phrase.jsonl" \
  ${MISSES:+--misses}
