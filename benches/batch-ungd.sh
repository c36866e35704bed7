#!/usr/bin/env bash
# Batch speed benchmark against the full UN General Debate index (~388k passages), top 10 hits
# per query, JSONL output with highlights, citations and folded copies, all cores; beside it, in
# the same run, tantivy-py (../shared/peers, `pip install tantivy`) answering the same queries
# with ids only, for a ratio.
#
#   benches/batch-ungd.sh               # builds both indexes in a temp dir first (about a minute)
#   INDEX=dir benches/batch-ungd.sh     # reuse a dossier index built from speeches.jsonl.gz
#
# Three query sets: the 52 queries of ../shared/peers/ungd_queries.tsv repeated 20 times (1,040,
# the set tantivy-py answers too), the 1,000 analyst-style queries of benches/queries-ungd.txt
# (words, phrases, OR, exclusions, prefixes), and the 200 most frequent words that are not stop
# words (benches/common-words-ungd.txt, tens of thousands of passages each) repeated 5 times;
# tantivy-py answers them too, with its block-max pruning and no count. Each figure is the whole command's wall
# time (index opening and output included), best of three passes, passes of the engines
# alternating.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${DOSSIER_UNGD:-../shared/corpora/ungd/speeches.jsonl.gz}
peers=../shared/peers
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${INDEX:-}" ]; then
  INDEX=$work/index
  target/release/dossier ingest "$corpus" --index "$INDEX" --quiet
fi
target/release/dossier stats --index "$INDEX" | sed -n '2,3p'
for _ in $(seq 20); do cut -f2 "$peers/ungd_queries.tsv"; done > "$work/q1040.txt"
for i in $(seq 20); do awk -F'\t' -v i="$i" '{print $1 "_" i "\t" $2}' "$peers/ungd_queries.tsv"; done > "$work/q1040.tsv"
for _ in $(seq 5); do grep -v '^#' benches/common-words-ungd.txt; done > "$work/common.txt"
awk '{print "w" NR "\t" $0}' "$work/common.txt" > "$work/common.tsv"

wall() { # command... → seconds of wall time
  /usr/bin/time -f "%e" -o "$work/t" "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  cat "$work/t"
}
best() { sort -n | head -1; }

peer=0
if python3 -c 'import tantivy' 2> /dev/null; then
  python3 "$peers/make_passages.py" "$corpus" "$work/passages.jsonl" > /dev/null 2>&1
  python3 "$peers/peer_tantivy_py.py" index "$work/passages.jsonl" "$work/tantivy-py" > /dev/null 2>&1
  peer=1
else
  echo "tantivy-py not installed (pip install tantivy): no peer figure"
fi
: > "$work/d"; : > "$work/p"; : > "$work/a"; : > "$work/c"; : > "$work/pc"
for _ in 1 2 3; do
  wall target/release/dossier batch "$work/q1040.txt" --index "$INDEX" --format jsonl >> "$work/d"
  [ "$peer" = 1 ] && wall python3 "$peers/peer_tantivy_py.py" query "$work/tantivy-py" "$work/q1040.tsv" -k 10 -o "$work/run" >> "$work/p"
  wall target/release/dossier batch benches/queries-ungd.txt --index "$INDEX" --format jsonl >> "$work/a"
  wall target/release/dossier batch "$work/common.txt" --index "$INDEX" --format jsonl >> "$work/c"
  [ "$peer" = 1 ] && wall python3 "$peers/peer_tantivy_py.py" query "$work/tantivy-py" "$work/common.tsv" -k 10 -o "$work/run" >> "$work/pc"
done
d=$(best < "$work/d")
printf 'dossier batch, 1,040 queries (52 x 20), top 10 with highlights: %s s, %.0f q/s\n' "$d" "$(echo "1040 / $d" | bc -l)"
if [ "$peer" = 1 ]; then
  p=$(best < "$work/p")
  printf 'tantivy-py, same 1,040 queries, top 10 ids only:            %s s, %.0f q/s\n' "$p" "$(echo "1040 / $p" | bc -l)"
  printf 'ratio (dossier q/s / tantivy-py q/s): %.2fx\n' "$(echo "$p / $d" | bc -l)"
fi
a=$(best < "$work/a")
printf 'dossier batch, 1,000 analyst queries (benches/queries-ungd.txt): %s s, %.0f q/s\n' "$a" "$(echo "1000 / $a" | bc -l)"
c=$(best < "$work/c")
printf 'dossier batch, 200 common words x 5 (benches/common-words-ungd.txt): %s s, %.0f q/s\n' "$c" "$(echo "1000 / $c" | bc -l)"
if [ "$peer" = 1 ]; then
  pc=$(best < "$work/pc")
  printf 'tantivy-py, same 1,000 words, top 10 ids only:                      %s s, %.0f q/s\n' "$pc" "$(echo "1000 / $pc" | bc -l)"
  printf 'ratio (dossier q/s / tantivy-py q/s): %.2fx\n' "$(echo "$pc / $c" | bc -l)"
fi
