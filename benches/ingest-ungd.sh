#!/usr/bin/env bash
# Full-corpus ingest benchmark: the UN General Debate corpus (10,952 speeches, 199 MB of text in
# a 66 MB gzip feed) ingested from scratch, then again with nothing changed.
#
#   benches/ingest-ungd.sh                 # corpus at ../shared/corpora/ungd/speeches.jsonl.gz
#   DOSSIER_UNGD=path/speeches.jsonl.gz benches/ingest-ungd.sh
#   PEER=1 benches/ingest-ungd.sh          # also index the same speeches with tantivy-py
#                                          # (../shared/peers, pip install tantivy) in the same run
#
# Prints wall time, CPU, peak memory (/usr/bin/time -v) and index size. Machines are noisy:
# compare figures from one run.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${DOSSIER_UNGD:-../shared/corpora/ungd/speeches.jsonl.gz}
[ -f "$corpus" ] || { echo "no corpus at $corpus (set DOSSIER_UNGD)"; exit 1; }
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -v "$@" 2> "$work/time" > /dev/null || true
  local wall cpu rss
  wall=$(grep 'Elapsed (wall clock)' "$work/time" | awk '{print $NF}')
  cpu=$(grep 'Percent of CPU' "$work/time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$work/time" | awk '{print int($NF/1024)}')
  grep -E '^dossier: [0-9]+ documents' "$work/time" | sed 's/^/    /' || true
  printf '%-34s wall %8s  cpu %5s  peak RSS %5s MB\n' "$label" "$wall" "$cpu" "$rss"
}

echo "corpus: $corpus"
measure "dossier ingest (from scratch)" target/release/dossier ingest "$corpus" --index "$work/index"
printf '%-34s %s MB\n' "dossier index size" "$(du -sm "$work/index" | cut -f1)"
measure "dossier ingest (nothing changed)" target/release/dossier ingest "$corpus" --index "$work/index"

if [ "${PEER:-0}" = 1 ]; then
  peers=../shared/peers
  python3 "$peers/make_passages.py" "$corpus" "$work/passages.jsonl" > /dev/null 2>&1
  measure "tantivy-py index (pre-split)" python3 "$peers/peer_tantivy_py.py" index "$work/passages.jsonl" "$work/tantivy-py"
  printf '%-34s %s MB\n' "tantivy-py index size" "$(du -sm "$work/tantivy-py" | cut -f1)"
fi
