"""Throughput of ingest + clean + dedup + store over the shared multi-outlet corpora, with peak memory.

Usage: python scripts/bench_ingest.py [--sizes 10000 30000 60000] [--data ../shared/data]
Each size runs in a fresh process on the first N articles (ANT and SaudiNewsNet interleaved) into a
temporary SQLite file; reports articles/second and peak RSS.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import require_data  # noqa: E402


def write_subset(data: Path, n: int, out: Path) -> int:
    files = sorted((data / "ant_multisource" / "jsonl").glob("*.jsonl")) + sorted(
        (data / "saudinewsnet" / "jsonl").glob("*.jsonl"))
    ant = [f for f in files if f.name.startswith("ant")]
    snn = [f for f in files if f.name.startswith("snn")]

    def lines(fs):
        for f in fs:
            with f.open(encoding="utf-8") as fh:
                for i, line in enumerate(fh, 1):
                    if f.name.startswith("snn"):  # SaudiNewsNet has no id field: give a stable one
                        obj = json.loads(line)
                        obj["id"] = f"{f.stem}-{i}"
                        line = json.dumps(obj, ensure_ascii=False) + "\n"
                    yield line

    written = 0
    with out.open("w", encoding="utf-8") as fh:
        for a, b in itertools.zip_longest(lines(ant), lines(snn)):
            for line in (a, b):
                if line is not None and written < n:
                    fh.write(line)
                    written += 1
            if written >= n:
                break
    return written


def run_one(path: Path, db: Path, extract: bool) -> dict:
    from rasid.run.pipeline import RunConfig, run
    from rasid.store import Store

    store = Store(db)
    t0 = time.perf_counter()
    report = run([path], store, RunConfig(batch_size=1000, extract=extract, cluster=extract))
    dt = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"articles": report.read, "added": report.added, "duplicates": report.duplicates,
            "skipped": len(report.skipped), "seconds": round(dt, 1), "articles_per_s": round(report.read / dt, 1),
            "peak_rss_mb": round(rss_mb)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 30000, 60000])
    ap.add_argument("--extract", action="store_true", help="also run extraction, clustering and comparison")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_one(Path(args.child[0]), Path(args.child[1]), args.extract)))
        return
    data = require_data(args.data, "ant_multisource").parent
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            subset = Path(tmp) / f"subset-{n}.jsonl"
            got = write_subset(data, n, subset)
            db = Path(tmp) / f"bench-{n}.db"
            cmd = [sys.executable, __file__, "--child", str(subset), str(db)] + (["--extract"] if args.extract else [])
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            res = json.loads(out)
            stage = "full pipeline" if args.extract else "ingest+clean+dedup+store"
            print(f"{stage} n={got}: {res['seconds']} s, {res['articles_per_s']} articles/s, "
                  f"peak RSS {res['peak_rss_mb']} MB, added {res['added']}, duplicates {res['duplicates']}, "
                  f"skipped {res['skipped']}", flush=True)


if __name__ == "__main__":
    main()
