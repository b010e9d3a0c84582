"""The garbage collector's settings for rasid's processes: a run spent ~10 % of its CPU in the collector.

Why: a run holds a few million long-lived objects (the tagger's attribute index and word cache, the event
coder's word memos, the gazetteer, the store's mappings) and allocates many short-lived ones per article.
CPython's cyclic collector starts a young collection every 700 net allocations of container objects and,
every so often, a full collection that walks *every* tracked object: on 1,000 articles in process that was
~4,700 young and ~18 full collections, ~4 s of a 43 s run, while reference counting frees almost all of
the garbage anyway (the collector found ~30k cyclic objects in the whole run). Two levers, both exact (the
collector only decides *when* cycles are freed, never what the pipeline computes):

* ``run_thresholds``: a run raises the thresholds (``RUN_THRESHOLDS``) and restores the caller's after;
* ``freeze_resources``: a worker process moves the models it has just built out of the collector's view
  (``gc.freeze``): they live as long as the worker and are never garbage. The driver does not freeze:
  ``rasid.run.pipeline.run`` is also a library call, and a frozen heap would outlive it.

>>> import gc
>>> with run_thresholds():
...     gc.get_threshold()[0] == RUN_THRESHOLDS[0]
True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Young collection after 20,000 net allocations (default 700); middle and full collections every 20 of the
# previous (default 10). Measured on 1,000 ANT articles in process (docs/results/speed.md): 20,000 and
# 50,000 gave the same run time within the noise, 10,000 less of the gain.
RUN_THRESHOLDS = (20_000, 20, 20)


@contextmanager
def run_thresholds() -> Iterator[None]:
    """``RUN_THRESHOLDS`` while the block runs, then the thresholds the caller had."""
    old = gc.get_threshold()
    gc.set_threshold(*RUN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def worker_thresholds() -> None:
    """``RUN_THRESHOLDS`` for the rest of this process's life (a pool worker: it exists for one run)."""
    gc.set_threshold(*RUN_THRESHOLDS)


def freeze_resources() -> None:
    """Move every object alive now out of the collector's view (call after building long-lived resources)."""
    gc.freeze()


def thaw_resources() -> None:
    """Give frozen objects back to the collector (before releasing resources that were frozen)."""
    gc.unfreeze()


def settle_heap() -> None:
    """Collect, then freeze what survives: for a long-running server after start-up (``rasid serve``).

    Why: with ~100k start-up objects a full collection took ≈ 70 ms, set off by the allocations of about one
    story page in 20–40 on the 60k-article desk — most of that page's p95 (issue #16). Those objects live as
    long as the process anyway; requests' own garbage is still collected. Not called by ``create_app``: a
    test process making many apps would keep their garbage.
    """
    gc.collect()
    gc.freeze()
