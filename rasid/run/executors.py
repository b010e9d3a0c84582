"""Where the pure per-item work of a run executes: in process, in a local process pool, or on Dask.

Stages (``rasid.run.stages``) are written once against the ``Executor`` protocol. They send
only pure work through ``map_ordered`` (reading, cleaning, MinHash, tagging, coding, embedding,
per-story analysis) and keep every order-dependent decision and every store write in the
driver, so the stored result is the same whichever executor ran the work.

Models cannot always be pickled (crfsuite taggers), so tasks never carry them: a stage declares
the per-worker resources it needs with ``setup({name: factory})``; each worker builds them once
and tasks read them with ``resource(name)``.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import multiprocessing
import os
import pickle
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Protocol, runtime_checkable

from rasid.run.heap import freeze_resources, thaw_resources, worker_thresholds

Factory = Callable[[], object]
# Tasks in flight per worker process: enough that the workers keep cleaning or tagging while the driver
# stores a batch (a 500-article transaction is ~8 tasks of 64), few enough to bound memory.
WINDOW_PER_WORKER = 6

# Resources of the current worker process (process pool or Dask worker), built once per process.
_LOADED: dict[str, object] = {}
# Resources of an InlineExecutor while it runs a task in this process (so two inline runs never mix).
_INLINE: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar("rasid_inline", default=None)


def resource(name: str) -> object:
    """The per-worker resource ``name`` (a model, the learned line stats…) for the task running now."""
    inline = _INLINE.get()
    if inline is not None:
        return inline[name]
    return _LOADED[name]


@runtime_checkable
class Executor(Protocol):
    """Runs pure functions over items; results come back in input order with bounded memory."""

    workers: int

    def setup(self, factories: dict[str, Factory], local: dict[str, object] | None = None) -> None:
        """Declare the resources the next tasks read with ``resource(name)`` (replacing the previous set).

        ``local`` holds objects the driver already built; an executor running tasks in the driver's
        process uses them instead of calling the factory again.
        """

    def map_ordered(self, fn: Callable, items: Iterable, *args: object) -> Iterator:
        """``fn(item, *args)`` for each item, yielded in input order, at most a few items in flight."""

    def close(self) -> None:
        """Release worker processes (the executor may not be used afterwards)."""


class InlineExecutor:
    """Everything in the calling process, one item at a time: the reference behaviour, and for one core."""

    workers = 1

    def __init__(self) -> None:
        self._resources: dict[str, object] = {}

    def setup(self, factories: dict[str, Factory], local: dict[str, object] | None = None) -> None:
        """Build the resources now (or reuse the driver's ``local`` objects)."""
        local = local or {}
        self._resources = {k: local[k] if local.get(k) is not None else f() for k, f in factories.items()}

    def map_ordered(self, fn: Callable, items: Iterable, *args: object) -> Iterator:
        """Lazily ``fn(item, *args)`` in this process, with this executor's resources visible."""
        for item in items:
            token = _INLINE.set(self._resources)
            try:
                result = fn(item, *args)
            finally:
                _INLINE.reset(token)
            yield result

    def close(self) -> None:
        """Drop the resources."""
        self._resources = {}


# The generation of the resources in ``_LOADED`` of this worker process (see ``ProcessExecutor.setup``).
_generation = 0


def _init_worker(factories: dict[str, Factory], driver: int, generation: int = 0) -> None:
    """Process-pool initializer: build each resource once per worker process.

    A worker also exits when the driver dies (``kill -9``) instead of lingering as an orphan: its
    parent is the fork server, which itself stays alive as long as any worker does.
    """
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle (it stops between batches)
    threading.Thread(target=_exit_with, args=(driver,), daemon=True).start()
    worker_thresholds()  # this process exists for one run: fewer collections over its models (rasid.run.heap)
    _load(factories, generation)


def _load(factories: dict[str, Factory], generation: int) -> None:
    """Replace this worker's resources by those ``factories`` build (the previous ones are released)."""
    global _generation
    thaw_resources()  # the previous generation's models become collectable again once released
    _LOADED.clear()
    for name, factory in factories.items():
        _LOADED[name] = factory()
    freeze_resources()  # they live until the next generation: out of the collector's full walks
    _generation = generation


def _in_generation(item: object, generation: int, blob: str, fn: Callable, *args: object) -> object:
    """Task wrapper of a pool whose resources were declared again after it started: a worker still on an
    older generation first builds the new resources from the factories the driver pickled to ``blob``."""
    if _generation != generation:
        with open(blob, "rb") as fh:
            _load(pickle.load(fh), generation)  # noqa: S301 - written by this run's driver, in its own temp dir
    return fn(item, *args)


def _exit_with(driver: int) -> None:
    """Exit this worker once the driver is gone: no such process, another user's reused pid, or a zombie
    (a killed driver whose parent has not reaped it yet still answers ``kill(pid, 0)``, and a parent that
    waits for our inherited stdout to close before reaping would otherwise wait for ever)."""
    import time

    while True:
        try:
            os.kill(driver, 0)
        except (ProcessLookupError, PermissionError):
            os._exit(1)
        if _is_zombie(driver):
            os._exit(1)
        time.sleep(1)


def _is_zombie(pid: int) -> bool:
    """True when ``pid`` has exited but is not yet reaped (Linux /proc; False where /proc is missing)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def _windowed(submit: Callable[..., Future], fn: Callable, items: Iterable, args: tuple, window: int) -> Iterator:
    """Submit ``fn(item, *args)`` ahead by at most ``window`` items and yield results in input order.

    The first items are submitted at once, before the first result is asked for: the workers start while
    the driver does something else (it stores the learned line counts while the workers already clean the
    first articles with them).
    """
    it = iter(items)
    pending: deque = deque(submit(fn, item, *args) for item in itertools.islice(it, window - 1))
    return _results(submit, fn, it, args, window, pending)


def _results(submit: Callable[..., Future], fn: Callable, items: Iterator, args: tuple, window: int,
             pending: deque) -> Iterator:
    for item in items:
        pending.append(submit(fn, item, *args))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a clean server process that has imported the stages once.

    Not a plain fork: workers must not inherit the driver's sqlite handles or model threads. Unlike
    spawn, a new pool does not pay the imports again. Spawn where there is no forkserver (Windows,
    macOS defaults aside).
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["rasid.run.stages"])
    return ctx


POOL_DIR_PREFIX = "rasid-pool-"  # + the driver's pid: its temp directory of pickled resource factories


def _sweep_pool_dirs(root: str | None = None) -> list[str]:
    """Remove the pool directories of drivers that no longer run (one killed with ``kill -9`` cannot
    remove its own); returns the paths removed. A directory whose pid is alive, or unreadable, is left."""
    root = root or tempfile.gettempdir()
    removed = []
    with contextlib.suppress(OSError):
        for name in os.listdir(root):
            pid = name[len(POOL_DIR_PREFIX):].split("-", 1)[0]
            if not name.startswith(POOL_DIR_PREFIX) or not pid.isdigit():
                continue
            try:
                os.kill(int(pid), 0)
                alive = not _is_zombie(int(pid))
            except ProcessLookupError:
                alive = False
            except (PermissionError, OverflowError):  # another user's process, or not a pid
                alive = True
            if not alive:
                shutil.rmtree(os.path.join(root, name), ignore_errors=True)
                removed.append(os.path.join(root, name))
    return removed


class ProcessExecutor:
    """A local pool of worker processes (``concurrent.futures``): how a laptop uses its cores.

    The pool starts lazily, its workers building the declared resources in the pool initializer. When a
    later stage declares other resources, the same workers go on: the driver pickles the new factories
    once to a file of its own temp directory, and each worker builds them, once, on its first task of the
    new generation (releasing the previous ones), so each worker still holds only what the current stage
    needs. A restarted pool would fork its workers again, and each would import the entry script again.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or free_cores())
        self._factories: dict[str, Factory] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0
        self._blob: str | None = None  # the pickled factories of the current generation, once the pool runs
        self._tmp: str | None = None

    def setup(self, factories: dict[str, Factory], local: dict[str, object] | None = None) -> None:
        """Declare the resources; worker processes build them in their initializer, or before their next
        task when the pool already runs (``local`` is unused)."""
        if self._pool is not None and factories != self._factories:
            self._generation += 1
            self._blob = self._write_factories(factories)
        self._factories = dict(factories)

    def _write_factories(self, factories: dict[str, Factory]) -> str:
        if self._tmp is None:
            _sweep_pool_dirs()
            self._tmp = tempfile.mkdtemp(prefix=f"{POOL_DIR_PREFIX}{os.getpid()}-")
        path = os.path.join(self._tmp, f"resources-{self._generation}.pickle")
        with open(path, "wb") as fh:
            pickle.dump(factories, fh, protocol=pickle.HIGHEST_PROTOCOL)
        if self._blob is not None:  # the previous generation's tasks have all been handed out
            with contextlib.suppress(OSError):
                os.remove(self._blob)
        return path

    def map_ordered(self, fn: Callable, items: Iterable, *args: object) -> Iterator:
        """``fn(item, *args)`` on the pool; ``fn`` and items must be picklable."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=_worker_context(), initializer=_init_worker,
                                             initargs=(self._factories, os.getpid(), self._generation))
        window = WINDOW_PER_WORKER * self.workers + 1
        if self._blob is not None:
            return _windowed(self._pool.submit, _in_generation, items, (self._generation, self._blob, fn, *args),
                             window)
        return _windowed(self._pool.submit, fn, items, args, window)

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        self._blob = None

    def close(self) -> None:
        """Stop the worker processes."""
        self._shutdown()
        self._factories = {}


def _build(_item: int, name: str) -> None:
    """Task of ``warm_up``: build this worker's resources (and the lazy part of ``name``, if it has one)."""
    warm = getattr(resource(name), "warm", None)
    if callable(warm):
        warm()


def warm_up(executor: Executor, name: str) -> None:
    """Have the workers build the resources just declared (``setup``) now, without waiting for them.

    Why: a worker builds its resources on its first task, and a stage's first tasks come only after the
    driver has read their input (a cluster chunk of 2,000 documents takes ~1 s), so the workers sat idle,
    then loaded models while the driver waited. One task per worker is handed out at once (a loading
    worker takes no second task, so each usually gets one; one that gets none builds them on its first
    real task, as before). In process (``InlineExecutor``) the resources already exist: nothing runs.
    The results are never read: a factory that fails fails again, with its error, on the first real task.
    """
    if executor.workers > 1:
        executor.map_ordered(_build, range(executor.workers), name)


def set_worker_resource(name: str, value: object | None) -> None:
    """Install (or with None, drop) a resource of this worker process (used by the Dask worker plugin)."""
    if value is None:
        _LOADED.pop(name, None)
    else:
        _LOADED[name] = value


class DaskExecutor:
    """Tasks on a Dask cluster: a ``distributed.Client``, a scheduler address, or a new LocalCluster."""

    def __init__(self, client: object | None = None, scheduler: str | None = None, workers: int = 2) -> None:
        self._own = client is None
        self.client = client or make_client(scheduler, workers)
        self._registered: dict[str, Factory] = {}
        try:
            self.workers = max(1, len(self.client.scheduler_info()["workers"]))
        except (KeyError, AttributeError):
            self.workers = workers

    def setup(self, factories: dict[str, Factory], local: dict[str, object] | None = None) -> None:
        """Register a worker plugin per new (or changed) resource; each worker builds it once."""
        from rasid.run.dask_engine import ResourcePlugin

        for name, factory in factories.items():
            if self._registered.get(name) is not factory:
                self.client.register_plugin(ResourcePlugin(name, factory), name=f"rasid-{name}")
                self._registered[name] = factory

    def map_ordered(self, fn: Callable, items: Iterable, *args: object) -> Iterator:
        """``fn(item, *args)`` as Dask tasks, at most ``2 × workers + 1`` in flight."""
        def submit(f: Callable, item: object, *a: object) -> Future:
            return self.client.submit(f, item, *a, pure=False)

        return _windowed(submit, fn, items, args, 2 * self.workers + 1)

    def close(self) -> None:
        """Close the client, and the LocalCluster if this executor started it."""
        if self._own:
            cluster = getattr(self.client, "_rasid_owned_cluster", None)
            self.client.close()
            if cluster is not None:
                cluster.close()


def make_client(scheduler: str | None = None, n_workers: int = 2):  # noqa: ANN201
    """A client on ``scheduler``, or on a new LocalCluster of single-threaded worker processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client._rasid_owned_cluster = cluster
    return client


def free_cores() -> int:
    """Cores this process may run on (``sched_getaffinity`` respects taskset and container limits)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def local_executor(workers: int | None = None) -> Executor:
    """The default for ``--engine local``: a process pool when more than one core is free, else inline."""
    n = workers if workers is not None else free_cores()
    return ProcessExecutor(n) if n > 1 else InlineExecutor()
