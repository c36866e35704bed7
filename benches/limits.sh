#!/usr/bin/env bash
# Hostile and huge input: what dossier does with each, with its peak memory (/usr/bin/time -v).
# Inputs are generated in a temp dir; nothing is left behind.
#
#   benches/limits.sh                          # UN index built from ../shared/corpora/ungd
#   INDEX=/tmp/un benches/limits.sh            # an existing index of the UN corpus
#   QUERIES=100000 benches/limits.sh           # a shorter batch file than 1,000,000 queries
#                                              # (run on an index of fixtures/commentary, ungd)
#
# Each line: the case, the exit code, wall time, peak RSS, and what dossier said (the last
# line of stderr, or the first error record).
set -eu  # no pipefail: `yes | head` ends `yes` with SIGPIPE
cd "$(dirname "$0")/.."
corpus=${DOSSIER_UNGD:-../shared/corpora/ungd/speeches.jsonl.gz}
queries=${QUERIES:-1000000}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-$(pwd)/target}/release/dossier
fixtures=$(pwd)/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

run() { # label, command... (stdout to $work/out)
  local label=$1; shift
  local rc=0
  /usr/bin/time -v "$@" > out 2> err || rc=$?
  local wall rss said
  wall=$(grep 'Elapsed (wall clock)' err | awk '{print $NF}')
  rss=$(grep 'Maximum resident' err | awk '{print int($NF/1024)}')
  said=$(grep -v '^\s' err | grep -v 'Command exited\|Command terminated' | tail -1 | cut -c1-160)
  [ -n "$said" ] || said=$(grep -a 'passages\? match' out | tail -1)
  printf '%-44s exit %s  wall %8s  peak RSS %5s MB\n    %s\n' "$label" "$rc" "$wall" "$rss" "$said"
}

echo "== input files"
yes 'The Council met in New York and decided to extend the mandate of the mission by a year.' \
  | head -c 1G > big.txt
run "1 GB text file: ingest" "$bin" ingest big.txt --index idx1
yes 'Sanctions were lifted and the talks resumed. ' | tr -d '\n' | head -c 100M > line.txt
run "100 MB single line: ingest" "$bin" ingest line.txt --index idx2
run "100 MB single line: ingest, limit 128 MB" "$bin" ingest line.txt --index idx2 --max-document-mb 128
python3 - <<'PY'
depth = 100_000
with open("deep.html", "w") as f:
    f.write("<html><body>" + "<div>" * depth + "<p>Deep in the page the text says sanctions.</p>"
            + "</div>" * depth + "</body></html>")
import json
sentence = "The delegation raised the question of sanctions before the Assembly. "
with open("big-record.jsonl", "w") as f:
    f.write(json.dumps({"id": "small", "text": "A short record before it."}) + "\n")
    f.write(json.dumps({"id": "ten-mb", "text": sentence * (10_000_000 // len(sentence))}) + "\n")
    f.write(json.dumps({"id": "after", "text": "A short record after it."}) + "\n")
PY
run "HTML nested 100,000 deep: ingest" "$bin" ingest deep.html --index idx3
run "10 MB JSON line: ingest" "$bin" ingest big-record.jsonl --index idx4
# A gzip bomb: 2 GB of one letter in one line, after one good record (about 2 MB compressed).
{ echo '{"id": "before", "text": "A good record before the bomb."}'; printf '{"id": "bomb", "text": "'
  head -c 2G /dev/zero | tr '\0' 'a'; echo '"}'; } | gzip -9 > bomb.jsonl.gz
echo "    (bomb.jsonl.gz: $(stat -c %s bomb.jsonl.gz) bytes, inflating to 2 GB)"
run "gzip bomb (one 2 GB line): ingest" "$bin" ingest bomb.jsonl.gz --index idx5
head -c 2G /dev/zero | tr '\0' '\n' | gzip -9 > blank.jsonl.gz
run "gzip bomb (2 GB of newlines): ingest" "$bin" ingest blank.jsonl.gz --index idx6

echo "== queries"
if [ -n "${INDEX:-}" ]; then
  un=$INDEX
else
  [ -f "$OLDPWD/$corpus" ] || { echo "no corpus at $corpus (set DOSSIER_UNGD or INDEX)"; exit 1; }
  run "UN corpus: ingest" "$bin" ingest "$OLDPWD/$corpus" --index un --quiet
  un=$work/un
fi
python3 - "$OLDPWD/benches/queries-ungd.txt" "$queries" <<'PY'
import random, sys
random.seed(11)
words = "peace security development nations council sanctions nuclear terrorism cooperation".split()
open("words.txt", "w").write(" ".join(random.choice(words) for _ in range(100_000)) + "\n")
open("parens.txt", "w").write("(" * 10_000 + "peace" + ")" * 10_000 + "\n")
speech = ("We reaffirm our commitment to the principles of the Charter and to multilateral "
          "cooperation in the fields of development security disarmament and human rights").split()
speech = [w for w in speech if len(w) >= 3]  # a fuzzy word needs three letters
open("fuzzy.txt", "w").write(" ".join(w + "~2" for w in (speech * 5)[:100]) + "\n")
base = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
with open("million.txt", "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(base[i % len(base)] + "\n")
PY
run "query of 100,000 words (batch)" "$bin" batch words.txt --index "$un"
echo "    $(cut -c1-160 out)"
run "10,000 nested parentheses (batch)" "$bin" batch parens.txt --index "$un"
echo "    $(cut -c1-160 out)"
run "a* on the UN corpus" "$bin" search 'a*' --index "$un" -n 10
run "ab* on the UN corpus" "$bin" search 'ab*' --index "$un" -n 10
run "co* on the UN corpus" "$bin" search 'co*' --index "$un" -n 10
run "~2 on each of 100 words (UN corpus)" "$bin" search "$(cat fuzzy.txt)" --index "$un" -n 10
# The million queries run on the small fixture index: what is measured is that the file is
# streamed (memory stays flat), not the speed of a million searches of the whole corpus.
"$bin" ingest "$fixtures/commentary" "$fixtures/ungd" --index fix --quiet
run "$queries queries in one batch file (fixtures)" "$bin" batch million.txt --index fix --format trec -n 10 --output run.trec
echo "    $(wc -l < run.trec) run lines"
