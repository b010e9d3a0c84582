"""Benchmark the local and Dask engines: articles/second, peak memory, growth with input size.

    nice python scripts/bench_engines.py --sizes 2000 5000 --no-extract
Exits 0 with a message when the data folder is absent.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _lines(data: Path) -> itertools.chain:
    files = sorted((data / "ant_multisource" / "jsonl").glob("*.jsonl")) + sorted(
        (data / "saudinewsnet" / "jsonl").glob("*.jsonl"))
    return itertools.chain.from_iterable(f.open("rb") for f in files)


def make_subset(data: Path, n: int, out: Path) -> Path:
    """First ``n`` articles of ant_multisource then saudinewsnet, split in files of 1000 lines."""
    out.mkdir(parents=True, exist_ok=True)
    lines = list(itertools.islice(_lines(data), n))
    for k in range(0, len(lines), 1000):
        (out / f"part_{k // 1000:03d}.jsonl").write_bytes(b"".join(lines[k:k + 1000]))
    return out


def bench(engine: str, folder: Path, extract: bool, batch: int) -> dict:
    from rasid.pipeline import RunConfig, run
    from rasid.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "b.db")
        cfg = RunConfig(batch_size=batch, extract=extract, cluster=extract)
        t0 = time.perf_counter()
        if engine == "dask":
            from rasid.engine_dask import run_dask

            rep = run_dask([folder], store, cfg)
        else:
            rep = run([folder], store, cfg)
        dt = time.perf_counter() - t0
        store.close()
    return {"read": rep.read, "added": rep.added, "dups": rep.duplicates, "seconds": dt}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 30000, 60000])
    ap.add_argument("--engine", choices=["local", "dask"], required=True,
                    help="one engine per process, so peak memory is that engine's")
    ap.add_argument("--no-extract", action="store_true", help="ingest+clean+dedup only")
    ap.add_argument("--batch-size", type=int, default=500)
    args = ap.parse_args()
    if not (args.data / "ant_multisource").is_dir():
        print(f"data not found at {args.data}: skipping benchmark")
        return 0
    print("engine\tarticles\tstored\tduplicates\tseconds\tarticles/s\tpeak RSS MB (self, children)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = make_subset(args.data, n, Path(tmp) / f"in{n}")
            r = bench(args.engine, folder, not args.no_extract, args.batch_size)
            me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"{args.engine}\t{r['read']}\t{r['added']}\t{r['dups']}\t{r['seconds']:.1f}\t"
                  f"{r['read'] / r['seconds']:.0f}\t{me:.0f}, {kids:.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
