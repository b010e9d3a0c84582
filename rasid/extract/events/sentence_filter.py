"""An optional second opinion on each coded event's type from the whole sentence (off by default).

The learned coder reads the words around a trigger; a look-alike word («وقع» occurred / signed, «خلية» cell /
evacuate) fires it whatever the sentence is about. ``SentenceTypeFilter`` reads the sentence as one vector
(the multilingual USE encoder the story stage already uses) and gives, per PLOVER type, the probability that
the sentence reports an event of that type (one-vs-rest logistic regressions trained by
``scripts/train_event_coder.py --sentence-filter``). An event whose type gets less than
``[extraction.events] sentence_filter`` is dropped; a type the filter has no model for is kept.

Why it is off by default: embedding every sentence that holds an event costs about twice the coder's own
time, over the pipeline's budget for event coding (issue 18: ≤ 20 %). It trades recall for precision
(docs/results/events.md, "Round fourteen").

>>> f = SentenceTypeFilter.load()          # doctest: +SKIP
>>> f.keep(["أطلقت قوات الأمن الغاز المسيل للدموع على المتظاهرين"], [{"ASSAULT", "AGREE"}], 0.2)  # doctest: +SKIP
[{'ASSAULT'}]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rasid import resources
from rasid.stories.embed import Embedder

FILE = "event_sentence_filter.json"


@dataclass
class SentenceTypeFilter:
    """Per-type logistic regressions over a sentence's USE vector: ``weights`` (dim, types), ``bias`` (types)."""

    types: list[str]
    weights: np.ndarray
    bias: np.ndarray
    embedder: Embedder

    @classmethod
    def load(cls, name: str = FILE, embedder: Embedder | None = None) -> SentenceTypeFilter | None:
        """The committed filter, or None when its file or the USE encoder is missing (the filter is then off)."""
        embedder = embedder or Embedder.load("use")
        if not embedder.available or not resources.path(name).exists():
            return None
        raw = resources.load_json(name)
        if raw.get("backend") != embedder.backend or raw.get("dim") != embedder.dim:
            return None  # trained on another encoder's vectors
        return cls(raw["types"], np.asarray(raw["weights"], dtype=np.float64), np.asarray(raw["bias"], dtype=np.float64),
                   embedder)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(len(texts), len(types)) P(the sentence reports an event of the type)."""
        z = self.embedder.encode(texts).astype(np.float64) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def keep(self, texts: list[str], types: list[set[str]], threshold: float) -> list[set[str]]:
        """For each sentence, the types of ``types`` the filter lets through at ``threshold``."""
        if not texts:
            return []
        probs = self.probabilities(texts)
        col = {t: k for k, t in enumerate(self.types)}
        return [{t for t in ts if t not in col or p[col[t]] >= threshold} for ts, p in zip(types, probs, strict=True)]
