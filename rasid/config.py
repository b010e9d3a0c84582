"""One configuration surface for a run: ``RunConfig`` with a section per stage.

Every tuning constant a user may want to change lives here (not as a module global), so that
``rasid run --config FILE.toml`` reaches it and stored state can record what built it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RunConfig:
    batch_size: int = 500
    min_repeat_docs: int = 3  # a line seen in this many documents of one outlet is boilerplate
    dedup_threshold: float = 0.5
    extract: bool = True
    cluster: bool = True
    workers: int | None = None  # processes for the local engine (None: every free core; 1: in process)
