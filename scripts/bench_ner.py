"""Throughput of NER (tokens/second, one CPU core), geocoding and entity resolution.

Text: the bundled demo corpus (always present), plus the ANERcorp dev slice when
../shared/data is available. Model load times are reported separately.

Usage: nice python scripts/bench_ner.py [--repeat 5] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.extract.entities import EntityResolver  # noqa: E402
from rasid.extract.geocode import Geocoder  # noqa: E402
from rasid.extract.ner import load_tagger  # noqa: E402
from rasid.text.spans import tokens  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--tagger", choices=("fast", "accurate"), default="fast", help="CRF (fast) or fine-tuned e5")
    args = ap.parse_args()

    t0 = time.perf_counter()
    tagger = load_tagger(args.tagger)
    t1 = time.perf_counter()
    geo = Geocoder.load()
    t2 = time.perf_counter()
    print(f"load: {args.tagger} tagger {t1 - t0:.2f}s, Geocoder {t2 - t1:.2f}s")

    docs = {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "demo" / "corpus").rglob("*.txt"))}
    n_tok = sum(len(tokens(t)) for t in docs.values()) * args.repeat
    start, cpu = time.perf_counter(), time.process_time()
    mentions = []
    for _ in range(args.repeat):
        mentions = [m for d, t in docs.items() for m in tagger.tag(d, t)]
    dt, dcpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"NER tag() on demo corpus: {n_tok} tokens in {dt:.2f}s = {n_tok / dt:,.0f} tokens/s "
          f"({len(docs)} docs x {args.repeat}, {len(mentions)} mentions per pass); "
          f"{dcpu:.2f} CPU-s = {n_tok / dcpu:,.0f} tokens per CPU-second; load average {os.getloadavg()[0]:.1f}")

    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.repeat):  # the extract stage's path: a task's documents in one call
        together = [m for found in tagger.tag_many([(d, t, None) for d, t in docs.items()]) for m in found]
    dt, dcpu = time.perf_counter() - start, time.process_time() - cpu
    assert together == mentions, "tag_many must find what tag finds"
    print(f"NER tag_many() on demo corpus (all documents in one call): {n_tok / dt:,.0f} tokens/s; "
          f"{n_tok / dcpu:,.0f} tokens per CPU-second")

    start = time.perf_counter()
    ents = EntityResolver(geocoder=geo).resolve(mentions, texts=docs)
    dt = time.perf_counter() - start
    print(f"EntityResolver.resolve: {len(mentions)} mentions -> {len(ents)} entities in {dt * 1000:.0f} ms")

    names = [m.text for m in mentions if m.type == "LOC"] * 20
    start = time.perf_counter()
    for n in names:
        geo.geocode(n)
    dt = time.perf_counter() - start
    print(f"Geocoder.geocode: {len(names)} calls in {dt:.2f}s = {len(names) / dt:,.0f} names/s")

    aner = args.data / "anercorp" / "ANERcorp_train_sequential_CSabty.txt"
    if aner.exists():
        from dev.corpora import read_anercorp

        sents = read_anercorp(aner)
        sents = sents[int(len(sents) * 0.9):]
        n = sum(len(t) for t, _ in sents)
        start = time.perf_counter()
        for toks, _ in sents:
            tagger.predict_tokens(toks)
        dt = time.perf_counter() - start
        print(f"NER predict_tokens() on ANERcorp dev: {n} tokens in {dt:.2f}s = {n / dt:,.0f} tokens/s")
        start = time.perf_counter()
        tagger.predict_sentences([toks for toks, _ in sents])
        dt = time.perf_counter() - start
        print(f"NER predict_sentences() on ANERcorp dev (one call): {n / dt:,.0f} tokens/s")
    else:
        print(f"{args.data} not found; skipping the ANERcorp timing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
