"""What the garbage collector's settings cost a run (the table in docs/results/speed.md, "The garbage collector").

Why: ``rasid.run.heap`` raises the collector's thresholds during a run and freezes pool workers' models; this
harness runs ``rasid.run.pipeline.run`` in process (one worker) on the first N ANT articles under one setting and
prints the run's CPU seconds and the collector's statistics, so the settings can be compared (run each several
times, alternating: the machine's noise is about ±1.5 s on 1,000 articles).

Settings: ``defaults`` (CPython's 700/10/10, as before rasid.run.heap), ``freeze`` (defaults, plus ``gc.freeze``
after the in-process models are built), ``thresholds A,B,C`` and ``both A,B,C`` (thresholds, plus freeze).

Usage: python scripts/dev/gc_settings.py defaults|freeze|thresholds|both [20000,20,20] [--data ../shared/data] [--n 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> None:
    from _shared import require_data
    from bench_pipeline import in_process_run

    from rasid.config import RunConfig
    from rasid.run import executors, heap, pipeline

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("setting", choices=("defaults", "freeze", "thresholds", "both"))
    ap.add_argument("thresholds", nargs="?", default="20000,20,20")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    folder = require_data(args.data, "ant_multisource", "jsonl")
    wanted = tuple(int(x) for x in args.thresholds.split(","))

    @contextlib.contextmanager
    def fixed() -> object:  # the run keeps whatever thresholds this script set
        yield

    pipeline.run_thresholds = fixed
    gc.set_threshold(*(wanted if args.setting in ("thresholds", "both") else (700, 10, 10)))
    if args.setting in ("freeze", "both"):
        setup = executors.InlineExecutor.setup

        def setup_and_freeze(self, *a, **k) -> None:  # noqa: ANN001, ANN002, ANN003
            setup(self, *a, **k)
            heap.freeze_resources()

        executors.InlineExecutor.setup = setup_and_freeze
    with in_process_run(folder, args.n, RunConfig(workers=1)) as (n, cpu, _store):
        pass
    stats = [s["collections"] for s in gc.get_stats()]
    print(f"{args.setting} {gc.get_threshold()}: {n} articles, run CPU {cpu:.2f} s, collections per generation {stats}")


if __name__ == "__main__":
    main()
