"""Wall time of ``rasid run`` in process (``--workers 1``) versus on the local process pool (default).

    nice python scripts/bench_executors.py /work/shared/data/ant_multisource/jsonl --n 1000

The first ``--n`` JSONL lines (of the sorted ``*.jsonl`` files of a folder) are copied to a temporary file (never into the repository); each
executor runs on a fresh database in its own ``rasid run`` process, in the same invocation.
CPU seconds count the processes the run reaped: all of an inline run, only the driver of a pool run
(pool workers are children of the fork server, which outlives the driver).
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed_run(inp: Path, db: Path, extra: list[str]) -> tuple[float, float]:
    """Wall seconds and reaped CPU seconds of one ``rasid run`` (it must succeed)."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rasid", "run", str(inp), "--db", str(db), "-q", *extra], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, _children_cpu() - cpu0


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl", type=Path, help="a JSONL file or a folder of them")
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "sample.jsonl"
        files = sorted(args.jsonl.glob("*.jsonl")) if args.jsonl.is_dir() else [args.jsonl]
        lines = itertools.chain.from_iterable(f.open("rb") for f in files)  # bytes: only \n ends a record
        inp.write_bytes(b"".join(itertools.islice(lines, args.n)))
        inline = timed_run(inp, Path(tmp) / "inline.db", ["--workers", "1"])
        pool = timed_run(inp, Path(tmp) / "pool.db", [])
    print(f"articles\t{args.n}\tfree cores\t{len(os.sched_getaffinity(0))}\tload\t{os.getloadavg()[0]:.1f}")
    print(f"inline\twall s\t{inline[0]:.1f}\tcpu s\t{inline[1]:.1f}")
    print(f"pool\twall s\t{pool[0]:.1f}\tcpu s\t{pool[1]:.1f}")
    print(f"wall inline/pool\t{inline[0] / pool[0]:.2f}")


if __name__ == "__main__":
    main()
