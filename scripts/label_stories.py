"""Helpers for building the ANT story labels (eval/ant_story_labels.json) by reading articles.

  candidates  generous lexical-only clusters in a date range (high recall; a human then splits them)
  search      articles in a date range whose normalised title matches a regex
  show        the labelled stories with date, outlet and title, for review

The label file holds ids only: {"doc_id": "story-label", ...}. Article text stays in ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dev.cluster_corpus import DEFAULT_DATA, iter_ant  # noqa: E402

from rasid.stories.cluster import ClusterConfig, StoryClusterer, group  # noqa: E402
from rasid.stories.embed import Embedder  # noqa: E402
from rasid.text.normalize import normalize  # noqa: E402

LABELS = Path(__file__).resolve().parents[1] / "eval" / "ant_story_labels.json"


def _window(data: Path, start: str, end: str):
    lo, hi = datetime.fromisoformat(start), datetime.fromisoformat(end)
    return [d for d in iter_ant(data) if d.published and lo <= d.published < hi and d.title]


def _line(d, lead: int = 0) -> str:
    """One article per line; ``lead`` > 0 appends that many characters of the body (the lead)."""
    tail = "\t" + " ".join(d.text[:lead].split()) if lead else ""
    return f"{d.id}\t{d.published:%Y-%m-%d}\t{d.outlet}\t{d.title}{tail}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["candidates", "search", "show"])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--start", default="2018-05-01")
    ap.add_argument("--end", default="2018-05-15")
    ap.add_argument("--q", default="")
    ap.add_argument("--threshold", type=float, default=0.2)
    ap.add_argument("--min-size", type=int, default=3)
    ap.add_argument("--lead", type=int, default=0, help="search: also print this many characters of the lead")
    ap.add_argument("--labels", type=Path, default=LABELS,
                    help="show: label file ({id: story} or {id: {story, storyline}})")
    args = ap.parse_args()
    if not (args.data / "ant_multisource").is_dir():
        print(f"no data at {args.data}; skipping")
        return 0
    if args.cmd == "show":
        labels = json.loads(args.labels.read_text(encoding="utf-8"))
        labels = {k: (v["story"] if isinstance(v, dict) else v) for k, v in labels.get("labels", labels).items()}
        by = {d.id: d for d in iter_ant(args.data) if d.id in labels}
        stories: dict[str, list[str]] = {}
        for doc_id, lab in labels.items():
            stories.setdefault(lab, []).append(doc_id)
        for lab, ids in sorted(stories.items()):
            print(f"=== {lab} ({len(ids)})")
            for i in sorted(ids, key=lambda x: (by[x].published, x)):
                print("   " + _line(by[i]))
        return 0
    docs = _window(args.data, args.start, args.end)
    if args.cmd == "search":
        rx = re.compile(normalize(args.q))
        for d in sorted(docs, key=lambda d: (d.published, d.id)):
            if rx.search(normalize(d.title or "")):
                print(_line(d, args.lead))
        return 0
    cfg = ClusterConfig(threshold=args.threshold, mode_penalty=0.0, event_date_penalty=0.0, window_days=4)
    assign = StoryClusterer(config=cfg, embedder=Embedder.load("none")).add(docs, {}, {})
    by = {d.id: d for d in docs}
    for ids in sorted(group(assign).values(), key=len, reverse=True):
        if len(ids) < args.min_size:
            continue
        print(f"=== {len(ids)}")
        for i in sorted(ids, key=lambda x: (by[x].published, x)):
            print("   " + _line(by[i]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
