#!/usr/bin/env bash
# Watch-list speed: the UN General Debate corpus less its last 100 speeches is ingested, a watch
# of the 52 queries of ../shared/peers/ungd_queries.tsv repeated 20 times (1,040 queries, ids
# made unique) sets its marks, the last 100 speeches are ingested, and the watch runs again
# (what is new) beside `dossier batch` of the same file on the same index, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${DOSSIER_UNGD:-../shared/corpora/ungd/speeches.jsonl.gz}
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$corpus" "$work" <<'PY'
import gzip, sys
lines = [l for l in gzip.open(sys.argv[1], "rt", encoding="utf-8").read().split("\n") if l.strip()]
open(f"{sys.argv[2]}/old.jsonl", "w").write("\n".join(lines[:-100]) + "\n")
open(f"{sys.argv[2]}/new.jsonl", "w").write("\n".join(lines[-100:]) + "\n")
queries = [l.split("\t", 1)[1] for l in open("../shared/peers/ungd_queries.tsv") if "\t" in l]
with open(f"{sys.argv[2]}/watch.tsv", "w") as f:
    for r in range(20):
        for i, q in enumerate(queries):
            f.write(f"r{r}q{i}\t{q}\n")
PY
bin=target/release/dossier
$bin ingest "$work/old.jsonl" --index "$work/index" --quiet
/usr/bin/time -f "first watch run (sets the marks): %e s" $bin watch "$work/watch.tsv" --index "$work/index" --limit 10 > /dev/null 2> "$work/first.err" || true
tail -1 "$work/first.err"
$bin ingest "$work/new.jsonl" --index "$work/index" --quiet
for pass in 1 2; do
  /usr/bin/time -f "watch after the 100-speech ingest, pass $pass (dry run): %e s" $bin watch "$work/watch.tsv" --index "$work/index" --limit 10 --dry-run > /dev/null 2> "$work/watch.err" || true
  tail -2 "$work/watch.err"
  /usr/bin/time -f "batch of the same 1,040 queries, pass $pass: %e s" $bin batch "$work/watch.tsv" --index "$work/index" --limit 10 > /dev/null 2> "$work/batch.err" || true
  tail -2 "$work/batch.err"
done
