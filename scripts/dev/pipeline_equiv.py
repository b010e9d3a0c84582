"""Equivalence harness for speed levers: what a run stores must not change, only how fast it is stored.

Why: a lever on the store, the executors or the story stage (batched reads and writes, work moved to the
workers) must leave every stored row as it was. Two checks, each printing sha1 digests to compare between
two checkouts (run the same command in each; ``PYTHONPATH`` picks the code):

``full``: ``rasid run`` on the first N ANT articles into a fresh SQLite file, then one digest per table
over every row, without the columns that hold wall-clock times or the input's temporary path.

``stories``: the story stage alone (cluster, compare, storylines) on a copy of an extracted database built
once per N (cached under the temp folder), timed; a digest over every table the stage writes.

Usage: python scripts/dev/pipeline_equiv.py full --data ../shared/data --n 1000 [--workers 2]
       python scripts/dev/pipeline_equiv.py stories --data ../shared/data --n 3000 [--workers 1]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT))  # after PYTHONPATH: checking another checkout with the same harness
sys.path.append(str(ROOT / "scripts"))

from _shared import require_data  # noqa: E402
from bench_engines import StageTimer  # noqa: E402

from rasid.config import RunConfig  # noqa: E402
from rasid.run.pipeline import run  # noqa: E402
from rasid.store import Store  # noqa: E402

VOLATILE = {"ingested_at", "at", "source_path"}  # wall-clock times and the temporary input's path
STORY_TABLES = ("SELECT * FROM stories ORDER BY id", "SELECT * FROM storylines ORDER BY id",
                "SELECT * FROM conflicts ORDER BY story_id, id", "SELECT * FROM claims ORDER BY id",
                "SELECT id, story_id, stage, inferred_from, inferred_to FROM documents ORDER BY id",
                "SELECT * FROM pending_stories ORDER BY 1", "SELECT key, value FROM state ORDER BY key")


def write_input(folder: Path, n: int, out: Path) -> None:
    """The first ``n`` lines across the sorted ANT JSONL files (as scripts/bench_pipeline.py; not imported
    from there because it puts its own checkout first on ``sys.path``, which would hide ``PYTHONPATH``)."""
    with out.open("w", encoding="utf-8") as dst:
        for f in sorted(folder.glob("*.jsonl")):
            with f.open(encoding="utf-8") as src:
                for line in src:
                    if n <= 0:
                        return
                    dst.write(line)
                    n -= 1


def table_digests(db: Path) -> dict[str, tuple[int, str]]:
    """Rows and a sha1 of every table (except the run log), volatile columns left out."""
    con = sqlite3.connect(db)
    out = {}
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                            "'sqlite_%' AND name NOT LIKE '%fts%' AND name != 'runs' ORDER BY name")]
        for t in tables:
            cols = ", ".join(f'"{r[1]}"' for r in con.execute(f"PRAGMA table_info('{t}')") if r[1] not in VOLATILE)
            rows = con.execute(f'SELECT {cols} FROM "{t}" ORDER BY {cols}').fetchall()
            out[t] = (len(rows), hashlib.sha1(repr(rows).encode()).hexdigest()[:12])
    finally:
        con.close()
    return out


def full(folder: Path, n: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        write_input(folder, n, path)
        t0 = time.perf_counter()
        run([path], Store(Path(tmp) / "x.db"), RunConfig(workers=workers))
        print(f"run: {time.perf_counter() - t0:.1f} s wall")
        for table, (rows, digest) in table_digests(Path(tmp) / "x.db").items():
            print(f"{table:16s} {rows:7d} {digest}")


def stories(folder: Path, n: int, workers: int) -> None:
    base = Path(tempfile.gettempdir()) / f"rasid_story_base_{n}.db"
    if not base.exists():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "in.jsonl"
            write_input(folder, n, path)
            run([path], Store(Path(tmp) / "b.db"), RunConfig(cluster=False))
            shutil.copy(Path(tmp) / "b.db", base)
        print(f"extracted base database built: {base}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "s.db"
        shutil.copy(base, db)
        store, timer = Store(db), StageTimer()
        t0, c0 = time.perf_counter(), time.process_time()
        report = run([], store, RunConfig(workers=workers), progress=timer)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        store.close()
        con = sqlite3.connect(db)
        h = hashlib.sha1()
        for q in STORY_TABLES:
            h.update(repr(con.execute(q).fetchall()).encode())
        con.close()
        print(f"story stage: {wall:.2f} s wall, driver CPU {cpu:.2f} s, {report.stories_updated} stories analysed")
        print("digest", h.hexdigest())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("check", choices=("full", "stories"))
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=0, help="local worker processes (0: every free core)")
    args = ap.parse_args()
    import rasid

    folder = require_data(args.data, "ant_multisource", "jsonl").resolve()
    # Worker processes come from a forkserver that imports rasid before it takes this process's sys.path, so
    # they find rasid in the working directory first: run from the checkout whose code is measured, or the
    # workers would run another checkout's code than the driver (and a comparison would be vacuous).
    os.chdir(Path(rasid.__file__).resolve().parents[1])
    print(f"code: {Path(rasid.__file__).parent}; workers: {', '.join(sorted(worker_code(args.workers)))}")
    (full if args.check == "full" else stories)(folder, args.n, args.workers)


def _code_of_this_process(_item: object) -> str:
    import rasid.run.stages

    return str(Path(rasid.run.stages.__file__).parents[1])


def worker_code(workers: int) -> set[str]:
    """Where the worker processes of a run with ``workers`` import rasid from (checked, not assumed)."""
    from rasid.run.executors import local_executor

    executor = local_executor(workers or None)
    try:
        return set(executor.map_ordered(_code_of_this_process, list(range(8))))
    finally:
        executor.close()


if __name__ == "__main__":
    main()
