"""Arabic full-text search over stored documents, with outlet/date/entity/place filters.

Matching is done on the stored normalised title + text (``norm_text``) so that
أ/ا, ة/ه, ى/ي and diacritics do not matter; hits are then mapped back to
character offsets in ``Document.text`` with ``normalize_with_offsets`` so the UI
can highlight the exact original characters. Documents are read through the ``Store``; the
filters' SQL and the SQLite full-text index (``SearchIndex``, re-exported here) live in
``rasid.store.fulltext``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from rasid.store import DocumentFilter, SearchIndex, Store
from rasid.text.normalize import normalize, normalize_with_offsets

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
RERANK_TOP = 200  # index hits re-scored for whole-word matches
_TERM_RE = re.compile(r'"([^"]+)"|(\S+)')
_PUNCT = "،؛؟!?.,:;()[]{}«»\"'"


class QueryError(ValueError):
    """A search request that cannot be run as given (the API answers 400)."""


@dataclass
class SearchQuery:
    q: str = ""
    outlets: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    entity: str | None = None
    place: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass
class Match:
    start: int
    end: int
    text: str


@dataclass
class Hit:
    doc_id: str
    title: str | None
    outlet: str | None
    published: datetime | None
    story_id: str | None
    score: float
    matches: list[Match]  # offsets into Document.text
    snippet: Match  # a window of Document.text around the first match


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    terms: list[str]


def parse_terms(q: str) -> list[str]:
    """Normalised terms; ``"..."`` keeps a phrase together. Punctuation-only tokens are dropped."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(q)} characters (max {MAX_QUERY_CHARS})")
    terms: list[str] = []
    for m in _TERM_RE.finditer(q):
        raw = m.group(1) or m.group(2)
        t = " ".join(normalize(raw).strip(_PUNCT).split())
        if t and t not in terms:
            terms.append(t)
    if len(terms) > MAX_TERMS:
        raise QueryError(f"too many search terms: {len(terms)} (max {MAX_TERMS})")
    return terms


def find_matches(text: str, terms: list[str], limit: int = 50) -> list[Match]:
    """Every occurrence of each normalised term in ``text``, as spans of the original characters."""
    norm, offsets = normalize_with_offsets(text)
    found: list[Match] = []
    for t in terms:
        i = norm.find(t)
        while i >= 0 and len(found) < limit:
            s, e = offsets[i], offsets[i + len(t) - 1] + 1
            found.append(Match(s, e, text[s:e]))
            i = norm.find(t, i + len(t))
    found.sort(key=lambda m: (m.start, -m.end))
    merged: list[Match] = []
    for m in found:  # overlapping terms → one highlighted span
        if merged and m.start < merged[-1].end:
            last = merged[-1]
            if m.end > last.end:
                merged[-1] = Match(last.start, m.end, text[last.start:m.end])
        else:
            merged.append(m)
    return merged


def snippet(text: str, matches: list[Match], width: int = 160) -> Match:
    """A window of about ``width`` characters around the first match, cut at spaces."""
    if not text:
        return Match(0, 0, "")
    centre = matches[0].start if matches else 0
    s = max(0, centre - width // 3)
    e = min(len(text), s + width)
    if s > 0:
        sp = text.find(" ", s)
        s = sp + 1 if 0 <= sp < centre else s
    if e < len(text):
        sp = text.rfind(" ", s, e)
        e = sp if sp > (matches[0].end if matches else s) else e
    return Match(s, e, text[s:e])


def search(store: Store, query: SearchQuery, index: SearchIndex | None = None) -> SearchResult:
    """Documents containing every term (AND), filtered and ranked, with spans to highlight.

    With a loaded ``SearchIndex`` the candidates and BM25 ranking come from the full-text index;
    without one, a scan ranks by Σ(1 + ln tf) plus 1 per term found in the title. Both return the
    same documents.
    """
    terms = parse_terms(query.q)
    if not terms and not (query.entity or query.place or query.outlets or query.date_from or query.date_to):
        raise QueryError("empty search: give a query or at least one filter")
    flt = DocumentFilter(outlets=query.outlets, date_from=query.date_from, date_to=query.date_to,
                         entities=[e for e in (query.entity, query.place) if e])
    if index is not None:
        index.sync()
    indexed = index.usable(terms) if index is not None else []
    if indexed:
        rest = [t for t in terms if t not in indexed]
        ranked = index.ranked(indexed, replace(flt, contains=rest))  # type: ignore[union-attr]
        scored = _rerank_whole_words(store, terms, [(sc, pub, i) for i, pub, sc in ranked])
    else:
        scored = _scan(store, terms, flt)
    scored.sort(key=lambda x: (-x[0], -(x[1].timestamp() if x[1] else float("-inf")), x[2]))
    page = scored[query.offset: query.offset + query.limit]
    docs = {d.id: d for d in store.documents([i for _, _, i in page])}
    hits = []
    for score, _, doc_id in page:
        d = docs[doc_id]
        matches = find_matches(d.text, terms)
        hits.append(Hit(d.id, d.title, d.outlet, d.published, d.story_id, round(score, 4), matches,
                        snippet(d.text, matches)))
    return SearchResult(total=len(scored), hits=hits, terms=terms)


_CLITICS = "(?:[وف]?(?:[بلك]|ال|بال|لل|كال)?)"


def _word_pattern(term: str) -> re.Pattern[str]:
    """``term`` as a whole word, allowing leading conjunction/preposition/article clitics."""
    return re.compile(rf"(?<!\w){_CLITICS}{re.escape(term)}(?!\w)")


def word_bonus(norm_text: str, terms: list[str]) -> float:
    """1.5 per term that occurs as a whole word: substring search finds الرياض in الرياضي (sports)."""
    return sum(1.5 for t in terms if _word_pattern(t).search(norm_text))


def _rerank_whole_words(store: Store, terms: list[str], scored: list[tuple[float, datetime | None, str]],
                        top: int = RERANK_TOP) -> list[tuple[float, datetime | None, str]]:
    """Add the whole-word bonus to the ``top`` best index hits (reading only their normalised text)."""
    if not terms or not scored:
        return scored
    scored = sorted(scored, key=lambda x: -x[0])
    head = scored[:top]
    texts = store.norm_texts([i for _, _, i in head])
    head = [(sc + word_bonus(texts.get(i, ""), terms), pub, i) for sc, pub, i in head]
    return head + scored[top:]


def _scan(store: Store, terms: list[str], flt: DocumentFilter) -> list[tuple[float, datetime | None, str]]:
    """Substring scan of ``norm_text`` (any database): (score, published, id) of matching documents."""
    scored = []
    for r in store.scan_norm_texts(replace(flt, contains=terms)):
        title = normalize(r.title or "")
        score = 0.0
        for t in terms:
            tf = r.norm_text.count(t)
            score += (1 + math.log(tf) if tf else 0.0) + (1.0 if t in title else 0.0)
        scored.append((score + word_bonus(r.norm_text, terms), r.published, r.id))
    return scored
