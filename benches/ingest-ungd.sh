#!/usr/bin/env bash
# Full-corpus ingest benchmark: the UN General Debate corpus (10,952 speeches, 199 MB of text in
# a 66 MB gzip feed) ingested from scratch, then again with nothing changed.
#
#   benches/ingest-ungd.sh                 # corpus at ../shared/corpora/ungd/speeches.jsonl.gz
#   DOSSIER_UNGD=path/speeches.jsonl.gz benches/ingest-ungd.sh
#   PEER=1 benches/ingest-ungd.sh          # also index the same speeches with tantivy-py
#                                          # (../shared/peers, pip install tantivy) in the same run
#   FLOOR=0 benches/ingest-ungd.sh         # without the floor (below)
#
# Prints wall time, CPU, peak memory (/usr/bin/time -v) and index size, and beside them, in the
# same run, the floor: the plain-tantivy indexer of ../shared/peers/floor over the same speeches
# pre-split into passages (built into target/floor on first use), two passes of each,
# alternating, with the ratio of the best whole-process wall times. Machines are noisy: compare
# figures from one run.
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

seconds() { # the wall time of the last `measure`, in seconds
  grep 'Elapsed (wall clock)' "$work/time" |
    awk '{n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}'
}

echo "corpus: $corpus"
floor_bin=""
if [ "${FLOOR:-1}" = 1 ]; then
  CARGO_TARGET_DIR=$PWD/target/floor cargo build --release --quiet \
    --manifest-path ../shared/peers/floor/Cargo.toml
  floor_bin=target/floor/release/floor
  python3 ../shared/peers/make_passages.py "$corpus" "$work/passages.jsonl" > /dev/null 2>&1
fi
dossier_best=""; floor_best=""
for pass in 1 2; do
  rm -rf "$work/index" "$work/floor"
  measure "dossier ingest (from scratch) #$pass" target/release/dossier ingest "$corpus" --index "$work/index"
  t=$(seconds); dossier_best=$(printf '%s\n%s\n' "$t" "$dossier_best" | grep . | sort -n | head -1)
  if [ -n "$floor_bin" ]; then
    measure "floor (plain tantivy) #$pass" "$floor_bin" index "$work/passages.jsonl" "$work/floor" 2 400
    t=$(seconds); floor_best=$(printf '%s\n%s\n' "$t" "$floor_best" | grep . | sort -n | head -1)
  fi
done
printf '%-34s %s MB\n' "dossier index size" "$(du -sm "$work/index" | cut -f1)"
if [ -n "$floor_bin" ]; then
  printf '%-34s %s MB\n' "floor index size" "$(du -sm "$work/floor" | cut -f1)"
  printf 'ratio of best walls (dossier / floor): %s s / %s s = %.2fx\n' "$dossier_best" "$floor_best" \
    "$(echo "$dossier_best / $floor_best" | bc -l)"
fi
measure "dossier ingest (nothing changed)" target/release/dossier ingest "$corpus" --index "$work/index"

if [ "${PEER:-0}" = 1 ]; then
  peers=../shared/peers
  python3 "$peers/make_passages.py" "$corpus" "$work/passages.jsonl" > /dev/null 2>&1
  measure "tantivy-py index (pre-split)" python3 "$peers/peer_tantivy_py.py" index "$work/passages.jsonl" "$work/tantivy-py"
  printf '%-34s %s MB\n' "tantivy-py index size" "$(du -sm "$work/tantivy-py" | cut -f1)"
fi
