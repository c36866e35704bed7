#!/usr/bin/env bash
# Batch speed benchmark: 1,000 analyst-style queries (benches/queries-ungd.txt: words, phrases,
# OR, exclusions, prefixes) against the full UN General Debate index (~388k passages), top 10
# hits per query with highlights and citations, JSONL output, all cores.
#
#   benches/batch-ungd.sh               # builds the index in a temp dir first (about 8 s)
#   INDEX=dir benches/batch-ungd.sh     # reuse an index built from speeches.jsonl.gz
#
# Reports queries per second from three passes (the summary line of `dossier batch`, which times
# the queries, not opening the index) and the whole command's wall time.
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
target/release/dossier stats --index "$INDEX" | sed -n '2,3p'
for pass in 1 2 3; do
  /usr/bin/time -f "pass $pass: whole command %e s wall, %M KB peak" \
    target/release/dossier batch benches/queries-ungd.txt --index "$INDEX" --format jsonl > /dev/null
done
