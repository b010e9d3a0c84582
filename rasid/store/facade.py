"""The ``Store`` façade: every read and write of rasid's tables goes through its methods.

Persistence is SQLAlchemy: a SQLite file by default, PostgreSQL via a URL. Each pipeline stage
writes in its own transaction and marks documents with the stage they reached, so a run killed
mid-way loses nothing already committed and the next run resumes where it stopped. The tables are
in ``rasid.store.schema``; rows become dataclasses through ``rasid.store.mapping``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import numpy as np
from sqlalchemy import (
    String,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.schema import CreateIndex, CreateTable

from rasid.models import (
    Claim,
    Conflict,
    Document,
    Entity,
    Event,
    Mention,
    Skip,
    Story,
    StoryBrief,
    Storyline,
    TimeExpression,
)
from rasid.store.fulltext import DocumentFilter, conditions_in
from rasid.store.mapping import (
    CLAIM,
    CONFLICT,
    DOCUMENT,
    ENTITY,
    EVENT,
    MENTION,
    SKIP,
    STORY,
    STORYLINE,
    TIMEX,
    ModelMapping,
)
from rasid.store.monitor import MonitorStore
from rasid.store.schema import (
    STAGE_CLUSTERED,
    STAGE_EXTRACTED,
    STAGE_STORED,
    Base,
    ClaimRow,
    ConflictRow,
    DocumentRow,
    EntityRow,
    EventRow,
    LineStatDocRow,
    LineStatRow,
    MentionRow,
    PendingStoryRow,
    SkipRow,
    StateRow,
    StorylineRow,
    StoryRow,
    TimexRow,
)

IN_CHUNK = 500  # ids per IN (...) list: SQLite caps bound parameters per statement

# columns of a document listing: everything but the texts, so a page does not read every article
_BRIEF_COLUMNS = ("id", "title", "outlet", "url", "published", "published_offset_minutes", "date_source",
                  "inferred_from", "inferred_to", "language", "duplicate_of", "duplicate_score", "story_id")
_COUNTED = {"documents": DocumentRow, "stories": StoryRow, "entities": EntityRow, "events": EventRow,
            "claims": ClaimRow, "conflicts": ConflictRow, "skips": SkipRow, "mentions": MentionRow}


class NormText(NamedTuple):
    """What a search scan scores a document on: its normalised title + text, with id and date."""

    id: str
    title: str | None
    published: datetime | None
    norm_text: str


def db_url(db: str | Path) -> str:
    """Accept a file path (SQLite) or any SQLAlchemy URL."""
    s = str(db)
    if "://" in s:
        return s
    return f"sqlite:///{Path(s).expanduser().resolve()}"


def _local_day(published: datetime | str, offset: int | None) -> str:
    """The calendar day of a stored UTC instant in its outlet's zone (ISO)."""
    if isinstance(published, str):  # SQLite returns grouped DateTime columns as stored text on some paths
        published = datetime.fromisoformat(published)
    return (published + timedelta(minutes=offset or 0)).date().isoformat()


def _dt(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


def _as_datetime(v: datetime | str | None) -> datetime | None:
    """A DateTime read by raw SQL: SQLite gives the stored ISO text, PostgreSQL a datetime."""
    return datetime.fromisoformat(v) if isinstance(v, str) else v


class EntityOverview(NamedTuple):
    """An entity's page: its mention total, one page of mentions, its stories and its mentions per day."""

    mention_total: int
    mentions: list[Mention]
    stories: list[dict]
    by_day: list[tuple[str, int]]
    story_total: int


class StoryAnalysis(NamedTuple):
    """What the compare stage writes for one story (``Store.save_stories``): the story (title, summary,
    dates, timeline), its claims with their story fields, its conflicts, the publication ranges inferred
    for its undated documents (doc id → (from, to)), its outlets and its number of documents."""

    story: Story
    claims: list[Claim]
    conflicts: list[Conflict]
    ranges: dict[str, tuple[datetime, datetime]]
    outlets: list[str]
    size: int


class StoredSignature(NamedTuple):
    """A stored original's MinHash signature and its insertion sequence (0 for rows older than ``seq``)."""

    seq: int
    id: str
    content_hash: str
    signature: np.ndarray


class Store(MonitorStore):
    """All reads and writes of rasid's tables, safe for several processes writing at once
    (the monitoring tables' methods come from ``rasid.store.monitor.MonitorStore``)."""

    def __init__(self, db: str | Path, echo: bool = False, must_exist: bool = False,
                 read_only: bool | None = None) -> None:
        """Open (and create, unless ``must_exist``) the database ``db``: a file path or a SQLAlchemy URL.

        A SQLite file that this process may not write (or whose folder it may not write, which WAL needs)
        is opened read-only, so it can still be browsed, exported and served; ``read_only`` forces either.
        """
        self.url = db_url(db)
        path = _sqlite_path(self.url)
        if must_exist and path is not None and not path.exists():
            raise StoreMissingError(f"no rasid database at {path}: create it with `rasid run INPUT --db {path}`")
        self.read_only = bool(read_only) if read_only is not None else _not_writable(path)
        kwargs: dict = {"echo": echo, "future": True}
        if path is not None and self.read_only:
            immutable = not os.access(path.parent, os.W_OK)  # WAL files cannot be created beside it
            uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")
            kwargs["creator"] = lambda: sqlite3.connect(uri, uri=True, timeout=60, check_same_thread=False)
            probe = create_engine("sqlite://", **kwargs)
            event.listen(probe, "connect", _sqlite_query_only)
            compat = _read_only_compat(probe)
            probe.dispose()
            self.engine: Engine = create_engine("sqlite://", **kwargs)
            event.listen(self.engine, "connect", functools.partial(_sqlite_query_only, compat=compat))
        else:
            if path is not None:
                kwargs["connect_args"] = {"timeout": 60}
            self.engine = create_engine(self.url, **kwargs)
            if path is not None:
                event.listen(self.engine, "connect", _sqlite_pragmas)
        if not self.read_only:
            self._create_tables()
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        # derived columns this database has: all of them once migrated; an older file opened read-only may lack some
        self._derived = _present(self.engine, _DERIVED) if self.read_only else set(_DERIVED)
        self._version_conn: sqlite3.Connection | None = None  # see data_version
        self._version_lock = threading.Lock()
        self._counts_cache: tuple[int, dict[str, int]] | None = None
        self._offsets_cache: tuple[int, list[int | None]] | None = None

    def _create_tables(self) -> None:
        """Create missing tables; safe when several processes open a fresh database at once."""
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    _write_lock(conn, schema_ready=False)  # SQLite: the DDL itself takes the write lock
                    Base.metadata.create_all(conn)
                    _add_missing_columns(conn)
                    _add_missing_indexes(conn)
                return
            except (OperationalError, ProgrammingError, IntegrityError):
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``: dialect-specific statements (upserts, locks, FTS) branch on it."""
        return self.engine.dialect.name

    def session(self) -> Session:
        """A new ORM session; for code inside the store package (outside it, use the methods below)."""
        return self._session()

    def close(self) -> None:
        """Release pooled connections (a long-lived process may open many stores)."""
        self.engine.dispose()
        with self._version_lock:
            if self._version_conn is not None:
                self._version_conn.close()
                self._version_conn = None

    def data_version(self) -> int | None:
        """A number that changes whenever anything is committed to the database, by any process; None where
        there is no cheap way to know (PostgreSQL, in-memory SQLite).

        SQLite's ``PRAGMA data_version`` changes when *another* connection commits, so the store keeps one
        connection of its own that never writes and asks it: a few microseconds, and every commit (this
        process's pooled connections included) is seen.
        """
        path = _sqlite_path(self.url)
        if path is None:
            return None
        with self._version_lock:
            if self._version_conn is None:
                self._version_conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True,
                                                     check_same_thread=False)
            return int(self._version_conn.execute("PRAGMA data_version").fetchone()[0])

    def counts(self, tables: Iterable[str]) -> dict[str, int]:
        """``count`` of several tables, remembered until the database changes (``data_version``): the
        counts of a 60k-article store scan ~1M index entries, which ``/api/stats`` would pay per request."""
        tables = list(tables)
        version = self.data_version()
        cached = self._counts_cache
        if version is not None and cached is not None and cached[0] == version and set(tables) <= set(cached[1]):
            return {t: cached[1][t] for t in tables}
        out = {t: self.count(t) for t in tables}
        if version is not None:
            self._counts_cache = (version, out)
        return out

    def published_offsets(self) -> list[int | None]:
        """The distinct UTC offsets (minutes) of stored documents' publication times, remembered until the
        database changes (``data_version``). Every date-bounded search needs them (``filter_conditions``)
        and finding them reads the head of every document row: 0.12 s per request at 61k articles."""
        version = self.data_version()
        cached = self._offsets_cache
        if version is not None and cached is not None and cached[0] == version:
            return list(cached[1])
        with self.session() as s:
            out = list(s.scalars(select(DocumentRow.published_offset_minutes).distinct()).all()) or [None]
        if version is not None:
            self._offsets_cache = (version, out)
        return list(out)

    def _lock(self, s: Session) -> None:
        """Take the write lock inside ``s``'s transaction (for the mixins' write methods)."""
        _write_lock(s)

    def _pairs(self, key: object, value: object, ids: Iterable[str]) -> dict:
        """``{key: value}`` of the rows whose ``key`` is in ``ids``, fetched in chunks of ``IN_CHUNK``."""
        with self.session() as s:
            return _column_pairs(s, key, value, ids)

    # ---- documents -------------------------------------------------------------------------
    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        """The ids among ``ids`` already stored, so ingest skips documents a previous run kept."""
        return set(self._pairs(DocumentRow.id, DocumentRow.id, ids))

    def raw_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """id → hash of the raw input, to tell a re-run (same input) from an id collision."""
        return self._pairs(DocumentRow.id, DocumentRow.raw_hash, ids)

    def story_ids_of(self, doc_ids: Iterable[str]) -> dict[str, str | None]:
        """doc id → story id (None before clustering), without reading the documents' texts."""
        return self._pairs(DocumentRow.id, DocumentRow.story_id, doc_ids)

    def set_inferred_dates(self, ranges: dict[str, tuple[datetime, datetime]]) -> None:
        """Record the publication range inferred for undated documents (doc id → (from, to))."""
        if not ranges:  # most stories have none: skip the empty write transaction
            return
        with self.session() as s, s.begin():
            _write_lock(s)
            for doc_id, (a, b) in ranges.items():
                r = s.get(DocumentRow, doc_id)
                if r is not None:
                    r.inferred_from, r.inferred_to = a, b

    def add_documents(self, docs: list[Document], signatures: dict[str, np.ndarray]) -> int:
        """Insert new documents in one transaction; ids already stored are left untouched.

        Uses ``INSERT ... ON CONFLICT DO NOTHING`` so concurrent writers (several ``rasid run``
        on overlapping inputs) neither fail nor duplicate; returns how many rows this call inserted.
        """
        if not docs:
            return 0
        with self.session() as s, s.begin():
            _write_lock(s)
            return self._insert_documents(s, docs, signatures)

    def add_documents_linked(self, since: int, link: Callable[[list[StoredSignature]],
                                                              tuple[list[Document], dict[str, np.ndarray]]]
                             ) -> tuple[int, int]:
        """Decide and insert a batch under the write lock, knowing every original stored before it.

        Inside one locked transaction: read the signatures of the originals stored after sequence ``since``
        (by another process, since this one loaded its index), call ``link(those)``, which returns the
        documents to insert and their signatures, and insert them. No other writer can store a document
        between the decision and the insert, so two concurrent runs never both keep near-duplicates as
        originals. Returns (rows inserted, the last sequence this process now knows).
        """
        with self.session() as s, s.begin():
            _write_lock(s)
            fresh = list(self._signatures(s, since))
            seen = max([since, *(r.seq for r in fresh)])
            docs, signatures = link(fresh)
            if not docs:
                return 0, seen
            inserted = self._insert_documents(s, docs, signatures)
            top = s.execute(select(func.max(DocumentRow.seq))).scalar()
            return inserted, max(seen, top or 0)

    def _insert_documents(self, s: Session, docs: list[Document], signatures: dict[str, np.ndarray]) -> int:
        """Insert ``docs`` (the caller holds the write lock), numbering them after the highest stored ``seq``."""
        from rasid.text.normalize import normalize

        rows: dict[str, dict] = {}
        for d in docs:
            if d.id in rows:
                continue
            sig = signatures.get(d.id)
            rows[d.id] = DOCUMENT.values(d) | dict(
                norm_text=normalize((d.title or "") + "\n" + d.text), stage=STAGE_STORED,
                signature=None if sig is None else np.asarray(sig, dtype=np.uint32).tobytes(),
                ingested_at=datetime.now(UTC).replace(tzinfo=None),
            )
        if self.dialect == "postgresql":  # PostgreSQL text cannot hold NUL; U+FFFD keeps every offset valid
            rows = {k: {c: v.replace("\x00", "\ufffd") if isinstance(v, str) else v for c, v in r.items()}
                    for k, r in rows.items()}
        ordered = [rows[k] for k in sorted(rows)]  # one global lock order: no deadlock between writers
        top = s.execute(select(func.max(DocumentRow.seq))).scalar() or 0
        for i, r in enumerate(ordered, 1):
            r["seq"] = top + i
        stmt = self._insert(DocumentRow).on_conflict_do_nothing(index_elements=["id"])
        # Core executemany on the session's connection: the ORM bulk path costs a Python round per row
        return len(s.connection().execute(stmt.returning(DocumentRow.id), ordered).scalars().all())

    def _insert(self, table: type[Base]):  # noqa: ANN202
        """The dialect's INSERT (with ON CONFLICT support) for SQLite and PostgreSQL."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif self.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:  # pragma: no cover - other backends are not supported for concurrent writes
            raise NotImplementedError(f"unsupported database dialect {self.dialect!r}")
        return insert(table)

    def iter_signatures(self) -> Iterator[StoredSignature]:
        """(seq, id, content hash, MinHash values) of every stored original, for rebuilding the dedup index."""
        with self.session() as s:
            yield from self._signatures(s)

    def _signatures(self, s: Session, since: int | None = None) -> Iterator[StoredSignature]:
        """The originals' signatures, oldest first (all, or only those stored after sequence ``since``)."""
        q = select(DocumentRow.seq, DocumentRow.id, DocumentRow.content_hash, DocumentRow.signature).where(
            DocumentRow.duplicate_of.is_(None), DocumentRow.signature.is_not(None))
        if since is not None:
            q = q.where(DocumentRow.seq > since)
        q = q.order_by(DocumentRow.published.asc().nulls_first(), DocumentRow.id)
        for seq, doc_id, chash, sig in s.execute(q):
            yield StoredSignature(seq or 0, doc_id, chash, np.frombuffer(sig, dtype=np.uint32).copy())

    def documents(self, ids: Iterable[str] | None = None, stage: int | None = None,
                  originals_only: bool = False) -> list[Document]:
        """Full documents (with texts), oldest first and undated first, the order every stage reads in."""
        with self.session() as s:
            q = select(*DOCUMENT.select_columns)
            if ids is not None:
                q = q.where(DocumentRow.id.in_(list(ids)))
            if stage is not None:
                q = q.where(DocumentRow.stage == stage)
            if originals_only:
                q = q.where(DocumentRow.duplicate_of.is_(None))
            q = q.order_by(DocumentRow.published.asc().nulls_first(), DocumentRow.id)
            return [DOCUMENT.from_values(r) for r in s.execute(q)]

    def document(self, doc_id: str) -> Document | None:
        """One document, or None when ``doc_id`` is not stored."""
        with self.session() as s:
            r = s.get(DocumentRow, doc_id)
            return DOCUMENT.to_model(r) if r else None

    def document_page(self, limit: int, offset: int, outlet: str | None = None,
                      story: str | None = None) -> tuple[int, list[Document]]:
        """(total, one page) of documents, newest first, optionally of one outlet or story.

        The page's documents have empty ``text``/``raw_text``/``source_path``/``fmt``: a listing
        reads only the light columns, not every article's text.
        """
        conds = []
        if outlet is not None:
            conds.append(DocumentRow.outlet == outlet)
        if story is not None:
            conds.append(DocumentRow.story_id == story)
        cols = [getattr(DocumentRow, c) for c in _BRIEF_COLUMNS]
        with self.session() as s:
            total = int(s.scalar(select(func.count()).select_from(DocumentRow).where(*conds)) or 0)
            newest = (DocumentRow.published.desc().nulls_last(), DocumentRow.id.desc())
            # ids through an index first, then the page's rows: skipping ``offset`` articles must not read them
            ids = list(s.scalars(select(DocumentRow.id).where(*conds).order_by(*newest).limit(limit).offset(offset)))
            found = {r[0]: r for r in s.execute(select(*cols).where(DocumentRow.id.in_(ids))).all()} if ids else {}
            rows = [found[i] for i in ids if i in found]
        return total, [Document(text="", raw_text="", source_path="", fmt="",
                                **dict(zip(_BRIEF_COLUMNS, r, strict=True))) for r in rows]

    def document_briefs(self, ids: Iterable[str]) -> list[Document]:
        """Documents by id with only the light columns (empty texts, as in ``document_page``): titles,
        outlets, dates and stories of many documents without reading their articles."""
        wanted = sorted(set(ids))
        cols = [getattr(DocumentRow, c) for c in _BRIEF_COLUMNS]
        with self.session() as s:
            rows = [r for i in range(0, len(wanted), IN_CHUNK)
                    for r in s.execute(select(*cols).where(DocumentRow.id.in_(wanted[i:i + IN_CHUNK]))).all()]
        return [Document(text="", raw_text="", source_path="", fmt="", **dict(zip(_BRIEF_COLUMNS, r, strict=True)))
                for r in rows]

    def outlet_counts(self) -> list[tuple[str, int]]:
        """(outlet, number of documents) for every named outlet, by outlet: the search filter's choices."""
        with self.session() as s:
            q = select(DocumentRow.outlet, func.count()).group_by(DocumentRow.outlet)
            return [(o, n) for o, n in s.execute(q.order_by(DocumentRow.outlet)).all() if o]

    # ---- outlets (the outlet perspective: rasid.serve.outlets) ------------------------------
    def story_outlet_counts(self, story_id: str) -> list[tuple[str | None, int, datetime | None, datetime | None]]:
        """(outlet, member documents, first and last publication) per outlet of one story, counted by the
        database (duplicates included: a republished copy is still that outlet covering the story)."""
        with self.session() as s:
            q = (select(DocumentRow.outlet, func.count(), func.min(DocumentRow.published), func.max(DocumentRow.published))
                 .where(DocumentRow.story_id == story_id).group_by(DocumentRow.outlet).order_by(DocumentRow.outlet))
            return [(o, int(n), a, b) for o, n, a, b in s.execute(q).all()]

    def outlet_story_counts(self) -> list[tuple[str, int]]:
        """(outlet, number of stories it has an article in) for every named outlet, counted by the database."""
        with self.session() as s:
            q = (select(DocumentRow.outlet, func.count(func.distinct(DocumentRow.story_id)))
                 .where(DocumentRow.outlet.is_not(None)).group_by(DocumentRow.outlet).order_by(DocumentRow.outlet))
            return [(o, int(n)) for o, n in s.execute(q).all()]

    def outlets_active(self, start: datetime, end: datetime) -> list[tuple[str, int]]:
        """(outlet, documents published in [start, end]) for every named outlet that published in that window:
        the outlets a story of that time could have been covered by."""
        with self.session() as s:
            q = (select(DocumentRow.outlet, func.count())
                 .where(DocumentRow.outlet.is_not(None), DocumentRow.published >= start, DocumentRow.published <= end)
                 .group_by(DocumentRow.outlet).order_by(DocumentRow.outlet))
            return [(o, int(n)) for o, n in s.execute(q).all()]

    def outlet_summary(self, outlet: str) -> tuple[int, int, datetime | None, datetime | None]:
        """(documents, stories, first and last publication) of one outlet, counted by the database."""
        with self.session() as s:
            q = select(func.count(), func.count(func.distinct(DocumentRow.story_id)), func.min(DocumentRow.published),
                       func.max(DocumentRow.published)).where(DocumentRow.outlet == outlet)
            n, stories, first, last = s.execute(q).one()
            return int(n or 0), int(stories or 0), first, last

    def outlet_conflicts(self, outlet: str) -> list[Conflict]:
        """Conflicts of the stories an outlet has an article in (which side it is on is in ``outlets``)."""
        with self.session() as s:
            mine = select(DocumentRow.story_id).where(DocumentRow.outlet == outlet, DocumentRow.story_id.is_not(None))
            q = select(ConflictRow).where(ConflictRow.story_id.in_(mine)).order_by(ConflictRow.story_id, ConflictRow.id)
            return [CONFLICT.to_model(r) for r in s.scalars(q)]

    def outlet_timing(self, outlet: str) -> list[tuple[str, datetime, datetime, int]]:
        """Per story an outlet covered: (story id, the outlet's first publication, the story's first publication,
        named outlets with a dated article in it), all from dated articles, computed by the database in one query."""
        dated = (DocumentRow.story_id.is_not(None), DocumentRow.published.is_not(None))
        story = (select(DocumentRow.story_id.label("sid"), func.min(DocumentRow.published).label("first"),
                        func.count(func.distinct(DocumentRow.outlet)).label("outlets"))
                 .where(*dated).group_by(DocumentRow.story_id).subquery())
        mine = (select(DocumentRow.story_id.label("sid"), func.min(DocumentRow.published).label("first"))
                .where(*dated, DocumentRow.outlet == outlet).group_by(DocumentRow.story_id).subquery())
        q = (select(mine.c.sid, mine.c.first, story.c.first, story.c.outlets)
             .join(story, story.c.sid == mine.c.sid).order_by(mine.c.sid))
        with self.session() as s:
            return [(sid, a, b, int(n)) for sid, a, b, n in s.execute(q).all()]

    def ids_at_stage(self, stage: int) -> list[str]:
        """Ids of originals at exactly ``stage`` (what a resumed run still has to do), in reading order."""
        with self.session() as s:
            q = select(DocumentRow.id).where(DocumentRow.stage == stage, DocumentRow.duplicate_of.is_(None))
            return list(s.scalars(q.order_by(DocumentRow.published.asc().nulls_first(), DocumentRow.id)))

    def count(self, what: str = "documents") -> int:
        """Rows in one table (``documents``, ``stories``, ``entities``, ``mentions``, ``events``, ``claims``,
        ``conflicts`` or ``skips``), for reports and ``/api/stats``."""
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(_COUNTED[what])) or 0)

    # ---- search ----------------------------------------------------------------------------
    def scan_norm_texts(self, flt: DocumentFilter) -> list[NormText]:
        """Normalised texts of the documents ``flt`` selects: the plain search scan (any database)."""
        cols = (DocumentRow.id, DocumentRow.title, DocumentRow.published, DocumentRow.norm_text)
        with self.session() as s:
            return [NormText(*r) for r in s.execute(select(*cols).where(*conditions_in(s, flt, self))).all()]

    def norm_texts(self, ids: Iterable[str]) -> dict[str, str]:
        """id → normalised title + text, to re-score index hits without reading the original texts."""
        return self._pairs(DocumentRow.id, DocumentRow.norm_text, ids)

    # ---- skips -----------------------------------------------------------------------------
    def add_skips(self, skips: list[Skip]) -> None:
        """Record inputs that could not be used, so ``rasid skips`` and the export can say why.

        A skip already recorded (same source and reason) is not added again: re-running the same input
        adds nothing anywhere, the skips table included.
        """
        if not skips:
            return
        with self.session() as s, s.begin():
            _write_lock(s)
            sources = sorted({k.source_path for k in skips})
            seen: set[tuple[str, str]] = set()
            for i in range(0, len(sources), IN_CHUNK):
                q = select(SkipRow.source_path, SkipRow.reason).where(SkipRow.source_path.in_(sources[i:i + IN_CHUNK]))
                seen.update((a, b) for a, b in s.execute(q))
            new = []
            for k in skips:
                if (k.source_path, k.reason) not in seen:
                    seen.add((k.source_path, k.reason))
                    new.append(SKIP.to_row(k))
            s.add_all(new)

    def skips(self) -> list[Skip]:
        """Every recorded skip, in the order they were recorded."""
        with self.session() as s:
            return [SKIP.to_model(r) for r in s.scalars(select(SkipRow).order_by(SkipRow.id))]

    # ---- boilerplate line statistics -------------------------------------------------------
    def load_line_stats(self) -> list[tuple[str, str, int]]:
        """(outlet, line key, document count) learnt so far: boilerplate learning continues across runs."""
        with self.session() as s:
            return [(r.outlet, r.key, r.count) for r in s.scalars(select(LineStatRow))]

    def line_counted(self, ids: Iterable[str]) -> dict[str, str]:
        """id → raw hash of the documents whose lines were already counted."""
        return self._pairs(LineStatDocRow.doc_id, LineStatDocRow.raw_hash, ids)

    def add_line_stats(self, per_doc: dict[str, tuple[str, str, list[str]]]) -> int:
        """Count each document's lines once ever: ``per_doc`` maps doc id → (raw hash, outlet, line keys).

        Inside one locked transaction, documents already counted with the same raw hash (by an earlier
        run, or by a concurrent run on the same input) are left out, the rest are recorded and their
        counts added (``count = count + n``). So concurrent runs never double-count a line, and a run
        killed before storing its documents does not count them again. Returns the documents counted.
        """
        if not per_doc:
            return 0
        with self.session() as s, s.begin():
            _write_lock(s)
            ids = sorted(per_doc)
            done: dict[str, str] = {}
            for i in range(0, len(ids), IN_CHUNK):
                q = select(LineStatDocRow.doc_id, LineStatDocRow.raw_hash).where(
                    LineStatDocRow.doc_id.in_(ids[i:i + IN_CHUNK]))
                done.update((d, h) for d, h in s.execute(q))
            counts: dict[tuple[str, str], int] = {}
            fresh = []
            for doc_id in ids:
                raw_hash, outlet, keys = per_doc[doc_id]
                if done.get(doc_id) == raw_hash:
                    continue
                fresh.append({"doc_id": doc_id, "raw_hash": raw_hash})
                for key in keys:
                    counts[(outlet, key)] = counts.get((outlet, key), 0) + 1
            items = [{"outlet": o, "key": k, "count": n} for (o, k), n in sorted(counts.items())]
            stmt = self._insert(LineStatRow)
            stmt = stmt.on_conflict_do_update(index_elements=["outlet", "key"],
                                              set_={"count": LineStatRow.count + stmt.excluded.count})
            conn = s.connection()  # Core executemany: the ORM bulk path costs a Python round per row
            for i in range(0, len(items), 5000):
                conn.execute(stmt, items[i:i + 5000])
            ins = self._insert(LineStatDocRow)
            ins = ins.on_conflict_do_update(index_elements=["doc_id"], set_={"raw_hash": ins.excluded.raw_hash})
            for i in range(0, len(fresh), 5000):
                conn.execute(ins, fresh[i:i + 5000])
            return len(fresh)

    # ---- extraction results ----------------------------------------------------------------
    def save_extraction(self, doc_ids: list[str], mentions: list[Mention], timexes: list[TimeExpression],
                        entities: list[Entity], events: list[Event], claims: list[Claim],
                        next_stage: int = STAGE_EXTRACTED) -> None:
        """Replace the extraction results of ``doc_ids`` and upsert entities, atomically."""
        with self.session() as s, s.begin():
            _write_lock(s)
            recount = {m.entity_id for m in mentions if m.entity_id}
            for i in range(0, len(doc_ids), IN_CHUNK):  # entities losing the mentions about to be replaced
                recount.update(s.scalars(select(MentionRow.entity_id).distinct().where(
                    MentionRow.doc_id.in_(doc_ids[i:i + IN_CHUNK]), MentionRow.entity_id.is_not(None))))
            for table in (MentionRow, TimexRow, EventRow, ClaimRow):
                s.execute(delete(table).where(table.doc_id.in_(doc_ids)))
            # entities: every stored field overwritten (an UPDATE) or a new row (an INSERT), by Core executemany
            # in list order; an ORM object per entity (20,000 per 3,000 articles) was a third of this method
            _upsert_by_id(s, EntityRow, [ENTITY.values(e) | {"norm_names": norm_names(e.name, e.aliases)}
                                         for e in entities])
            # bulk executemany inserts: the ORM unit of work per row was most of this method's time
            for mapping, objs in ((MENTION, mentions), (TIMEX, timexes), (EVENT, events), (CLAIM, claims)):
                _insert_models(s, mapping, objs)
            _recount_mentions(s, sorted(recount))
            for i in range(0, len(doc_ids), IN_CHUNK):  # stage = max(stage, next_stage), documents not loaded
                s.execute(update(DocumentRow).where(DocumentRow.id.in_(doc_ids[i:i + IN_CHUNK]),
                                                    DocumentRow.stage < next_stage).values(stage=next_stage)
                          .execution_options(synchronize_session=False))

    def entities(self, ids: Iterable[str] | None = None, type: str | None = None) -> list[Entity]:
        """Entities by id, optionally only these ids or one type (PER, ORG, LOC); ``mentions`` left empty."""
        with self.session() as s:
            q = select(EntityRow)
            if ids is not None:
                q = q.where(EntityRow.id.in_(list(ids)))
            if type:
                q = q.where(EntityRow.type == type)
            return [ENTITY.to_model(r) for r in s.scalars(q.order_by(EntityRow.id))]

    def entity_page(self, limit: int, offset: int = 0, type: str | None = None,
                    min_confidence: float = 0.0) -> tuple[int, list[tuple[Entity, int]]]:
        """(total, one page of (entity, mention count)), most mentioned first, then by name and id.

        Sorted and paged by the database on the stored ``mention_count``: a page reads ``limit`` entities,
        not every entity and every mention. ``min_confidence`` > 0 keeps only the *listed* entities (see
        :meth:`listed`).
        """
        conds = [EntityRow.type == type] if type else []
        conds += self._listed_conds(min_confidence)
        n = self._mention_count()
        with self.session() as s:
            total = int(s.scalar(select(func.count()).select_from(EntityRow).where(*conds)) or 0)
            q = (select(EntityRow, n).where(*conds)
                 .order_by(n.desc(), EntityRow.name, EntityRow.id).limit(limit).offset(offset))
            return total, [(ENTITY.to_model(r), int(c or 0)) for r, c in s.execute(q).all()]

    def listed(self, entity_ids: Iterable[str], min_confidence: float) -> set[str]:
        """Which of these entities an analyst's lists show: named at least twice, or once with a tagger
        confidence of ``min_confidence`` or more. A name the tagger found once and doubted is mostly not a name
        (docs/results/entities.md, round ten); its mention stays in its document, only the list and the map
        leave it out. Every entity of an older database opened read-only (no stored confidence) is listed."""
        ids = list(dict.fromkeys(entity_ids))
        conds = self._listed_conds(min_confidence)
        if not conds:
            return set(ids)
        out: set[str] = set()
        with self.session() as s:
            for i in range(0, len(ids), IN_CHUNK):
                out.update(s.scalars(select(EntityRow.id).where(EntityRow.id.in_(ids[i:i + IN_CHUNK]), *conds)))
        return out

    def _listed_conds(self, min_confidence: float) -> list:
        if min_confidence <= 0 or not {("entities", "mention_count"), ("entities", "best_confidence")} <= self._derived:
            return []
        return [or_(EntityRow.mention_count >= 2, EntityRow.best_confidence >= min_confidence)]

    def _mention_count(self):  # noqa: ANN202 - a SQLAlchemy column expression
        """The stored mention count, or (older read-only database) the count itself."""
        if ("entities", "mention_count") in self._derived:
            return EntityRow.mention_count
        return (select(func.count()).select_from(MentionRow).where(MentionRow.entity_id == EntityRow.id)
                .correlate(EntityRow).scalar_subquery())

    def _conflict_count(self):  # noqa: ANN202 - a SQLAlchemy column expression
        """The stored conflict count, or (older read-only database) the count itself."""
        if ("stories", "conflict_count") in self._derived:
            return StoryRow.conflict_count
        return (select(func.count()).select_from(ConflictRow).where(ConflictRow.story_id == StoryRow.id)
                .correlate(StoryRow).scalar_subquery())

    def entity_name_matches(self, key: str, type: str | None = None) -> list[tuple[Entity, int]]:
        """(entity, mention count) of the entities whose normalised name or an alias contains ``key`` (already
        normalised), most mentioned first, then by name and id: a LIKE on ``norm_names``, not a scan in Python."""
        from rasid.store.fulltext import _like_escape

        conds = []
        if ("entities", "norm_names") in self._derived:  # (an older read-only database: every entity, checked by the caller)
            conds.append(EntityRow.norm_names.like(f"%{_like_escape(key)}%", escape="\\"))
        if type:
            conds.append(EntityRow.type == type)
        n = self._mention_count()
        with self.session() as s:
            q = select(EntityRow, n).where(*conds).order_by(n.desc(), EntityRow.name, EntityRow.id)
            return [(ENTITY.to_model(r), int(c or 0)) for r, c in s.execute(q).all()]

    def refresh_counters(self) -> None:
        """Recompute the stored counters (``entities.mention_count``, ``stories.conflict_count``) from the rows
        they count: for rows written around the Store (a benchmark's bulk copy, a repair)."""
        with self.session() as s, s.begin():
            _write_lock(s)
            for stmt in _BACKFILL.values():
                s.execute(text(stmt))

    def mentions(self, doc_ids: Iterable[str] | None = None, entity_id: str | None = None) -> list[Mention]:
        """Mentions in text order (by document, then offset), optionally of some documents or one entity."""
        with self.session() as s:
            q = select(*MENTION.select_columns)
            if doc_ids is not None:
                q = q.where(MentionRow.doc_id.in_(list(doc_ids)))
            if entity_id is not None:
                q = q.where(MentionRow.entity_id == entity_id)
            return [MENTION.from_values(r) for r in s.execute(q.order_by(MentionRow.doc_id, MentionRow.start))]

    def mention_counts(self, entity_ids: Iterable[str] | None = None) -> dict[str, int]:
        """entity id → number of mentions (all entities, or only ``entity_ids``), counted by the database."""
        with self.session() as s:
            q = select(MentionRow.entity_id, func.count()).where(MentionRow.entity_id.is_not(None))
            if entity_ids is not None:
                q = q.where(MentionRow.entity_id.in_(list(entity_ids)))
            return dict(s.execute(q.group_by(MentionRow.entity_id)).all())

    def timexes(self, doc_ids: Iterable[str] | None = None) -> list[TimeExpression]:
        """Time expressions in text order, optionally of some documents."""
        with self.session() as s:
            q = select(*TIMEX.select_columns)
            if doc_ids is not None:
                q = q.where(TimexRow.doc_id.in_(list(doc_ids)))
            return [TIMEX.from_values(r) for r in s.execute(q.order_by(TimexRow.doc_id, TimexRow.start))]

    def events(self, doc_ids: Iterable[str] | None = None) -> list[Event]:
        """Events in text order (document, sentence start, id), optionally of some documents."""
        with self.session() as s:
            q = select(*EVENT.select_columns)
            if doc_ids is not None:
                q = q.where(EventRow.doc_id.in_(list(doc_ids)))
            return [EVENT.from_values(r)
                    for r in s.execute(q.order_by(EventRow.doc_id, EventRow.sent_start, EventRow.id))]

    def claims(self, story_id: str | None = None, doc_ids: Iterable[str] | None = None) -> list[Claim]:
        """Claims in text order, optionally of one story and/or some documents."""
        with self.session() as s:
            q = select(*CLAIM.select_columns)
            if story_id is not None:
                q = q.where(ClaimRow.story_id == story_id)
            if doc_ids is not None:
                q = q.where(ClaimRow.doc_id.in_(list(doc_ids)))
            q = q.order_by(ClaimRow.doc_id, ClaimRow.start, ClaimRow.id)
            return [CLAIM.from_values(r) for r in s.execute(q)]

    def conflicts(self, story_id: str | None = None) -> list[Conflict]:
        """Conflicts by story then id, optionally of one story."""
        with self.session() as s:
            q = select(ConflictRow)
            if story_id is not None:
                q = q.where(ConflictRow.story_id == story_id)
            return [CONFLICT.to_model(r) for r in s.scalars(q.order_by(ConflictRow.story_id, ConflictRow.id))]

    # ---- stories ---------------------------------------------------------------------------
    def assign_stories(self, assignments: dict[str, str], state: bytes | None,
                       based_on: str | None = None) -> None:
        """Record doc→story, the stories left to analyse, and the clusterer state in one transaction.

        Duplicates follow their original's story. Because the pending marks commit with the assignments,
        a run killed before the analysis is saved still knows which stories to analyse when it resumes.
        ``based_on``: ``state_digest`` of the stored state the caller's clusterer started from; if another
        process saved a newer state meanwhile, ``StaleStateError`` is raised and nothing is written (the
        caller reloads and assigns again), so concurrent runs never overwrite each other's stories.
        """
        with self.session() as s, s.begin():
            _write_lock(s)
            if based_on is not None:
                row = s.get(StateRow, "clusterer")
                if state_digest(None if row is None else bytes(row.value)) != based_on:
                    raise StaleStateError("the stored clusterer state changed since it was loaded")
            # executemany UPDATEs by key (loading each document, text included, as an ORM object to set
            # two columns was most of this method's time); duplicates take their original's story
            conn = s.connection()
            rows = [{"_id": doc_id, "_story": sid} for doc_id, sid in assignments.items()]
            if rows:
                conn.execute(update(DocumentRow).where(DocumentRow.id == bindparam("_id"))
                             .values(story_id=bindparam("_story")), rows)
                conn.execute(update(DocumentRow).where(DocumentRow.id == bindparam("_id"),
                                                       DocumentRow.stage < STAGE_CLUSTERED)
                             .values(stage=STAGE_CLUSTERED), [{"_id": r["_id"]} for r in rows])
                conn.execute(update(DocumentRow).where(DocumentRow.duplicate_of == bindparam("_id"))
                             .values(story_id=bindparam("_story")), rows)
            _mark_pending(s, set(assignments.values()))
            if state is not None:
                _put_state(s, "clusterer", state)

    def adopt_late_duplicates(self) -> set[str]:
        """Give each duplicate without a story its original's story (a duplicate stored in a later run than
        its original is never clustered itself); returns the stories that grew, marked pending."""
        with self.session() as s, s.begin():
            _write_lock(s)
            orig = DocumentRow.__table__.alias("orig")
            rows = s.execute(select(DocumentRow.id, orig.c.story_id).join(
                orig, orig.c.id == DocumentRow.duplicate_of).where(
                DocumentRow.duplicate_of.is_not(None), DocumentRow.story_id.is_(None),
                orig.c.story_id.is_not(None))).all()
            for doc_id, story_id in rows:
                s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(story_id=story_id))
            grown = {sid for _, sid in rows}
            _mark_pending(s, grown)
            return grown

    def discard_pending(self, story_ids: Iterable[str]) -> None:
        """Drop pending marks of stories left with no members (nothing to analyse)."""
        ids = list(story_ids)
        with self.session() as s, s.begin():
            _write_lock(s)
            for i in range(0, len(ids), IN_CHUNK):
                s.execute(delete(PendingStoryRow).where(PendingStoryRow.story_id.in_(ids[i:i + IN_CHUNK])))

    def pending_stories(self) -> list[str]:
        """Stories whose members changed since their analysis was last saved, sorted by id."""
        with self.session() as s:
            return sorted(s.scalars(select(PendingStoryRow.story_id)))

    def reset_stories(self) -> int:
        """Forget every story (rows, conflicts, claim groups, assignments, clusterer state) in one
        transaction and send clustered documents back to the extracted stage, so the next run rebuilds
        all stories, e.g. under a new stories config. Extraction results are kept. Returns the documents reset.
        """
        with self.session() as s, s.begin():
            _write_lock(s)
            s.execute(delete(StoryRow))
            s.execute(delete(StorylineRow))
            s.execute(delete(ConflictRow))
            s.execute(delete(PendingStoryRow))
            s.execute(delete(StateRow).where(StateRow.key == "clusterer"))
            s.execute(update(ClaimRow).values(story_id=None, group=None))
            s.execute(update(DocumentRow).where(DocumentRow.story_id.is_not(None)).values(
                story_id=None, inferred_from=None, inferred_to=None))
            return s.execute(update(DocumentRow).where(DocumentRow.stage == STAGE_CLUSTERED).values(
                stage=STAGE_EXTRACTED)).rowcount

    def get_state(self, key: str) -> bytes | None:
        """Saved state of an incremental component (``clusterer``), or None before its first run."""
        with self.session() as s:
            r = s.get(StateRow, key)
            return None if r is None else bytes(r.value)

    def save_story(self, story: Story, claims: list[Claim], conflicts: list[Conflict],
                   outlets: list[str], size: int) -> None:
        """Write a story (summary, timeline), its claims' story fields and its conflicts, atomically."""
        self.save_stories([StoryAnalysis(story, claims, conflicts, {}, outlets, size)])

    def save_stories(self, analysed: Sequence[StoryAnalysis]) -> None:
        """``save_story`` (and ``set_inferred_dates``) for many stories in one transaction, in order.

        Same rows as saving them one by one: each story takes the next change number in turn, and a
        known disagreement keeps its first change. The rows are written with Core ``executemany`` (the
        per-story transactions and the ORM's per-row bookkeeping were most of the story stage's time).
        """
        if not analysed:
            return
        with self.session() as s, s.begin():
            _write_lock(s)
            conn = s.connection()
            base = _tick(s, len(analysed)) - len(analysed)  # story k (from 0) takes change base + k + 1
            s.flush()
            sids = [a.story.id for a in analysed]
            if len(set(sids)) != len(sids):
                raise ValueError("save_stories: a story appears twice in one batch")
            _update_by_id(conn, DocumentRow, [{"id": d, "inferred_from": a, "inferred_to": b}
                                              for x in analysed for d, (a, b) in x.ranges.items()])
            known: dict[str, dict[str, int | None]] = {}
            for i in range(0, len(sids), IN_CHUNK):
                q = select(ConflictRow.story_id, ConflictRow.slot, ConflictRow.values, ConflictRow.created_change)
                for sid, slot, values, created in s.execute(q.where(ConflictRow.story_id.in_(sids[i:i + IN_CHUNK]))):
                    known.setdefault(sid, {})[conflict_key(slot, values)] = created
            stories, conflicts, claims = [], [], []
            for k, x in enumerate(analysed):
                change = base + k + 1
                stories.append(STORY.values(x.story) | {"size": x.size, "outlets": list(x.outlets),
                                                        "updated_change": change, "conflict_count": len(x.conflicts)})
                mine = known.get(x.story.id, {})
                conflicts += [CONFLICT.values(c) | {"created_change": mine.get(conflict_key(c.slot, c.values), change)}
                              for c in x.conflicts]
                claims += x.claims
            _upsert_by_id(s, StoryRow, stories, _created_now)
            # claims were stored at extraction: update them in place (a claim not stored yet is added; of two
            # copies of one claim, the last wins)
            _upsert_by_id(s, ClaimRow, list({c.id: CLAIM.values(c) for c in claims}.values()))
            for i in range(0, len(sids), IN_CHUNK):
                chunk = sids[i:i + IN_CHUNK]
                conn.execute(delete(ConflictRow).where(ConflictRow.story_id.in_(chunk)))
                conn.execute(delete(PendingStoryRow).where(PendingStoryRow.story_id.in_(chunk)))
            _executemany(conn, insert(ConflictRow), conflicts)

    def story_doc_ids(self, story_ids: Iterable[str] | None = None) -> dict[str, list[str]]:
        """story id → member document ids (duplicates included), oldest first; optionally only these stories
        (read by the indexed ``story_id``, so one story page does not read every document's story)."""
        order = (DocumentRow.published.asc().nulls_first(), DocumentRow.id)
        out: dict[str, list[str]] = {}
        with self.session() as s:
            if story_ids is None:
                chunks = [select(DocumentRow.story_id, DocumentRow.id).where(DocumentRow.story_id.is_not(None))]
            else:
                wanted = sorted(set(story_ids))
                chunks = [select(DocumentRow.story_id, DocumentRow.id).where(DocumentRow.story_id.in_(wanted[i:i + IN_CHUNK]))
                          for i in range(0, len(wanted), IN_CHUNK)]
            for q in chunks:
                for sid, did in s.execute(q.order_by(*order)):
                    out.setdefault(sid, []).append(did)
        return out

    def stories(self, ids: Iterable[str] | None = None) -> list[Story]:
        """Stories, most recent first, with their members; optionally only these ids."""
        ids = None if ids is None else list(ids)
        members = self.story_doc_ids(ids)
        with self.session() as s:
            q = select(StoryRow)
            if ids is not None:
                q = q.where(StoryRow.id.in_(list(ids)))
            rows = s.scalars(q.order_by(StoryRow.last_date.desc().nulls_last(), StoryRow.id)).all()
            return [STORY.to_model(r, doc_ids=members.get(r.id, [])) for r in rows]

    def story_rows(self, ids: Iterable[str] | None = None) -> list[dict]:
        """Light listing for CLI/API: id, title, size, outlets, date range; optionally only these ids."""
        order = (StoryRow.last_date.desc().nulls_last(), StoryRow.id)
        with self.session() as s:
            if ids is None:
                return [_story_row(r) for r in s.execute(select(*_STORY_LIST_COLUMNS).order_by(*order)).all()]
            wanted = sorted(set(ids))
            rows = [r for i in range(0, len(wanted), IN_CHUNK) for r in s.execute(
                select(*_STORY_LIST_COLUMNS).where(StoryRow.id.in_(wanted[i:i + IN_CHUNK])).order_by(*order)).all()]
        rows.sort(key=lambda r: (r[5] is None, -(r[5].timestamp()) if r[5] else 0, r[0]))
        return [_story_row(r) for r in rows]

    def story_page(self, limit: int, offset: int, flt: StoryFilter | None = None,
                   sort: str = "newest") -> tuple[int, list[dict]]:
        """(total, one page) of story rows matching ``flt``, sorted and paged by the database.

        ``sort``: ``newest`` (last date first), ``oldest`` (first date first), ``size`` (most articles
        first) or ``conflicts`` (most conflicts first). Each row also carries its number of conflicts.
        Filters are ``EXISTS``-style subqueries on indexed columns: no story is loaded to be filtered.
        """
        if sort not in STORY_SORTS:
            raise ValueError(f"unknown sort {sort!r} (one of {', '.join(STORY_SORTS)})")
        n_conf = self._conflict_count()
        conds = _story_conditions(flt or StoryFilter(), sqlite=self.dialect == "sqlite", conflict_count=n_conf)
        newest = (StoryRow.last_date.desc().nulls_last(), StoryRow.id)
        order = {
            "newest": newest,
            "oldest": (StoryRow.first_date.asc().nulls_last(), StoryRow.id),
            "size": (StoryRow.size.desc(), *newest),
            "conflicts": (n_conf.desc(), *newest),
        }[sort]
        f = flt or StoryFilter()
        through_documents = any(x is not None for x in (f.outlet, f.entity, f.place, f.event_type))
        with self.session() as s:
            # ids first (the order's index holds every column the conditions read), then the page's rows:
            # an OFFSET deep in the list skips index entries, not stories with their summaries and timelines
            q = select(StoryRow.id).where(*conds).order_by(*order).limit(limit).offset(offset)
            if through_documents:
                # the stories of an outlet/entity/event type are found through tens of thousands of documents:
                # count them in the same pass as the page (a window count) rather than running that twice
                found = s.execute(q.add_columns(func.count().over())).all()
                ids = [r[0] for r in found]
                total = int(found[0][1]) if found else int(
                    s.scalar(select(func.count()).select_from(StoryRow).where(*conds)) or 0)
            else:
                total = int(s.scalar(select(func.count()).select_from(StoryRow).where(*conds)) or 0)
                ids = list(s.scalars(q))
            rows = {r[0]: r for r in s.execute(select(*_STORY_LIST_COLUMNS, n_conf)
                                               .where(StoryRow.id.in_(ids))).all()} if ids else {}
        return total, [_story_row(rows[i]) | {"conflicts": int(rows[i][-1] or 0)} for i in ids if i in rows]

    def entity_overview(self, entity_id: str, limit: int, offset: int = 0, stories_limit: int | None = None,
                        stories_offset: int = 0) -> EntityOverview:
        """What an entity's page shows, counted and paged by the database in one statement.

        Same results as ``entity_mention_page`` + ``entity_stories`` + ``entity_mentions_by_day``. The
        mentions are counted per document (index ``ix_mentions_entity_doc``) and each document's story and
        date read from the covering index ``ix_documents_id_story_published_offset`` once (a materialised CTE);
        from those rows the database sums the mentions per day and per story, orders and cuts the page of
        stories, and finds the documents of the page of mentions by a running sum. Only those few rows come
        to Python (≈ 600 for a place in 11,600 articles, was every article: ≈ 3× the SQL's cost in Python
        objects), then only the page's own mentions and story rows are read.
        """
        sqlite = self.dialect == "sqlite"
        mat = "MATERIALIZED " if not sqlite or sqlite3.sqlite_version_info >= (3, 35) else ""
        # days and first/last dates are local (``published`` + its UTC offset: what readers saw, as in
        # ``entity_mentions_by_day``); the order of the mention page stays the UTC instant's. On SQLite the
        # stored text is fixed-width ISO (orders as the datetimes do); ids in code-point order.
        if sqlite:
            local = ("CASE WHEN coalesce(d.published_offset_minutes, 0) = 0 THEN d.published ELSE "
                     "strftime('%Y-%m-%d %H:%M:%f', d.published, printf('%+d minutes', d.published_offset_minutes)) END")
            day, coll, ts = "substr(local, 1, 10)", "", "TEXT"
        else:
            local = "d.published + coalesce(d.published_offset_minutes, 0) * interval '1 minute'"
            day, coll, ts = "to_char(local, 'YYYY-MM-DD')", ' COLLATE "C"', "TIMESTAMP"
        # every branch of the UNION gives each column one type (PostgreSQL types a bare NULL as text)
        none_i, none_t = "CAST(NULL AS BIGINT)", f"CAST(NULL AS {ts})"
        stmt = text(f"""
            WITH per_doc AS {mat}(
                SELECT p.doc_id, p.n, d.id AS stored, d.story_id, d.published, {local} AS local
                FROM (SELECT doc_id, count(*) AS n FROM mentions WHERE entity_id = :eid GROUP BY doc_id) AS p
                LEFT JOIN documents AS d ON d.id = p.doc_id),
            per_story AS {mat}(
                SELECT story_id, sum(n) AS n, count(*) AS docs, min(local) AS first, max(local) AS last
                FROM per_doc WHERE stored IS NOT NULL GROUP BY story_id),
            running AS (
                SELECT doc_id, n, sum(n) OVER (ORDER BY published IS NULL, published DESC, doc_id{coll}
                                               ROWS UNBOUNDED PRECEDING) AS upto
                FROM per_doc)
            SELECT 'total' AS kind, CAST(NULL AS TEXT) AS k, CAST(sum(n) AS BIGINT) AS a, {none_i} AS b,
                   {none_t} AS first, {none_t} AS last FROM per_doc
            UNION ALL SELECT 'stories', NULL, count(*), {none_i}, {none_t}, {none_t} FROM per_story
            UNION ALL SELECT 'day', {day}, CAST(sum(n) AS BIGINT), {none_i}, {none_t}, {none_t} FROM per_doc
                WHERE stored IS NOT NULL AND published IS NOT NULL GROUP BY {day}
            UNION ALL SELECT 'page', doc_id, n, CAST(upto AS BIGINT), {none_t}, {none_t} FROM running
                WHERE upto > :off AND upto - n < :off + :lim
            UNION ALL SELECT * FROM (
                SELECT 'story', ps.story_id, CAST(ps.n AS BIGINT), ps.docs, ps.first, ps.last FROM per_story AS ps
                LEFT JOIN stories AS s ON s.id = ps.story_id
                ORDER BY coalesce(ps.first, s.first_date) IS NOT NULL, coalesce(ps.first, s.first_date),
                         coalesce(ps.story_id, ''){coll}
                LIMIT :slim OFFSET :soff) AS story_page""")
        params = {"eid": entity_id, "off": offset, "lim": limit, "soff": stories_offset,
                  "slim": 2 ** 62 if stories_limit is None else stories_limit}
        total, story_total = 0, 0
        by_day: list[tuple[str, int]] = []
        page_docs: list[tuple[int, str, int]] = []  # (mentions up to and including the document, its id, its own)
        shown: list[tuple] = []
        with self.session() as s:
            for kind, k, a, b, first, last in s.execute(stmt, params).all():
                if kind == "total":
                    total = int(a or 0)
                elif kind == "stories":
                    story_total = int(a or 0)
                elif kind == "day":
                    by_day.append((str(k), int(a)))
                elif kind == "page":
                    page_docs.append((int(b), k, int(a)))
                else:
                    shown.append((k, int(a), int(b), _as_datetime(first), _as_datetime(last)))
            page_docs.sort()
            wanted = [d for _, d, _ in page_docs]
            found: dict[str, list[Mention]] = {}
            for i in range(0, len(wanted), IN_CHUNK):
                for r in s.scalars(select(MentionRow).where(MentionRow.entity_id == entity_id,
                                                            MentionRow.doc_id.in_(wanted[i:i + IN_CHUNK]))
                                   .order_by(MentionRow.doc_id, MentionRow.start)):
                    found.setdefault(r.doc_id, []).append(MENTION.to_model(r))
        ordered = [m for d in wanted for m in found.get(d, [])]
        before = page_docs[0][0] - page_docs[0][2] if page_docs else 0  # mentions before the page's first document
        page = ordered[offset - before: offset - before + limit]
        info = {r["id"]: r for r in self.story_rows([sid for sid, *_ in shown if sid])}
        out = []
        for sid, n_mentions, n_docs, first, last in shown:
            row = info.get(sid or "", {})
            out.append({"id": sid, "title": row.get("title"), "size": row.get("size"), "outlets": row.get("outlets", []),
                        "mention_count": n_mentions, "document_count": n_docs,
                        "first_date": _dt(first) or row.get("first_date"), "last_date": _dt(last) or row.get("last_date")})
        return EntityOverview(total, page, out, sorted(by_day), story_total)

    def entity_mention_page(self, entity_id: str, limit: int, offset: int = 0) -> tuple[int, list[Mention]]:
        """(total, one page) of an entity's mentions, newest document first, then in text order."""
        with self.session() as s:
            total = int(s.scalar(select(func.count()).select_from(MentionRow)
                                 .where(MentionRow.entity_id == entity_id)) or 0)
            q = (select(MentionRow).join(DocumentRow, DocumentRow.id == MentionRow.doc_id, isouter=True)
                 .where(MentionRow.entity_id == entity_id)
                 .order_by(DocumentRow.published.desc().nulls_last(), MentionRow.doc_id, MentionRow.start)
                 .limit(limit).offset(offset))
            return total, [MENTION.to_model(r) for r in s.scalars(q)]

    def entity_mentions_by_day(self, entity_id: str) -> list[tuple[str, int]]:
        """(ISO local day, mentions of the entity in documents published that day), oldest first.

        Counted by the database per (instant, UTC offset); the local day (``published`` plus its offset, what
        readers saw) is added up here, since date arithmetic on a column differs between databases."""
        with self.session() as s:
            q = (select(DocumentRow.published, DocumentRow.published_offset_minutes, func.count()).select_from(MentionRow)
                 .join(DocumentRow, DocumentRow.id == MentionRow.doc_id)
                 .where(MentionRow.entity_id == entity_id, DocumentRow.published.is_not(None))
                 .group_by(DocumentRow.published, DocumentRow.published_offset_minutes))
            days: dict[str, int] = {}
            for published, offset, n in s.execute(q).all():
                day = _local_day(published, offset)
                days[day] = days.get(day, 0) + int(n)
        return sorted(days.items())

    def event_type_counts(self) -> list[tuple[str, int]]:
        """(PLOVER event type, number of events) for every type present: the story filter's choices."""
        with self.session() as s:
            q = select(EventRow.type, func.count()).group_by(EventRow.type).order_by(EventRow.type)
            return [(t, int(n)) for t, n in s.execute(q).all() if t]

    def entity_stories(self, entity_id: str) -> list[dict]:
        """The stories an entity is mentioned in, oldest first: story row + mentions, documents, first/last
        local publication time of the mentioning documents; counted by the database per document."""
        with self.session() as s:
            q = (select(DocumentRow.story_id, DocumentRow.id, DocumentRow.published, DocumentRow.published_offset_minutes,
                        func.count(MentionRow.id))
                 .join(DocumentRow, DocumentRow.id == MentionRow.doc_id)
                 .where(MentionRow.entity_id == entity_id)
                 .group_by(DocumentRow.story_id, DocumentRow.id, DocumentRow.published, DocumentRow.published_offset_minutes))
            per: dict[str | None, list] = {}
            for sid, _doc, published, offset, n in s.execute(q).all():
                a = per.setdefault(sid, [0, 0, None, None])
                a[0] += int(n)
                a[1] += 1
                if published is not None:
                    local = published + timedelta(minutes=offset or 0)
                    a[2] = local if a[2] is None else min(a[2], local)
                    a[3] = local if a[3] is None else max(a[3], local)
            agg = [(sid, *a) for sid, a in per.items()]
        rows = {r["id"]: r for r in self.story_rows([sid for sid, *_ in agg if sid])}
        out = []
        for sid, n_mentions, n_docs, first, last in agg:
            row = rows.get(sid or "", {})
            out.append({"id": sid, "title": row.get("title"), "size": row.get("size"), "outlets": row.get("outlets", []),
                        "mention_count": int(n_mentions), "document_count": int(n_docs),
                        "first_date": _dt(first) or row.get("first_date"), "last_date": _dt(last) or row.get("last_date")})
        out.sort(key=lambda r: (r["first_date"] or "", r["id"] or ""))
        return out

    def story_briefs(self, line_ids: Iterable[str] = (), story_ids: Iterable[str] = ()) -> list[StoryBrief]:
        """The stored stories of these storylines plus these stories, as ``StoryBrief`` (what a storyline
        is built from); a story keeps its storyline in ``stories.storyline_id``."""
        lines, ids = list(line_ids), sorted(set(story_ids))
        # only the brief's columns: a whole story row also decodes its summary, timeline and members (JSON),
        # ≈ 2/3 of a storyline page's time
        cols = (StoryRow.id, StoryRow.title, StoryRow.size, StoryRow.outlets, StoryRow.first_date, StoryRow.last_date)
        with self.session() as s:
            found: dict[str, tuple] = {}
            for i in range(0, len(lines), IN_CHUNK):
                for r in s.execute(select(*cols).where(StoryRow.storyline_id.in_(lines[i:i + IN_CHUNK]))):
                    found[r[0]] = r
            for i in range(0, len(ids), IN_CHUNK):
                found.update((r[0], r) for r in s.execute(select(*cols).where(StoryRow.id.in_(ids[i:i + IN_CHUNK]))))
        return [StoryBrief(sid, title, size, tuple(outlets or ()), first, last)
                for sid, title, size, outlets, first, last in found.values()]

    def save_storylines(self, story_lines: dict[str, str], storylines: list[Storyline]) -> None:
        """Record story → storyline and write the (re)built storylines, in one transaction."""
        with self.session() as s, s.begin():
            _write_lock(s)
            change = _tick(s) if storylines else None
            s.flush()
            # Core executemany, as save_stories: loading every story's ORM row (its summary and timeline JSON
            # decoded) to set one column was most of this serial step at the end of a run. A story id no longer
            # stored is updated in no row.
            _update_by_id(s.connection(), StoryRow, [{"id": sid, "storyline_id": lid}
                                                     for sid, lid in story_lines.items()])
            _upsert_by_id(s, StorylineRow, [STORYLINE.values(line) | {"updated_change": change}
                                            for line in storylines], _created_now)

    def storylines(self, ids: Iterable[str] | None = None) -> list[Storyline]:
        """Storylines, most recent first (then by id); optionally only these ids."""
        with self.session() as s:
            q = select(StorylineRow)
            if ids is not None:
                q = q.where(StorylineRow.id.in_(list(ids)))
            rows = s.scalars(q.order_by(StorylineRow.last_date.desc().nulls_last(), StorylineRow.id)).all()
            return [STORYLINE.to_model(r) for r in rows]

    def storyline_page(self, limit: int, offset: int = 0) -> tuple[int, list[Storyline]]:
        """(total, one page of storylines), in the order of ``storylines()``, paged by the database."""
        with self.session() as s:
            total = int(s.scalar(select(func.count()).select_from(StorylineRow)) or 0)
            ids = list(s.scalars(select(StorylineRow.id)  # through ix_storylines_newest, then the page's rows
                                 .order_by(StorylineRow.last_date.desc().nulls_last(), StorylineRow.id)
                                 .limit(limit).offset(offset)))
            rows = {r.id: r for r in s.scalars(select(StorylineRow).where(StorylineRow.id.in_(ids)))} if ids else {}
            return total, [STORYLINE.to_model(rows[i]) for i in ids if i in rows]

    def stories_without_storyline(self) -> list[str]:
        """Ids of stored stories not yet placed in a storyline (new since the last storyline update)."""
        with self.session() as s:
            return list(s.scalars(select(StoryRow.id).where(StoryRow.storyline_id.is_(None)).order_by(StoryRow.id)))

    def storyline_of(self, story_ids: Iterable[str]) -> dict[str, str | None]:
        """story id → its storyline id (None for a story stored before storylines existed)."""
        ids = list(story_ids)
        with self.session() as s:
            return {r.id: r.storyline_id for r in _rows_by_id(s, StoryRow, ids).values()}


STORY_SORTS = ("newest", "oldest", "size", "conflicts")
_STORY_LIST_COLUMNS = (StoryRow.id, StoryRow.title, StoryRow.size, StoryRow.outlets, StoryRow.first_date,
                       StoryRow.last_date)


def _story_row(r: Sequence) -> dict:
    return {"id": r[0], "title": r[1], "size": r[2], "outlets": r[3], "first_date": _dt(r[4]), "last_date": _dt(r[5])}


class StoryFilter(NamedTuple):
    """What a story listing may be narrowed to (every field optional; all given ones must hold)."""

    date_from: date | None = None  # the story's date range overlaps [date_from, date_to]
    date_to: date | None = None
    outlet: str | None = None  # some member document is from this outlet
    entity: str | None = None  # some member document mentions this entity (a place is an entity too)
    place: str | None = None
    event_type: str | None = None  # some member document has an event of this PLOVER type
    min_size: int | None = None  # at least this many articles
    has_conflicts: bool | None = None  # True: only stories with a conflict; False: only those without


def _story_conditions(f: StoryFilter, sqlite: bool = False, conflict_count=StoryRow.conflict_count) -> list:  # noqa: ANN001
    """SQL conditions on ``stories`` for ``f``.

    On SQLite a story found through its documents is matched as ``+stories.id IN (…)``: the unary plus
    stops SQLite from fetching each candidate story row by its primary key (tens of thousands of rows with
    their summaries) and makes it scan the order's covering index against the candidate list instead (3–5×
    faster on a 40k-story store). PostgreSQL plans the semi-join itself.
    """
    sid = literal_column("+stories.id", String) if sqlite else StoryRow.id
    conds: list = []
    if f.date_from is not None:
        conds.append(func.coalesce(StoryRow.last_date, StoryRow.first_date) >= datetime.combine(f.date_from, dtime.min))
    if f.date_to is not None:
        conds.append(func.coalesce(StoryRow.first_date, StoryRow.last_date)
                     < datetime.combine(f.date_to + timedelta(days=1), dtime.min))
    if f.outlet is not None:
        conds.append(sid.in_(select(DocumentRow.story_id).where(DocumentRow.outlet == f.outlet)))
    # documents first, each once (a busy place has several mentions per article), then their stories:
    # both steps read covering indexes (ix_mentions_entity_doc / ix_events_type_doc, ix_documents_id_story_published_offset)
    for ent in (f.entity, f.place):
        if ent is not None:
            docs = select(MentionRow.doc_id).where(MentionRow.entity_id == ent)
            conds.append(sid.in_(select(DocumentRow.story_id).where(DocumentRow.id.in_(docs))))
    if f.event_type is not None:
        docs = select(EventRow.doc_id).where(EventRow.type == f.event_type)
        conds.append(sid.in_(select(DocumentRow.story_id).where(DocumentRow.id.in_(docs))))
    if f.min_size is not None:
        conds.append(StoryRow.size >= f.min_size)
    if f.has_conflicts is not None:
        conds.append(conflict_count > 0 if f.has_conflicts else conflict_count == 0)
    return conds


    # ---- storylines -----------------------------------------------------------------------
_PG_WRITE_LOCK = 0x7261736964  # "rasid": one advisory lock serialises rasid's write transactions


def _write_lock(conn: Session | Connection, schema_ready: bool = True) -> None:
    """On PostgreSQL, take a transaction-scoped advisory lock so writers run one at a time.

    SQLite already allows one writer at a time; PostgreSQL would otherwise interleave the
    delete-then-insert of two processes extracting the same documents and fail on unique keys.
    """
    dialect = conn.get_bind().dialect if isinstance(conn, Session) else conn.dialect
    if dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_WRITE_LOCK})
    elif dialect.name == "sqlite" and schema_ready:
        # a write that touches no row still takes SQLite's write lock now, so what this transaction
        # reads next cannot change before it commits (a plain read would only lock at the first write)
        conn.execute(text("UPDATE state SET key = key WHERE 0"))


def _add_missing_columns(conn: Connection) -> None:
    """Migrate a database made by an older rasid: add each column the schema has and the table lacks.

    Every column added since the first release is nullable or has a default, so ``ALTER TABLE ADD COLUMN``
    is the whole migration (the same statement on SQLite and PostgreSQL); existing rows keep their values.
    """
    insp = inspect(conn)
    for table in Base.metadata.sorted_tables:
        have = {c["name"] for c in insp.get_columns(table.name)}
        for col in table.columns:
            if col.name in have:
                continue
            ddl = col.type.compile(dialect=conn.dialect)
            default = col.default.arg if col.default is not None and col.default.is_scalar else None
            extra = f" DEFAULT {default!r}" if isinstance(default, (int, float, str)) else ""
            conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{col.name}" {ddl}{extra}'))
            if (table.name, col.name) in _BACKFILL:  # a derived column: fill it from the rows it summarises
                conn.execute(text(_BACKFILL[table.name, col.name]))
            if (table.name, col.name) in _BACKFILL_PY:
                _BACKFILL_PY[table.name, col.name](conn)
            if col.index:  # e.g. documents.seq, read by every ingest batch
                conn.execute(text(f'CREATE INDEX IF NOT EXISTS ix_{table.name}_{col.name} '
                                  f'ON {table.name} ("{col.name}")'))


# derived columns added after the first release, and how an older database fills them when migrated
_BACKFILL = {
    ("entities", "mention_count"):
        "UPDATE entities SET mention_count = (SELECT count(*) FROM mentions WHERE mentions.entity_id = entities.id)",
    ("stories", "conflict_count"):
        "UPDATE stories SET conflict_count = (SELECT count(*) FROM conflicts WHERE conflicts.story_id = stories.id)",
    ("entities", "best_confidence"):
        "UPDATE entities SET best_confidence = (SELECT coalesce(max(confidence), 0.0) FROM mentions "
        "WHERE mentions.entity_id = entities.id)",
}


def norm_names(name: str, aliases: Iterable[str]) -> str:
    """What ``entities.norm_names`` holds: the normalised name and aliases, one per line."""
    from rasid.text.normalize import normalize

    return "\n".join(normalize(n) for n in [name, *aliases])


def _backfill_norm_names(conn: Connection) -> None:
    """Fill ``entities.norm_names`` of a database made before the column (normalising is Python's job)."""
    rows = conn.execute(select(EntityRow.id, EntityRow.name, EntityRow.aliases)).all()
    for i in range(0, len(rows), 1000):
        conn.execute(update(EntityRow).where(EntityRow.id == bindparam("b_id")).values(norm_names=bindparam("b_n")),
                     [{"b_id": r[0], "b_n": norm_names(r[1], r[2] or [])} for r in rows[i:i + 1000]])


_BACKFILL_PY = {("entities", "norm_names"): _backfill_norm_names}
_DERIVED = frozenset({*_BACKFILL, *_BACKFILL_PY})


def _present(engine: Engine, columns: frozenset[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (table, column) the database has (an older file opened read-only was not migrated)."""
    insp = inspect(engine)
    tables = {t for t, _ in columns}
    have = {(t, c["name"]) for t in tables if insp.has_table(t) for c in insp.get_columns(t)}
    return set(columns) & have


def _add_missing_indexes(conn: Connection) -> None:
    """Create the indexes the schema declares and an older database lacks (``CREATE INDEX IF NOT EXISTS``).

    ``create_all`` creates indexes only with their table, so an index added to an existing table (the
    desk's covering indexes) would otherwise exist only in databases created after it.
    """
    insp = inspect(conn)
    for table in Base.metadata.sorted_tables:
        have = {ix["name"] for ix in insp.get_indexes(table.name)}
        for ix in table.indexes:
            if ix.name not in have:
                conn.execute(CreateIndex(ix, if_not_exists=True))


class StaleStateError(RuntimeError):
    """Another process saved a newer incremental state than the one this process started from."""


def state_digest(state: bytes | None) -> str:
    """Identity of a stored state blob (``""`` for none), to detect a concurrent writer."""
    return "" if state is None else hashlib.sha1(state).hexdigest()


class StoreMissingError(FileNotFoundError):
    """A command that only reads was pointed at a database file that does not exist."""


def _sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (None for other backends and in-memory databases)."""
    if not url.startswith("sqlite:///") or url in ("sqlite:///", "sqlite:///:memory:"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def _not_writable(path: Path | None) -> bool:
    """True for an existing SQLite file this process cannot write (file or folder read-only)."""
    if path is None or not path.exists():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _sqlite_query_only(dbapi_conn, _record, compat: Sequence[str] = ()) -> None:  # noqa: ANN001
    """Read-only connections never switch the journal mode (that is a write) and refuse writes early.

    ``compat``: this connection's temporary views and tables first (``_read_only_compat``)."""
    cur = dbapi_conn.cursor()
    for ddl in compat:
        cur.execute(ddl)
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _read_only_compat(engine: Engine) -> list[str]:
    """DDL of per-connection TEMP objects that let today's code read an older SQLite file opened read-only.

    Such a file cannot be migrated, yet the mapped rows name every column the schema has now. SQLite looks
    up an unqualified name in the connection's ``temp`` schema before ``main``, so a temp view
    ``stories`` = ``main.stories`` plus each missing column at its default shadows the old table, and an
    empty temp table stands in for a table the file lacks (its list reads empty, e.g. no watchlist yet).
    The derived counters (``_DERIVED``) are left out: they are deferred and computed on the fly instead.
    """
    insp = inspect(engine)
    ddl: list[str] = []
    for table in Base.metadata.sorted_tables:
        if not insp.has_table(table.name):
            create = str(CreateTable(table).compile(dialect=engine.dialect)).strip()
            ddl.append(create.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
            continue
        have = {c["name"] for c in insp.get_columns(table.name)}
        missing = [c for c in table.columns if c.name not in have and (table.name, c.name) not in _DERIVED]
        if missing:
            extra = ", ".join(f"{_default_literal(c)} AS \"{c.name}\"" for c in missing)
            ddl.append(f'CREATE TEMP VIEW "{table.name}" AS SELECT *, {extra} FROM main."{table.name}"')
    return ddl


def _default_literal(column) -> str:  # noqa: ANN001 - a sqlalchemy Column
    """SQL literal of ``column``'s default for rows written before it existed (NULL when it has none)."""
    default = column.default
    if default is None:
        return "NULL"
    value = default.arg(None) if default.is_callable else default.arg
    if isinstance(value, (list, dict)):
        value = json.dumps(value)
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return "NULL"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
    """WAL lets readers (the API) run while a pipeline writes; NORMAL sync is safe with WAL. A 64 MiB page
    cache (SQLite's default is 2 MiB) keeps the indexes a run writes into in memory between its batches: a
    tenth less CPU in the driver's extraction writes, the same file."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def _mark_pending(s: Session, story_ids: set[str]) -> None:
    """Record stories to (re)analyse inside the caller's transaction; already-pending ones stay once."""
    todo = sorted(story_ids)
    for i in range(0, len(todo), IN_CHUNK):
        chunk = todo[i:i + IN_CHUNK]
        have = set(s.scalars(select(PendingStoryRow.story_id).where(PendingStoryRow.story_id.in_(chunk))))
        s.add_all(PendingStoryRow(story_id=sid) for sid in chunk if sid not in have)


CHANGE_KEY = "changes"  # state row holding the change counter (ASCII digits)


def _tick(s: Session, n: int = 1) -> int:
    """Advance the store's change counter by ``n`` inside the caller's write transaction and return the new
    value (the ``n`` values up to it are the caller's: ``value - n + 1`` … ``value``).

    Every saved story or storyline batch takes the next value, so "changed since mark M" is simply
    ``change > M``; writers hold the write lock, so two never take the same value, and a value read
    by a reader is never followed by a commit with a smaller one.
    """
    row = s.get(StateRow, CHANGE_KEY)
    value = (int(bytes(row.value).decode("ascii") or 0) if row is not None else 0) + n
    _put_state(s, CHANGE_KEY, str(value).encode("ascii"))
    return value


def conflict_key(slot: str, values: dict) -> str:
    """Identity of a disagreement within its story: the slot and the set of values reported."""
    return slot + "\x1f" + "\x1f".join(sorted(values))


def _put_state(s: Session, key: str, value: bytes) -> None:
    """Insert or replace one state blob inside the caller's transaction."""
    row = s.get(StateRow, key)
    if row is None:
        s.add(StateRow(key=key, value=value))
    else:
        row.value = value


def _update_by_id(conn: Connection, table: type[Base], rows: list[dict]) -> None:
    """One executemany UPDATE setting each row's other columns where ``id`` is its ``id`` (all rows have the
    same keys)."""
    if rows:
        _executemany(conn, update(table).where(table.id == bindparam("_id")),
                     [{k: v for k, v in r.items() if k != "id"} | {"_id": r["id"]} for r in rows])


def _upsert_by_id(s: Session, table: type[Base], rows: list[dict],
                  on_insert: Callable[[dict], dict] | None = None) -> None:
    """Write ``rows`` (dicts with the same keys, ``id`` among them) by Core executemany, in list order: one
    INSERT of those whose id is not stored yet (each through ``on_insert``: the columns only a new row gets),
    then one UPDATE of every other column of the rest. Why not the ORM: an object per row (entities, stories,
    storylines, claims by the thousand) was most of the time their saves took."""
    stored = _column_pairs(s, table.id, table.id, [r["id"] for r in rows])
    fresh = [r for r in rows if r["id"] not in stored]
    conn = s.connection()
    if fresh:
        _executemany(conn, insert(table), [on_insert(r) for r in fresh] if on_insert else fresh)
    _update_by_id(conn, table, [r for r in rows if r["id"] in stored])


def _created_now(row: dict) -> dict:
    """``on_insert`` of a story or storyline: a new row is created in the change that updates it."""
    return row | {"created_change": row["updated_change"]}


def _column_pairs(s: Session, key: object, value: object, ids: Iterable[str]) -> dict:
    """``{key: value}`` of the rows whose ``key`` is in ``ids``, in chunks of ``IN_CHUNK``, inside ``s``."""
    ids = list(ids)
    out: dict = {}
    for i in range(0, len(ids), IN_CHUNK):
        out.update(dict(s.execute(select(key, value).where(key.in_(ids[i:i + IN_CHUNK]))).all()))
    return out


def _rows_by_id(s: Session, table: type[Base], ids: list[str], chunk: int = IN_CHUNK) -> dict[str, Base]:
    """Existing rows of ``table`` with these primary keys, fetched in a few IN queries."""
    uniq = sorted(set(ids))
    out: dict[str, Base] = {}
    for i in range(0, len(uniq), chunk):
        out.update((r.id, r) for r in s.scalars(select(table).where(table.id.in_(uniq[i:i + chunk]))))
    return out


def _recount_mentions(s: Session, entity_ids: list[str]) -> None:
    """Refresh ``entities.mention_count`` and ``best_confidence`` of these entities from ``mentions``."""
    n = (select(func.count()).select_from(MentionRow).where(MentionRow.entity_id == EntityRow.id)
         .correlate(EntityRow).scalar_subquery())
    best = (select(func.coalesce(func.max(MentionRow.confidence), 0.0)).where(MentionRow.entity_id == EntityRow.id)
            .correlate(EntityRow).scalar_subquery())
    for i in range(0, len(entity_ids), IN_CHUNK):
        s.execute(update(EntityRow).where(EntityRow.id.in_(entity_ids[i:i + IN_CHUNK]))
                  .values(mention_count=n, best_confidence=best).execution_options(synchronize_session=False))


def _insert_models(s: Session, mapping: ModelMapping, objs: Sequence, chunk: int = 5000) -> None:
    """Insert one row per model object, in list order (autoincrement ids follow it).

    On SQLite the rows go to the driver's ``executemany`` as tuples, converted by the mapping's conversions
    and the column types' own bind processors, once per value: SQLAlchemy's executemany built a parameter
    dict per row and walked every column of it (a third of the driver's time in ``save_extraction``, 160,000
    rows per 3,000 articles). The stored values are the same; other backends keep the Core path, whose
    batched ``insertmanyvalues`` they need.
    """
    conn = s.connection()
    if not objs:
        return
    if conn.dialect.name != "sqlite" or conn.dialect.paramstyle != "qmark":
        _bulk_insert(s, mapping.row, [mapping.values(o) for o in objs], chunk)
        return
    plans = _SQLITE_INSERTS.setdefault(conn.dialect, {})
    if (plan := plans.get(mapping.row.__tablename__)) is None:
        plan = plans[mapping.row.__tablename__] = _sqlite_insert(mapping, conn.dialect)
    sql, order, steps = plan
    get = operator.attrgetter(*order)
    if len(order) == 1:
        def get(o: object, _one: Callable = get) -> tuple:
            return (_one(o),)
    row = (lambda o: _processed(get(o), steps)) if steps else get
    for i in range(0, len(objs), chunk):
        conn.exec_driver_sql(sql, list(map(row, objs[i:i + chunk])))


# per engine's dialect (whose JSON serialiser the bind processors use), per table: the INSERT and its conversions
_SQLITE_INSERTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _sqlite_insert(mapping: ModelMapping, dialect: object) -> tuple[str, tuple[str, ...],
                                                                    tuple[tuple[int, Callable], ...]]:
    """The INSERT of ``mapping``'s stored fields, the fields in the order it binds them, and per converted
    position its function (the mapping's conversion, then the column type's bind processor). Every column but
    an autoincrement key must be a stored field: a column left to its Python-side default would be filled by
    Core, not here."""
    table = mapping.row.__table__
    fields_ = mapping.stored_fields
    left = [c.name for c in table.columns if c.name not in fields_ and not (c.primary_key and c.autoincrement)]
    if left:
        raise ValueError(f"{table.name}: columns {left} are not fields of {mapping.model.__name__}")
    if (binds := _sqlite_binds(insert(table), dialect, fields_)) is None:
        raise ValueError(f"{table.name}: the INSERT binds other columns than the fields {fields_}")
    sql, order, procs = binds
    proc_at = dict(procs)
    steps = []
    for i, f in enumerate(order):
        conv, proc = mapping.conversions.get(f), proc_at.get(i)
        if conv is not None and proc is not None:
            steps.append((i, lambda v, c=conv.to_column, p=proc: p(c(v))))
        elif conv is not None or proc is not None:
            steps.append((i, conv.to_column if conv is not None else proc))
    return sql, order, tuple(steps)


def _bulk_insert(s: Session, table: type[Base], rows: list[dict], chunk: int = 5000) -> None:
    """Insert plain rows in list order (autoincrement ids follow it, as with ``add_all``)."""
    conn = s.connection()
    for i in range(0, len(rows), chunk):
        _executemany(conn, insert(table.__table__), rows[i:i + chunk])


def _executemany(conn: Connection, stmt: object, rows: list[dict]) -> None:
    """``conn.execute(stmt, rows)`` for rows that all have the same keys; on SQLite the rows reach the driver
    as tuples, each value through its bind's processor, as Core would have converted it.

    Why: Core's executemany builds and walks a parameter dict per row, and the driver's entity, story and
    claim saves write tens of thousands per run. A statement that binds anything else than the rows' keys (a
    column left to its Python-side default) and other backends (whose batched ``insertmanyvalues`` Core
    provides) go through Core unchanged.
    """
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name == "sqlite" and dialect.paramstyle == "qmark":
        binds = _sqlite_binds(stmt, dialect, list(rows[0]))
        if binds is not None:
            sql, order, procs = binds
            get = operator.itemgetter(*order)
            tuples = [get(r) for r in rows] if len(order) > 1 else [(r[order[0]],) for r in rows]
            if procs:
                tuples = [_processed(t, procs) for t in tuples]
            conn.exec_driver_sql(sql, tuples)
            return
    conn.execute(stmt, rows)


def _sqlite_binds(stmt: object, dialect: object, keys: Sequence[str]) -> tuple[str, tuple[str, ...],
                                                                            list[tuple[int, Callable]]] | None:
    """``stmt`` compiled for SQLite with ``keys`` as its parameters: the SQL, the keys in the order it binds
    them, and (position, bind processor) for each value Core would convert; None when the statement binds
    anything else (a column left to its Python-side default), which only Core fills."""
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or ())
    if sorted(order) != sorted(keys):
        return None
    procs = [(i, p) for i, name in enumerate(order)
             if (p := compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    return compiled.string, order, procs


def _processed(values: tuple, procs: Sequence[tuple[int, Callable]]) -> tuple:
    """``values`` with each listed position passed through its function."""
    out = list(values)
    for i, p in procs:
        out[i] = p(out[i])
    return tuple(out)
