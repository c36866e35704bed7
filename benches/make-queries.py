#!/usr/bin/env python3
"""Writes benches/queries-ungd.txt: 1,000 analyst-style queries for the batch speed benchmark.

Deterministic (fixed seed): words, two-word AND queries, quoted phrases, OR, exclusions and
prefixes over the vocabulary of UN General Debate speeches, in roughly the mix an analyst's
watch-list has. Run again only to change the mix; the benchmark uses the committed file.
"""
import random
from pathlib import Path

WORDS = """sanctions disarmament apartheid terrorism refugees decolonization multilateralism globalization
Palestine Israel Iran Iraq Syria Afghanistan Ukraine Russia China Cuba Venezuela Korea Kashmir Cyprus
Namibia Rhodesia Lebanon Libya Yemen Somalia Sudan Myanmar Taliban Hezbollah Hamas NATO IAEA UNESCO
nuclear weapons enrichment uranium missile ceasefire peacekeeping sovereignty independence aggression
occupation blockade embargo veto reform development poverty hunger debt climate pandemic vaccine
migration trafficking drugs corruption democracy elections dictatorship colonialism imperialism
genocide humanitarian famine drought energy oil pipeline maritime piracy navigation strait border
annexation referendum autonomy federation secession extremism radicalization cyber espionage
nonproliferation inspections safeguards verification treaty protocol resolution negotiations mediation
""".split()

PHRASES = """nuclear weapons|Security Council|human rights|climate change|sustainable development|
arms race|cold war|two-state solution|weapons of mass destruction|international law|
self-determination|territorial integrity|maximum pressure|economic blockade|debt relief|
peacekeeping operations|Non-Proliferation Treaty|Millennium Development Goals|Paris Agreement|
responsibility to protect|International Criminal Court|unilateral coercive measures|food security|
small island developing States|Law of the Sea|chemical weapons|Joint Comprehensive Plan of Action|
new international economic order|General Assembly|United Nations Charter|Middle East|
sea level rise|refugee crisis|arms embargo|nuclear deal|regime change|rule of law""".replace("\n", "").split("|")

PREFIXES = ["decoloni", "sanction", "terror", "nuclear", "disarm", "negotiat", "sovereign", "humanit",
            "refug", "democra", "embarg", "occup", "peacekeep", "multilat", "proliferat"]


def main():
    rng = random.Random(42)
    queries = []
    while len(queries) < 1000:
        kind = rng.random()
        w = lambda: rng.choice(WORDS)  # noqa: E731
        p = lambda: '"' + rng.choice(PHRASES).strip() + '"'  # noqa: E731
        if kind < 0.30:
            q = w()
        elif kind < 0.50:
            q = f"{w()} {w()}"
        elif kind < 0.70:
            q = p()
        elif kind < 0.80:
            q = f"{w()} OR {w()} {w()}"
        elif kind < 0.90:
            q = f"{w()} -{w()}"
        elif kind < 0.95:
            q = f"{p()} {w()}"
        else:
            q = rng.choice(PREFIXES) + "*"
        queries.append(q)
    out = Path(__file__).with_name("queries-ungd.txt")
    out.write_text("# 1,000 analyst-style queries (benches/make-queries.py)\n" + "\n".join(queries) + "\n")


if __name__ == "__main__":
    main()
