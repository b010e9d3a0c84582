"""Which part of an article the story clusterer should embed, scored on the June DEV half only.

Why: the lead embedder is the story stage's largest cost (docs/results/speed.md), and the text it embeds is a
choice, not a given. This harness re-embeds the fortnight with each candidate lead text (patching
``Embedder.leads``; every text gets its own vector cache) and prints dev story and storyline B-cubed and
pairwise scores for each (dense weight, dense floor, threshold); test numbers are never computed.

Usage: python scripts/dev/sweep_embed_leads.py --cache /tmp/june.pkl [--leads 2s,1s,c160,title]
           [--w-dense 0.1] [--floor 0.25,0.3] [--threshold 0.22] [--condition dated|undated]
Leads: ``Ns`` = title + N sentences (≤ ``lead_chars``); ``cN`` = title + sentences cut at N characters;
``title`` = the title alone (the first sentence when there is none).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from eval_stories import LABELS, InputCache, LabelSet, _fmt, inputs_key, undated  # noqa: E402
from sweep_stories import MemoClusterer, _memo_main_event  # noqa: E402

from dev.cluster_corpus import DEFAULT_DATA  # noqa: E402
from dev.cluster_eval import CachedEmbedder, bcubed, pairwise  # noqa: E402
from rasid.config import ClusterConfig, EmbedConfig  # noqa: E402
from rasid.models import Document  # noqa: E402
from rasid.stories.embed import Embedder, lead_text  # noqa: E402
from rasid.stories.features import IdfTable  # noqa: E402


def lead_of(spec: str) -> Callable[[Document], str]:
    """The lead text a ``--leads`` item names."""
    chars = EmbedConfig().lead_chars
    if spec == "title":
        return lambda d: d.title or lead_text(d, n_sentences=1, max_chars=chars)
    if spec.endswith("s") and spec[:-1].isdigit():
        return lambda d: lead_text(d, n_sentences=int(spec[:-1]), max_chars=chars)
    if spec.startswith("c") and spec[1:].isdigit():
        return lambda d: lead_text(d, max_chars=int(spec[1:]))
    raise SystemExit(f"unknown lead {spec!r}: Ns, cN or title")


def _floats(raw: str) -> list[float]:
    return [float(x) for x in raw.split(",")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--cache", type=Path, default=None, help="input cache shared with eval_stories.py --cache")
    ap.add_argument("--leads", default="2s,1s,c160,title")
    ap.add_argument("--w-dense", default="0.1")
    ap.add_argument("--floor", default="0.25")
    ap.add_argument("--threshold", default=str(ClusterConfig().threshold))
    ap.add_argument("--condition", choices=("dated", "undated"), default="dated")
    args = ap.parse_args()
    if not (args.data / "ant_multisource").is_dir():
        print(f"no data at {args.data}; skipping")
        return 0
    labels = LabelSet.load(LABELS)
    cache = InputCache(args.cache, inputs_key(args.data, LABELS))
    docs = cache.documents(args.data, labels)
    labels = labels.restrict({d.id for d in docs})
    run_docs = docs if args.condition == "dated" else undated(docs)
    mentions, timexes, events = cache.inputs(args.condition, run_docs, True)
    idf, base = IdfTable.load(), Embedder.load("use")
    _memo_main_event()
    gold = {level: labels.gold(level, "dev") for level in ("story", "storyline")}
    print("| lead | w_dense | floor | threshold | story B3 P/R/F1 | story pairwise | storyline B3 | storyline pairwise "
          "| clusters | s |\n|---|---|---|---|---|---|---|---|---|---|")
    original = Embedder.leads
    try:
        for spec in args.leads.split(","):
            fn = lead_of(spec)
            Embedder.leads = staticmethod(lambda ds, *_a, fn=fn: [fn(d) for d in ds])
            emb = CachedEmbedder(base)
            emb._cache = cache.vectors.setdefault(f"use-lead-{spec}", {})
            t = time.perf_counter()
            for w, floor, th in itertools.product(_floats(args.w_dense), _floats(args.floor), _floats(args.threshold)):
                cfg = replace(ClusterConfig(), w_dense=w, dense_floor=floor, threshold=th)
                clusterer = MemoClusterer(config=cfg, embedder=emb, idf=idf)
                assign = clusterer.add(run_docs, mentions, timexes, events=events)
                lines = {d: clusterer.storyline_of(s) for d, s in assign.items()}
                cells = [_fmt(f(pred, gold[level])) for level, pred in (("story", assign), ("storyline", lines))
                         for f in (bcubed, pairwise)]
                print(f"| {spec} | {w} | {floor} | {th} | {' | '.join(cells)} | {len(set(assign.values()))} | "
                      f"{time.perf_counter() - t:.1f} |", flush=True)
                t = time.perf_counter()
            cache.save()
    finally:
        Embedder.leads = original
    return 0


if __name__ == "__main__":
    sys.exit(main())
