"""The rasid pipeline, top to bottom: ingest → clean → dedup → store → extract → cluster → compare.

The stages live in ``rasid.run.stages`` (each written once); ``run`` loops over ``STAGES`` with
an executor deciding where the pure work runs. Each stage reads what the previous one committed
and commits its own results per batch, so a killed run resumes without losing or duplicating anything.
"""

from __future__ import annotations

from pathlib import Path

from rasid.config import RunConfig
from rasid.run.executors import Executor, local_executor
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
    try:
        for stage in STAGES:
            if stage.enabled(cfg):
                stage.fn(ctx)
    finally:
        if own:
            executor.close()
    return ctx.report
