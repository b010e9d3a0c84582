"""Distributional word classes for NER features, learned from unlabelled Arabic news.

Words that occur in similar left/right contexts (e.g. unseen surnames after الرئيس or
town names after بلدة) share a class, which helps the CRF on names absent from the
small labelled corpora. Built by ``scripts/train_ner.py --build-clusters``.
"""

from __future__ import annotations

from pathlib import Path

from rasid import resources
from rasid.text.normalize import strip_proclitics


class WordClusters:
    """normalised word -> (coarse class, fine class)."""

    def __init__(self, table: dict[str, tuple[str, str]]) -> None:
        self.table = table

    @classmethod
    def load(cls, path: Path) -> WordClusters:
        table: dict[str, tuple[str, str]] = {}
        if path.exists():
            with resources.open_text(path) as fh:
                for line in fh:
                    word, coarse, fine = line.rstrip("\n").split("\t")
                    table[word] = (coarse, fine)
        return cls(table)

    def get(self, norm: str) -> tuple[str, str]:
        """Classes of a word, falling back to its clitic-stripped stem; ("-", "-") if unknown."""
        hit = self.table.get(norm) or self.table.get(strip_proclitics(norm))
        return hit or ("-", "-")
