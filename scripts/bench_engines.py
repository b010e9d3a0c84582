"""Benchmark the local and Dask engines: articles/second, peak memory, growth with input size.

    nice python scripts/bench_engines.py --engine local --sizes 2000 5000            # full pipeline
    nice python scripts/bench_engines.py --engine dask --sizes 10000 --no-extract    # ingest only
Prints seconds per stage too (learn = boilerplate line counting, ingest = clean+dedup+store,
extract = NER/dates/entities/events/claims, stories = clustering + compare/summary/timeline).
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


class StageTimer:
    """A progress factory that records how long each progress-reporting stage took."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, label: str, _total: int | None) -> StageTimer._Bar:
        return StageTimer._Bar(self, label)

    class _Bar:
        def __init__(self, owner: StageTimer, label: str) -> None:
            self.owner, self.label = owner, label

        def advance(self, n: int = 1) -> None: ...

        def __enter__(self) -> StageTimer._Bar:
            self.t0 = time.perf_counter()
            return self

        def __exit__(self, *exc: object) -> None:
            dt = time.perf_counter() - self.t0
            self.owner.seconds[self.label] = self.owner.seconds.get(self.label, 0.0) + dt


def bench(engine: str, folder: Path, extract: bool, batch: int) -> dict:
    from rasid.run.pipeline import RunConfig, run
    from rasid.store import Store

    timer = StageTimer()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "b.db")
        cfg = RunConfig(batch_size=batch, extract=extract, cluster=extract)
        t0 = time.perf_counter()
        if engine == "dask":
            from rasid.run.dask_engine import run_dask

            rep = run_dask([folder], store, cfg, progress=timer)
        else:
            rep = run([folder], store, cfg, progress=timer)
        dt = time.perf_counter() - t0
        store.close()
    st = timer.seconds
    learn, ing, ext = (st.get(k, 0.0) for k in ("learning boilerplate", "ingesting", "extracting"))
    return {"read": rep.read, "added": rep.added, "dups": rep.duplicates, "seconds": dt,
            "stages": f"{learn:.0f}/{ing:.0f}/{ext:.0f}/{dt - learn - ing - ext:.0f}"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 30000, 60000])
    ap.add_argument("--engine", choices=["local", "dask"], required=True,
                    help="one engine per process, so peak memory is that engine's (peaks are maxima over --sizes)")
    ap.add_argument("--no-extract", action="store_true", help="ingest+clean+dedup only")
    ap.add_argument("--batch-size", type=int, default=500)
    args = ap.parse_args()
    if not (args.data / "ant_multisource").is_dir():
        print(f"data not found at {args.data}: skipping benchmark")
        return 0
    print("engine\tarticles\tstored\tduplicates\tseconds\tarticles/s\tpeak RSS MB (self, children)"
          "\tlearn/ingest/extract/stories s")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = make_subset(args.data, n, Path(tmp) / f"in{n}")
            r = bench(args.engine, folder, not args.no_extract, args.batch_size)
            me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"{args.engine}\t{r['read']}\t{r['added']}\t{r['dups']}\t{r['seconds']:.1f}\t"
                  f"{r['read'] / r['seconds']:.0f}\t{me:.0f}, {kids:.0f}\t{r['stages']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
