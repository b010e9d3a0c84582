"""Precision/recall of boilerplate line removal on the annotated demo articles (demo/gold/boilerplate.jsonl).

Usage: python scripts/eval_boilerplate.py [--rules-only]
Lines are counted after the metadata header; a removed line that the gold marks as body is a false positive.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rasid.clean.boilerplate import LineStats, clean_text
from rasid.ingest.readers import read_inputs
from rasid.models import RawArticle

ROOT = Path(__file__).resolve().parents[1]


def shared_removal_rate(data: Path, limit: int) -> None:
    """On ANT bodies (already extracted by the corpus authors, so nearly all body text) every removed
    line is a candidate false positive: report the removal rate by rule and show samples to read."""
    import random
    from collections import Counter

    raws = []
    for f in sorted((data / "ant_multisource" / "jsonl").glob("*.jsonl")):
        raws.extend(r for r in read_inputs([f]) if isinstance(r, RawArticle))
        if len(raws) >= limit:
            break
    raws = raws[:limit]
    stats = LineStats()
    for r in raws:
        stats.observe(r.outlet, r.text)
    lines = chars = 0
    by_reason: Counter[str] = Counter()
    removed_chars = 0
    samples = []
    for r in raws:
        body = [ln for ln in r.text.split("\n") if ln.strip()]
        lines += len(body)
        chars += sum(len(ln) for ln in body)
        for _i, why, line in clean_text(r.text, r.outlet, stats).removed:
            by_reason[why] += 1
            removed_chars += len(line)
            samples.append((why, r.outlet, line[:90]))
    print(f"ANT bodies: docs={len(raws)} lines={lines} removed={sum(by_reason.values())} "
          f"({100 * sum(by_reason.values()) / max(lines, 1):.2f}% of lines, {100 * removed_chars / max(chars, 1):.2f}% "
          f"of characters) by rule: {dict(by_reason.most_common())}")
    random.Random(0).shuffle(samples)
    for why, outlet, line in samples[:25]:
        print(f"  sample [{why}] {outlet}: {line}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, nargs="?", const=ROOT.parent / "shared" / "data", default=None,
                    help="also measure removal on ANT bodies from ../shared/data")
    ap.add_argument("--limit", type=int, default=31525)
    ap.add_argument("--corpus", type=Path, default=ROOT / "demo" / "corpus")
    ap.add_argument("--gold", type=Path, default=ROOT / "demo" / "gold" / "boilerplate.jsonl")
    ap.add_argument("--rules-only", action="store_true", help="baseline without learned repeated lines")
    args = ap.parse_args()
    if args.shared is not None:
        if not (args.shared / "ant_multisource").exists():
            print(f"skip: {args.shared} not found")
        else:
            shared_removal_rate(args.shared, args.limit)
        return
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
