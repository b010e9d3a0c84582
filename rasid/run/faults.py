"""Stopping points of a run: fault injection for tests, and a graceful Ctrl-C for people.

The stages call ``checkpoint("name")`` at their boundaries and inside long loops. Nothing happens unless
the environment variable ``RASID_FAULT`` names that point: then the process kills itself with SIGKILL
(no cleanup, no ``finally``), exactly like an out-of-memory kill or a power cut. ``name:N`` kills at the
N-th time the point is reached, so a test can stop a run in the middle of a stage.

The same points are where a run stops when the user presses Ctrl-C once (``graceful_interrupts``): the
batch being written is committed, then ``RunInterrupted`` ends the run; a second Ctrl-C stops at once.

>>> import os; os.environ.pop("RASID_FAULT", None)
>>> checkpoint("stories.chunk")  # no fault configured: returns at once
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ENV = "RASID_FAULT"
_hits: Counter[str] = Counter()
_stop = threading.Event()


class RunInterrupted(Exception):
    """The user asked the run to stop; everything before ``point`` is committed."""

    def __init__(self, point: str) -> None:
        super().__init__(f"stopped at {point}")
        self.point = point


@contextmanager
def graceful_interrupts(on_first: Callable[[], None] | None = None) -> Iterator[None]:
    """While inside, the first Ctrl-C asks the run to stop at its next checkpoint; a second one interrupts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        if _stop.is_set():
            raise KeyboardInterrupt
        _stop.set()
        if on_first is not None:
            on_first()

    previous = signal.signal(signal.SIGINT, handler)
    _stop.clear()
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _stop.clear()


def checkpoint(name: str) -> None:
    """A safe stopping point (nothing half-written): stop here if the user asked, or kill the process
    when ``RASID_FAULT`` names this point (and this hit count)."""
    if _stop.is_set():
        raise RunInterrupted(name)
    want = os.environ.get(ENV)
    if not want:
        return
    point, _, nth = want.partition(":")
    if point != name:
        return
    _hits[name] += 1
    if _hits[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
