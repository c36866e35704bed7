#!/usr/bin/env bash
# What copy signatures cost at ingest (issue 15: at most 10%): the full UN General Debate feed
# ingested from scratch by the release binary, and by the same code built without signatures
# (`--features bench-no-copy-signatures`: every passage its own cluster), passes alternating,
# RUNS pairs (default 4). Prints each pass, then the mean and best wall, the mean CPU (user +
# system), peak RSS and index size of each, and the ratios.
#
#   benches/copies-cost.sh
#   RUNS=6 benches/copies-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${DOSSIER_UNGD:-../shared/corpora/ungd/speeches.jsonl.gz}
[ -f "$corpus" ] || { echo "no corpus at $corpus (set DOSSIER_UNGD)"; exit 1; }
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --features bench-no-copy-signatures
cp "$target/release/dossier" "$work/without"
cargo build --release --quiet
cp "$target/release/dossier" "$work/with"
: > "$work/runs"
for _ in $(seq "${RUNS:-4}"); do
  for variant in without with; do
    rm -rf "$work/index"
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$work/$variant" ingest "$corpus" \
      --index "$work/index" --quiet
    size=$(du -sm "$work/index" | cut -f1)
    echo "$variant $(cat "$work/t") $size" | tee -a "$work/runs"
  done
done
awk '{
  n[$1]++; wall[$1] += $2; cpu[$1] += $3 + $4; rss[$1] += $5; size[$1] = $6
  if (!($1 in best) || $2 < best[$1]) best[$1] = $2
} END {
  for (v in n) printf "%-8s mean wall %6.2f s  best %6.2f s  mean cpu %6.2f s  peak RSS %4d MB  index %d MB\n", \
    v, wall[v] / n[v], best[v], cpu[v] / n[v], rss[v] / n[v] / 1024, size[v]
  printf "signatures cost: mean wall %+.1f%%, best wall %+.1f%%, mean cpu %+.1f%%\n", \
    100 * (wall["with"] / n["with"]) / (wall["without"] / n["without"]) - 100, \
    100 * best["with"] / best["without"] - 100, \
    100 * (cpu["with"] / n["with"]) / (cpu["without"] / n["without"]) - 100
}' "$work/runs"
