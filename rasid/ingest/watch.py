"""``rasid watch FOLDER``: ingest article files as they appear.

A file is processed once its size and mtime stopped changing between two scans
(so a file still being copied in is not read half-written). Re-processing is
harmless: the store recognises inputs it already holds, so a restarted watcher
simply re-scans the folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from rasid.ingest.readers import iter_paths
from rasid.run.pipeline import RunConfig, RunReport, run
from rasid.store import Store

Signature = tuple[int, int]  # (size, mtime_ns)


class FolderWatcher:
    """Keeps what was seen in a folder; ``scan`` returns files that are new or changed and settled."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.done: dict[Path, Signature] = {}
        self._pending: dict[Path, Signature] = {}

    def scan(self, settle: bool = True) -> list[Path]:
        ready: list[Path] = []
        for p in iter_paths([self.folder]):
            try:
                st = p.stat()
            except OSError:  # vanished between listing and stat
                continue
            sig = (st.st_size, st.st_mtime_ns)
            if self.done.get(p) == sig:
                continue
            if settle and self._pending.get(p) != sig:
                self._pending[p] = sig  # first sight (or still growing): wait one more scan
                continue
            self._pending.pop(p, None)
            ready.append(p)
        return ready

    def mark_done(self, paths: list[Path]) -> None:
        for p in paths:
            try:
                st = p.stat()
            except OSError:
                continue
            self.done[p] = (st.st_size, st.st_mtime_ns)


def watch_folder(folder: Path, store: Store, cfg: RunConfig | None = None, interval: float = 5.0,
                 once: bool = False, console: object | None = None, max_scans: int | None = None,
                 runner: Callable[..., RunReport] = run) -> RunReport:
    """Scan ``folder`` every ``interval`` seconds and run the pipeline on new files (until Ctrl-C).

    ``once`` processes what is there now and returns; ``max_scans`` bounds the loop (tests).
    Returns the accumulated counts of every run.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    cfg = cfg or RunConfig()
    watcher = FolderWatcher(folder)
    total = RunReport()
    scans = 0
    try:
        while True:
            ready = watcher.scan(settle=not once)
            if ready:
                rep = runner([str(p) for p in ready], store, cfg)
                watcher.mark_done(ready)
                _accumulate(total, rep)
                if console is not None:
                    console.print(f"{len(ready)} new file(s): added {rep.added}, duplicates {rep.duplicates}, "
                                  f"skipped {len(rep.skipped)}, stories updated {rep.stories_updated}")
            scans += 1
            if once or (max_scans is not None and scans >= max_scans):
                return total
            time.sleep(interval)
    except KeyboardInterrupt:
        return total


def _accumulate(total: RunReport, rep: RunReport) -> None:
    for name in ("read", "added", "already_present", "duplicates", "extracted", "clustered", "stories_updated"):
        setattr(total, name, getattr(total, name) + getattr(rep, name))
    total.skipped.extend(rep.skipped)
    total.notes.extend(rep.notes)
