"""Locate ../shared/data for evaluation scripts; exit cleanly when it is absent."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def find_data() -> Path:
    """``../shared/data`` beside the checkout, or two levels up for a git worktree under ``wt/``
    (the first that exists; the first otherwise, so messages name the usual place)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


DEFAULT_DATA = find_data()


def require_data(path: Path | None, *parts: str) -> Path:
    base = Path(path) if path else DEFAULT_DATA
    target = base.joinpath(*parts)
    if not target.exists():
        print(f"skip: {target} not found (public data in ../shared/data is needed for this script)")
        sys.exit(0)
    return target
