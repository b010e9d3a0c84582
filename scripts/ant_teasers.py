"""Trailing teaser lists in ANT (BBC Arabic, Sky News Arabia, Al Arabiya): which ones cleaning removes.

Usage: python scripts/ant_teasers.py [--data /work/shared/data/ant_multisource/jsonl] [--seed 20260204]
       [--candidates]

Reads every article of the three outlets, learns line statistics over them (as ``rasid run`` does), then
samples 50 articles with the seed — all articles, or with ``--candidates`` only those whose last line is
headline-shaped (where a trailing list of other articles' headlines can be) — and prints the last lines of
each with what ``clean_page`` does to them, for a person to read and judge. Prints no totals it cannot
know: whether a trailing line *is* a teaser is the reader's call. Nothing from the corpus is written.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.clean.boilerplate import LineStats  # noqa: E402
from rasid.clean.lines import clean_page  # noqa: E402
from rasid.ingest.page import is_headline_shaped  # noqa: E402
from rasid.ingest.readers import read_file  # noqa: E402
from rasid.models import RawArticle  # noqa: E402

OUTLETS = {"BBC", "skynews", "alarabia"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="/work/shared/data/ant_multisource/jsonl")
    ap.add_argument("--seed", type=int, default=20260204)
    ap.add_argument("--candidates", action="store_true")
    args = ap.parse_args()
    raws = [r for f in sorted(Path(args.data).glob("*.jsonl")) for r in read_file(f)
            if isinstance(r, RawArticle) and r.outlet in OUTLETS]
    stats = LineStats()
    for r in raws:
        stats.observe(r.outlet, r.text)

    def tail(r: RawArticle) -> list[str]:
        return [ln for ln in r.text.split("\n") if ln.strip()]
    pool = [r for r in raws if len(tail(r)) >= 3 and is_headline_shaped(tail(r)[-1])] if args.candidates else raws
    print(f"{len(raws)} articles; sampling 50 of {len(pool)}", "(last line headline-shaped)" if args.candidates else "")
    for r in random.Random(args.seed).sample(pool, 50):
        res = clean_page(r.text, r.outlet, stats, title=r.title, url=r.url)
        removed = {i: why for i, why, _ in res.removed}
        lines = r.text.split("\n")
        print("=====", r.doc_id, r.outlet)
        for i, ln in enumerate(lines):
            if ln.strip() and i >= len(lines) - 6:
                print(f"{i:3} {removed.get(i, 'kept'):22} {ln[:100]}")


if __name__ == "__main__":
    main()
