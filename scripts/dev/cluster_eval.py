"""Scoring and helpers shared by the clustering evaluations (eval_clustering.py, eval_stories.py).

One definition of B-cubed and pairwise scores, of the lexical TF-IDF baseline and of the
per-run embedding cache, so that numbers from the two labelled sets are computed the same way.
Development-only: never imported by rasid at run time.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from rasid.config import EmbedConfig
from rasid.models import Document
from rasid.stories.cluster import ClusterConfig
from rasid.stories.embed import Embedder

Scores = tuple[float, float, float]  # precision, recall, F1

# Lexical TF-IDF cosine only, single-link to the best neighbour, no event cues; 0.15 is the threshold
# tuned on the dev half of the May 2018 set (docs/results/clustering.md).
TFIDF_BASELINE = ClusterConfig(w_lex=1.0, w_dense=0.0, w_ent=0.0, date_decay=0.0, mode_penalty=0.0,
                               event_date_penalty=0.0, link_mix=0.0, w_title=0.0, window_days=3.0,
                               threshold=0.15, act_penalty=0.0, place_penalty=0.0, line_threshold=1.0)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> Scores:
    """B-cubed precision, recall, F1 over the items of ``gold`` (``pred`` may hold more items)."""
    items = list(gold)
    if not items:
        return 0.0, 0.0, 0.0
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for i in items:
        by_pred.setdefault(pred[i], set()).add(i)
        by_gold.setdefault(gold[i], set()).add(i)
    p = r = 0.0
    for i in items:
        same = len(by_pred[pred[i]] & by_gold[gold[i]])
        p += same / len(by_pred[pred[i]])
        r += same / len(by_gold[gold[i]])
    p, r = p / len(items), r / len(items)
    return p, r, _f1(p, r)


def pairwise(pred: dict[str, str], gold: dict[str, str]) -> Scores:
    """Precision, recall, F1 of the same-cluster decisions over all pairs of ``gold`` items."""
    tp = fp = fn = 0
    for a, b in combinations(sorted(gold), 2):
        same_p, same_g = pred[a] == pred[b], gold[a] == gold[b]
        tp += same_p and same_g
        fp += same_p and not same_g
        fn += same_g and not same_p
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, _f1(p, r)


class CachedEmbedder(Embedder):
    """Embeds each document once per evaluation run (sweeps and repeated conditions reuse the vectors).

    Vectors are kept per (doc id, characters, sentences): a cache written under another lead length is never
    read as this one's."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner.backend, inner.dim, inner._model)
        self._cache: dict[tuple[str, int, int], np.ndarray] = {}

    def encode_docs(self, docs: list[Document], max_chars: int = EmbedConfig().lead_chars,
                    n_sentences: int = EmbedConfig().embed_sentences) -> np.ndarray:
        todo = [d for d in docs if (d.id, max_chars, n_sentences) not in self._cache]
        if todo:
            for d, v in zip(todo, super().encode_docs(todo, max_chars, n_sentences), strict=True):
                self._cache[(d.id, max_chars, n_sentences)] = v
        if not docs:
            return np.zeros((0, self.dim), np.float32)
        return np.vstack([self._cache[(d.id, max_chars, n_sentences)] for d in docs])
