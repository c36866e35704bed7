#!/usr/bin/env bash
# A longer kill campaign than the test `crash` (tests/it/crash.rs): `dossier ingest` killed
# with SIGKILL at random moments, KILLS times, over DOCS generated documents edited between
# runs (15% rewritten, some added, some deleted; every fourth run a --rebuild).
#
# After each kill it checks that the index holds exactly the last commit or the new one (the
# passages, by id and text, as a clean ingest of the same files into a scratch index gives
# them), that a search answers, then runs the ingest again to completion and checks that it
# holds the new state, with no passage twice and no file in the index directory that no commit
# uses (orphan segments, temporary files). With FULL_DISK=1 and root, it then fills a small
# tmpfs during an ingest and checks the error and the index.
#
#   KILLS=200 DOCS=1000 SEED=1 DOSSIER=target/release/dossier benches/crash.sh
#
# Prints one line per kill and a summary; exits 1 on the first violation. Bounded: KILLS runs.
set -euo pipefail

KILLS=${KILLS:-200}
DOCS=${DOCS:-1000}
SEED=${SEED:-1}
DOSSIER=${DOSSIER:-target/release/dossier}
DOSSIER=$(realpath "$DOSSIER")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir docs

# The corpus: generate, or edit one round (ROUND > 0).
corpus() {
  python3 - "$1" "$DOCS" "$SEED" <<'EOF'
import os, random, sys
round_, docs, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed * 1000 + round_)
words = [''.join(random.Random(seed + i).choice('abcdefghijklmnopqrstuvwxyz')
                 for _ in range(3 + i % 7)) for i in range(5000)]
def text(n):
    paras = [' '.join(['zebramark', f'edition{round_}'] +
                      [r.choice(words) for _ in range(r.randint(20, 60))]) + '.'
             for _ in range(r.randint(3, 7))]
    return f'Generated document {n}\n\n' + '\n\n'.join(paras) + '\n'
files = sorted(os.listdir('docs'))
if round_ == 0:
    for n in range(docs):
        open(f'docs/doc{n:05}.txt', 'w').write(text(n))
else:
    for f in files:
        if r.random() < 0.15:
            open(f'docs/{f}', 'w').write(text(f))
    for f in r.sample(files, min(len(files) - 1, docs // 80)):
        os.remove(f'docs/{f}')
    start = int(open('.next-doc').read()) if os.path.exists('.next-doc') else docs
    for n in range(start, start + docs // 60):
        open(f'docs/doc{n:05}.txt', 'w').write(text(n))
    open('.next-doc', 'w').write(str(start + docs // 60))
EOF
}

# Every passage of an index: `passage_id<TAB>text`, sorted; fails on a passage twice.
dump() {
  "$DOSSIER" search zebramark --index "$1" --format jsonl --no-fold -n 100000000 2>/dev/null |
    python3 -c '
import json, sys
rows = sorted(json.loads(l)["passage_id"] + "\t" + json.loads(l)["text"] for l in sys.stdin)
ids = [r.split("\t")[0] for r in rows]
assert len(ids) == len(set(ids)), "a passage indexed twice"
print("\n".join(rows))'
}

# Files in an index directory that no commit uses.
leftovers() {
  python3 - "$1" <<'EOF'
import json, os, sys
d = sys.argv[1]
live = {s["segment_id"].replace("-", "") for s in json.load(open(f"{d}/meta.json"))["segments"]}
known = {"meta.json", ".managed.json", ".tantivy-meta.lock", ".tantivy-writer.lock"}
print(" ".join(sorted(f for f in os.listdir(d) if f not in known and f.split(".")[0] not in live)))
EOF
}

now() { date +%s.%N; }
random_delay() { python3 -c "import random; r=random.Random($SEED*7919+$1); print(f'{r.random()*$2:.3f}')"; }

corpus 0
t0=$(now)
"$DOSSIER" ingest "$WORK/docs" --index idx -q
full=$(python3 -c "print($(now) - $t0)")
incremental=$(python3 -c "print($full / 2)")
dump idx > committed
before=0 after=0 left=0
started=$(now)
for round in $(seq 1 "$KILLS"); do
  corpus "$round"
  rm -rf clean && "$DOSSIER" ingest "$WORK/docs" --index clean -q && dump clean > next
  if (( round % 4 == 0 )); then mode=--rebuild window=$full; else mode=--prune window=$incremental; fi
  delay=$(random_delay "$round" "$window")
  "$DOSSIER" ingest "$WORK/docs" --index idx -q "$mode" 2>/dev/null & pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  dump idx > now || { echo "round $round: the index cannot be read after the kill"; exit 1; }
  if cmp -s now committed; then state=before; before=$((before + 1))
  elif cmp -s now next; then state=after; after=$((after + 1))
  else echo "round $round: killed after $delay s ($mode): the index holds neither state"; exit 1; fi
  rest=$(leftovers idx); [[ -n $rest ]] && left=$((left + 1))
  "$DOSSIER" search zebramark --index idx -n 1 > /dev/null
  t=$(now)
  "$DOSSIER" ingest "$WORK/docs" --index idx -q "$mode"
  if [[ $state == before ]]; then
    took=$(python3 -c "print($(now) - $t)")
    if [[ $mode == --rebuild ]]; then full=$took; else incremental=$took; fi
  fi
  dump idx > now
  cmp -s now next || { echo "round $round: the next run did not finish the job"; exit 1; }
  rest=$(leftovers idx)
  [[ -z $rest ]] || { echo "round $round: left behind after the next run: $rest"; exit 1; }
  mv next committed
  printf 'round %3d  %-9s killed at %6.3f of %6.3f s: %-6s  left behind: %s\n' \
    "$round" "$mode" "$delay" "$window" "$state" "${rest:-none}"
done
echo "crash: $KILLS kills over $(ls docs | wc -l) documents in $(python3 -c "print(round($(now) - $started))") s:" \
  "$before before the commit, $after after it, 0 documents lost, 0 duplicates;" \
  "$left kills left files behind, all removed by the next run"

if [[ ${FULL_DISK:-0} == 1 && $(id -u) == 0 ]]; then
  mkdir tfs && mount -t tmpfs -o size=512k tmpfs tfs
  trap 'umount "$WORK/tfs" 2>/dev/null; rm -rf "$WORK"' EXIT
  ls docs | head -20 | sed 's|^|docs/|' | xargs "$DOSSIER" ingest --index tfs/idx -q
  dump tfs/idx > small
  set +e
  "$DOSSIER" ingest "$WORK/docs" --index tfs/idx -q; code=$?
  set -e
  dump tfs/idx > now
  [[ $code == 2 ]] && cmp -s now small && echo "full disk: exit $code, index unchanged at its last commit" ||
    { echo "full disk: exit $code, or the index changed"; exit 1; }
fi
