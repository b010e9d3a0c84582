"""Persistence with SQLAlchemy: SQLite file by default, PostgreSQL via a URL.

Each pipeline stage writes in its own transaction and marks documents with the
stage they reached, so a run killed mid-way loses nothing already committed and
the next run resumes where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from rasid.models import (
    Claim,
    Conflict,
    Document,
    Entity,
    Event,
    Mention,
    Skip,
    Story,
    SummarySentence,
    TimeExpression,
    TimelineEntry,
)

STAGE_STORED = 0
STAGE_EXTRACTED = 1
STAGE_CLUSTERED = 2


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(200), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    date_source: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16), default="und")
    text: Mapped[str] = mapped_column(Text)
    raw_text: Mapped[str] = mapped_column(Text)
    norm_text: Mapped[str] = mapped_column(Text, default="")
    removed_lines: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    raw_hash: Mapped[str] = mapped_column(String(64), default="")
    inferred_from: Mapped[datetime | None] = mapped_column(DateTime)
    inferred_to: Mapped[datetime | None] = mapped_column(DateTime)
    duplicate_of: Mapped[str | None] = mapped_column(String(300), index=True)
    duplicate_score: Mapped[float | None] = mapped_column(Float)
    story_id: Mapped[str | None] = mapped_column(String(300), index=True)
    source_path: Mapped[str] = mapped_column(Text)
    fmt: Mapped[str] = mapped_column(String(16))
    stage: Mapped[int] = mapped_column(Integer, default=STAGE_STORED, index=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=lambda: datetime.now(UTC).replace(tzinfo=None))


class StoryRow(Base):
    __tablename__ = "stories"
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[list] = mapped_column(JSON, default=list)
    timeline: Mapped[list] = mapped_column(JSON, default=list)
    first_date: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_date: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    outlets: Mapped[list] = mapped_column(JSON, default=list)


class EntityRow(Base):
    __tablename__ = "entities"
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    type: Mapped[str] = mapped_column(String(8), index=True)
    name: Mapped[str] = mapped_column(Text)
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    titles: Mapped[list] = mapped_column(JSON, default=list)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    country: Mapped[str | None] = mapped_column(String(8))
    geonames_id: Mapped[int | None] = mapped_column(Integer)


class MentionRow(Base):
    __tablename__ = "mentions"
    __table_args__ = (UniqueConstraint("doc_id", "start", "end", name="uq_mention_span"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(300), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(300), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float, default=1.0)


class TimexRow(Base):
    __tablename__ = "timexes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(300), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(String(32))
    granularity: Mapped[str] = mapped_column(String(16))
    relation: Mapped[str] = mapped_column(String(16))


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(300), index=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    mode: Mapped[str | None] = mapped_column(String(64))
    cameo: Mapped[str | None] = mapped_column(String(16))
    actors: Mapped[list] = mapped_column(JSON, default=list)
    targets: Mapped[list] = mapped_column(JSON, default=list)
    place: Mapped[str | None] = mapped_column(String(300))
    date: Mapped[str | None] = mapped_column(String(32), index=True)
    sent_start: Mapped[int] = mapped_column(Integer)
    sent_end: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[bool] = mapped_column(Boolean, default=False)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)


class ClaimRow(Base):
    __tablename__ = "claims"
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(300), index=True)
    story_id: Mapped[str | None] = mapped_column(String(300), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(200))
    speaker: Mapped[str | None] = mapped_column(String(300))
    speaker_text: Mapped[str | None] = mapped_column(Text)
    slot: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    group: Mapped[str | None] = mapped_column(String(300))


class ConflictRow(Base):
    __tablename__ = "conflicts"
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(300), index=True)
    slot: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    outlets: Mapped[dict] = mapped_column(JSON, default=dict)


class SkipRow(Base):
    __tablename__ = "skips"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_path: Mapped[str] = mapped_column(Text)
    doc_id: Mapped[str | None] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=lambda: datetime.now(UTC).replace(tzinfo=None))


class LineStatRow(Base):
    """Per-outlet document frequency of lines, so boilerplate learning accumulates across runs."""

    __tablename__ = "line_stats"
    outlet: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha1 of the line key
    count: Mapped[int] = mapped_column(Integer, default=0)


class LineStatDocRow(Base):
    """Documents whose lines are already in ``line_stats``: re-reading an input after a crash must not count it twice."""

    __tablename__ = "line_stat_docs"
    doc_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    raw_hash: Mapped[str] = mapped_column(String(64), default="")


class StateRow(Base):
    """Opaque state of incremental components (story clusterer)."""

    __tablename__ = "state"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


def db_url(db: str | Path) -> str:
    """Accept a file path (SQLite) or any SQLAlchemy URL."""
    s = str(db)
    if "://" in s:
        return s
    return f"sqlite:///{Path(s).expanduser().resolve()}"


def _dt(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


class Store:
    """All reads and writes of rasid's tables."""

    def __init__(self, db: str | Path, echo: bool = False) -> None:
        self.url = db_url(db)
        kwargs: dict = {"echo": echo, "future": True}
        if self.url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 60}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._create_tables()
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def _create_tables(self) -> None:
        """Create missing tables; safe when several processes open a fresh database at once."""
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    _write_lock(conn)
                    Base.metadata.create_all(conn)
                return
            except (OperationalError, ProgrammingError, IntegrityError):
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self._session()

    def close(self) -> None:
        self.engine.dispose()

    # ---- documents -------------------------------------------------------------------------
    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        found: set[str] = set()
        with self.session() as s:
            for i in range(0, len(ids), 500):
                found.update(s.scalars(select(DocumentRow.id).where(DocumentRow.id.in_(ids[i:i + 500]))))
        return found

    def raw_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """id → hash of the raw input, to tell a re-run (same input) from an id collision."""
        ids = list(ids)
        out: dict[str, str] = {}
        with self.session() as s:
            for i in range(0, len(ids), 500):
                q = select(DocumentRow.id, DocumentRow.raw_hash).where(DocumentRow.id.in_(ids[i:i + 500]))
                out.update(dict(s.execute(q).all()))
        return out

    def set_inferred_dates(self, ranges: dict[str, tuple[datetime, datetime]]) -> None:
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
        from rasid.text.normalize import normalize

        if not docs:
            return 0
        rows: dict[str, dict] = {}
        for d in docs:
            if d.id in rows:
                continue
            sig = signatures.get(d.id)
            rows[d.id] = dict(
                id=d.id, title=d.title, outlet=d.outlet, url=d.url, published=d.published,
                date_source=d.date_source, language=d.language, text=d.text, raw_text=d.raw_text,
                norm_text=normalize((d.title or "") + "\n" + d.text), removed_lines=d.removed_lines,
                content_hash=d.content_hash, raw_hash=d.raw_hash, duplicate_of=d.duplicate_of,
                duplicate_score=d.duplicate_score, story_id=d.story_id, source_path=d.source_path, fmt=d.fmt,
                stage=STAGE_STORED, signature=None if sig is None else np.asarray(sig, dtype=np.uint32).tobytes(),
                inferred_from=d.inferred_from, inferred_to=d.inferred_to,
                ingested_at=datetime.now(UTC).replace(tzinfo=None),
            )
        if self.dialect == "postgresql":  # PostgreSQL text cannot hold NUL; U+FFFD keeps every offset valid
            rows = {k: {c: v.replace("\x00", "\ufffd") if isinstance(v, str) else v for c, v in r.items()}
                    for k, r in rows.items()}
        ordered = [rows[k] for k in sorted(rows)]  # one global lock order: no deadlock between writers
        with self.session() as s, s.begin():
            _write_lock(s)
            stmt = self._insert(DocumentRow).on_conflict_do_nothing(index_elements=["id"])
            inserted = s.execute(stmt.returning(DocumentRow.id), ordered).scalars().all()
        return len(inserted)

    def _insert(self, table: type[Base]):  # noqa: ANN202
        """The dialect's INSERT (with ON CONFLICT support) for SQLite and PostgreSQL."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif self.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:  # pragma: no cover - other backends are not supported for concurrent writes
            raise NotImplementedError(f"unsupported database dialect {self.dialect!r}")
        return insert(table)

    def iter_signatures(self) -> Iterator[tuple[str, str, np.ndarray]]:
        """(id, content hash, MinHash values) of every stored original, for rebuilding the dedup index."""
        with self.session() as s:
            q = select(DocumentRow.id, DocumentRow.content_hash, DocumentRow.signature).where(
                DocumentRow.duplicate_of.is_(None), DocumentRow.signature.is_not(None)
            ).order_by(DocumentRow.published.asc().nulls_first(), DocumentRow.id)
            for doc_id, chash, sig in s.execute(q):
                yield doc_id, chash, np.frombuffer(sig, dtype=np.uint32).copy()

    def documents(self, ids: Iterable[str] | None = None, stage: int | None = None,
                  originals_only: bool = False) -> list[Document]:
        with self.session() as s:
            q = select(DocumentRow)
            if ids is not None:
                q = q.where(DocumentRow.id.in_(list(ids)))
            if stage is not None:
                q = q.where(DocumentRow.stage == stage)
            if originals_only:
                q = q.where(DocumentRow.duplicate_of.is_(None))
            q = q.order_by(DocumentRow.published.asc().nulls_first(), DocumentRow.id)
            return [_doc(r) for r in s.scalars(q)]

    def document(self, doc_id: str) -> Document | None:
        with self.session() as s:
            r = s.get(DocumentRow, doc_id)
            return _doc(r) if r else None

    def ids_at_stage(self, stage: int) -> list[str]:
        with self.session() as s:
            q = select(DocumentRow.id).where(DocumentRow.stage == stage, DocumentRow.duplicate_of.is_(None))
            return list(s.scalars(q.order_by(DocumentRow.published.asc().nulls_first(), DocumentRow.id)))

    def count(self, what: str = "documents") -> int:
        table = {"documents": DocumentRow, "stories": StoryRow, "entities": EntityRow, "events": EventRow,
                 "claims": ClaimRow, "conflicts": ConflictRow, "skips": SkipRow, "mentions": MentionRow}[what]
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(table)) or 0)

    # ---- skips -----------------------------------------------------------------------------
    def add_skips(self, skips: list[Skip]) -> None:
        if not skips:
            return
        with self.session() as s, s.begin():
            _write_lock(s)
            for k in skips:
                s.add(SkipRow(source_path=k.source_path, doc_id=k.doc_id, reason=k.reason))

    def skips(self) -> list[Skip]:
        with self.session() as s:
            return [Skip(r.source_path, r.reason, r.doc_id) for r in s.scalars(select(SkipRow).order_by(SkipRow.id))]

    # ---- boilerplate line statistics -------------------------------------------------------
    def load_line_stats(self) -> list[tuple[str, str, int]]:
        with self.session() as s:
            return [(r.outlet, r.key, r.count) for r in s.scalars(select(LineStatRow))]

    def line_counted(self, ids: Iterable[str]) -> dict[str, str]:
        """id → raw hash of the documents whose lines were already counted."""
        ids = list(ids)
        out: dict[str, str] = {}
        with self.session() as s:
            for i in range(0, len(ids), 500):
                q = select(LineStatDocRow.doc_id, LineStatDocRow.raw_hash).where(
                    LineStatDocRow.doc_id.in_(ids[i:i + 500]))
                out.update(dict(s.execute(q).all()))
        return out

    def add_line_stats(self, counts: dict[tuple[str, str], int], counted: dict[str, str] | None = None) -> None:
        """Add document counts atomically (upsert ``count = count + n``), safe with concurrent runs.

        ``counted`` (doc id → raw hash) records, in the same transaction, which documents the
        counts came from, so a run killed before storing them does not count them again.
        """
        if not counts and not counted:
            return
        items = [{"outlet": o, "key": k, "count": n} for (o, k), n in sorted(counts.items())]
        stmt = self._insert(LineStatRow)
        stmt = stmt.on_conflict_do_update(index_elements=["outlet", "key"],
                                          set_={"count": LineStatRow.count + stmt.excluded.count})
        docs = [{"doc_id": d, "raw_hash": h} for d, h in sorted((counted or {}).items())]
        with self.session() as s, s.begin():
            _write_lock(s)
            for i in range(0, len(items), 5000):
                s.execute(stmt, items[i:i + 5000])
            ins = self._insert(LineStatDocRow).on_conflict_do_nothing(index_elements=["doc_id"])
            for i in range(0, len(docs), 5000):
                s.execute(ins, docs[i:i + 5000])

    # ---- extraction results ----------------------------------------------------------------
    def save_extraction(self, doc_ids: list[str], mentions: list[Mention], timexes: list[TimeExpression],
                        entities: list[Entity], events: list[Event], claims: list[Claim],
                        next_stage: int = STAGE_EXTRACTED) -> None:
        """Replace the extraction results of ``doc_ids`` and upsert entities, atomically."""
        with self.session() as s, s.begin():
            _write_lock(s)
            for table in (MentionRow, TimexRow, EventRow, ClaimRow):
                s.execute(delete(table).where(table.doc_id.in_(doc_ids)))
            existing = _rows_by_id(s, EntityRow, [e.id for e in entities])  # one SELECT per 500, not per entity
            for e in entities:
                existing[e.id] = _upsert_entity(s, e, existing.get(e.id))
            s.flush()
            # bulk executemany inserts: the ORM unit of work per row was most of this method's time
            _bulk_insert(s, MentionRow, [
                {"doc_id": m.doc_id, "entity_id": m.entity_id, "start": m.start, "end": m.end, "text": m.text,
                 "type": m.type, "confidence": m.confidence} for m in mentions])
            _bulk_insert(s, TimexRow, [
                {"doc_id": t.doc_id, "start": t.start, "end": t.end, "text": t.text, "value": t.value,
                 "granularity": t.granularity, "relation": t.relation} for t in timexes])
            _bulk_insert(s, EventRow, [_event_values(e) for e in events])
            _bulk_insert(s, ClaimRow, [{"id": c.id, **_claim_values(c)} for c in claims])
            for i in range(0, len(doc_ids), 500):  # stage = max(stage, next_stage) without loading documents
                s.execute(update(DocumentRow).where(DocumentRow.id.in_(doc_ids[i:i + 500]),
                                                    DocumentRow.stage < next_stage).values(stage=next_stage)
                          .execution_options(synchronize_session=False))

    def entities(self, ids: Iterable[str] | None = None, type: str | None = None) -> list[Entity]:
        with self.session() as s:
            q = select(EntityRow)
            if ids is not None:
                q = q.where(EntityRow.id.in_(list(ids)))
            if type:
                q = q.where(EntityRow.type == type)
            return [_entity(r) for r in s.scalars(q.order_by(EntityRow.id))]

    def mentions(self, doc_ids: Iterable[str] | None = None, entity_id: str | None = None) -> list[Mention]:
        with self.session() as s:
            q = select(MentionRow)
            if doc_ids is not None:
                q = q.where(MentionRow.doc_id.in_(list(doc_ids)))
            if entity_id is not None:
                q = q.where(MentionRow.entity_id == entity_id)
            return [Mention(r.doc_id, r.start, r.end, r.text, r.type, r.entity_id, r.confidence)
                    for r in s.scalars(q.order_by(MentionRow.doc_id, MentionRow.start))]

    def timexes(self, doc_ids: Iterable[str] | None = None) -> list[TimeExpression]:
        with self.session() as s:
            q = select(TimexRow)
            if doc_ids is not None:
                q = q.where(TimexRow.doc_id.in_(list(doc_ids)))
            return [TimeExpression(r.doc_id, r.start, r.end, r.text, r.value, r.granularity, r.relation)
                    for r in s.scalars(q.order_by(TimexRow.doc_id, TimexRow.start))]

    def events(self, doc_ids: Iterable[str] | None = None) -> list[Event]:
        with self.session() as s:
            q = select(EventRow)
            if doc_ids is not None:
                q = q.where(EventRow.doc_id.in_(list(doc_ids)))
            return [_event(r) for r in s.scalars(q.order_by(EventRow.doc_id, EventRow.sent_start, EventRow.id))]

    def claims(self, story_id: str | None = None, doc_ids: Iterable[str] | None = None) -> list[Claim]:
        with self.session() as s:
            q = select(ClaimRow)
            if story_id is not None:
                q = q.where(ClaimRow.story_id == story_id)
            if doc_ids is not None:
                q = q.where(ClaimRow.doc_id.in_(list(doc_ids)))
            return [_claim(r) for r in s.scalars(q.order_by(ClaimRow.doc_id, ClaimRow.start, ClaimRow.id))]

    def conflicts(self, story_id: str | None = None) -> list[Conflict]:
        with self.session() as s:
            q = select(ConflictRow)
            if story_id is not None:
                q = q.where(ConflictRow.story_id == story_id)
            return [Conflict(r.id, r.story_id, r.slot, r.values, r.outlets)
                    for r in s.scalars(q.order_by(ConflictRow.story_id, ConflictRow.id))]

    # ---- stories ---------------------------------------------------------------------------
    def assign_stories(self, assignments: dict[str, str], state: bytes | None) -> None:
        """Record doc→story and the clusterer state in one transaction."""
        with self.session() as s, s.begin():
            _write_lock(s)
            ids = list(assignments)
            for i in range(0, len(ids), 500):
                for r in s.scalars(select(DocumentRow).where(DocumentRow.id.in_(ids[i:i + 500]))):
                    r.story_id = assignments[r.id]
                    r.stage = max(r.stage, STAGE_CLUSTERED)
            # duplicates follow their original's story
            for r in s.scalars(select(DocumentRow).where(DocumentRow.duplicate_of.in_(ids))):
                r.story_id = assignments.get(r.duplicate_of or "")
            if state is not None:
                _put_state(s, "clusterer", state)

    def reset_stories(self) -> int:
        """Forget every story (rows, conflicts, claim groups, assignments, clusterer state) in one
        transaction and send clustered documents back to the extracted stage, so the next run rebuilds
        all stories, e.g. under a new stories config. Extraction results are kept. Returns the documents reset.
        """
        with self.session() as s, s.begin():
            _write_lock(s)
            s.execute(delete(StoryRow))
            s.execute(delete(ConflictRow))
            s.execute(delete(StateRow).where(StateRow.key == "clusterer"))
            s.execute(update(ClaimRow).values(story_id=None, group=None))
            s.execute(update(DocumentRow).where(DocumentRow.story_id.is_not(None)).values(
                story_id=None, inferred_from=None, inferred_to=None))
            return s.execute(update(DocumentRow).where(DocumentRow.stage == STAGE_CLUSTERED).values(
                stage=STAGE_EXTRACTED)).rowcount

    def get_state(self, key: str) -> bytes | None:
        with self.session() as s:
            r = s.get(StateRow, key)
            return None if r is None else bytes(r.value)

    def save_story(self, story: Story, claims: list[Claim], conflicts: list[Conflict],
                   outlets: list[str], size: int) -> None:
        with self.session() as s, s.begin():
            _write_lock(s)
            row = s.get(StoryRow, story.id)
            if row is None:
                row = StoryRow(id=story.id)
                s.add(row)
            row.title = story.title
            row.summary = [vars(x) for x in story.summary]
            row.timeline = [vars(x) for x in story.timeline]
            row.first_date, row.last_date = story.first_date, story.last_date
            row.size, row.outlets = size, outlets
            # claims were stored at extraction: update them in place (one SELECT per 500, not a merge each)
            rows = _rows_by_id(s, ClaimRow, [c.id for c in claims])
            for c in claims:
                r = rows.get(c.id)
                if r is None:
                    rows[c.id] = s.merge(_claim_row(c))
                    continue
                for k, v in _claim_values(c).items():
                    setattr(r, k, v)
            s.execute(delete(ConflictRow).where(ConflictRow.story_id == story.id))
            s.add_all(ConflictRow(id=c.id, story_id=c.story_id, slot=c.slot, values=c.values, outlets=c.outlets)
                      for c in conflicts)

    def story_doc_ids(self) -> dict[str, list[str]]:
        with self.session() as s:
            out: dict[str, list[str]] = {}
            q = select(DocumentRow.story_id, DocumentRow.id).where(DocumentRow.story_id.is_not(None)).order_by(
                DocumentRow.published.asc().nulls_first(), DocumentRow.id)
            for sid, did in s.execute(q):
                out.setdefault(sid, []).append(did)
            return out

    def stories(self, ids: Iterable[str] | None = None) -> list[Story]:
        members = self.story_doc_ids()
        with self.session() as s:
            q = select(StoryRow)
            if ids is not None:
                q = q.where(StoryRow.id.in_(list(ids)))
            rows = s.scalars(q.order_by(StoryRow.last_date.desc().nulls_last(), StoryRow.id)).all()
            return [Story(
                id=r.id, doc_ids=members.get(r.id, []), title=r.title,
                summary=[SummarySentence(**x) for x in (r.summary or [])],
                timeline=[TimelineEntry(**x) for x in (r.timeline or [])],
                first_date=r.first_date, last_date=r.last_date,
            ) for r in rows]

    def story_rows(self) -> list[dict]:
        """Light listing for CLI/API: id, title, size, outlets, date range."""
        with self.session() as s:
            rows = s.scalars(select(StoryRow).order_by(StoryRow.last_date.desc().nulls_last(), StoryRow.id)).all()
            return [{"id": r.id, "title": r.title, "size": r.size, "outlets": r.outlets,
                     "first_date": _dt(r.first_date), "last_date": _dt(r.last_date)} for r in rows]


_PG_WRITE_LOCK = 0x7261736964  # "rasid": one advisory lock serialises rasid's write transactions


def _write_lock(conn: Session | Connection) -> None:
    """On PostgreSQL, take a transaction-scoped advisory lock so writers run one at a time.

    SQLite already allows one writer at a time; PostgreSQL would otherwise interleave the
    delete-then-insert of two processes extracting the same documents and fail on unique keys.
    """
    dialect = conn.get_bind().dialect if isinstance(conn, Session) else conn.dialect
    if dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_WRITE_LOCK})


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _put_state(s: Session, key: str, value: bytes) -> None:
    row = s.get(StateRow, key)
    if row is None:
        s.add(StateRow(key=key, value=value))
    else:
        row.value = value


def _doc(r: DocumentRow) -> Document:
    return Document(
        id=r.id, text=r.text, raw_text=r.raw_text, source_path=r.source_path, fmt=r.fmt, title=r.title, url=r.url,
        outlet=r.outlet, published=r.published, date_source=r.date_source, language=r.language,
        content_hash=r.content_hash, raw_hash=r.raw_hash, inferred_from=r.inferred_from,
        inferred_to=r.inferred_to, removed_lines=list(r.removed_lines or []), duplicate_of=r.duplicate_of,
        duplicate_score=r.duplicate_score, story_id=r.story_id,
    )


def _entity(r: EntityRow) -> Entity:
    return Entity(id=r.id, type=r.type, name=r.name, aliases=list(r.aliases or []), titles=list(r.titles or []),
                  confidence=r.confidence,
                  lat=r.lat, lon=r.lon, country=r.country, geonames_id=r.geonames_id)


def _rows_by_id(s: Session, table: type[Base], ids: list[str], chunk: int = 500) -> dict[str, Base]:
    """Existing rows of ``table`` with these primary keys, fetched in a few IN queries."""
    uniq = sorted(set(ids))
    out: dict[str, Base] = {}
    for i in range(0, len(uniq), chunk):
        out.update((r.id, r) for r in s.scalars(select(table).where(table.id.in_(uniq[i:i + chunk]))))
    return out


def _upsert_entity(s: Session, e: Entity, row: EntityRow | None = None) -> EntityRow:
    """Insert or update ``e``; ``row`` is its already-loaded row (None = not stored yet)."""
    if row is None:
        row = EntityRow(id=e.id)
        s.add(row)
    row.type, row.name, row.aliases, row.confidence = e.type, e.name, list(e.aliases), e.confidence
    row.titles = list(e.titles)
    row.lat, row.lon, row.country, row.geonames_id = e.lat, e.lon, e.country, e.geonames_id
    return row


def _bulk_insert(s: Session, table: type[Base], rows: list[dict], chunk: int = 5000) -> None:
    """Insert plain rows in list order (autoincrement ids follow it, as with ``add_all``)."""
    for i in range(0, len(rows), chunk):
        s.execute(insert(table.__table__), rows[i:i + chunk])


def _event_values(e: Event) -> dict:
    return {"id": e.id, "doc_id": e.doc_id, "type": e.type, "mode": e.mode, "cameo": e.cameo,
            "actors": list(e.actors), "targets": list(e.targets), "place": e.place, "date": e.date,
            "sent_start": e.sent_start, "sent_end": e.sent_end, "trigger": e.trigger, "background": e.background,
            "confidence": e.confidence}


def _event(r: EventRow) -> Event:
    return Event(id=r.id, doc_id=r.doc_id, type=r.type, sent_start=r.sent_start, sent_end=r.sent_end,
                 trigger=r.trigger, mode=r.mode, cameo=r.cameo, actors=list(r.actors or []),
                 targets=list(r.targets or []), place=r.place, date=r.date, background=r.background,
                 confidence=r.confidence)


def _claim_values(c: Claim) -> dict:
    return {"doc_id": c.doc_id, "story_id": c.story_id, "start": c.start, "end": c.end, "text": c.text,
            "outlet": c.outlet, "speaker": c.speaker, "speaker_text": c.speaker_text, "slot": c.slot,
            "value": c.value, "group": c.group}


def _claim_row(c: Claim) -> ClaimRow:
    return ClaimRow(id=c.id, **_claim_values(c))


def _claim(r: ClaimRow) -> Claim:
    return Claim(id=r.id, doc_id=r.doc_id, start=r.start, end=r.end, text=r.text, outlet=r.outlet,
                 speaker=r.speaker, speaker_text=r.speaker_text, story_id=r.story_id, slot=r.slot, value=r.value,
                 group=r.group)


def to_jsonable(obj: object) -> object:
    """Dataclass/datetime → JSON-ready structures (used by export and API)."""
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return {k: to_jsonable(v) for k, v in vars(obj).items()}
    return obj


