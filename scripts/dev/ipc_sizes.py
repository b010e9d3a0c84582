"""How much a run's tasks pickle, and what pickling costs, per kind of task (in process, first N ANT articles).

Why: with worker processes every task and its result cross a pipe, pickled on one side and unpickled on the
other. This runs ``rasid run`` in process (one worker: the same tasks, no pipes) with each task function of
``rasid.run.stages`` wrapped to pickle and unpickle its input and its result once, and prints per kind: tasks,
MB in, MB out, and the CPU seconds of that pickling (both sides).

Usage: python scripts/dev/ipc_sizes.py [--data ../shared/data] [--n 3000]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from _shared import ant_articles_args  # noqa: E402
from bench_pipeline import in_process_run  # noqa: E402

from rasid.config import RunConfig  # noqa: E402
from rasid.run import stages  # noqa: E402

TASKS = ("_read_files", "_read_raw", "_clean_raws", "_annotate", "_prepare_group", "_analyse_stories")


def _round_trip(obj: object) -> tuple[int, float]:
    t = time.process_time()
    blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.loads(blob)  # noqa: S301 - our own bytes
    return len(blob), time.process_time() - t


def _measured(name: str, fn: Callable, stats: dict[str, list]) -> Callable:
    def task(item: object, *args: object) -> object:
        size_in, cpu_in = _round_trip((item, args))
        result = fn(item, *args)
        size_out, cpu_out = _round_trip(result)
        row = stats[name]
        row[0] += 1
        row[1] += size_in
        row[2] += size_out
        row[3] += cpu_in + cpu_out
        return result
    return task


def main() -> int:
    folder, n = ant_articles_args(__doc__)
    stats: dict[str, list] = defaultdict(lambda: [0, 0, 0, 0.0])
    for name in TASKS:
        setattr(stages, name, _measured(name, getattr(stages, name), stats))
    with in_process_run(folder, n, RunConfig(workers=1)):
        pass
    print("| task | tasks | MB in | MB out | pickle CPU s |\n|---|---|---|---|---|")
    for name, (n, size_in, size_out, cpu) in stats.items():
        print(f"| {name} | {n} | {size_in / 1e6:.1f} | {size_out / 1e6:.1f} | {cpu:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
