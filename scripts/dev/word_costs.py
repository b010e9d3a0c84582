"""CPU of two per-word hot paths on the first N ANT articles, cold each round, with a digest of the output.

Why: a lever on the NER's word cache or on the story features' terms changes a few percent of a whole run,
less than the noise between runs; timed alone, cold, several rounds, the change shows, and the digest shows the
output did not change. Run it in two checkouts (``PYTHONPATH`` picks the code) to compare.

- NER: ``NerTagger.tag_many`` over the articles in groups of 32, a freshly loaded tagger each round (its word
  cache empty, as in a new worker); digest over every mention's span, type and confidence.
- IDF: ``IdfTable.vector`` of each article's title and first 2,000 characters, a fresh table each round.

Usage: python scripts/dev/word_costs.py [--data ../shared/data] [--n 1000] [--rounds 3]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT))  # after PYTHONPATH: checking another checkout with the same harness
sys.path.append(str(ROOT / "scripts"))


def main() -> None:
    from _shared import ant_rounds_args, checkout, first_records

    folder, n, rounds = ant_rounds_args(__doc__, 1000)
    arts = first_records(folder, n)

    import rasid.stories.features as features
    from rasid.extract.ner import load_tagger

    print(f"code: {checkout()}; {len(arts)} articles")
    docs = [(str(i), a.get("text") or "", None) for i, a in enumerate(arts)]
    for r in range(rounds):
        tagger = load_tagger("fast")
        t0 = time.process_time()
        found = [m for i in range(0, len(docs), 32) for m in tagger.tag_many(docs[i:i + 32])]
        cpu = time.process_time() - t0
        digest = hashlib.sha1(repr([[(m.start, m.end, m.type, round(m.confidence, 6)) for m in ms]
                                    for ms in found]).encode()).hexdigest()[:12]
        print(f"ner round {r}: {cpu:.2f} CPU s, mentions {digest}")
    texts = [(a.get("title") or "") + "\n" + (a.get("text") or "")[:2000] for a in arts]
    for r in range(rounds):
        getattr(features, "_LOADED_IDF", {}).clear()  # a fresh table, its term memo empty (older code: always)
        table = features.IdfTable.load()
        t0 = time.process_time()
        vectors = [table.vector(t) for t in texts]
        cpu = time.process_time() - t0
        digest = hashlib.sha1(repr([sorted(v.items()) for v in vectors]).encode()).hexdigest()[:12]
        print(f"idf round {r}: {cpu:.2f} CPU s, vectors {digest}")


if __name__ == "__main__":
    main()
