"""Precision/recall of boilerplate line removal on the annotated demo articles (demo/gold/boilerplate.jsonl).

Usage: python scripts/eval_boilerplate.py [--rules-only]
Lines are counted after the metadata header; a removed line that the gold marks as body is a false positive.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rasid.clean import LineStats, clean_text
from rasid.ingest import read_inputs
from rasid.models import RawArticle

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=ROOT / "demo" / "corpus")
    ap.add_argument("--gold", type=Path, default=ROOT / "demo" / "gold" / "boilerplate.jsonl")
    ap.add_argument("--rules-only", action="store_true", help="baseline without learned repeated lines")
    args = ap.parse_args()
    gold = {}
    for line in args.gold.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            gold[obj["doc"]] = set(obj["boilerplate"])
    raws = [r for r in read_inputs([args.corpus]) if isinstance(r, RawArticle)]
    stats = LineStats()
    for r in raws:
        stats.observe(r.outlet, r.text)
    tp = fp = fn = body_chars_lost = 0
    n_docs = 0
    for r in raws:
        if r.doc_id not in gold:
            continue
        n_docs += 1
        res = clean_text(r.text, r.outlet, None if args.rules_only else stats)
        removed = {i for i, _why, _line in res.removed}
        lines = r.text.split("\n")
        nonblank = {i for i, ln in enumerate(lines) if ln.strip()}
        g = gold[r.doc_id] & nonblank
        tp += len(removed & g)
        fp += len(removed - g)
        fn += len(g - removed)
        body_chars_lost += sum(len(lines[i]) for i in removed - g)
        for i in sorted(removed - g):
            print(f"FP {r.doc_id}:{i}: {lines[i][:80]}")
        for i in sorted(g - removed):
            print(f"FN {r.doc_id}:{i}: {lines[i][:80]}")
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    mode = "rules only" if args.rules_only else "rules + learned per-outlet repeats"
    print(f"boilerplate lines ({mode}): docs={n_docs} tp={tp} fp={fp} fn={fn} "
          f"precision={p:.3f} recall={rc:.3f} f1={f1:.3f} body_chars_lost={body_chars_lost}")


if __name__ == "__main__":
    main()
