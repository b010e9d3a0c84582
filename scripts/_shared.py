"""Locate ../shared/data for evaluation scripts; exit cleanly when it is absent."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"


def require_data(path: Path | None, *parts: str) -> Path:
    base = Path(path) if path else DEFAULT_DATA
    target = base.joinpath(*parts)
    if not target.exists():
        print(f"skip: {target} not found (public data in ../shared/data is needed for this script)")
        sys.exit(0)
    return target
