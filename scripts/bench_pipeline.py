"""Cost of the whole pipeline per article, relative to a bare pass over the same articles.

The issue's target: on the first 3,000 ANT multi-source articles, ``rasid run`` (ingest → clean →
dedup → extract → cluster → compare) takes at most 30x the time of a bare pass that only reads the
JSONL, normalises, sentence-splits and word-splits each article with rasid's own helpers; and
ingest+clean+dedup alone reaches 500 articles/s. All three are timed in one process run, so the
ratio is comparable on a shared, noisy machine (absolute seconds are not).

Usage: python scripts/bench_pipeline.py [--n 3000] [--data ../shared/data] [--engine local|dask --workers 2]
       python scripts/bench_pipeline.py --profile full --top 30   # cProfile one stage, top functions
       python scripts/bench_pipeline.py --n 500 --stages full noevents  # what event coding adds
       python scripts/bench_pipeline.py --n 1000 --stages full --local-workers 1 --components  # CPU per component
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import require_data  # noqa: E402
from bench_engines import StageTimer  # noqa: E402

from rasid.config import RunConfig  # noqa: E402
from rasid.text.normalize import normalize  # noqa: E402
from rasid.text.spans import sentences, tokens  # noqa: E402

STAGES = ("bare", "ingest", "full", "noevents")  # noevents: full with [extraction.events] enabled = false


def write_input(folder: Path, n: int, out: Path) -> int:
    """The first ``n`` lines across the ANT JSONL files in sorted order, copied to ``out``."""
    written = 0
    with out.open("w", encoding="utf-8") as dst:
        for f in sorted(folder.glob("*.jsonl")):
            with f.open(encoding="utf-8") as src:
                for line in src:
                    if written >= n:
                        return written
                    dst.write(line)
                    written += 1
    return written


@contextlib.contextmanager
def in_process_run(folder: Path, n: int, cfg: RunConfig) -> Iterator[tuple[int, float, object]]:
    """``rasid run`` in this process on the first ``n`` ANT articles into a fresh SQLite store; yields (articles,
    run CPU seconds, the store), the store readable until the block ends (the dev harnesses' common part)."""
    from rasid.run.pipeline import run
    from rasid.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ant.jsonl"
        written = write_input(folder, n, path)
        store = Store(Path(tmp) / "x.db")
        t0 = time.process_time()
        run([path], store, cfg)
        yield written, time.process_time() - t0, store


def bare_pass(path: Path) -> int:
    """Read each article and normalise, sentence-split and word-split its title and text: the floor
    any per-article analysis pays. Returns the number of words seen (so the work cannot be skipped)."""
    n_words = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            text = f"{obj.get('title') or ''}\n{obj.get('text') or ''}"
            normalize(text)
            for sent in sentences(text):
                n_words += len(tokens(sent.text))
    return n_words


def pipeline_pass(path: Path, db: Path, cfg: RunConfig, engine: str, workers: int, timer: StageTimer) -> object:
    """``rasid run`` on ``path`` into a fresh SQLite file, with the chosen engine; ``timer`` records
    the seconds of each stage that reports progress."""
    from rasid.store import Store

    store = Store(db)
    if engine == "dask":
        from rasid.run.dask_engine import make_client, run_dask

        client = make_client(n_workers=workers)
        try:
            return run_dask([path], store, cfg, client=client, progress=timer)
        finally:
            owned = getattr(client, "_rasid_owned_cluster", None)
            client.close()
            if owned is not None:
                owned.close()
    from rasid.run.pipeline import run

    return run([path], store, cfg, progress=timer)


def timed(fn: Callable[[], object], profile: bool, top: int) -> tuple[float, float, object]:
    """Wall seconds and this process's CPU seconds of ``fn()`` (and its cProfile top functions printed
    when ``profile``). Worker processes' CPU is not counted: run with ``--local-workers 1`` for all of it."""
    prof = cProfile.Profile() if profile else None
    t0, c0 = time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    out = fn()
    if prof:
        prof.disable()
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    if prof:
        stats = pstats.Stats(prof, stream=sys.stdout).strip_dirs()
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
    return dt, cpu, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="shared data folder (default ../shared/data)")
    ap.add_argument("--n", type=int, default=3000, help="articles (first lines across the sorted ANT files)")
    ap.add_argument("--engine", choices=("local", "dask"), default="local")
    ap.add_argument("--workers", type=int, default=2, help="dask workers (dask engine only)")
    ap.add_argument("--local-workers", type=int, default=0,
                    help="local engine's worker processes (0: every free core; 1: in process, so the CPU "
                         "seconds printed are all the work, a measure a loaded machine does not distort)")
    ap.add_argument("--batch-size", type=int, default=RunConfig.batch_size)
    ap.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    ap.add_argument("--profile", choices=STAGES, default=None, help="cProfile this stage, print top functions")
    ap.add_argument("--top", type=int, default=25, help="functions listed per profile ordering")
    ap.add_argument("--bare-repeats", type=int, default=3,
                    help="times the bare pass is timed: once before the other stages, the rest after them; "
                         "the ratio uses the median (one 1.6 s pass moved the ratio by up to 5%% on a shared "
                         "machine)")
    ap.add_argument("--components", action="store_true",
                    help="CPU seconds of each extraction component inside the run (needs --local-workers 1): "
                         "what one component costs, without the noise of differencing two whole runs")
    args = ap.parse_args()
    if args.components and args.local_workers != 1:
        ap.error("--components times the components in this process: add --local-workers 1")
    spent = time_components() if args.components else None
    folder = require_data(args.data, "ant_multisource", "jsonl")
    import rasid.run.pipeline  # noqa: F401  - code imports are not per-article work (the bare pass has its own)
    import rasid.store  # noqa: F401
    rows: dict[str, tuple[float, float, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ant-subset.jsonl"
        n = write_input(folder, args.n, path)
        print(f"input: {n} articles, {path.stat().st_size / 1e6:.1f} MB, engine={args.engine}", flush=True)
        for stage in STAGES:
            if stage not in args.stages and stage != args.profile:
                continue
            timer = StageTimer()
            if stage == "bare":
                fn: Callable[[], object] = lambda: bare_pass(path)  # noqa: E731
            else:
                full = stage in ("full", "noevents")
                cfg = RunConfig(batch_size=args.batch_size, extract=full, cluster=full, workers=args.local_workers)
                if stage == "noevents":
                    ev = replace(cfg.extraction.events, enabled=False)
                    cfg = replace(cfg, extraction=replace(cfg.extraction, events=ev))
                db = Path(tmp) / f"{stage}.db"
                fn = lambda cfg=cfg, db=db, timer=timer: pipeline_pass(  # noqa: E731
                    path, db, cfg, args.engine, args.workers, timer)
            dt, cpu, out = timed(fn, args.profile == stage, args.top)
            what = f"{out} words" if stage == "bare" else _summary(out) + _stages(timer, dt)
            rows[stage] = (dt, cpu, what)
            print(f"{stage}: {dt:.2f} s, driver CPU {cpu:.2f} s ({what})", flush=True)
            if spent is not None:
                print("  components, CPU s (share of the run's CPU): " + ", ".join(
                    f"{k} {v:.2f} ({v / cpu:.0%})" for k, v in spent.items()), flush=True)
                if "events" in spent:
                    ev = spent["events"]
                    print(f"  event coding = {ev / (cpu - ev):.0%} of the rest of the run (aim <= 20%)", flush=True)
                spent.clear()
        if "bare" in rows and args.bare_repeats > 1:
            rows["bare"] = _bare_median(path, rows["bare"], args.bare_repeats - 1)
    print_table(rows, n)


def _bare_median(path: Path, first: tuple[float, float, str], more: int) -> tuple[float, float, str]:
    """The bare pass timed ``more`` times again after the other stages; the median of all the passes."""
    passes = [first[:2]]
    for _ in range(more):
        dt, cpu, _out = timed(lambda: bare_pass(path), False, 0)
        passes.append((dt, cpu))
    median = (statistics.median(p[0] for p in passes), statistics.median(p[1] for p in passes))
    shown = ", ".join(f"{p[0]:.2f}" for p in passes)
    print(f"bare: {len(passes)} passes {shown} s, median {median[0]:.2f} s", flush=True)
    return (*median, f"{first[2]}; median of {len(passes)} passes")


def time_components() -> dict[str, float]:
    """Make the extract stage's ``annotate_many`` add each component's CPU seconds to the returned dict
    (component name -> seconds), for runs in this process."""
    import functools

    from rasid.extract.base import annotate_many
    from rasid.run import stages

    spent: dict[str, float] = {}
    stages.annotate_many = functools.partial(annotate_many, spent=spent)
    return spent


def _stages(timer: StageTimer, total: float) -> str:
    """Seconds per stage: learn (boilerplate counts), ingest (clean+dedup+store), extract, and the rest
    (stories: clustering, summaries, comparison, timelines)."""
    st = timer.seconds
    learn, ing, ext = (st.get(k, 0.0) for k in ("learning boilerplate", "ingesting", "extracting"))
    return f"; stages s learn/ingest/extract/stories {learn:.1f}/{ing:.1f}/{ext:.1f}/{total - learn - ing - ext:.1f}"


def _summary(report: object) -> str:
    r = report
    return (f"read {r.read}, added {r.added}, duplicates {r.duplicates}, extracted {r.extracted}, "
            f"stories updated {r.stories_updated}")


def print_table(rows: dict[str, tuple[float, float, str]], n: int) -> None:
    """Seconds, articles/s and the ratio to the bare pass (the number the issue's target is about), and the
    same for the driver's CPU seconds (all the work when the run is in process)."""
    bare, bare_cpu = rows.get("bare", (0.0, 0.0, ""))[:2]
    print(f"\n{'stage':8s} {'seconds':>9s} {'articles/s':>11s} {'x bare':>8s} {'CPU s':>9s} {'CPU x bare':>11s}")
    for stage, (dt, cpu, _) in rows.items():
        ratio = f"{dt / bare:8.1f}" if bare else f"{'-':>8s}"
        cratio = f"{cpu / bare_cpu:11.1f}" if bare_cpu else f"{'-':>11s}"
        print(f"{stage:8s} {dt:9.2f} {n / dt:11.1f} {ratio} {cpu:9.2f} {cratio}")
    if bare and "full" in rows:
        full = rows["full"][0]
        print(f"\nfull/bare = {full / bare:.1f} (target <= 30)", end="")
        if "ingest" in rows:
            print(f"; ingest = {n / rows['ingest'][0]:.0f} articles/s (target >= 500)", end="")
        print()
    if "full" in rows and "noevents" in rows:
        on, off = rows["full"][0], rows["noevents"][0]
        print(f"event coding adds {on - off:.1f} s = {(on - off) / off:.0%} of the pipeline without it (aim <= 20%)")


if __name__ == "__main__":
    main()
