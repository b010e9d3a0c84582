"""Fault-injection points for testing that a killed run resumes without loss.

The stages call ``checkpoint("name")`` at their boundaries and inside long loops. Nothing happens unless
the environment variable ``RASID_FAULT`` names that point: then the process kills itself with SIGKILL
(no cleanup, no ``finally``), exactly like an out-of-memory kill or a power cut. ``name:N`` kills at the
N-th time the point is reached, so a test can stop a run in the middle of a stage.

>>> import os; os.environ.pop("RASID_FAULT", None)
>>> checkpoint("stories.chunk")  # no fault configured: returns at once
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "RASID_FAULT"
_hits: Counter[str] = Counter()


def checkpoint(name: str) -> None:
    """Kill this process here when ``RASID_FAULT`` asks for this point (and this hit count)."""
    want = os.environ.get(ENV)
    if not want:
        return
    point, _, nth = want.partition(":")
    if point != name:
        return
    _hits[name] += 1
    if _hits[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
