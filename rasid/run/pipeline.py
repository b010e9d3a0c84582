"""The rasid pipeline, top to bottom: ingest → clean → dedup → store → extract → cluster → compare.

The stages live in ``rasid.run.stages`` (each written once); ``run`` loops over ``STAGES`` with
an executor deciding where the pure work runs. Each stage reads what the previous one committed
and commits its own results per batch, so a killed run resumes without losing or duplicating anything.
"""

from __future__ import annotations

import logging
from pathlib import Path

from rasid.config import RunConfig
from rasid.run.executors import Executor, local_executor
from rasid.run.faults import RunInterrupted
from rasid.run.heap import run_thresholds
from rasid.run.stages import (
    STAGES,
    Analyzers,
    ProgressFactory,
    ProgressLike,
    RunContext,
    RunReport,
    no_progress,
)
from rasid.store import Store

log = logging.getLogger("rasid")

__all__ = ["Analyzers", "ProgressFactory", "ProgressLike", "RunConfig", "RunReport", "run"]


def run(paths: list[str | Path], store: Store, cfg: RunConfig | None = None,
        progress: ProgressFactory = no_progress, analyzers: Analyzers | None = None,
        executor: Executor | None = None) -> RunReport:
    """Run every enabled stage over ``paths`` into ``store``.

    ``executor``: where the pure per-item work runs; by default a local process pool when more than
    one core is free (``cfg.workers`` caps it), else in process. An executor passed in is left open
    for the caller to reuse; one made here is closed. ``analyzers`` are used by in-process work
    (worker processes load their own models).
    """
    cfg = cfg or RunConfig()
    own = executor is None
    executor = executor or local_executor(cfg.workers or None)
    ctx = RunContext(list(paths), store, cfg, executor, progress=progress, analyzers=analyzers)
    run_id = ctx.report.run_id = None if store.read_only else store.start_run(len(ctx.paths))
    status = "failed"
    try:
        with run_thresholds():  # fewer garbage collections over the run's long-lived models (rasid.run.heap)
            for stage in STAGES:
                if stage.enabled(cfg):
                    stage.fn(ctx)
        status = "finished"
    except (KeyboardInterrupt, RunInterrupted):
        status = "interrupted"
        raise
    finally:
        if own:
            executor.close()
        if run_id is not None:
            _close_run_record(store, run_id, status, ctx.report)
    return ctx.report


def _close_run_record(store: Store, run_id: int, status: str, report: RunReport) -> None:
    """Write how the run ended into its ``runs`` row; a failure here (the disk filled up, the database
    went away) is logged, never raised over the run's own outcome."""
    try:
        row = store.finish_run(run_id, status, report.counts())
    except Exception as exc:  # noqa: BLE001 - the run's result or its own error matters more
        log.warning("could not record the end of run %s: %s", run_id, exc)
        return
    if row is not None:
        report.changes = (row["change_from"], row["change_to"])
