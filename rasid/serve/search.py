"""Arabic full-text search over stored documents, with outlet/date/entity/place filters.

Matching is done on the stored normalised title + text (``norm_text``) so that
أ/ا, ة/ه, ى/ي and diacritics do not matter; hits are then mapped back to
character offsets in ``Document.text`` with ``normalize_with_offsets`` so the UI
can highlight the exact original characters. Documents are read through the ``Store``; the
filters' SQL and the SQLite full-text index (``SearchIndex``, re-exported here) live in
``rasid.store.fulltext``.

Query syntax: words (all must occur), ``"a phrase"``, ``a OR b`` / ``a أو b`` (either), ``-word``
(must not occur). Invisible bidi/format characters (U+061C, U+200E/F, U+202A–202E, U+2066–2069,
soft hyphen, ZWJ/ZWNJ...) and control characters such as NUL are removed from the query first.
Terms of three letters or more match inside words (``موسكو`` finds ``بموسكو``); one- and two-letter
terms match whole words only. A Latin-script term (``Putin``) also searches the Arabic spellings
of known entity names it transcribes (``rasid.text.translit``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from rasid.store import DocumentFilter, SearchIndex, Store
from rasid.text.normalize import normalize, normalize_with_offsets
from rasid.text.translit import NameIndex, is_latin

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
RERANK_TOP = 200  # index hits re-scored for whole-word matches
_TERM_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_PUNCT = "،؛؟!?.,:;()[]{}«»\"'-–—"
_OR = {"OR", "أو", "او"}
SHORT_TERM = 2  # terms this short match whole words only


class QueryError(ValueError):
    """A search request that cannot be run as given (the API answers 400 with ``code``)."""

    def __init__(self, message: str, code: str = "bad_query") -> None:
        super().__init__(message)
        self.code = code


def strip_invisible(q: str) -> str:
    """``q`` without format characters (bidi marks and isolates, ZWJ/ZWNJ, soft hyphen: category Cf)
    and with control characters (NUL, tabs, newlines: Cc) turned into spaces."""
    if q.isprintable() and q.isascii():
        return q
    out = []
    for c in q:
        cat = unicodedata.category(c)
        if cat == "Cf":
            continue
        out.append(" " if cat == "Cc" else c)
    return "".join(out)


@dataclass
class ParsedQuery:
    """A query as groups that must all match (each: any one of its terms) and terms that must not."""

    groups: list[list[str]] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    expanded: dict[str, list[str]] = field(default_factory=dict)  # Latin term → Arabic spellings searched

    @property
    def terms(self) -> list[str]:
        """Every term a match may show (for highlighting and scoring), in query order."""
        out: list[str] = []
        for g in self.groups:
            out += [t for t in g if t not in out]
        return out


def _clean_term(raw: str) -> str:
    return " ".join(normalize(raw).strip(_PUNCT).split())


def parse_query(q: str, names: NameIndex | None = None) -> ParsedQuery:
    """Terms, ``OR`` groups and ``-`` exclusions of ``q``; Latin names expanded through ``names``."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"نص البحث طويل جدًا: {len(q)} حرفًا (الحد {MAX_QUERY_CHARS})", "query_too_long")
    q = strip_invisible(q)
    pq = ParsedQuery()
    pending_or = False
    ors: list[str] = []
    count = 0
    for m in _TERM_RE.finditer(q):
        neg, phrase, word = m.group(1), m.group(2), m.group(3)
        raw = phrase if phrase is not None else word
        if phrase is None and word is not None:
            if word in _OR or normalize(word) in _OR:
                ors.append(word)
                pending_or = bool(pq.groups)
                continue
            if word.startswith("-") and len(word) > 1:
                neg, raw = "-", word[1:]
        t = _clean_term(raw or "")
        if not t:
            continue
        count += 1
        if neg:
            if t not in pq.exclude:
                pq.exclude.append(t)
        elif pending_or:
            if t not in pq.groups[-1]:
                pq.groups[-1].append(t)
        elif [t] not in pq.groups:
            pq.groups.append([t])
        pending_or = False
    if not count and ors:  # "أو" on its own is a word to look for, not an operator
        pq.groups = [[_clean_term(ors[0])]]
        count = 1
    if count > MAX_TERMS:
        raise QueryError(f"كلمات البحث كثيرة: {count} (الحد {MAX_TERMS})", "too_many_terms")
    if names is not None:
        for g in pq.groups:
            for t in list(g):
                if is_latin(t) and (alt := names.expand(t)):
                    pq.expanded[t] = alt
                    g += [a for a in alt if a not in g]
        for t in list(pq.exclude):
            if is_latin(t) and (alt := names.expand(t)):
                pq.expanded[t] = alt
                pq.exclude += [a for a in alt if a not in pq.exclude]
    return pq


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
    expanded: dict[str, list[str]] = field(default_factory=dict)


def parse_terms(q: str) -> list[str]:
    """Normalised terms to look for; ``"..."`` keeps a phrase together. Punctuation-only tokens are dropped."""
    return parse_query(q).terms


def is_short(term: str) -> bool:
    return len(term) <= SHORT_TERM


def _whole(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")


def occurs(norm_text: str, term: str) -> bool:
    """Whether ``term`` occurs in the normalised text: as a substring, or as a whole word when short."""
    return bool(_whole(term).search(norm_text)) if is_short(term) else term in norm_text


def satisfies(norm_text: str, pq: ParsedQuery) -> bool:
    """Whether a document's normalised text matches every group and no excluded term."""
    return all(any(occurs(norm_text, t) for t in g) for g in pq.groups) and \
        not any(occurs(norm_text, t) for t in pq.exclude)


def find_matches(text: str, terms: list[str], limit: int = 50) -> list[Match]:
    """Every occurrence of each normalised term in ``text``, as spans of the original characters."""
    norm, offsets = normalize_with_offsets(text)
    found: list[Match] = []
    for t in terms:
        if is_short(t):
            for m in _whole(t).finditer(norm):
                if len(found) >= limit:
                    break
                s, e = offsets[m.start()], offsets[m.end() - 1] + 1
                found.append(Match(s, e, text[s:e]))
            continue
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


def name_index(store: Store, cached: NameIndex | None = None) -> NameIndex:
    """Words of the stored entity names and aliases (``cached`` again when the store has no new entity)."""
    n = store.count("entities")
    if cached is not None and cached.size == n:
        return cached
    idx = NameIndex.from_names(name for e in store.entities() for name in (e.name, *e.aliases))
    idx.size = n
    return idx


def search(store: Store, query: SearchQuery, index: SearchIndex | None = None,
           names: NameIndex | None = None) -> SearchResult:
    """Documents matching every term or ``OR`` group and no ``-`` term, filtered and ranked, with spans.

    With a loaded ``SearchIndex`` the candidates and BM25 ranking come from the full-text index;
    without one, a scan ranks by Σ(1 + ln tf) plus 1 per term found in the title. Both return the
    same documents. ``names`` (see ``name_index``) expands Latin-script names; built when not given.
    """
    filtered = bool(query.entity or query.place or query.outlets or query.date_from or query.date_to)
    pq = parse_query(query.q, names if names is not None else name_index(store))
    if not pq.groups and not pq.exclude:
        if query.q.strip():  # something was typed, but nothing searchable is left (NUL, bidi marks, "-")
            raise QueryError("لا كلمات يُبحث عنها في الاستعلام بعد حذف المحارف الخفية وعلامات الترقيم",
                             "empty_query")
        if not filtered:
            raise QueryError("البحث فارغ: اكتب كلمة أو اختر مرشحًا واحدًا على الأقل", "empty_query")
    if not pq.groups and not filtered:
        raise QueryError("الاستبعاد وحده لا يكفي: أضف كلمة يُبحث عنها أو مرشحًا", "only_exclusions")
    terms = pq.terms
    flt = DocumentFilter(outlets=query.outlets, date_from=query.date_from, date_to=query.date_to,
                         entities=[e for e in (query.entity, query.place) if e],
                         excludes=[t for t in pq.exclude if not is_short(t)])
    exact = not any(is_short(t) for t in [*terms, *pq.exclude])  # short terms need a whole-word check
    if index is not None:
        index.sync()
    indexed = [g for g in pq.groups if index is not None and len(index.usable(g)) == len(g)]
    if indexed:
        rest = [g for g in pq.groups if g not in indexed]
        keep = max(RERANK_TOP, query.offset + query.limit)
        # Only the best max(RERANK_TOP, offset + limit) by BM25 can reach the page: the whole-word bonus
        # is ≥ 0 and only the RERANK_TOP best get it, so every hit below them ranks after all of them.
        # Short terms need every candidate's text checked first, so then all of them are fetched.
        total, ranked = index.ranked(indexed, replace(flt, any_of=rest, excludes=[]),  # type: ignore[union-attr]
                                     exclude=flt.excludes, limit=keep if exact else None)
        scored = [(sc, pub, i) for i, pub, sc in ranked]
        if not exact:
            texts = store.norm_texts([i for _, _, i in scored])
            scored = [x for x in scored if satisfies(texts.get(x[2], ""), pq)]
            total = len(scored)
        scored = _rerank_whole_words(store, terms, scored[:keep])
    else:
        scored = _scan(store, pq, flt)
        total = len(scored)
    _order(scored)
    page = scored[query.offset: query.offset + query.limit]
    docs = {d.id: d for d in store.documents([i for _, _, i in page])}
    hits = []
    for score, _, doc_id in page:
        d = docs[doc_id]
        matches = find_matches(d.text, terms)
        hits.append(Hit(d.id, d.title, d.outlet, d.published_stamp, d.story_id, round(score, 4), matches,
                        snippet(d.text, matches)))
    return SearchResult(total=total, hits=hits, terms=terms, expanded=pq.expanded)


def _order(scored: list[tuple[float, Any, str]]) -> None:
    """Sort hits in place: best score, then newest, then id (so equal scores page the same way every time);
    undated last. ``published`` may be a datetime (scan) or the stored ISO text (index), which sorts alike.

    Three stable sorts on plain keys instead of one on a tuple with a timestamp: a datetime per hit
    (12,820 for «سوريا أو العراق») cost more than the SQL that found them."""
    scored.sort(key=itemgetter(2))
    scored.sort(key=lambda x: (x[1] is not None, x[1] or ""), reverse=True)
    scored.sort(key=lambda x: -x[0])


_CLITICS = "(?:[وف]?(?:[بلك]|ال|بال|لل|كال)?)"


def _word_pattern(term: str) -> re.Pattern[str]:
    """``term`` as a whole word, allowing leading conjunction/preposition/article clitics."""
    return re.compile(rf"(?<!\w){_CLITICS}{re.escape(term)}(?!\w)")


def word_bonus(norm_text: str, terms: list[str]) -> float:
    """1.5 per term that occurs as a whole word: substring search finds الرياض in الرياضي (sports)."""
    return sum(1.5 for t in terms if _word_pattern(t).search(norm_text))


def _rerank_whole_words(store: Store, terms: list[str], scored: list[tuple[float, Any, str]],
                        top: int = RERANK_TOP) -> list[tuple[float, Any, str]]:
    """Add the whole-word bonus to the ``top`` best index hits (reading only their normalised text)."""
    if not terms or not scored:
        return scored
    scored = sorted(scored, key=lambda x: -x[0])  # stable: keeps the caller's order among equal scores
    head = scored[:top]
    texts = store.norm_texts([i for _, _, i in head])
    head = [(sc + word_bonus(texts.get(i, ""), terms), pub, i) for sc, pub, i in head]
    return head + scored[top:]


def _scan(store: Store, pq: ParsedQuery, flt: DocumentFilter) -> list[tuple[float, datetime | None, str]]:
    """Substring scan of ``norm_text`` (any database): (score, published, id) of matching documents."""
    scored = []
    terms = pq.terms
    exact = not any(is_short(t) for t in [*terms, *pq.exclude])
    for r in store.scan_norm_texts(replace(flt, any_of=pq.groups)):
        if not exact and not satisfies(r.norm_text, pq):
            continue
        title = normalize(r.title or "")
        score = 0.0
        for t in terms:
            tf = r.norm_text.count(t)
            score += (1 + math.log(tf) if tf else 0.0) + (1.0 if t in title else 0.0)
        scored.append((score + word_bonus(r.norm_text, terms), r.published, r.id))
    return scored
