"""Extractive multi-document story summary: a title and 3-5 source-linked sentences.

Sentences are scored by how central they are to the story (TF-IDF cosine with
the story's term centroid) with a bonus for early position (news leads carry
the event), then picked greedily with a redundancy cut (MMR) so that five
outlets repeating the same lead yield one sentence, not five. Each sentence
keeps its doc id and offsets into that document's text.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rasid.config import SummaryConfig
from rasid.models import Document, SummarySentence
from rasid.stories.features import IdfTable, cosine
from rasid.text.normalize import normalize
from rasid.text.spans import sentences

_DEFAULT = SummaryConfig()


def _centroid(vectors: list[dict[str, float]]) -> dict[str, float]:
    acc: dict[str, float] = defaultdict(float)
    for v in vectors:
        for t, w in v.items():
            acc[t] += w
    norm = sum(w * w for w in acc.values()) ** 0.5 or 1.0
    return {t: w / norm for t, w in acc.items()}


def _term_set_sim(a: dict[str, float], b: dict[str, float]) -> float:
    """Overlap of term sets relative to the smaller one: near-paraphrases score high."""
    if not a or not b:
        return 0.0
    return len(a.keys() & b.keys()) / min(len(a), len(b))


# An untitled story's title: its earliest article's first sentence, cut at a word boundary past this length.
UNTITLED_CHARS = 120


def pick_title(docs: list[Document], idf: IdfTable | None = None) -> str:
    """The headline closest to the centroid of all headlines (ties: earliest, then id).

    Why a fallback: a raw one-paragraph text file has no headline to infer, and a story listed with an empty
    title cannot be told apart from its neighbours; with no titled article, the earliest article's first
    sentence (cut at a word boundary, "…" marking the cut) names the story."""
    titled = [d for d in docs if d.title and d.title.strip()]
    if not titled:
        return _lead_title(docs)
    idf = idf or IdfTable.load()
    vecs = [idf.vector(d.title or "") for d in titled]
    cen = _centroid(vecs)
    best = max(range(len(titled)), key=lambda i: (cosine(vecs[i], cen), -_ts(titled[i]), titled[i].id))
    return (titled[best].title or "").strip()


def _lead_title(docs: list[Document]) -> str:
    for doc in sorted(docs, key=lambda d: (_ts(d), d.id)):
        first = next((s.text.strip() for s in sentences(doc.text) if s.text.strip()), "")
        if first:
            if len(first) <= UNTITLED_CHARS:
                return first
            cut = first.rfind(" ", 0, UNTITLED_CHARS)
            return first[:cut if cut > 0 else UNTITLED_CHARS].rstrip(" ،,؛:") + "…"
    return ""


# Background sentences (pluperfect "وكان … قد", "يذكر أن", "سبق أن") recall earlier events: a summary of
# *this* event should prefer what happened now, so they are ranked down, not excluded.
_BACKGROUND_RE = re.compile(r"^(و?كان|و?كانت)\s.{0,60}\sقد\s|^(و?يذكر|و?يشار|و?تجدر الاشاره) (ان|الي)|و?سبق (ان|ل)|في وقت سابق")


def is_background(sentence: str) -> bool:
    return bool(_BACKGROUND_RE.search(normalize(sentence)))


def _ts(doc: Document) -> float:
    return doc.published.timestamp() if doc.published else float("inf")


def summarize_story(docs: list[Document], max_sentences: int | None = None, idf: IdfTable | None = None,
                    config: SummaryConfig = _DEFAULT) -> tuple[str, list[SummarySentence]]:
    """Title and up to ``max_sentences`` (default ``config.max_sentences``; at least 3 when the story has
    them) non-redundant sentences."""
    max_sentences = config.max_sentences if max_sentences is None else max_sentences
    idf = idf or IdfTable.load()
    ordered = sorted(docs, key=lambda d: (_ts(d), d.id))
    cands: list[tuple[SummarySentence, dict[str, float], int]] = []
    for doc in ordered:
        for pos, span in enumerate(sentences(doc.text)[:config.lead_sentences]):
            if len(span.text) > config.max_chars:
                continue
            found = idf.terms(span.text)
            if len(found) < config.min_terms:
                continue
            sent = SummarySentence(doc.id, span.start, span.end, span.text)
            cands.append((sent, idf.vector_of_terms(found), pos))
    if not cands:
        return pick_title(docs, idf), []
    cen = _centroid([idf.vector((d.title or "") + "\n" + d.text[:2000]) for d in ordered])
    relevance = [cosine(v, cen) + 0.1 / (1 + pos) - (config.background_penalty if is_background(c.text) else 0.0)
                 for c, v, pos in cands]
    chosen: list[int] = []
    while len(chosen) < max_sentences:
        best, best_score = -1, float("-inf")
        for i, (_, v, _) in enumerate(cands):
            if i in chosen:
                continue
            redundancy = max((_term_set_sim(v, cands[j][1]) for j in chosen), default=0.0)
            if redundancy >= config.duplicate_sim:
                continue
            score = 0.7 * relevance[i] - 0.3 * redundancy
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
    # Present in story order: earliest article first, then position inside it.
    rank = {d.id: k for k, d in enumerate(ordered)}
    chosen.sort(key=lambda i: (rank[cands[i][0].doc_id], cands[i][0].start))
    return pick_title(docs, idf), [cands[i][0] for i in chosen]
