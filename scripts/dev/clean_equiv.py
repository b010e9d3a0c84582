"""One digest over what cleaning and signing produce for the first N ANT articles, and its CPU time.

A speed change to ingest/clean/dedup must leave the digest unchanged: sha1 over every article's id,
cleaned text, removed lines, language, content hash, date and its source, title and MinHash values,
cleaned with the line statistics learned from the same articles. Everything runs in this process, so the
CPU seconds printed are the work itself, whatever else the machine runs.

Usage: python scripts/dev/clean_equiv.py [--data ../shared/data] [--n 3000]
Development-only: never imported by rasid at run time. Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import require_data  # noqa: E402
from bench_pipeline import write_input  # noqa: E402

from rasid.clean.boilerplate import LineStats  # noqa: E402
from rasid.config import RunConfig  # noqa: E402
from rasid.models import Skip  # noqa: E402
from rasid.run import stages  # noqa: E402
from rasid.run.executors import InlineExecutor  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="shared data folder (default ../shared/data)")
    ap.add_argument("--n", type=int, default=3000, help="articles (first lines across the sorted ANT files)")
    args = ap.parse_args()
    folder = require_data(args.data, "ant_multisource", "jsonl")
    cfg = RunConfig()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        write_input(folder, args.n, path)
        stats = LineStats.from_config(cfg.clean)
        t0 = time.process_time()
        for x in stages._read_files([str(path)]):
            if not isinstance(x, Skip):
                stats.observe_keys(x[0].outlet, *x[2])
        raws = stages._read_raw([str(path)])
    executor = InlineExecutor()
    executor.setup({"line_stats": lambda: stats}, local={"line_stats": stats})
    t1 = time.process_time()
    groups = [raws[i:i + stages.CHUNK_DOCS] for i in range(0, len(raws), stages.CHUNK_DOCS)]
    out = [x for res in executor.map_ordered(stages._clean_raws, groups, cfg.clean, cfg.dedup) for x in res]
    t2 = time.process_time()
    digest = hashlib.sha1()
    for x in out:
        if isinstance(x, Skip):
            digest.update(repr(("skip", x.reason)).encode())
            continue
        d, sig = x
        digest.update(repr((d.id, d.text, d.removed_lines, d.language, d.content_hash, d.published,
                            d.date_source, d.title, None if sig is None else sig.tolist())).encode())
    n = len(raws)
    print(f"articles {n}  read+learn CPU {t1 - t0:.2f} s  clean+sign CPU {t2 - t1:.2f} s "
          f"({(t2 - t1) * 1000 / max(1, n):.2f} ms/article)")
    print("digest", digest.hexdigest())


if __name__ == "__main__":
    main()
