"""Throughput of the extraction stages owned by issue 5 (dates, events, claims, compare, timeline).

Runs on ANT multi-source articles (../shared/data/ant_multisource, first --limit docs) when
present, else on the bundled demo corpus. Entity mentions are not produced here (NER is a
separate stage), so role filling is not timed; the trigger/regex work that dominates is.

Usage: nice python scripts/bench_extract.py [--data ../shared/data] [--limit 2000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.extract.attribution import find_claims  # noqa: E402
from rasid.extract.events.coder import EventCoder  # noqa: E402
from rasid.extract.temporal import find_dates  # noqa: E402
from rasid.models import Document, Story  # noqa: E402
from rasid.stories.compare import compare_story  # noqa: E402
from rasid.stories.timeline import build_timeline  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"


def ant_docs(folder: Path, limit: int) -> list[Document]:
    docs: list[Document] = []
    for f in sorted(folder.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            try:
                pub = parsedate_to_datetime(r["time"]).replace(tzinfo=None)
            except (TypeError, ValueError):
                pub = None
            text = f"{r.get('title', '')}\n{r.get('text', '')}"
            docs.append(Document(id=r["docno"], text=text, raw_text=text, source_path=str(f), fmt="jsonl",
                                 outlet=r.get("src"), published=pub))
            if len(docs) >= limit:
                return docs
    return docs


def demo_docs() -> list[Document]:
    docs = []
    for f in sorted((ROOT / "demo" / "corpus").rglob("*.txt")):
        header, _, body = f.read_text(encoding="utf-8").partition("\n\n")
        day = next((ln[5:] for ln in header.splitlines() if ln.startswith("date ")), None)
        docs.append(Document(id=f.stem, text=body, raw_text=body, source_path=str(f), fmt="txt",
                             outlet=f.parent.name, published=datetime.fromisoformat(day) if day else None))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=2000)
    args = ap.parse_args()
    folder = args.data / "ant_multisource" / "jsonl"
    if folder.is_dir():
        docs, source = ant_docs(folder, args.limit), f"ant_multisource ({args.limit} docs max)"
    else:
        print(f"{folder} not found: benchmarking the demo corpus instead")
        docs, source = demo_docs(), "demo corpus"
    chars = sum(len(d.text) for d in docs)
    print(f"{source}: {len(docs)} docs, {chars / 1e6:.2f} M chars")
    coder = EventCoder.load()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    timexes = {d.id: find_dates(d.id, d.text, d.published) for d in docs}
    timings["find_dates"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    events = [e for d in docs for e in coder.code(d, [], timexes[d.id])]
    timings["EventCoder.code"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    claims = [c for d in docs for c in find_claims(d, [])]
    timings["find_claims"] = time.perf_counter() - t0
    by_id = {d.id: d for d in docs}
    t0 = time.perf_counter()
    # one pseudo-story per outlet-day, the size stories have in practice
    stories: dict[str, list[str]] = {}
    for d in docs:
        stories.setdefault(f"{d.outlet}:{d.published.date() if d.published else 'none'}", []).append(d.id)
    conflicts = 0
    for sid, ids in stories.items():
        members = set(ids)
        _, cf = compare_story(sid, [c for c in claims if c.doc_id in members], {i: by_id[i] for i in ids})
        conflicts += len(cf)
    timings["compare_story"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for sid, ids in stories.items():
        build_timeline(Story(id=sid, doc_ids=ids), events, {i: by_id[i] for i in ids})
    timings["build_timeline"] = time.perf_counter() - t0
    print(f"found: {sum(map(len, timexes.values()))} timexes, {len(events)} events, {len(claims)} claims, "
          f"{conflicts} conflicts in {len(stories)} pseudo-stories")
    for name, secs in timings.items():
        print(f"{name:16s} {secs:7.2f} s  {len(docs) / secs:8.1f} docs/s  {chars / secs / 1e3:8.1f} k chars/s")


if __name__ == "__main__":
    main()
