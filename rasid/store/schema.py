"""The tables: one SQLAlchemy row class per stored model, plus the store's own bookkeeping tables.

Kept apart from the ``Store`` façade so the schema can be read (and migrated) on its own; how rows
become dataclasses lives in ``rasid.store.mapping``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# How far a document got through the pipeline; a resumed run picks up documents by stage.
STAGE_STORED = 0
STAGE_EXTRACTED = 1
STAGE_CLUSTERED = 2


class Base(DeclarativeBase):
    """Declarative base: ``Base.metadata`` holds every rasid table (``create_all`` on open)."""


class DocumentRow(Base):
    """A ``Document`` plus what only the store needs: normalised text for search, stage, MinHash signature."""

    __tablename__ = "documents"
    # Covering indexes for the desk (issue #16, scale): the texts sit before ``story_id`` and ``published``
    # in the row, so reading those from the table walks every overflow page of the article. These let
    # "stories with an article of outlet X" and "stories/days of the documents mentioning entity E" be
    # answered from the index alone.
    __table_args__ = (Index("ix_documents_outlet_story", "outlet", "story_id"),
                      Index("ix_documents_id_story_published_offset", "id", "story_id", "published", "published_offset_minutes"),
                      Index("ix_documents_published_id", "published", "id"),
                      Index("ix_documents_outlet_published_id", "outlet", "published", "id"))
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(200), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    published_offset_minutes: Mapped[int | None] = mapped_column(Integer)  # the source's UTC offset
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
    seq: Mapped[int | None] = mapped_column(Integer, index=True)  # insertion order, across processes
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=lambda: datetime.now(UTC).replace(tzinfo=None))


class StoryRow(Base):
    """A ``Story``; members are not stored here but found by ``documents.story_id``."""

    __tablename__ = "stories"
    # One index per listing order, each holding every column a filter on the story row itself reads: the
    # desk's list pages (and counts) through an index and reads only the rows of the page it shows.
    __table_args__ = (Index("ix_stories_newest", "last_date", "first_date", "size", "conflict_count", "id"),
                      Index("ix_stories_oldest", "first_date", "last_date", "size", "conflict_count", "id"),
                      Index("ix_stories_by_size", "size", "last_date", "first_date", "conflict_count", "id"),
                      Index("ix_stories_by_conflicts", "conflict_count", "last_date", "first_date", "size", "id"),
                      # stories found through their documents (outlet, entity, event type) are looked up by id
                      Index("ix_stories_id_cover", "id", "last_date", "first_date", "size", "conflict_count"))
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[list] = mapped_column(JSON, default=list)
    timeline: Mapped[list] = mapped_column(JSON, default=list)
    first_date: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_date: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    outlets: Mapped[list] = mapped_column(JSON, default=list)
    storyline_id: Mapped[str | None] = mapped_column(String(300), index=True)  # added in schema version 2
    # monitoring: the store's change counter when the story was first saved / last saved (NULL: saved
    # before monitoring existed, i.e. old). "New since the last visit" compares these with the seen mark.
    created_change: Mapped[int | None] = mapped_column(Integer, index=True)
    updated_change: Mapped[int | None] = mapped_column(Integer, index=True)
    # rows of ``conflicts`` of this story, written with them by ``Store.save_story`` (their only writer)
    # (deferred, like the entities' counters: plain reads of an older database opened read-only, which cannot be
    # migrated, must not name a column it lacks; the Store reads these only where it knows they exist)
    conflict_count: Mapped[int] = mapped_column(Integer, default=0, deferred=True)


class StorylineRow(Base):
    """A ``Storyline``: the affair its stories belong to (they point here by ``stories.storyline_id``)."""

    __tablename__ = "storylines"
    __table_args__ = (Index("ix_storylines_newest", "last_date", "id"),)  # the list pages through the index
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    story_ids: Mapped[list] = mapped_column(JSON, default=list)
    first_date: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_date: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    outlets: Mapped[list] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_change: Mapped[int | None] = mapped_column(Integer, index=True)  # as for stories
    updated_change: Mapped[int | None] = mapped_column(Integer, index=True)


class EntityRow(Base):
    """A canonical ``Entity``; its mentions are rows of ``mentions``."""

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
    # rows of ``mentions`` pointing here, kept by ``Store.save_extraction`` (the only writer of mentions):
    # the entity list sorts and pages on it instead of counting every mention per request
    mention_count: Mapped[int] = mapped_column(Integer, default=0, index=True, deferred=True)
    # the highest tagger confidence among those mentions (kept with ``mention_count``): an entity named once,
    # with a low confidence, is left out of the entity list and the map (``Store.entity_page``, ``listed``)
    best_confidence: Mapped[float] = mapped_column(Float, default=0.0, deferred=True)
    # normalised name and aliases, one per line: the entity list's name filter is a LIKE here, not a
    # normalisation of every entity's names per request (written with the entity by ``save_extraction``)
    norm_names: Mapped[str] = mapped_column(Text, default="", deferred=True)


class MentionRow(Base):
    """A ``Mention``: one span per document offset pair (the unique key keeps re-runs idempotent)."""

    __tablename__ = "mentions"
    __table_args__ = (UniqueConstraint("doc_id", "start", "end", name="uq_mention_span"),
                      Index("ix_mentions_entity_doc", "entity_id", "doc_id"))  # entity → its documents, index only
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(300), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(300), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float, default=1.0)


class TimexRow(Base):
    """A ``TimeExpression``."""

    __tablename__ = "timexes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(300), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(String(32))
    value_end: Mapped[str | None] = mapped_column(String(32))  # end of a range («من 15 إلى 17 مارس»)
    granularity: Mapped[str] = mapped_column(String(16))
    relation: Mapped[str] = mapped_column(String(16))


class EventRow(Base):
    """An ``Event``; actors and targets are JSON lists of entity ids."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_type_doc", "type", "doc_id"),)  # event type → documents, index only
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(300), index=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    mode: Mapped[str | None] = mapped_column(String(64))
    cameo: Mapped[str | None] = mapped_column(String(16))
    actors: Mapped[list] = mapped_column(JSON, default=list)
    targets: Mapped[list] = mapped_column(JSON, default=list)
    place: Mapped[str | None] = mapped_column(String(300))
    date: Mapped[str | None] = mapped_column(String(32), index=True)
    date_end: Mapped[str | None] = mapped_column(String(32))  # last period of a range
    granularity: Mapped[str | None] = mapped_column(String(16))  # of the dating time expression
    sent_start: Mapped[int] = mapped_column(Integer)
    sent_end: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[bool] = mapped_column(Boolean, default=False)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(16), default="occurred", index=True)
    actor_spans: Mapped[list] = mapped_column(JSON, default=list)  # [[start, end], ...] in the document text
    target_spans: Mapped[list] = mapped_column(JSON, default=list)


class ClaimRow(Base):
    """A ``Claim``; ``story_id``, ``slot``, ``value`` and ``group`` are filled in at clustering."""

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
    """A ``Conflict`` within one story; value → claim ids and value → outlets as JSON objects."""

    __tablename__ = "conflicts"
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(300), index=True)
    slot: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    outlets: Mapped[dict] = mapped_column(JSON, default=dict)
    # change counter when this disagreement (same slot, same set of values) first appeared in its story;
    # kept when the story is re-analysed and the conflict is still there (its id is only positional)
    created_change: Mapped[int | None] = mapped_column(Integer, index=True)


class SkipRow(Base):
    """A ``Skip``: an input that could not be used, and when."""

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


class PendingStoryRow(Base):
    """A story whose members changed and whose analysis (summary, claims, conflicts) is not yet saved.

    Written in the same transaction as the assignments, deleted in the same transaction as the analysis:
    a run killed between the two finds the story here and analyses it on the next run.
    """

    __tablename__ = "pending_stories"
    story_id: Mapped[str] = mapped_column(String(300), primary_key=True)


class StateRow(Base):
    """Opaque state of incremental components (story clusterer)."""

    __tablename__ = "state"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# ---- monitoring: what the analyst follows, and what they have already seen ------------------------
WATCH_KINDS = ("entity", "place", "query")


class WatchItemRow(Base):
    """One followed thing: an entity or a place (``value`` = entity id) or a search query (``value`` = query)."""

    __tablename__ = "watchlist"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_watch_kind_value"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(500))
    label: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(DateTime, default=_now)


class SavedSearchRow(Base):
    """A named search: the query string and its filters (outlet, dates, entity, place) as a JSON object."""

    __tablename__ = "saved_searches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    query: Mapped[str] = mapped_column(Text, default="")
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    created: Mapped[datetime] = mapped_column(DateTime, default=_now)


class RunRow(Base):
    """One ``rasid run``: when it started and finished, how it ended, what it counted, and the change
    counter before and after it (so "what did run N change" is the range ``(change_from, change_to]``)."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started: Mapped[datetime] = mapped_column(DateTime, default=_now)
    finished: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running, finished, interrupted, failed
    inputs: Mapped[int] = mapped_column(Integer, default=0)  # how many paths were given
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    change_from: Mapped[int] = mapped_column(Integer, default=0)
    change_to: Mapped[int | None] = mapped_column(Integer)


class SeenMarkRow(Base):
    """How far the analyst has seen a feed (``alerts``): a value of the change counter, and when it was set."""

    __tablename__ = "seen_marks"
    feed: Mapped[str] = mapped_column(String(64), primary_key=True)
    change: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(DateTime, default=_now)
