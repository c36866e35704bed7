#!/usr/bin/env bash
# Fuzzing with a time budget: the properties of tests/it/fuzz.rs (analyzer offsets, query parser
# and compiler, chunker citations, Markdown/HTML/JSONL readers, gzip feeds) run again and again,
# each time with fresh random seeds and CASES cases per property, until SECONDS are spent.
#
#   benches/fuzz.sh 300            # five minutes, 1,000 cases per property per round
#   benches/fuzz.sh 60 200         # a minute, 200 cases per property per round
#   RELEASE=1 benches/fuzz.sh 300  # the optimised build: more cases, but no overflow checks
#
# By default the properties run in the test build `cargo test` uses, with overflow and debug
# checks on: an arithmetic overflow is a crash there, silent wrapping in a release build.
# Prints the rounds, the cases run per property and in all, and every failure with the smallest
# input proptest shrank it to (the logs stay in the directory printed at the end). A failure is
# a crash or a broken property: make it a fixed case in `found_by_fuzzing` (tests/it/fuzz.rs).
# Exit code 1 when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-300}
cases=${2:-${DOSSIER_FUZZ_CASES:-1000}}
profile=()
[ "${RELEASE:-0}" = 1 ] && profile=(--release)
cargo test "${profile[@]}" --test it --no-run --quiet 2> /dev/null
logs=$(mktemp -d)
start=$(date +%s)
round=0
while :; do
  left=$(( budget - ($(date +%s) - start) ))
  [ "$left" -gt 0 ] || break
  round=$((round + 1))
  # The last round is cut at the budget; its unfinished properties count no cases.
  DOSSIER_FUZZ_CASES=$cases timeout --signal=KILL "$left" \
    cargo test "${profile[@]}" --quiet --test it fuzz:: -- --nocapture --test-threads 2 \
    > "$logs/round-$round.log" 2>&1 || true
done
elapsed=$(( $(date +%s) - start ))
echo "fuzz: $round rounds in $elapsed s, $cases cases per property per round"
# (Tests run two at a time: a line can start with another test's output.)
grep -aoh 'fuzz: [^:]*: [0-9]* cases passed' "$logs"/round-*.log \
  | sed -E 's/^fuzz: (.*): ([0-9]+) cases passed/\1\t\2/' \
  | awk -F'\t' '{cases[$1] += $2; total += $2} END {
      for (p in cases) printf "  %-26s %9d cases\n", p, cases[p];
      printf "  %-26s %9d cases\n", "all properties", total }'
failures=$(cat "$logs"/round-*.log | grep -ac 'fuzz property .* failed' || true)
echo "failures (crashes or broken properties): $failures"
if [ "$failures" -gt 0 ]; then
  grep -ah -A12 'fuzz property .* failed' "$logs"/round-*.log | grep -av '^\s*[0-9]*: \|^\s*at ' | head -100
fi
echo "logs: $logs"
[ "$failures" -eq 0 ]
