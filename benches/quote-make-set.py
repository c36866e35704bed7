#!/usr/bin/env python3
"""Writes a test set for `dossier quote`: quotations cut from random passages, with and without
the edits a news piece makes to a quote.

    dossier chunk speeches.jsonl.gz --format jsonl | benches/quote-make-set.py > set.jsonl
    benches/quote-make-set.py passages.jsonl --seed 15 --unedited 200 --edited 200 > set.jsonl

Input: passage records as `dossier chunk --format jsonl` writes them (the passages `dossier
ingest` indexes, with the same ids). Output: one JSON line per quote: `id`, `kind`, `quote` (what
is looked up), `passage_id` (where it was cut from), `span` (the words it was cut from, as they
stand in the passage) and, for a quote running on into the next passage, `next_passage_id`.

Kinds (deterministic for a seed):
  unedited        8–40 words as they stand
  trim            a stretch of 3–10 words in the middle replaced by `…` (or `...`)
  change1         one word replaced by a word from another passage
  change2         two words changed, or one changed and one dropped
  drop            one or two words left out without a mark
  spelling        British ↔ American spelling of one or more words (a list of pairs and suffix
                  rules written here, independently of dossier's own)
  punctuation     case, commas, straight/curly quotes and apostrophes changed (two of them)
  sentence        a quote running from the end of one sentence into the next
  cross_passage   from the end of one passage into the start of the next (reported apart: a
                  stretch goal)
"""
import argparse
import json
import random
import re
import sys

# British → American, whole words (inflections listed where they are common).
PAIRS = """colour color|colours colors|coloured colored|favour favor|favours favors|favoured favored
|favourable favorable|favourably favorably|favourite favorite|unfavourable unfavorable
|behaviour behavior|behaviours behaviors|behavioural behavioral|honour honor|honours honors
|honoured honored|honourable honorable|labour labor|labourers laborers|neighbour neighbor
|neighbours neighbors|neighbouring neighboring|neighbourhood neighborhood|endeavour endeavor
|endeavours endeavors|endeavoured endeavored|harbour harbor|harbouring harboring|vigour vigor
|rigour rigor|armoured armored|rumours rumors|saviour savior|valour valor|fervour fervor
|humour humor|splendour splendor|candour candor|centre center|centres centers|centred centered
|metres meters|litres liters|theatre theater|theatres theaters|fibre fiber|calibre caliber
|spectre specter|sombre somber|meagre meager|defence defense|defences defenses|offence offense
|offences offenses|licence license|pretence pretense|travelled traveled|travelling traveling
|cancelled canceled|labelled labeled|modelled modeled|modelling modeling|fuelled fueled
|fuelling fueling|signalled signaled|levelled leveled|channelled channeled|counselling counseling
|jewellery jewelry|marvellous marvelous|fulfil fulfill|fulfilment fulfillment|enrolment enrollment
|skilful skillful|wilful willful|instalment installment|programme program|programmes programs
|judgement judgment|judgements judgments|acknowledgement acknowledgment|ageing aging|grey gray
|catalogue catalog|dialogue dialog|analogue analog|manoeuvre maneuver|manoeuvres maneuvers
|aluminium aluminum|sceptical skeptical|sceptics skeptics|scepticism skepticism|plough plow
|cheque check|tyres tires|storey story|draught draft|aeroplane airplane|aeroplanes airplanes
|paediatric pediatric|anaemia anemia|foetus fetus|mediaeval medieval|practise practice
|practising practicing|analyse analyze|analysed analyzed|analysing analyzing|paralysed paralyzed"""
PAIRS = dict(p.split() for p in PAIRS.replace("\n", "").split("|"))

# Roots that take -ise (British) or -ize (American).
ISE_ROOTS = """organ recogn real emphas mobil stabil priorit character normal democrat militar
demilitar neutral legitim marginal minim maxim author civil critic apolog jeopard harmon modern
industrial global util summar symbol sympath privat liberal polar radical revital capital mechan
urban decentral final formal institutional international material optim special standard visual
nation colon decolon central commercial immun penal popular categor legal tranquil destabil
galvan fertil hospital memorial scrutin moral""".split()
ISE_END = ["ise", "ised", "ises", "ising", "isation", "isations", "iser", "isers"]


def american_british(word):
    """The other spelling of `word` (lower case), or None."""
    w = word.lower()
    if w in PAIRS:
        return PAIRS[w]
    back = {v: k for k, v in PAIRS.items()}
    if w in back:
        return back[w]
    for root in ISE_ROOTS:
        for end in ISE_END:
            if w == root + end:
                return root + end.replace("is", "iz", 1)
            if w == root + end.replace("is", "iz", 1):
                return root + end
    return None


def respell(token):
    """A token (word with its punctuation) in its other spelling, keeping case and punctuation."""
    m = re.match(r"^(\W*)([A-Za-z]+)(\W*)$", token)
    if not m:
        return None
    lead, word, tail = m.groups()
    other = american_british(word)
    if other is None:
        return None
    if word[0].isupper():
        other = other[0].upper() + other[1:]
    return lead + other + tail


SENTENCE_END = re.compile(r"[.?!][\"”’)]?$")


def load(stream):
    passages = []
    for line in stream:
        rec = json.loads(line)
        words = rec["text"].split(" ")
        passages.append((rec["passage_id"], rec["doc_id"], rec["text"], words))
    return passages


def window(rng, words, length):
    length = min(length, len(words))
    start = rng.randrange(0, len(words) - length + 1)
    return start, start + length


def content_positions(words, lo, hi):
    return [i for i in range(lo, hi) if len(re.sub(r"\W", "", words[i])) >= 4]


def replace_word(rng, token, vocab):
    m = re.match(r"^(\W*)(.*?)(\W*)$", token)
    lead, _, tail = m.groups()
    return lead + rng.choice(vocab) + tail


def punctuate(rng, quote):
    edits = rng.sample(["lower", "commas", "curly", "upper_first", "semicolons"], 2)
    for e in edits:
        if e == "lower":
            quote = quote.lower()
        elif e == "commas":
            quote = re.sub(r",", "", quote)
        elif e == "curly":
            quote = "“" + quote.replace("'", "’").replace('"', "”") + "”"
        elif e == "upper_first":
            quote = quote[:1].upper() + quote[1:]
        elif e == "semicolons":
            quote = re.sub(r"[.;:]\s", lambda m: ", " if rng.random() < 0.5 else "; ", quote)
    return quote


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("passages", nargs="?", default="-")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--unedited", type=int, default=200)
    ap.add_argument("--edited", type=int, default=200)
    ap.add_argument("--cross", type=int, default=50)
    args = ap.parse_args()
    stream = sys.stdin if args.passages == "-" else open(args.passages, encoding="utf-8")
    passages = load(stream)
    rng = random.Random(args.seed)
    eligible = [i for i, p in enumerate(passages) if len(p[3]) >= 12]
    vocab = sorted({re.sub(r"\W", "", w).lower() for i in rng.sample(eligible, 2000)
                    for w in passages[i][3] if len(re.sub(r"\W", "", w)) >= 4})
    vocab = [w for w in vocab if w.isalpha()]
    kinds = ["trim", "change1", "change2", "drop", "spelling", "punctuation", "sentence"]
    shares = {"trim": 30, "change1": 30, "change2": 25, "drop": 25, "spelling": 30,
              "punctuation": 30, "sentence": 30}
    scale = args.edited / sum(shares.values())
    plan = [("unedited", args.unedited)] + [(k, round(shares[k] * scale)) for k in kinds]
    plan.append(("cross_passage", args.cross))
    out = []
    for kind, count in plan:
        made = 0
        while made < count:
            i = rng.choice(eligible)
            pid, doc, text, words = passages[i]
            length = rng.randint(8, 40)
            rec = None
            if kind == "cross_passage":
                if i + 1 >= len(passages) or passages[i + 1][1] != doc or len(passages[i + 1][3]) < 5:
                    continue
                nxt = passages[i + 1]
                k = rng.randint(3, max(3, min(len(words), length - 3)))
                k = min(k, len(words))
                rest = min(len(nxt[3]), max(3, length - k))
                q = words[len(words) - k:] + nxt[3][:rest]
                rec = {"quote": " ".join(q), "next_passage_id": nxt[0]}
            elif kind == "sentence":
                ends = [j for j in range(2, len(words) - 3) if SENTENCE_END.search(words[j])
                        and words[j + 1][:1].isupper()]
                if not ends:
                    continue
                j = rng.choice(ends)
                before = rng.randint(3, max(3, length - 3))
                lo = max(0, j + 1 - before)
                hi = min(len(words), lo + length)
                if hi <= j + 2:
                    continue
                rec = {"quote": " ".join(words[lo:hi]), "span": " ".join(words[lo:hi])}
            else:
                lo, hi = window(rng, words, length)
                q = list(words[lo:hi])
                if kind == "trim":
                    if len(q) < 14:
                        continue
                    cut = rng.randint(3, min(10, len(q) - 8))
                    at = rng.randint(4, len(q) - cut - 4)
                    mark = rng.choice(["…", "...", " … "]).strip()
                    q = q[:at] + [mark] + q[at + cut:]
                elif kind in ("change1", "change2"):
                    spots = content_positions(q, 0, len(q))
                    need = 1 if kind == "change1" else 2
                    if len(spots) < need:
                        continue
                    chosen = sorted(rng.sample(spots, need), reverse=True)
                    drop_one = kind == "change2" and rng.random() < 0.5
                    for n, s in enumerate(chosen):
                        if drop_one and n == 0:
                            del q[s]
                        else:
                            q[s] = replace_word(rng, q[s], vocab)
                elif kind == "drop":
                    n = rng.choice([1, 2])
                    if len(q) < 10:
                        continue
                    for s in sorted(rng.sample(range(1, len(q) - 1), n), reverse=True):
                        del q[s]
                elif kind == "spelling":
                    spots = [s for s in range(len(q)) if respell(q[s])]
                    if not spots:
                        continue
                    for s in spots:
                        q[s] = respell(q[s])
                quote = " ".join(q)
                if kind == "punctuation":
                    quote = punctuate(rng, quote)
                rec = {"quote": quote, "span": " ".join(words[lo:hi])}
            made += 1
            rec.update({"id": f"{kind}-{made}", "kind": kind, "passage_id": pid})
            out.append(rec)
    for rec in out:
        print(json.dumps(rec, ensure_ascii=False))
    print(f"{len(out)} quotes", file=sys.stderr)


if __name__ == "__main__":
    main()
