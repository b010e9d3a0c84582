"""What leaving doubted one-off names out of the entity list costs a request, on a large synthetic store.

Why: ``/api/entities`` pages on the stored ``mention_count`` index; the list's rule (``Store.listed``: named twice,
or once with ``best_confidence`` ≥ the floor) adds a condition the index does not cover. This fills a fresh
SQLite store with N entities (a seeded mix of mention counts and confidences, no documents) and prints the
median time of the first page of 100, with the floor off (0) and on (0.8), for all types and for places.

Usage: python scripts/dev/bench_entity_list.py [--n 200000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from rasid.store import Store  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "entities.db"
        Store(db).close()  # the schema, as rasid creates it
        rnd = random.Random(1)
        con = sqlite3.connect(db)
        con.executemany(
            "INSERT INTO entities (id, type, name, aliases, titles, confidence, mention_count, best_confidence, "
            "norm_names) VALUES (?, ?, ?, '[]', '[]', 1.0, ?, ?, ?)",
            ((f"e{i}", rnd.choice(("PER", "ORG", "LOC")), f"name{i}", rnd.choice((1, 1, 1, 2, 3, 10)),
              round(rnd.random(), 3), f"name{i}") for i in range(args.n)))
        con.commit()
        con.close()
        store = Store(db)
        print(f"{args.n} entities; first page of 100, median of {args.repeat}")
        print("| floor | type | listed | ms |\n|---|---|---|---|")
        for floor in (0.0, 0.8):
            for typ in (None, "LOC"):
                times, total = [], 0
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    total, _rows = store.entity_page(100, 0, type=typ, min_confidence=floor)
                    times.append(time.perf_counter() - t)
                print(f"| {floor} | {typ or 'all'} | {total} | {statistics.median(times) * 1000:.1f} |")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
