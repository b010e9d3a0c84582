"""The storage side of search: document filters and the SQLite full-text index.

Why here and not in ``rasid.serve.search``: both build SQL on the documents table, and only the
store package touches tables. ``rasid.serve.search`` keeps what is about language (terms,
matching, snippets, scoring) and reads documents through ``Store`` and ``SearchIndex``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Float, Integer, and_, func, literal_column, not_, or_, select, text
from sqlalchemy.exc import DBAPIError

from rasid.store.schema import DocumentRow, MentionRow

if TYPE_CHECKING:
    from rasid.store.facade import Store


@dataclass
class DocumentFilter:
    """Which original (non-duplicate) documents a search may return.

    ``contains`` are normalised substrings that ``norm_text`` must all contain; undated documents
    count as inside a date range when their inferred publication range overlaps it.
    """

    outlets: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    entities: list[str] = field(default_factory=list)  # entity ids the document must mention (all of them)
    contains: list[str] = field(default_factory=list)
    any_of: list[list[str]] = field(default_factory=list)  # per group: norm_text contains at least one
    excludes: list[str] = field(default_factory=list)  # norm_text contains none of these


def _like_escape(t: str) -> str:
    return t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_conditions(flt: DocumentFilter, offsets: Iterable[int | None] = (None,), *, sqlite: bool = True) -> list:
    """SQL conditions on ``documents`` for ``flt`` (always: originals only).

    ``sqlite``: the database is SQLite, whose implicit ``rowid`` lets the duplicate test go through the
    ``duplicate_of`` index; other databases (PostgreSQL has no rowid) test the column itself.

    Date bounds are local calendar days: a page stamped 01:30 in Cairo (+02:00) is stored as 23:30 UTC
    the day before, and must be found under its local day. ``offsets``: the UTC offsets (minutes) the
    documents carry (``Store.published_offsets``); each gets its own shifted bound, so the comparison
    stays a plain column-versus-constant one on any database.
    """
    # duplicates via the duplicate_of index: reading the column itself would read every long row
    if sqlite:
        dup = select(literal_column("rowid")).select_from(DocumentRow).where(DocumentRow.duplicate_of.is_not(None))
        conds: list = [literal_column("documents.rowid").not_in(dup)]
    else:
        conds = [DocumentRow.duplicate_of.is_(None)]
    if flt.outlets:
        conds.append(DocumentRow.outlet.in_(flt.outlets))
    shifts = sorted({o or 0 for o in offsets})
    if flt.date_from:
        start = datetime.combine(flt.date_from, time.min)
        conds.append(or_(_local_bound(start, shifts, ">="),
                         and_(DocumentRow.published.is_(None), DocumentRow.inferred_to >= start)))
    if flt.date_to:
        end = datetime.combine(flt.date_to, time.max)
        conds.append(or_(_local_bound(end, shifts, "<="),
                         and_(DocumentRow.published.is_(None), DocumentRow.inferred_from <= end)))
    for ent in flt.entities:
        conds.append(DocumentRow.id.in_(select(MentionRow.doc_id).where(MentionRow.entity_id == ent)))
    conds += [_like(t) for t in flt.contains]
    conds += [or_(*[_like(t) for t in group]) for group in flt.any_of if group]
    conds += [not_(_like(t)) for t in flt.excludes]
    return conds


def conditions_in(s, flt: DocumentFilter, store: Store | None = None) -> list:  # noqa: ANN001 - a Session
    """``filter_conditions`` for ``flt`` on the database of session ``s`` (its offsets and dialect).

    ``store``: the session's store, whose remembered offsets (``Store.published_offsets``) spare a
    scan of every document row per date-bounded request."""
    if store is not None and (flt.date_from or flt.date_to):
        offsets: list[int | None] = store.published_offsets()
    else:
        offsets = offsets_for(s, flt)
    return filter_conditions(flt, offsets, sqlite=s.get_bind().dialect.name == "sqlite")


def offsets_for(s, flt: DocumentFilter) -> list[int | None]:  # noqa: ANN001 - a Session
    """The distinct UTC offsets of stored documents, when ``flt`` has a date bound (else one: none)."""
    if not (flt.date_from or flt.date_to):
        return [None]
    return list(s.scalars(select(DocumentRow.published_offset_minutes).distinct()).all()) or [None]


def _local_bound(bound: datetime, shifts: list[int], op: str):  # noqa: ANN202 - a SQLAlchemy condition
    """``published + offset <op> bound`` as ``published <op> bound - offset``, one branch per offset."""
    col, off = DocumentRow.published, DocumentRow.published_offset_minutes
    branches = []
    for m in shifts:
        limit = bound - timedelta(minutes=m)
        cmp = col >= limit if op == ">=" else col <= limit
        has = or_(off.is_(None), off == 0) if m == 0 else off == m
        branches.append(and_(has, cmp))
    return or_(*branches)


def _like(t: str):  # noqa: ANN202 - a SQLAlchemy condition
    return DocumentRow.norm_text.like(f"%{_like_escape(t)}%", escape="\\")


class SearchIndex:
    """Trigram FTS5 index of normalised titles and texts, kept in the same SQLite file.

    Why: a substring ``LIKE`` must read every document row (text, raw text and all): ~0.3 s per
    5,000 articles. The trigram index answers substring queries in milliseconds with LIKE's
    semantics (``موسكو`` still finds ``بموسكو``) and ranks with BM25, so no text leaves the
    database to be scored. It is contentless (about 3x the normalised text) and synced by rowid,
    since stored documents are never rewritten. Other databases, SQLite without FTS5, and terms
    shorter than 3 characters use the plain scan.
    """

    TABLE = "rasid_search_idx"
    STATE = "rasid_search_idx_state"
    TITLE_WEIGHT = 2.0

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
                                  "title, body, tokenize='trigram', content='')"))
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
                # norm_text is normalise(title + "\n" + text): its first line is the normalised title
                n = conn.execute(text(
                    f"INSERT INTO {self.TABLE}(rowid, title, body) SELECT rowid, "
                    "CASE WHEN title IS NULL OR instr(norm_text, char(10)) = 0 THEN '' "
                    "ELSE substr(norm_text, 1, instr(norm_text, char(10)) - 1) END, norm_text "
                    "FROM documents WHERE rowid > :done AND rowid <= :top"), {"done": done, "top": top}).rowcount
                conn.execute(text(f"INSERT INTO {self.STATE}(id, max_rowid) VALUES (1, :top) "
                                  "ON CONFLICT(id) DO UPDATE SET max_rowid = excluded.max_rowid"), {"top": top})
                return n
        except DBAPIError:  # a concurrent writer got there first, or the file is read-only: the scan still works
            return 0

    def usable(self, terms: list[str]) -> list[str]:
        """The terms the index can match (trigrams need 3+ characters)."""
        return [t for t in terms if len(t) >= 3] if self.enabled else []

    @staticmethod
    def match_expr(groups: list[list[str]], exclude: Sequence[str] = ()) -> str:
        """FTS5 query: every group (any of its terms), none of ``exclude`` (trigram ``NOT``, LIKE's semantics)."""
        def phrase(t: str) -> str:
            return '"' + t.replace('"', '""') + '"'
        match = " AND ".join("(" + " OR ".join(phrase(t) for t in g) + ")" for g in groups)
        for t in exclude:  # nested so that each NOT applies to everything before it
            match = f"({match}) NOT {phrase(t)}"
        return match

    def ranked(self, terms: list[str] | list[list[str]], flt: DocumentFilter, exclude: Sequence[str] = (),
               limit: int | None = None) -> tuple[int, list[tuple[str, str | None, float]]]:
        """(how many, the best ``limit``) of documents matching all ``terms`` and ``flt``, none of ``exclude``,
        as (doc id, published as stored, BM25 score), best score first, then newest, then id; all when
        ``limit`` is None.

        An item of ``terms`` may be a list: any one of its terms will do (``OR``). ``exclude`` terms
        (3+ characters) are subtracted by the index itself: as a ``LIKE`` on ``norm_text`` they made
        SQLite read the whole text of every candidate (0.25 s for «الرياض -الهلال» at 60k articles).

        One statement: the MATCH is materialised once (a plain join lets SQLite re-run the MATCH for every
        filtered row: 0.7 s with an outlet filter on 20k articles), joined to the filtered documents,
        counted (``count(*) OVER ()``), ordered and cut in SQL. Before, every hit (12,820 for «سوريا أو
        العراق» at 61k articles) came to Python with its score, id and date, and building those objects
        (and the garbage collections they set off) cost more than the SQL. ``published`` is the stored
        text (fixed-width ISO, which orders as the datetimes do): it only breaks ties.
        """
        groups = [[t] if isinstance(t, str) else t for t in terms]
        m = text(f"SELECT rowid AS r, -bm25({self.TABLE}, {self.TITLE_WEIGHT}, 1.0) AS sc "
                 f"FROM {self.TABLE} WHERE {self.TABLE} MATCH :fts_match").bindparams(
            fts_match=self.match_expr(groups, exclude)).columns(r=Integer, sc=Float).cte("fts_hits")
        if sqlite3.sqlite_version_info >= (3, 35):  # the keyword's first release; trigram came in 3.34
            m = m.prefix_with("MATERIALIZED")
        published = literal_column("documents.published")
        with self.store.session() as s:
            q = (select(DocumentRow.id, published, m.c.sc, func.count().over())
                 .select_from(m.join(DocumentRow, literal_column("documents.rowid") == m.c.r))
                 .where(*conditions_in(s, flt, self.store))
                 .order_by(m.c.sc.desc(), published.desc(), DocumentRow.id))
            if limit is not None:
                q = q.limit(limit)
            rows = s.connection().execute(q).all()
        return (rows[0][3] if rows else 0), [(i, p, sc) for i, p, sc, _ in rows]
