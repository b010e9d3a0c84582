"""Equivalence and CPU harness for the date finder's pattern anchors (``rasid.extract.temporal._ANCHORS``).

Why: an anchor lets ``find_dates`` skip a pattern whose required part is absent from the text; that must change
no expression. This reads the first N ANT articles and the first M SaudiNewsNet articles, checks that
``find_dates`` gives the same expressions with and without the anchors, and times both (process CPU, two
rounds, alternating).

Usage: python scripts/dev/dates_equiv.py [--data ../shared/data] [--ant 3000] [--snn 2000]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def _read(folder: Path, n: int, body: str) -> list[str]:
    from _shared import first_records

    return [f"{obj.get('title') or ''}\n{obj.get(body) or ''}" for obj in first_records(folder, n)]


def main() -> None:
    from _shared import require_data

    from rasid.extract.temporal import find_dates
    from rasid.text.normalize import normalize_with_offsets

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--ant", type=int, default=3000)
    ap.add_argument("--snn", type=int, default=2000)
    args = ap.parse_args()
    texts = _read(require_data(args.data, "ant_multisource", "jsonl"), args.ant, "text")
    texts += _read(require_data(args.data, "saudinewsnet", "jsonl"), args.snn, "content")
    pub = datetime(2018, 6, 1)
    norms = [normalize_with_offsets(t) for t in texts]
    differ = n_expr = 0
    for text, norm in zip(texts, norms, strict=True):
        fast = find_dates("x", text, pub, norm)
        slow = find_dates("x", text, pub, norm, use_anchors=False)
        n_expr += len(slow)
        differ += fast != slow
    print(f"{len(texts)} articles, {n_expr} expressions; articles whose expressions differ: {differ}")
    for use in (False, True, False, True):
        t0 = time.process_time()
        for text, norm in zip(texts, norms, strict=True):
            find_dates("x", text, pub, norm, use_anchors=use)
        cpu = time.process_time() - t0
        print(f"anchors {'on ' if use else 'off'}: {cpu:.2f} s CPU, {cpu * 1000 / len(texts):.2f} ms per article")


if __name__ == "__main__":
    main()
