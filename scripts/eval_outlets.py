"""Outlet perspective on real corpora: does the registry know the outlets, and what do coverage and the
outlet statistics say on a real store?

1. Registry coverage: the outlet id rasid gives every article of the staged ANT and SaudiNewsNet corpora (their
   source field, read by the JSONL reader's rules: the id as written) resolved through the registry; the share
   of articles whose outlet it knows, and the articles per ownership type.
2. With ``--db`` (or ``--build-ant FROM TO``, which first runs the full pipeline on the ANT articles published
   in that date range into a temporary store): per story, which ownership types covered it; per outlet, the
   numbers the outlet page shows (conflicts, standing alone, first reports, median lag).

    python scripts/eval_outlets.py --data /work/shared/data --build-ant 2018-04-01 2018-04-18

Prints Markdown (the tables of docs/results/outlets.md).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from rasid.ingest.common import parse_date
from rasid.serve.outlets import OWNERSHIP, load_registry, outlet_stats, story_coverage
from rasid.store import Store

CORPORA = {"ant_multisource": "src", "saudinewsnet": "source"}


def registry_coverage(data: Path) -> str:
    reg = load_registry()
    lines = ["| corpus | articles | outlet ids | ids the registry knows | articles whose outlet it knows | "
             + " | ".join(f"articles: {o}" for o in OWNERSHIP) + " |",
             "|---|---|---|---|---|" + "---|" * len(OWNERSHIP)]
    for folder, key in CORPORA.items():
        per_outlet: Counter[str] = Counter()
        for f in sorted((data / folder / "jsonl").glob("*.jsonl")):
            with f.open(encoding="utf-8") as fh:
                for line in fh:
                    per_outlet[str(json.loads(line).get(key) or "")] += 1
        total = sum(per_outlet.values())
        known = {o for o in per_outlet if reg.lookup(o) is not None}
        by_own: Counter[str] = Counter()
        for o, n in per_outlet.items():
            rec = reg.lookup(o)
            by_own[rec.ownership if rec else "unknown"] += n
        lines.append(f"| {folder} | {total:,} | {len(per_outlet)} | {len(known)} | "
                     f"{sum(per_outlet[o] for o in known) / total:.1%} | "
                     + " | ".join(f"{by_own[o]:,}" for o in OWNERSHIP) + " |")
    recs = list(reg.records.values())
    own = Counter(r.ownership for r in recs)
    lines += ["", f"Registry: {len(recs)} outlets (" + ", ".join(f"{own[o]} {o}" for o in OWNERSHIP)
              + f"), {sum(bool(r.source) for r in recs)} with a public source URL, "
              f"{sum(bool(r.affiliation) for r in recs)} with an affiliation, {len({r.country for r in recs if r.country})} countries."]
    return "\n".join(lines)


def build_ant(data: Path, start: date, end: date, db: Path) -> int:
    """Run the full pipeline on the ANT articles published in [start, end] (their own dates), into ``db``."""
    from rasid.run.pipeline import run

    picked = db.with_suffix(".jsonl")
    n = 0
    with picked.open("w", encoding="utf-8") as out:
        for f in sorted((data / "ant_multisource" / "jsonl").glob("*.jsonl")):
            for line in f.open(encoding="utf-8"):
                d = parse_date(json.loads(line).get("time"))
                if d is not None and start <= d.date() <= end:
                    out.write(line)
                    n += 1
    store = Store(db)
    run([picked], store)
    store.close()
    return n


def store_report(db: str) -> str:
    store = Store(db, must_exist=True)
    reg = load_registry()
    mixes: Counter[str] = Counter()
    missing_state = multi = 0
    for row in store.story_rows():
        cov = story_coverage(store, row["id"], reg)
        kinds = tuple(r["ownership"] for r in cov["by_ownership"] if r["covered"])
        if len(cov["covered"]) < 2:
            continue
        multi += 1
        mixes[" + ".join(kinds)] += 1
        missing_state += any(r["ownership"] == "state" and r["missing"] for r in cov["by_ownership"])
    lines = [f"Stories covered by 2+ outlets: {multi:,}; of these, {missing_state:,} were not covered by some "
             "state-owned outlet that published in their window.", "",
             "| ownership types among the covering outlets | stories (2+ outlets) |", "|---|---|"]
    lines += [f"| {k} | {v:,} |" for k, v in mixes.most_common()]
    lines += ["", "| outlet | ownership | articles | stories | conflicts taken part in | alone | alone share | "
              "shared stories | first | first share | median lag h |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for o, _n in sorted(store.outlet_counts(), key=lambda x: -x[1]):
        s, d = outlet_stats(store, o), reg.describe(o)
        fmt = lambda x: "–" if x is None else f"{x:g}"  # noqa: E731
        lines.append(f"| {o} | {d['ownership']} | {s['documents']:,} | {s['stories']:,} | {s['conflicts']} | "
                     f"{s['alone']} | {fmt(s['alone_share'])} | {s['shared_stories']:,} | {s['first_reports']:,} | "
                     f"{fmt(s['first_share'])} | {fmt(s['median_lag_hours'])} |")
    store.close()
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--db", help="an existing store to report on")
    ap.add_argument("--build-ant", nargs=2, metavar=("FROM", "TO"), help="build a store from ANT articles of these days")
    args = ap.parse_args()
    print(registry_coverage(args.data))
    db = args.db
    if args.build_ant:
        tmp = Path(tempfile.mkdtemp(prefix="rasid-outlets-")) / "ant.db"
        t0 = datetime.now()
        n = build_ant(args.data, date.fromisoformat(args.build_ant[0]), date.fromisoformat(args.build_ant[1]), tmp)
        print(f"\nStore: {n:,} ANT articles published {args.build_ant[0]} – {args.build_ant[1]}, full pipeline "
              f"({(datetime.now() - t0).total_seconds():.0f} s) → {tmp}")
        db = str(tmp)
    if db:
        print()
        print(store_report(db))


if __name__ == "__main__":
    main()
