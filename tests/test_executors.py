"""Executors return what in-process calls return, in input order, lazily (bounded work in flight)."""

from __future__ import annotations

import functools
import itertools

import pytest

from rasid.clean.boilerplate import LineStats
from rasid.config import RunConfig
from rasid.models import RawArticle
from rasid.run.executors import InlineExecutor, ProcessExecutor, warm_up
from rasid.run.stages import _clean_raws, _given, clean_article
from rasid.text.normalize import words

SENTENCES = ["وصل الرئيس السوري أحمد الشرع إلى موسكو", "هزة أرضية خفيفة تضرب مدينة حلب فجر الخميس",
             "بحث وزير الخارجية مستقبل ميناء طرطوس"]
FOOTER = "تابعونا على تلغرام"


@pytest.fixture(scope="module", params=["inline", "pool"])
def executor(request):
    ex = InlineExecutor() if request.param == "inline" else ProcessExecutor(2)
    yield ex
    ex.close()


def test_results_in_input_order_and_lazy(executor) -> None:
    endless = itertools.cycle(SENTENCES)  # an executor that submitted everything up front would never return
    got = list(itertools.islice(executor.map_ordered(words, endless), 7))
    assert got == [words(s) for s in itertools.islice(itertools.cycle(SENTENCES), 7)]


def test_tasks_read_the_declared_resources(executor) -> None:
    stats = LineStats(min_docs=2)
    raws = [RawArticle(doc_id=f"a{i}", text=f"{s}\n{FOOTER}\n", source_path=f"sana/a{i}.txt", fmt="txt",
                       outlet="sana") for i, s in enumerate(SENTENCES)]
    for r in raws:
        stats.observe(r.outlet, r.text)
    executor.setup({"line_stats": functools.partial(_given, stats)}, local={"line_stats": stats})
    cfg = RunConfig()
    (cleaned,) = executor.map_ordered(_clean_raws, [raws], cfg.clean, cfg.dedup)
    docs = [d for d, _ in cleaned]
    assert [d.text for d in docs] == [clean_article(r, stats).text for r in raws]
    assert all(FOOTER not in d.text and d.text.startswith(s) for d, s in zip(docs, SENTENCES, strict=True))


def test_worker_imports_leave_datasketch_and_the_store_out() -> None:
    """What every worker process imports (the stages module; cleaning and signing an article) pulls in
    neither datasketch (and the scipy it imports) nor the store (SQLAlchemy): those imports were most of
    the time a process pool took to start. The driver imports them where it builds the index or opens a
    store."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from rasid.config import RunConfig\n"
            "from rasid.models import RawArticle\n"
            "from rasid.run.executors import InlineExecutor\n"
            "from rasid.run.stages import _clean_raws\n"
            "from rasid.clean.boilerplate import LineStats\n"
            "ex = InlineExecutor(); ex.setup({'line_stats': lambda: LineStats()})\n"
            "raw = RawArticle(doc_id='a', text='وصل الرئيس السوري أحمد الشرع إلى موسكو في زيارة رسمية.',"
            " source_path='a.txt', fmt='txt')\n"
            "(out,) = ex.map_ordered(_clean_raws, [[raw]], RunConfig().clean, RunConfig().dedup)\n"
            "assert out[0][1] is not None and len(out[0][1]) == RunConfig().dedup.num_perm\n"
            "print(sorted({'datasketch', 'scipy', 'sqlalchemy'} & set(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _pid_and_resource(_item: object, name: str) -> tuple[int, object]:
    import os

    from rasid.run.executors import resource

    return os.getpid(), resource(name)


def test_a_pool_keeps_its_workers_when_the_next_stage_declares_other_resources() -> None:
    """Declaring new resources on a running pool does not restart it: the same worker processes build the
    new resources (and drop the old ones) before their next task; closing removes the pickled factories."""
    import os

    ex = ProcessExecutor(2)
    try:
        ex.setup({"line_stats": functools.partial(_given, "first")})
        before = list(ex.map_ordered(_pid_and_resource, range(8), "line_stats"))
        assert {r for _, r in before} == {"first"}
        workers = set(ex._pool._processes)
        ex.setup({"other": functools.partial(_given, "second")})
        after = list(ex.map_ordered(_pid_and_resource, range(8), "other"))
        assert {r for _, r in after} == {"second"}
        assert set(ex._pool._processes) == workers and {p for p, _ in after} <= workers  # not restarted
        with pytest.raises(KeyError):  # the first stage's resource is gone from the workers
            list(ex.map_ordered(_pid_and_resource, range(4), "line_stats"))
        tmp = ex._tmp
        assert tmp is not None and os.listdir(tmp)
    finally:
        ex.close()
    assert not os.path.exists(tmp)


class _Logged:
    """A resource that logs (to a file shared by the processes) when it is built and when it is warmed."""

    def __init__(self, log: str) -> None:
        import time

        self.log = log
        time.sleep(0.3)  # a model takes a while to load: the worker that loads takes no second task meanwhile
        self._write("built")

    def _write(self, what: str) -> None:
        import os

        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(f"{what} {os.getpid()}\n")

    def warm(self) -> None:
        self._write("warm")


def _lines(log) -> list[list[str]]:  # noqa: ANN001
    return [line.split() for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def test_warm_up_builds_each_workers_resources_before_any_task(tmp_path) -> None:
    """``warm_up`` hands every worker its resources to build (and warm) at once, so they load while the driver
    reads the stage's first input; the stage's own tasks then find them built, and declaring the same
    factories again (the driver's second ``setup``, with its local objects) builds nothing more."""
    import time

    log = tmp_path / "log.txt"
    factories = {"model": functools.partial(_Logged, str(log))}
    ex = ProcessExecutor(2)
    try:
        ex.setup({"line_stats": functools.partial(_given, "first")})  # a previous stage started the pool
        list(ex.map_ordered(_pid_and_resource, range(8), "line_stats"))
        ex.setup(factories)
        warm_up(ex, "model")  # returns at once
        deadline = time.monotonic() + 60
        while len({pid for what, pid in _lines(log) if what == "warm"}) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        lines = _lines(log)
        assert len({pid for what, pid in lines if what == "warm"}) == 2  # both workers, no task asked for
        ex.setup(factories, local={"model": None})
        got = list(ex.map_ordered(_pid_and_resource, range(8), "model"))
        assert {type(r).__name__ for _, r in got} == {"_Logged"}
        assert sorted(w for w, _ in _lines(log)) == ["built", "built", "warm", "warm"]  # built once per worker
    finally:
        ex.close()
    inline = InlineExecutor()
    inline_log = tmp_path / "inline.txt"
    inline.setup({"model": functools.partial(_Logged, str(inline_log))})
    warm_up(inline, "model")  # in process the resource exists already: nothing to hand out
    assert [w for w, _ in _lines(inline_log)] == ["built"]


def test_the_temp_directory_of_a_killed_driver_is_swept_by_the_next_pool(tmp_path) -> None:
    """A driver killed with ``kill -9`` cannot remove its pool directory (pickled resource factories); the
    next pool removes those of drivers that no longer run, and leaves a live driver's alone."""
    import os
    import subprocess
    import sys

    from rasid.run.executors import POOL_DIR_PREFIX, _sweep_pool_dirs

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()  # a pid that has exited
    dead = tmp_path / f"{POOL_DIR_PREFIX}{gone}-abc"
    live = tmp_path / f"{POOL_DIR_PREFIX}{os.getpid()}-def"
    other = tmp_path / "rasid-pool-notapid"
    for d in (dead, live, other):
        d.mkdir()
        (d / "resources-1.pickle").write_bytes(b"x")
    assert _sweep_pool_dirs(str(tmp_path)) == [str(dead)]
    assert not dead.exists() and live.exists() and other.exists()


def _gc_state(_item: object, name: str) -> tuple[tuple[int, int, int], int]:
    """The worker's collector thresholds and frozen-object count (after reading resource ``name``)."""
    import gc

    from rasid.run.executors import resource

    resource(name)
    return gc.get_threshold(), gc.get_freeze_count()


def test_pool_workers_collect_less_often_and_freeze_their_models() -> None:
    """A pool worker runs with the run's garbage-collector thresholds and moves the resources it builds out of
    the collector's view (``rasid.run.heap``); a new generation of resources is frozen in its turn."""
    import gc

    from rasid.run.heap import RUN_THRESHOLDS

    ex = ProcessExecutor(2)
    try:
        ex.setup({"line_stats": LineStats})
        first = list(ex.map_ordered(_gc_state, range(4), "line_stats"))
        assert {t for t, _ in first} == {RUN_THRESHOLDS}
        assert all(n > 1000 for _, n in first)  # modules, the worker's imports and the resource itself
        ex.setup({"other": functools.partial(_given, ["second"])})
        again = list(ex.map_ordered(_gc_state, range(4), "other"))
        assert all(n > 1000 for _, n in again)
    finally:
        ex.close()
    assert gc.get_freeze_count() == 0  # the driver (this test process) froze nothing
