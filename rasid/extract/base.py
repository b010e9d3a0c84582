"""What every extraction component reads: one document analysed once, and the component protocol.

Before, the tagger, the date finder, the event coder and the claim finder each split and
normalised the same text again. ``AnalyzedDoc`` computes sentences, tokens and the normalised
text once, lazily, and carries each component's results to the next (like a spaCy ``Doc``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from rasid.models import Document
from rasid.text.normalize import normalize_with_offsets
from rasid.text.spans import Span, sentences, tokens


@dataclass
class AnalyzedDoc:
    """A ``Document`` with its text analyses cached and the results of the components run so far."""

    doc: Document
    results: dict[str, list] = field(default_factory=dict)  # component name -> what it found
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def text(self) -> str:
        return self.doc.text

    def sentences(self) -> list[Span]:
        """``rasid.text.spans.sentences(text)``, computed once."""
        if "sentences" not in self._cache:
            self._cache["sentences"] = sentences(self.doc.text)
        return self._cache["sentences"]

    def tokens(self) -> list[Span]:
        """``rasid.text.spans.tokens(text)``, computed once."""
        if "tokens" not in self._cache:
            self._cache["tokens"] = tokens(self.doc.text)
        return self._cache["tokens"]

    def __getstate__(self) -> dict[str, object]:
        """Pickled (sent to or from a worker) without the cached analyses: the normalised text's offsets and
        the sentence spans are several times the size of the text, and computing them again in the next
        process costs less than pickling, piping and unpickling them."""
        return {"doc": self.doc, "results": self.results, "_cache": {}}

    def normalized(self) -> tuple[str, list[int]]:
        """``normalize_with_offsets(text)`` (normalised text, offsets into the original), computed once."""
        if "normalized" not in self._cache:
            self._cache["normalized"] = normalize_with_offsets(self.doc.text)
        return self._cache["normalized"]


@runtime_checkable
class Component(Protocol):
    """One per-document extraction step: reads an ``AnalyzedDoc`` (and earlier results), returns its own."""

    name: str

    def __call__(self, adoc: AnalyzedDoc) -> list: ...


def annotate(adoc: AnalyzedDoc, components: list[Component]) -> AnalyzedDoc:
    """Run ``components`` in order, each seeing the results of the previous ones under their names."""
    return annotate_many([adoc], components)[0]


def annotate_many(adocs: list[AnalyzedDoc], components: list[Component],
                  spent: dict[str, float] | None = None) -> list[AnalyzedDoc]:
    """``annotate`` of each document, a component at a time: a component with a ``many`` method (the NER
    tagger) gets all the documents in one call. The same results as ``annotate`` per document, since a
    component reads only its own document and the results of the components before it.

    ``spent``: when given, each component's CPU seconds are added to it under its name (benchmarks).
    """
    for c in components:
        t0 = time.process_time()
        many = getattr(c, "many", None)
        if many is not None:
            for adoc, found in zip(adocs, many(adocs), strict=True):
                adoc.results[c.name] = found
        else:
            for adoc in adocs:
                adoc.results[c.name] = c(adoc)
        if spent is not None:
            spent[c.name] = spent.get(c.name, 0.0) + time.process_time() - t0
    return adocs
