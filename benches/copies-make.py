#!/usr/bin/env python3
"""Makes a test set for copy folding: "outlets" that copy UN General Debate paragraphs with light
edits, beside unrelated paragraphs, and the truth of which passage copies which.

    benches/copies-make.py ORIGINALS.jsonl HOLDOUT.jsonl OUT_DIR [--outlets N] [--seed S]
    benches/copies-make.py --align CHUNKED.jsonl OUT_DIR

ORIGINALS.jsonl and HOLDOUT.jsonl are passage records as `dossier chunk --format jsonl` writes
them: ORIGINALS from the speeches that are indexed (the outlets copy their passages), HOLDOUT
from speeches that are not (the outlets' unrelated paragraphs, among them the near-formulaic
openings of other speeches of the same sessions: "I congratulate you, Mr. President, on your
election…", which must not fold with the indexed speeches' own).

Writes OUT_DIR/outlets.jsonl (one record per outlet article: id, title, source, date, text with
blank lines between paragraphs) and OUT_DIR/truth.tsv (`outlet_id<TAB>paragraph<TAB>original
passage id<TAB>edits`, with `-` for a paragraph that copies nothing). Deterministic for a seed. The UN
General Debate Corpus is CC0 1.0; so are the outlets made from it.

`--align` checks the truth against the outlets as dossier cuts them (`dossier chunk
OUT_DIR/outlets.jsonl --format jsonl`): a passage that is not exactly one of the paragraphs made
(two run together, say) is left out of the truth, marked `?`, and the others are numbered as
dossier numbers them.

Edits, one or two per copy (or none: an exact copy):
  punctuation  commas dropped or added, curly quotes, case of the first letter, spacing
  word         one word replaced by another word of the corpus
  drop         one word left out
  lede         a different first sentence (paragraphs of 3+ sentences): the outlet's own
               instead of a short one (under 30% of the words), else its attribution before it
  truncate     the last sentence left out (paragraphs of 3+ sentences), or cut mid-sentence
               after three quarters of the words with an ellipsis
"""

import argparse
import json
import os
import random
import re

SOURCES = [
    "Meridian Wire", "The Harbour Times", "Northern Ledger", "Atlas Daily", "Lakeside Post",
    "The Continental", "Coastline Herald", "Capital Dispatch", "Evening Courier",
    "Ridgeway Report", "The Valley Observer", "Summit News", "Crossroads Gazette",
    "Delta Tribune", "Prairie Record", "Bayfront Journal",
]

LEDES = [
    "Speaking in New York on the opening day of the debate, the minister went further.",
    "The remarks drew applause from several delegations in the hall.",
    "In a closely watched address, the delegation set out its position.",
    "Diplomats said the passage was the most significant of the speech.",
    "The statement, delivered late in the afternoon session, was blunt.",
    "Observers noted a sharper tone than in previous years.",
]

ATTRIBUTIONS = [
    "Speaking in New York, the delegate said that ", "In his address, the minister said that ",
    "The delegation told the Assembly that ", "According to the statement, ",
]

HEADLINES = [
    "At the General Assembly, a familiar plea", "What the delegates said in New York",
    "Speeches from the Assembly hall", "Notes from the general debate",
    "The Assembly's week in words", "Voices from the United Nations",
]

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])")


def words(text):
    return re.findall(r"[A-Za-z][A-Za-z'’-]*", text)


def sentences(text):
    return [s for s in SENTENCE.split(text) if s.strip()]


def edit_punctuation(text, rng):
    out = text
    choice = rng.randrange(4)
    if choice == 0:
        out = out.replace(", ", " ", rng.randrange(1, 4))
    elif choice == 1:
        ws = out.split(" ")
        at = rng.randrange(1, len(ws))
        ws[at - 1] = ws[at - 1].rstrip(",") + ","
        out = " ".join(ws)
    elif choice == 2:
        out = out.replace("'", "’").replace('"', "“", 1).replace('"', "”", 1)
        out = out.replace(" - ", " — ")
    else:
        out = out[0].lower() + out[1:] if out[0].isupper() else out[0].upper() + out[1:]
        out = out.replace(". ", ".  ", 1)
    return out


def edit_word(text, rng, vocabulary):
    ws = text.split(" ")
    candidates = [i for i, w in enumerate(ws) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text
    ws[rng.choice(candidates)] = rng.choice(vocabulary)
    return " ".join(ws)


def edit_drop(text, rng):
    ws = text.split(" ")
    if len(ws) < 10:
        return text
    del ws[rng.randrange(1, len(ws) - 1)]
    return " ".join(ws)


def edit_lede(text, rng):
    parts = sentences(text)
    if len(parts) < 3:
        return None
    if len(words(parts[0])) * 10 <= len(words(text)) * 3:
        # A short first sentence: the outlet's own instead.
        return " ".join([rng.choice(LEDES)] + parts[1:])
    # A long one stays, after the outlet's own attribution.
    lead = rng.choice(ATTRIBUTIONS)
    return lead + text[0].lower() + text[1:] if text[:2] != "I " else lead + text


def edit_truncate(text, rng):
    parts = sentences(text)
    if len(parts) >= 3:
        return " ".join(parts[:-1])
    ws = text.split(" ")
    if len(ws) < 40:
        return None
    return " ".join(ws[: (len(ws) * 3) // 4]) + "…"


def copy_of(text, rng, vocabulary):
    """An edited copy of `text`, and the names of the edits."""
    kinds = ["none", "punctuation", "word", "drop", "lede", "truncate"]
    weights = [2, 3, 3, 3, 2, 2]
    chosen = rng.choices(kinds, weights)[0:1]
    if chosen[0] != "none" and rng.random() < 0.35:
        chosen.append(rng.choice(["punctuation", "word", "drop"]))
    out = text
    done = []
    for kind in chosen:
        if kind == "none":
            break
        if kind == "punctuation":
            new = edit_punctuation(out, rng)
        elif kind == "word":
            new = edit_word(out, rng, vocabulary)
        elif kind == "drop":
            new = edit_drop(out, rng)
        elif kind == "lede":
            new = edit_lede(out, rng)
        else:
            new = edit_truncate(out, rng)
        if new is not None and new != out:
            out = new
            done.append(kind)
    return out, done or ["exact"]


def ends_a_sentence(text):
    """Whether the chunker will take `text` as a paragraph of its own, not run on into the next."""
    return text.rstrip()[-1:] in ".!?…\"”’)]"


def align(chunked, out):
    """Renumbers the truth by the passages dossier cut the outlets into."""
    passages = {}
    for p in read(chunked):
        passages.setdefault(p["doc_id"], []).append(p)
    with open(os.path.join(out, "outlets.jsonl"), encoding="utf-8") as f:
        records = {r["id"]: r for r in map(json.loads, f)}
    rows = {}
    with open(os.path.join(out, "truth.tsv"), encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#") and line.strip():
                cols = line.rstrip("\n").split("\t")
                rows[(cols[0], int(cols[1]))] = cols
    norm = lambda t: " ".join(t.split())
    truth, dropped = [], 0
    for outlet_id, record in records.items():
        made = [norm(t) for t in record["text"].split("\n\n")]
        for p in passages.get(outlet_id, []):
            number = p["passage_id"].split("#", 1)[1]
            text = norm(p["text"])
            if p.get("part") is None and text in made:
                cols = rows[(outlet_id, made.index(text) + 1)]
                truth.append("%s\t%s\t%s\t%s" % (outlet_id, number, cols[2], cols[3]))
            else:
                dropped += 1
                truth.append("%s\t%s\t?\tnot one paragraph" % (outlet_id, number))
    with open(os.path.join(out, "truth.tsv"), "w", encoding="utf-8") as f:
        f.write("# outlet_id\tparagraph\toriginal passage id (- for none, ? for not scored)\tedits\n")
        f.write("\n".join(truth) + "\n")
    print("aligned: %d passages, %d left out (not one paragraph)" % (len(truth), dropped))


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("originals", nargs="?")
    ap.add_argument("holdout", nargs="?")
    ap.add_argument("out")
    ap.add_argument("--outlets", type=int, default=60)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--align", metavar="CHUNKED")
    args = ap.parse_args()
    if args.align:
        return align(args.align, args.out)
    rng = random.Random(args.seed)

    originals = read(args.originals)
    holdout = read(args.holdout)
    # Paragraphs worth syndicating: 30 words or more, short enough to stay one passage.
    copyable = [p for p in originals
                if len(words(p["text"])) >= 30 and len(p["text"]) <= 1300
                and ends_a_sentence(p["text"])]
    vocabulary = sorted({w for p in copyable[:2000] for w in words(p["text"]) if len(w) > 5})
    holdout = [p for p in holdout if ends_a_sentence(p["text"]) and len(p["text"]) <= 1300]
    openings = [p for p in holdout if p["paragraph"] <= 2 and len(words(p["text"])) >= 12]
    others = [p for p in holdout if p["paragraph"] > 2 and len(words(p["text"])) >= 20]
    rng.shuffle(copyable)
    rng.shuffle(openings)
    rng.shuffle(others)

    # Syndication: each chosen original goes to one outlet or to many.
    plan = []
    picked = 0
    while len(plan) < args.outlets * 2 and picked < len(copyable):
        original = copyable[picked]
        picked += 1
        for _ in range(rng.choice([1, 1, 2, 3, 5, 8])):
            plan.append(original)
    rng.shuffle(plan)

    os.makedirs(args.out, exist_ok=True)
    records, truth = [], []
    stats = {}
    for n in range(args.outlets):
        source = SOURCES[n % len(SOURCES)]
        paragraphs = []  # (text, original passage id or "-", original, edits)
        for _ in range(rng.choice([1, 2, 2, 3])):
            if not plan:
                break
            original = plan.pop()
            text, kinds = copy_of(original["text"], rng, vocabulary)
            for k in kinds:
                stats[k] = stats.get(k, 0) + 1
            paragraphs.append((text, original["passage_id"], original, "+".join(kinds)))
        for _ in range(rng.choice([1, 2, 3])):
            # Each held-out paragraph once: two outlets with the same one would be copies.
            pool = openings if rng.random() < 0.4 and openings else others
            if not pool:
                break
            kind = "opening" if pool is openings else "unrelated"
            paragraphs.append((pool.pop()["text"], "-", None, kind))
        rng.shuffle(paragraphs)
        # Dated after the latest speech the article copies.
        years = [o["meta"].get("year") for _, _, o, _ in paragraphs
                 if o is not None and o["meta"].get("year")]
        year = max(years) if years else 2017
        date = "%04d-%02d-%02d" % (year, rng.choice([9, 9, 10]), rng.randrange(1, 29))
        outlet_id = "outlet-%04d" % (n + 1)
        records.append({
            "id": outlet_id,
            "title": "%s (%s)" % (rng.choice(HEADLINES), source),
            "source": source,
            "date": date,
            "text": "\n\n".join(t for t, _, _, _ in paragraphs),
        })
        for i, (_, original_id, _, kind) in enumerate(paragraphs, start=1):
            truth.append("%s\t%d\t%s\t%s" % (outlet_id, i, original_id, kind))

    with open(os.path.join(args.out, "outlets.jsonl"), "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(args.out, "truth.tsv"), "w", encoding="utf-8") as f:
        f.write("# outlet_id\tparagraph\toriginal passage id (- for none)\tedits\n")
        f.write("\n".join(truth) + "\n")
    copied = [t.split("\t")[2] for t in truth if t.split("\t")[2] != "-"]
    print("%d outlets, %d paragraphs: %d copies of %d originals, %d unrelated; edits %s"
          % (len(records), len(truth), len(copied), len(set(copied)), len(truth) - len(copied),
             ", ".join("%s %d" % kv for kv in sorted(stats.items()))))


if __name__ == "__main__":
    main()
