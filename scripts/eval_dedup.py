"""Duplicate detection quality on public data.

1. ANT + SaudiNewsNet: every repeated body (same text, different record) must be linked to the first copy
   (recall of exact duplicates); near-duplicate links that are not exact copies are checked against the true
   Jaccard of their word 3-shingles (precision of the LSH estimate) and a sample is printed to read.
2. SemEval-2022 task 8 HFL sample: 9 articles appear twice (original and back-translated/augmented variant) —
   positives; the other pairs are different articles, often on the same story — negatives that must NOT be
   linked. Precision/recall at the configured threshold, plus a threshold sweep.

Usage: python scripts/eval_dedup.py [--data ../shared/data] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import require_data  # noqa: E402

from rasid.dedup.detector import Deduplicator, content_hash, minhash, shingles  # noqa: E402
from rasid.ingest.readers import read_inputs  # noqa: E402
from rasid.models import RawArticle  # noqa: E402


def corpora(data: Path, limit: int) -> None:
    files = sorted((data / "ant_multisource" / "jsonl").glob("*.jsonl")) + sorted(
        (data / "saudinewsnet" / "jsonl").glob("*.jsonl"))
    arts = []
    for f in files:
        arts.extend(r for r in read_inputs([f]) if isinstance(r, RawArticle))
    arts = arts[:limit]
    arts.sort(key=lambda a: (a.published is None, a.published or 0, a.doc_id))
    by_body: dict[str, list[str]] = defaultdict(list)
    for a in arts:
        by_body[a.text.strip()].append(a.doc_id)
    expected_exact = {i for ids in by_body.values() for i in ids[1:]}
    dd = Deduplicator()
    t0 = time.perf_counter()
    found: dict[str, tuple[str, float, bool]] = {}
    text_of = {}
    for a in arts:
        text_of[a.doc_id] = a.text
        mh = minhash(a.text)
        ch = content_hash(a.text)
        m = dd.check(a.doc_id, a.text, ch, mh)
        if m:
            found[a.doc_id] = (m.original, m.score, m.exact)
        else:
            dd.add(a.doc_id, a.text, ch, mh)
    dt = time.perf_counter() - t0
    rec = len(expected_exact & set(found)) / max(len(expected_exact), 1)
    near = [(d, o, s) for d, (o, s, ex) in found.items() if not ex]
    true_ok = 0
    for d, o, _s in near:
        a, b = shingles(text_of[d]), shingles(text_of[o])
        if len(a & b) / max(len(a | b), 1) >= dd.threshold * 0.9:
            true_ok += 1
    print(f"ANT+SNN: {len(arts)} articles in {dt:.1f} s ({len(arts) / dt:.0f}/s); repeated bodies {len(expected_exact)}, "
          f"linked {len(expected_exact & set(found))} (recall {rec:.4f}); extra near-duplicate links {len(near)}, of which "
          f"{true_ok} have true shingle Jaccard >= {dd.threshold * 0.9:.2f} (LSH precision {true_ok / max(len(near), 1):.3f})")
    rnd = random.Random(1)
    for d, o, s in rnd.sample(near, min(6, len(near))):
        print(f"  sample near-dup {s:.2f}: {d} -> {o}\n     {text_of[d][:110]!r}\n     {text_of[o][:110]!r}")


def semeval(data: Path) -> None:
    rows = [json.loads(x) for x in (data / "semeval2022_task8" / "hfl_sample_ar_ar_with_text.jsonl")
            .read_text(encoding="utf-8").splitlines() if x.strip()]
    by_id = defaultdict(list)
    for r in rows:
        by_id[r["pair_id"]].append(r)
    pos, neg = [], []
    for rs in by_id.values():
        if len(rs) == 2:
            for key in ("text1", "text2"):
                if rs[0][key].strip() != rs[1][key].strip():
                    pos.append((rs[0][key], rs[1][key]))
        r = rs[0]
        if r["text1"].strip() != r["text2"].strip():
            neg.append((r["text1"], r["text2"], float(r["Overall"])))
    scored = [(minhash(a).jaccard(minhash(b)), 1) for a, b in pos] + [
        (minhash(a).jaccard(minhash(b)), 0) for a, b, _o in neg]
    print(f"SemEval HFL: {len(pos)} near-duplicate pairs (original vs back-translated variant), "
          f"{len(neg)} different-article pairs ({sum(1 for *_x, o in neg if o <= 1.5)} rated 'very similar')")
    for th in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        tp = sum(1 for s, y in scored if s >= th and y)
        fp = sum(1 for s, y in scored if s >= th and not y)
        p = tp / (tp + fp) if tp + fp else 1.0
        print(f"  threshold {th:.1f}: precision {p:.3f} recall {tp / max(len(pos), 1):.3f} (tp {tp}, fp {fp})")
    print("  positive pair Jaccards:", sorted(round(s, 2) for s, y in scored if y))
    print("  highest negative Jaccards:", sorted((round(s, 2) for s, y in scored if not y), reverse=True)[:5])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--limit", type=int, default=10**9)
    args = ap.parse_args()
    data = require_data(args.data, "semeval2022_task8").parent
    semeval(data)
    corpora(data, args.limit)


if __name__ == "__main__":
    main()
