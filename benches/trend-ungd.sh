#!/usr/bin/env bash
# Trend latency on the full UN General Debate corpus: `nuclear` by year over all its years,
# warm, 30 runs in one process (target: under 50 ms), and `"nuclear weapons"` by country.
#
#   benches/trend-ungd.sh               # builds the index in a temp dir first
#   INDEX=dir benches/trend-ungd.sh     # reuse an index built from speeches.jsonl.gz
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${DOSSIER_UNGD:-../shared/corpora/ungd/speeches.jsonl.gz}
cargo build --release --quiet
if [ -z "${INDEX:-}" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  INDEX=$work/index
  target/release/dossier ingest "$corpus" --index "$INDEX" --quiet
fi
cargo bench --quiet --bench trend -- "$INDEX" nuclear year 2> /dev/null
cargo bench --quiet --bench trend -- "$INDEX" '"nuclear weapons"' country 2> /dev/null
