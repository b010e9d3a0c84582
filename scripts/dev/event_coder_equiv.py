"""Equivalence and CPU harness for the event coder: a change to the coder must leave every event identical.

Why: speeding up the learned PLOVER coder (vectorised scoring, caches) must not change one stored value.
``pipeline``: ``rasid.run.pipeline.run`` (cluster off, in process) on the first N ANT articles, then a sha1 over
every field of every ``Store.events()`` row; with ``--capture`` the event component's inputs (document,
resolved mentions, dates, sentences) are pickled so ``coder`` can replay them. ``coder``: a fresh
``EventCoder`` (cold caches, as in a run) codes the captured documents; prints the process CPU seconds of
the coding alone and a sha1 over every field of every event.

Usage: python scripts/dev/event_coder_equiv.py pipeline --data ../shared/data --n 600 [--capture /tmp/ev.pkl]
       python scripts/dev/event_coder_equiv.py coder /tmp/ev.pkl [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT))  # after PYTHONPATH: timing another checkout with the same harness
sys.path.append(str(ROOT / "scripts"))


def digest(events: list) -> str:
    """sha1 over every field of every event, in the given order (floats by repr: exact)."""
    h = hashlib.sha1()
    for e in events:
        h.update(json.dumps(dataclasses.asdict(e), ensure_ascii=False, sort_keys=True, default=repr).encode())
        h.update(b"\n")
    return h.hexdigest()


def pipeline(args: argparse.Namespace) -> None:
    from _shared import require_data
    from bench_pipeline import in_process_run

    from rasid.config import RunConfig
    from rasid.extract import components

    folder = require_data(args.data, "ant_multisource", "jsonl")
    captured: list[tuple] = []
    if args.capture:
        orig = components.EventsComponent.__call__

        def spy(self, adoc):  # noqa: ANN001, ANN202 - records what the coder is given, then codes as before
            captured.append((adoc.doc, list(adoc.results.get("ner", [])), list(adoc.results.get("dates", [])),
                             adoc.sentences()))
            return orig(self, adoc)

        components.EventsComponent.__call__ = spy
    with in_process_run(folder, args.n, RunConfig(cluster=False, workers=1)) as (n, cpu, store):
        events = store.events()
    print(f"pipeline: {n} articles, {len(events)} events, run CPU {cpu:.1f} s, digest {digest(events)}")
    if args.capture:
        with open(args.capture, "wb") as fh:
            pickle.dump(captured, fh)
        print(f"captured {len(captured)} documents -> {args.capture}")


def coder(args: argparse.Namespace) -> None:
    from rasid.config import EventsConfig
    from rasid.extract.events.coder import EventCoder

    with open(args.pickle, "rb") as fh:
        captured = pickle.load(fh)
    for r in range(args.repeat):
        ev = EventCoder.load(config=EventsConfig())
        t0 = time.process_time()
        events = [e for doc, ms, ts, sents in captured for e in ev.code(doc, ms, ts, sents=sents)]
        cpu = time.process_time() - t0
        print(f"coder run {r}: {len(captured)} docs, {len(events)} events, CPU {cpu:.2f} s "
              f"({cpu * 1000 / len(captured):.2f} s / 1000 docs), digest {digest(events)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pipeline")
    p.add_argument("--data", type=Path, default=None)
    p.add_argument("--n", type=int, default=600)
    p.add_argument("--capture", default=None)
    c = sub.add_parser("coder")
    c.add_argument("pickle")
    c.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    pipeline(args) if args.cmd == "pipeline" else coder(args)


if __name__ == "__main__":
    main()
