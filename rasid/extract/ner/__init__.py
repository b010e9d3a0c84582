"""Arabic named-entity recognition (PER/ORG/LOC) trained by scripts/train_ner.py.

``NerTagger`` is imported lazily so that ``rasid.extract.gazetteer`` can use ``rasid.extract.ner.morph``
without an import cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rasid.extract.ner.tagger import NerTagger

__all__ = ["NerTagger"]


def __getattr__(name: str) -> Any:
    if name == "NerTagger":
        from rasid.extract.ner.tagger import NerTagger

        return NerTagger
    raise AttributeError(name)
