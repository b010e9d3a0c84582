"""Arabic full-text search over stored documents, with outlet/date/entity/place filters.

Matching is done on ``DocumentRow.norm_text`` (normalised title + text) so that
أ/ا, ة/ه, ى/ي and diacritics do not matter; hits are then mapped back to
character offsets in ``Document.text`` with ``normalize_with_offsets`` so the UI
can highlight the exact original characters.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import and_, func, literal_column, or_, select, text
from sqlalchemy.exc import DBAPIError

from rasid.normalize import normalize, normalize_with_offsets
from rasid.store import DocumentRow, MentionRow, Store

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
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


class SearchIndex:
    """Trigram FTS5 index of ``documents.norm_text`` kept in the same SQLite file.

    Why: a substring ``LIKE`` must read every document row (text, raw text and all), which costs
    ~0.3 s per 5,000 articles; the trigram index answers substring queries in milliseconds and
    keeps LIKE's semantics (``موسكو`` still finds ``بموسكو``). It is contentless (rowids only, about
    3x the normalised text) and synced by rowid, since stored documents are never rewritten. Other
    databases, or SQLite without FTS5, fall back to LIKE.
    """

    TABLE = "rasid_search_fts"
    STATE = "rasid_search_state"

    def __init__(self, store: Store, enabled: bool) -> None:
        self.store = store
        self.enabled = enabled

    @classmethod
    def load(cls, store: Store, build: bool = True) -> SearchIndex:
        """Create the index tables if needed and (by default) index documents stored since last time."""
        if store.dialect != "sqlite":
            return cls(store, False)
        try:
            with store.engine.begin() as conn:
                conn.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {cls.TABLE} USING fts5("
                                  "body, tokenize='trigram', content='', columnsize=0)"))
                conn.execute(text(f"CREATE TABLE IF NOT EXISTS {cls.STATE} "
                                  "(id INTEGER PRIMARY KEY CHECK (id = 1), max_rowid INTEGER NOT NULL)"))
        except DBAPIError:  # no FTS5 trigram tokenizer (SQLite < 3.34) or a read-only file
            return cls(store, False)
        index = cls(store, True)
        if build:
            index.sync()
        return index

    def sync(self) -> int:
        """Index documents whose rowid is above the last indexed one; returns how many were added."""
        if not self.enabled:
            return 0
        try:
            with self.store.engine.begin() as conn:
                done = conn.execute(text(f"SELECT max_rowid FROM {self.STATE} WHERE id = 1")).scalar() or 0
                top = conn.execute(text("SELECT max(rowid) FROM documents")).scalar() or 0
                if top <= done:
                    return 0
                n = conn.execute(text(f"INSERT INTO {self.TABLE}(rowid, body) SELECT rowid, norm_text FROM documents "
                                      "WHERE rowid > :done AND rowid <= :top"), {"done": done, "top": top}).rowcount
                conn.execute(text(f"INSERT INTO {self.STATE}(id, max_rowid) VALUES (1, :top) "
                                  "ON CONFLICT(id) DO UPDATE SET max_rowid = excluded.max_rowid"), {"top": top})
                return n
        except DBAPIError:  # a concurrent writer got there first, or the file is read-only: LIKE still works
            return 0

    def condition(self, terms: list[str]):  # noqa: ANN201 - a SQLAlchemy clause
        """A ``documents.rowid IN (...)`` clause for the terms the index can serve (3+ characters)."""
        usable = [t for t in terms if len(t) >= 3]
        if not self.enabled or not usable:
            return None
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in usable)
        sub = text(f"SELECT rowid FROM {self.TABLE} WHERE {self.TABLE} MATCH :fts_match").bindparams(fts_match=match)
        return literal_column("documents.rowid").in_(sub)


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


def _like_escape(t: str) -> str:
    return t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
    """Documents containing every term (AND), filtered, ranked by tf·idf with a title bonus.

    ``index`` (a loaded ``SearchIndex``) narrows candidates first; results are the same without it.
    """
    terms = parse_terms(query.q)
    if not terms and not (query.entity or query.place or query.outlets or query.date_from or query.date_to):
        raise QueryError("empty search: give a query or at least one filter")
    conds = [DocumentRow.duplicate_of.is_(None)]
    if index is not None:
        index.sync()
        fts = index.condition(terms)
        if fts is not None:
            conds.append(fts)
    for t in terms:
        conds.append(DocumentRow.norm_text.like(f"%{_like_escape(t)}%", escape="\\"))
    if query.outlets:
        conds.append(DocumentRow.outlet.in_(query.outlets))
    if query.date_from:
        start = datetime.combine(query.date_from, time.min)
        conds.append(or_(DocumentRow.published >= start,
                         and_(DocumentRow.published.is_(None), DocumentRow.inferred_to >= start)))
    if query.date_to:
        end = datetime.combine(query.date_to, time.max)
        conds.append(or_(DocumentRow.published <= end,
                         and_(DocumentRow.published.is_(None), DocumentRow.inferred_from <= end)))
    for ent in (query.entity, query.place):
        if ent:
            conds.append(DocumentRow.id.in_(select(MentionRow.doc_id).where(MentionRow.entity_id == ent)))
    cols = (DocumentRow.id, DocumentRow.title, DocumentRow.outlet, DocumentRow.published, DocumentRow.story_id,
            DocumentRow.norm_text)
    with store.session() as s:
        rows = s.execute(select(*cols).where(*conds)).all()
        n_docs = int(s.scalar(select(func.count()).select_from(DocumentRow)) or 1)
    scored = []
    for r in rows:
        norm_title = normalize(r.title or "")
        score = 0.0
        for t in terms:
            tf = r.norm_text.count(t)
            idf = math.log(1 + n_docs / max(1, len(rows)))
            score += (1 + math.log(tf)) * idf if tf else 0.0
            if t in norm_title:
                score += 1.0
        scored.append((score, r.published or datetime.min, r))
    scored.sort(key=lambda x: (-x[0], -x[1].timestamp() if x[1] != datetime.min else 0, x[2].id))
    page = scored[query.offset: query.offset + query.limit]
    texts = {d.id: d.text for d in store.documents([r.id for _, _, r in page])}
    hits = []
    for score, _, r in page:
        text = texts.get(r.id, "")
        matches = find_matches(text, terms)
        hits.append(Hit(r.id, r.title, r.outlet, r.published, r.story_id, round(score, 4), matches,
                        snippet(text, matches)))
    return SearchResult(total=len(scored), hits=hits, terms=terms)
