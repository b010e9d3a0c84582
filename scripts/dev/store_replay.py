"""CPU of the driver's extraction writes alone: replay a run's ``Store.save_extraction`` calls into fresh stores.

Why: the extraction saves are the driver's largest write, and a whole run is too noisy to show a change of a
second in them. This runs the pipeline once in process on the first N ANT articles, records every
``save_extraction`` call, then replays them ``--rounds`` times into a fresh SQLite file, printing the CPU of
each round and a digest of each table written (to compare two checkouts: run it in each, ``PYTHONPATH``
picks the code).

Usage: python scripts/dev/store_replay.py [--data ../shared/data] [--n 3000] [--rounds 3]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT))  # after PYTHONPATH: checking another checkout with the same harness
sys.path.append(str(ROOT / "scripts"))

TABLES = ("mentions", "timexes", "events", "claims", "entities")


def capture(folder: Path, n: int) -> list[tuple[tuple, dict]]:
    """The arguments of every ``save_extraction`` call of one in-process run over the first ``n`` articles."""
    from pipeline_equiv import write_input  # not bench_pipeline's: it puts its own checkout first on sys.path

    from rasid.config import RunConfig
    from rasid.run.pipeline import run
    from rasid.store.facade import Store

    calls: list[tuple[tuple, dict]] = []
    original = Store.save_extraction

    def recording(self: Store, *args: object, **kwargs: object) -> None:
        calls.append((args, kwargs))
        original(self, *args, **kwargs)

    Store.save_extraction = recording
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "ant.jsonl"
            write_input(folder, n, path)
            run([path], Store(Path(tmp) / "x.db"), RunConfig(cluster=False))
    finally:
        Store.save_extraction = original
    return calls


def replay(calls: list[tuple[tuple, dict]], db: Path) -> float:
    """CPU seconds of the calls replayed into a fresh store at ``db``."""
    from rasid.store import Store

    store = Store(db)
    t0 = time.process_time()
    for args, kwargs in calls:
        store.save_extraction(*args, **kwargs)
    return time.process_time() - t0


def main() -> None:
    from _shared import ant_rounds_args, checkout

    folder, n, rounds = ant_rounds_args(__doc__, 3000)
    calls = capture(folder, n)
    print(f"code: {checkout()}; {len(calls)} save_extraction calls captured")
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            db = Path(tmp) / f"r{r}.db"
            print(f"round {r}: {replay(calls, db):.2f} CPU s")
        con = sqlite3.connect(db)
        for table in TABLES:
            rows = con.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()  # noqa: S608 - fixed names
            print(f"{table:9s} {len(rows):7d} {hashlib.sha1(repr(rows).encode()).hexdigest()[:12]}")
        con.close()


if __name__ == "__main__":
    main()
