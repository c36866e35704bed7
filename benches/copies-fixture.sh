#!/usr/bin/env bash
# Remakes fixtures/copies/, the copy-folding test set of tests/it/copies.rs, from the CC0 UN
# General Debate corpus (see fixtures/README.md):
#
#   openings.jsonl.gz  the first three passages of 40 speeches of 2015 and 40 of 2017 (indexed
#                      in the test beside fixtures/ungd and fixtures/feeds: near-formulaic
#                      openings that must not fold with each other)
#   outlets.jsonl      60 outlet articles from benches/copies-make.py: copies of those passages
#                      with light edits, beside paragraphs of 60 other speeches of the same
#                      sessions (their openings too), which are not indexed
#   truth.tsv          which outlet paragraph copies which passage
#
#   benches/copies-fixture.sh        # corpus at ../shared/corpora/ungd/speeches.jsonl.gz
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${DOSSIER_UNGD:-../shared/corpora/ungd/speeches.jsonl.gz}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/dossier
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p fixtures/copies

# The speeches: 40 + 40 for the openings, 30 + 30 held out; none of the fixtures' own.
python3 - "$corpus" "$work" <<'EOF'
import gzip, json, os, random, sys
corpus, work = sys.argv[1], sys.argv[2]
own = {f[:-4] for f in os.listdir("fixtures/ungd") if f.endswith(".txt")}
own |= {json.loads(l)["id"] for l in gzip.open("fixtures/feeds/ungd-sample.jsonl.gz", "rt")}
by_session = {70: [], 72: []}
for line in gzip.open(corpus, "rt", encoding="utf-8"):
    r = json.loads(line)
    if r["session"] in by_session and r["id"] not in own:
        by_session[r["session"]].append(r)
rng = random.Random(15)
openings, holdout = [], []
for session in sorted(by_session):
    speeches = sorted(by_session[session], key=lambda r: r["id"])
    rng.shuffle(speeches)
    openings += speeches[:40]
    holdout += speeches[40:70]
for name, records in (("opening-speeches", openings), ("holdout", holdout)):
    with open(os.path.join(work, name + ".jsonl"), "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
EOF

# openings.jsonl.gz: each speech's first three passages as cut by dossier, blank lines between.
"$bin" chunk "$work/opening-speeches.jsonl" --format jsonl > "$work/opening-passages.jsonl"
python3 - "$work" <<'EOF'
import gzip, json, os, sys
work = sys.argv[1]
records = {}
order = []
for line in open(os.path.join(work, "opening-passages.jsonl"), encoding="utf-8"):
    p = json.loads(line)
    if p["paragraph"] > 3:
        continue
    if p["doc_id"] not in records:
        order.append(p["doc_id"])
        m = p["meta"]
        records[p["doc_id"]] = {
            "id": p["doc_id"], "country": m.get("country"), "country_name": m.get("country_name"),
            "year": m.get("year"), "session": m.get("session"), "speaker": m.get("speaker"),
            "post": m.get("post"), "title": p["title"], "text": [],
        }
    records[p["doc_id"]]["text"].append(p["text"])
with open("fixtures/copies/openings.jsonl.gz", "wb") as raw:
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        for doc_id in order:
            r = records[doc_id]
            r["text"] = "\n\n".join(r["text"])
            f.write((json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8"))
EOF

"$bin" chunk fixtures/ungd fixtures/feeds fixtures/copies/openings.jsonl.gz --format jsonl \
  > "$work/originals.jsonl"
"$bin" chunk "$work/holdout.jsonl" --format jsonl > "$work/holdout-passages.jsonl"
python3 benches/copies-make.py "$work/originals.jsonl" "$work/holdout-passages.jsonl" \
  fixtures/copies --outlets 60 --seed 15
"$bin" chunk fixtures/copies/outlets.jsonl --format jsonl > "$work/chunked.jsonl"
python3 benches/copies-make.py --align "$work/chunked.jsonl" fixtures/copies
ls -l fixtures/copies
