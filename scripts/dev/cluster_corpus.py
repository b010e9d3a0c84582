"""Readers for the public multi-outlet corpora used to evaluate and benchmark clustering.

They live in the package (not in scripts) so the evaluation, labelling and
benchmark scripts share one definition of how an ANT / SaudiNewsNet record
becomes a :class:`~rasid.models.Document`. Nothing here is used at run time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from rasid.models import Document

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"  # <checkout>/../shared/data


def _ant_date(raw: str) -> datetime | None:
    try:
        return parsedate_to_datetime(raw).replace(tzinfo=None)
    except (TypeError, ValueError, IndexError):
        return None


def iter_ant(data: Path) -> Iterator[Document]:
    """ANT v2.1 multi-source records as Documents (id = docno, outlet = src); exact re-filings skipped."""
    seen: set[str] = set()
    for path in sorted((data / "ant_multisource" / "jsonl").glob("ant_*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                body = (r.get("text") or "").strip()
                key = (r.get("title") or "") + body[:200]
                if not body or key in seen or r["docno"] in seen:
                    continue
                seen.add(key)
                seen.add(r["docno"])
                yield Document(
                    id=r["docno"], text=body, raw_text=body, source_path=str(path), fmt="jsonl",
                    title=r.get("title"), url=r.get("url"), outlet=r.get("src"),
                    published=_ant_date(r.get("time") or ""), language="ar",
                )


def iter_snn(data: Path) -> Iterator[Document]:
    """SaudiNewsNet records as Documents (id = ``snn-`` + file + line)."""
    for path in sorted((data / "saudinewsnet" / "jsonl").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                r = json.loads(line)
                body = (r.get("content") or "").strip()
                if not body:
                    continue
                try:
                    pub = datetime.strptime(r["date_extracted"], "%Y-%m-%d %H:%M:%S")
                except (KeyError, ValueError):
                    pub = None
                yield Document(
                    id=f"snn-{path.stem}-{i}", text=body, raw_text=body, source_path=str(path), fmt="jsonl",
                    title=r.get("title"), url=r.get("url"), outlet=r.get("source"), published=pub, language="ar",
                )
