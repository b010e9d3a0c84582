"""Plain dataclasses passed between pipeline stages.

Every extracted fact carries provenance: the document id and character
offsets into ``Document.text`` (the cleaned text, original characters, never
normalised), so a UI can highlight exactly what a fact came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone


@dataclass
class RawArticle:
    """An article as read from an input, before cleaning."""

    doc_id: str
    text: str
    source_path: str
    fmt: str  # txt | html | jsonl | rss | warc
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    date_source: str | None = None  # metadata | header-line | html-meta | url | none
    encoding: str = "utf-8"
    published_offset_minutes: int | None = None  # UTC offset the source gave with ``published`` (naive UTC)


@dataclass
class Skip:
    """An input that could not be used, with the reason (never silently dropped)."""

    source_path: str
    reason: str
    doc_id: str | None = None


@dataclass
class Document:
    """A cleaned article: ``text`` is what every offset refers to."""

    id: str
    text: str
    raw_text: str
    source_path: str
    fmt: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    date_source: str | None = None
    language: str = "und"
    content_hash: str = ""
    raw_hash: str = ""
    inferred_from: datetime | None = None  # publication date range inferred from the story, when undated
    inferred_to: datetime | None = None
    removed_lines: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    duplicate_score: float | None = None
    story_id: str | None = None
    # ``published`` is the instant in naive UTC (for ordering); this is the UTC offset the source wrote it
    # with (+120 for Cairo's "+02:00"), None when it gave none. The local calendar day (what the reader
    # saw, what «اليوم» and «أمس» mean) is ``published_local``.
    published_offset_minutes: int | None = None

    @property
    def published_local(self) -> datetime | None:
        """The publication time as the outlet's wall clock showed it (naive); ``published`` without an offset."""
        if self.published is None or not self.published_offset_minutes:
            return self.published
        return self.published + timedelta(minutes=self.published_offset_minutes)

    @property
    def published_stamp(self) -> datetime | None:
        """What readers are shown: the local wall time with its offset (aware, the same instant as
        ``published``) when the source gave one, else ``published`` unchanged."""
        local = self.published_local
        if local is None or self.published_offset_minutes is None:
            return local
        return local.replace(tzinfo=timezone(timedelta(minutes=self.published_offset_minutes)))


@dataclass
class Mention:
    """A span of ``Document.text`` naming an entity."""

    doc_id: str
    start: int
    end: int
    text: str
    type: str  # PER | ORG | LOC
    entity_id: str | None = None
    confidence: float = 1.0


@dataclass
class Entity:
    """A canonical entity merged from mentions across documents."""

    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    confidence: float = 1.0
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    geonames_id: int | None = None
    mentions: list[Mention] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # roles seen with the name, e.g. "المتحدث باسم الكرملين"


@dataclass
class TimeExpression:
    """A temporal expression resolved against the publication date."""

    doc_id: str
    start: int
    end: int
    text: str
    value: str | None  # ISO date 'YYYY-MM-DD', 'YYYY-MM', 'YYYY', or None if unresolved
    granularity: str = "day"  # day | week | month | quarter | half | season | year | vague (value None)
    relation: str = "unknown"  # past | present | future | unknown (relative to publication)
    # Last period of a range or a period longer than its granularity ("من 15 إلى 17 يونيو", a Hijri month,
    # a quarter); ``value`` is then its first period. None for a single point.
    value_end: str | None = None


@dataclass
class Event:
    """Who did what to whom, where and when, with the source sentence span."""

    id: str
    doc_id: str
    type: str  # PLOVER event type, e.g. CONSULT
    sent_start: int
    sent_end: int
    trigger: str = ""
    mode: str | None = None  # e.g. visit, phone, withdraw
    cameo: str | None = None
    actors: list[str] = field(default_factory=list)  # entity ids
    targets: list[str] = field(default_factory=list)  # entity ids
    place: str | None = None  # entity id of a LOC
    date: str | None = None  # ISO date (the first day/period of a range)
    # From the time expression that dates the event: its last period when it is a range
    # («من 15 إلى 17 مارس» → date 15th, date_end 17th) and its granularity (day | week | month | …);
    # a publication-day fallback is granularity "day"; both None when the event is undated.
    date_end: str | None = None
    granularity: str | None = None
    background: bool = False  # refers to an earlier event than the article reports
    confidence: float = 1.0
    # occurred | planned | denied | threatened | hypothetical (eval/events/LABELLING.md): a negated, announced
    # or conditional act is kept, marked, rather than coded as a fact or dropped.
    status: str = "occurred"
    # [start, end) offsets in Document.text of the actor / target mentions as written, one per mention; they
    # also cover common-noun actors («السلطات», «مسلحون») that have no entity id in ``actors`` / ``targets``.
    actor_spans: list[list[int]] = field(default_factory=list)
    target_spans: list[list[int]] = field(default_factory=list)


@dataclass
class Claim:
    """A statement attributed to a speaker, reported by an outlet."""

    id: str
    doc_id: str
    start: int
    end: int
    text: str
    outlet: str | None = None
    speaker: str | None = None  # entity id
    speaker_text: str | None = None
    story_id: str | None = None
    slot: str | None = None  # e.g. visit_type, count, date, place
    value: str | None = None
    group: str | None = None  # id of the cluster of claims about the same fact


@dataclass
class Conflict:
    """Different values for the same slot within one story."""

    id: str
    story_id: str
    slot: str
    values: dict[str, list[str]]  # value -> claim ids
    outlets: dict[str, list[str]] = field(default_factory=dict)  # value -> outlets


@dataclass
class SummarySentence:
    doc_id: str
    start: int
    end: int
    text: str


@dataclass
class TimelineEntry:
    date: str | None
    text: str
    doc_id: str
    start: int
    end: int
    event_id: str | None = None
    background: bool = False
    sources: list[str] = field(default_factory=list)  # outlets
    date_end: str | None = None  # last period of a range, as on the event
    granularity: str | None = None  # day | week | month | … of ``date``


@dataclass
class Story:
    id: str
    doc_ids: list[str] = field(default_factory=list)
    title: str = ""
    summary: list[SummarySentence] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    first_date: datetime | None = None
    last_date: datetime | None = None


@dataclass
class Storyline:
    """An affair: the event stories that belong together (shared actors, place, named affair), oldest first.

    Id ``"l-" + the id of its first story``; a story never changes storyline, so ids are stable across runs.
    """

    id: str
    story_ids: list[str] = field(default_factory=list)  # in time order (first date, then id)
    title: str = ""
    first_date: datetime | None = None
    last_date: datetime | None = None
    outlets: list[str] = field(default_factory=list)
    size: int = 0  # articles in all its stories


@dataclass(frozen=True)
class StoryBrief:
    """What a storyline needs to know about one of its stories (a stored story's light row)."""

    id: str
    title: str
    size: int
    outlets: tuple[str, ...]
    first_date: datetime | None
    last_date: datetime | None
