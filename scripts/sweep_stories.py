"""Sweep story-clustering settings on the DEV half of the June 2018 set (never the test half).

Tuning ``[stories.cluster]`` needs many clustering runs over the same fortnight; extraction (NER, dates,
events) and embedding dominate one run of scripts/eval_stories.py, and they do not depend on those settings.
This script reuses them from ``--cache`` (built on the first run, see eval_stories.InputCache), memoises each
article's main event and feature row across runs, and reclusters all 2,206 articles of the fortnight (the
unlabelled ones stay as distractors) once per setting. It scores the dev storylines only: test numbers are
neither computed nor printed, so the test half stays unseen until the final eval_stories run.

  python scripts/sweep_stories.py --cache /tmp/june.pkl --sweep act_penalty=0.15,0.25,0.35 --sweep threshold=0.15,0.2
  python scripts/sweep_stories.py --cache /tmp/june.pkl --set type_share=1 --sweep act_penalty=0.15,1

Each ``--sweep key=v1,v2`` adds an axis (the runs are their product); ``--set key=v`` fixes a value for
every run. Keys are ``ClusterConfig`` fields. Rows: dev story and storyline B-cubed and pairwise P/R/F1.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev.cluster_corpus import DEFAULT_DATA  # noqa: E402
from dev.cluster_eval import bcubed, pairwise  # noqa: E402
from eval_stories import LABELS, InputCache, LabelSet, _fmt, inputs_key, undated  # noqa: E402

from rasid.config import ClusterConfig, ConfigError  # noqa: E402
from rasid.stories import cluster as cluster_mod  # noqa: E402
from rasid.stories.features import IdfTable  # noqa: E402

# Config fields a feature row depends on (rows are memoised per doc and these values).
_ROW_FIELDS = ("feature_chars", "vector_terms", "event_day_span", "headline_model")


class MemoClusterer(cluster_mod.StoryClusterer):
    """A StoryClusterer whose feature rows are shared across runs (they do not depend on the weights)."""

    rows: dict[tuple, cluster_mod._Row] = {}

    def _featurize(self, doc, mentions, timexes, main=None):  # noqa: ANN001, ANN202 - same as the base
        key = (doc.id, *(getattr(self.config, f) for f in _ROW_FIELDS))
        if key not in self.rows:
            self.rows[key] = super()._featurize(doc, mentions, timexes, main)
        return replace(self.rows[key], story="")


def _memo_main_event() -> None:
    """Memoise ``main_event`` per doc id (its inputs are fixed per doc in a sweep)."""
    inner, memo = cluster_mod.main_event, {}

    def cached(doc, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        key = (doc.id, bool(kw.get("headline_model")))  # the one setting main_event reads
        if key not in memo:
            memo[key] = inner(doc, *args, **kw)
        return memo[key]

    cluster_mod.main_event = cached


def _value(name: str, raw: str) -> float | int:
    kind = {f.name: f.type for f in fields(ClusterConfig)}.get(name)
    if kind is None:
        raise SystemExit(f"unknown ClusterConfig field {name!r}")
    if kind in ("bool", bool):
        return raw.strip().lower() in ("1", "true", "yes")
    return int(raw) if kind in ("int", int) else float(raw)


def _axis(spec: str) -> tuple[str, list[float | int]]:
    name, _, values = spec.partition("=")
    if not values:
        raise SystemExit(f"bad --sweep/--set {spec!r}: expected key=v1,v2")
    return name.strip(), [_value(name.strip(), v) for v in values.split(",")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--cache", type=Path, default=None, help="input cache shared with eval_stories.py --cache")
    ap.add_argument("--sweep", action="append", default=[], help="key=v1,v2,... (one axis; repeatable)")
    ap.add_argument("--set", action="append", default=[], help="key=value fixed for every run (repeatable)")
    ap.add_argument("--condition", choices=("dated", "undated"), default="dated")
    args = ap.parse_args()
    if not (args.data / "ant_multisource").is_dir():
        print(f"no data at {args.data}; skipping")
        return 0
    fixed = {k: v[0] for k, v in map(_axis, args.set)}
    axes = [_axis(s) for s in args.sweep]
    labels = LabelSet.load(args.labels)
    cache = InputCache(args.cache, inputs_key(args.data, args.labels))
    docs = cache.documents(args.data, labels)
    labels = labels.restrict({d.id for d in docs})
    run_docs = docs if args.condition == "dated" else undated(docs)
    mentions, timexes, events = cache.inputs(args.condition, run_docs, True)
    embedder, idf = cache.embedder("use"), IdfTable.load()
    _memo_main_event()
    gold = {level: labels.gold(level, "dev") for level in ("story", "storyline")}
    print(f"dev: {len(gold['story'])} articles, {len(set(gold['story'].values()))} stories, "
          f"{len(set(gold['storyline'].values()))} storylines; clustered among {len(docs)} ({args.condition})")
    print("| settings | story B3 P/R/F1 | story pairwise P/R/F1 | storyline B3 P/R/F1 | storyline pairwise P/R/F1 "
          "| clusters | s |")
    print("|---|---|---|---|---|---|---|")
    names = [n for n, _ in axes]
    n_vectors = len(cache.vectors.get("use", {}))
    for combo in itertools.product(*(vals for _, vals in axes)):
        over = {**fixed, **dict(zip(names, combo, strict=True))}
        try:
            cfg = replace(ClusterConfig(), **over)
        except ConfigError as exc:
            print(f"| {over} | skipped: {exc} |")
            continue
        t = time.perf_counter()
        clusterer = MemoClusterer(config=cfg, embedder=embedder, idf=idf)
        assign = clusterer.add(run_docs, mentions, timexes, events=events)
        if len(cache.vectors.get("use", {})) != n_vectors:  # this run embedded new docs: keep them
            n_vectors = len(cache.vectors["use"])
            cache.save()
        lines = {d: clusterer.storyline_of(s) for d, s in assign.items()}
        cells = []
        for level, pred in (("story", assign), ("storyline", lines)):
            cells += [_fmt(bcubed(pred, gold[level])), _fmt(pairwise(pred, gold[level]))]
        label = " ".join(f"{k}={v}" for k, v in over.items()) or "defaults"
        print(f"| {label} | {' | '.join(cells)} | {len(set(assign.values()))} | "
              f"{time.perf_counter() - t:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
