"""Running on Dask: ``run_dask`` is ``pipeline.run`` with a ``DaskExecutor`` (same stages, same results)."""

from __future__ import annotations

from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from rasid.config import RunConfig
from rasid.run.executors import DaskExecutor, Factory, make_client, set_worker_resource
from rasid.run.pipeline import run
from rasid.run.stages import Analyzers, ProgressFactory, RunReport, file_chunks, no_progress
from rasid.store import Store

__all__ = ["ResourcePlugin", "file_chunks", "make_client", "run_dask"]


class ResourcePlugin(WorkerPlugin):
    """Worker plugin: the worker builds one resource (a model, the line stats) once, when it starts."""

    def __init__(self, name: str, factory: Factory) -> None:
        self.resource_name = name
        self.factory = factory

    def setup(self, worker: object) -> None:
        """Build the resource in this worker's process."""
        set_worker_resource(self.resource_name, self.factory())

    def teardown(self, worker: object) -> None:
        """Drop it (the plugin was replaced or the worker stops)."""
        set_worker_resource(self.resource_name, None)


def run_dask(paths: list[str | Path], store: Store, cfg: RunConfig | None = None, scheduler: str | None = None,
             progress: ProgressFactory = no_progress, analyzers: Analyzers | None = None,
             client: object | None = None, workers: int = 2) -> RunReport:
    """``pipeline.run`` on Dask: on ``client``, a ``scheduler`` address, or a new LocalCluster of ``workers``."""
    executor = DaskExecutor(client, scheduler, workers)
    try:
        return run(paths, store, cfg, progress, analyzers, executor=executor)
    finally:
        executor.close()
