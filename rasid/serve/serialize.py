"""One JSON serializer per model, with a field list per output (API, JSON export, CSV).

Why one place: the API and the export describe the same facts and must keep describing them the
same way; when each built its own dicts, a renamed key or a new field had to be changed in three
places. A ``Serializer`` knows how to compute every key a model can show; each output names the
keys it shows, in order. The outputs differ on purpose and stay so: export events omit
``confidence``, export entities add ``titles`` and their mentions, CSV rows flatten an event's
sentence into three columns, API entities carry a ``mention_count``.

Getters take the object and a context dict: facts that are not fields of the model (the text an
event's sentence is cut from, the story of its document, an entity's mentions) are passed in by
the caller as keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from rasid.models import (
    Claim,
    Conflict,
    Document,
    Entity,
    Event,
    Mention,
    Skip,
    Story,
    Storyline,
    SummarySentence,
    TimeExpression,
    TimelineEntry,
)
from rasid.serve.search import Hit

M = TypeVar("M")
Getter = Callable[[Any, Mapping[str, Any]], object]


_SCALARS = (str, int, float, type(None))


def jsonable(obj: object) -> object:
    """Dataclasses, datetimes, lists and dicts → JSON-ready values (datetimes as ISO 8601)."""
    if isinstance(obj, _SCALARS):  # most values: answer before the costlier checks
        return obj
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in fields(obj)}
    return obj


def field_value(name: str) -> Getter:
    """The model's attribute ``name``, JSON-ready."""
    return lambda obj, _ctx: jsonable(getattr(obj, name))


def context(name: str) -> Getter:
    """A value the caller passes in (``story=...``), for keys that are not fields of the model."""
    return lambda _obj, ctx: ctx[name]


Key = str | tuple[str, str]  # a key shown under its own name, or (shown name, getter key)


@dataclass(frozen=True)
class Serializer(Generic[M]):
    """Turns one model into the dict each output shows.

    ``getters`` add or override keys; every field of the model is a key already (JSON-ready).
    ``outputs`` maps an output name to its keys, in the order they are written; ``(name, key)``
    shows getter ``key`` under ``name`` (a CSV column named like a nested JSON value).
    """

    model: type[M]
    outputs: Mapping[str, tuple[Key, ...]]
    getters: Mapping[str, Getter] = field(default_factory=dict)
    _plans: dict[str, tuple[tuple[str, Getter], ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        every = {f.name: field_value(f.name) for f in fields(self.model)} | dict(self.getters)
        plans, missing = {}, set()
        for output, keys in self.outputs.items():
            pairs = [(k, k) if isinstance(k, str) else k for k in keys]
            missing |= {g for _, g in pairs if g not in every}
            plans[output] = tuple((name, every.get(g)) for name, g in pairs)
        if missing:
            raise ValueError(f"{self.model.__name__} serializer has no getter for {sorted(missing)}")
        object.__setattr__(self, "_plans", plans)

    def keys(self, output: str) -> list[str]:
        """The keys ``output`` shows, in order (the CSV header)."""
        return [name for name, _ in self._plans[output]]

    def __call__(self, obj: M, output: str, **ctx: Any) -> dict[str, object]:
        """``obj`` as ``output`` shows it; ``ctx`` supplies the context keys that output needs."""
        return {name: get(obj, ctx) for name, get in self._plans[output]}


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


def source_name(path: str | None) -> str | None:
    """What the API shows of a document's source: the file name (plus any ``#record``), never the
    server's folders; a feed URL stays as it is (it is not a path on the server)."""
    if not path or path.lower().startswith(("http://", "https://")):
        return path
    base, sep, record = path.rpartition("#")
    if not (sep and record.isdigit()):  # only a record number follows '#' (feeds, WARC, JSONL)
        base, sep, record = path, "", ""
    name = base.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return f"{name}{sep}{record}"


def published_iso(d: Document) -> str | None:
    """The publication time as the outlet wrote it: local wall time with its UTC offset
    ("2026-01-27T23:30:00+02:00", the same instant as the stored UTC), or naive ISO when it gave no zone;
    its first ten characters are the local calendar day the UI shows."""
    return _iso(d.published_stamp)


def _inferred(d: Document) -> list[str | None] | None:
    return [_iso(d.inferred_from), _iso(d.inferred_to)] if d.inferred_from else None


_DOC_BRIEF = ("id", "title", "outlet", "url", "published", "date_source", "published_inferred", "language",
              "duplicate_of", "duplicate_score", "story")
_DOC_EXPORT = ("id", "title", "outlet", "url", "published", "date_source", "published_inferred", "language",
               "text", "duplicate_of", "duplicate_score", "story", "source_path", "removed_lines")
DOCUMENT: Serializer[Document] = Serializer(Document, outputs={
    "api_brief": _DOC_BRIEF,  # listings: no text
    "api": (*_DOC_BRIEF, "text", ("source_path", "source_name"), "removed_lines"),  # file name only
    "export": _DOC_EXPORT,
    "csv": _DOC_EXPORT,
}, getters={
    "published": lambda d, _: published_iso(d),
    "published_inferred": lambda d, _: _inferred(d),
    "story": field_value("story_id"),
    "source_name": lambda d, _: source_name(d.source_path),
    "removed_lines": lambda d, _: len(d.removed_lines),  # how many, not which: they are boilerplate
})

# nested in a story, the same in every output: all their fields
SUMMARY_SENTENCE: Serializer[SummarySentence] = Serializer(
    SummarySentence, outputs={"json": tuple(f.name for f in fields(SummarySentence))})
_RANGE = ("date", "date_end", "granularity")  # a date and its range, written side by side
TIMELINE_ENTRY: Serializer[TimelineEntry] = Serializer(TimelineEntry, outputs={
    "json": (*_RANGE, *(f.name for f in fields(TimelineEntry) if f.name not in _RANGE))})

_STORY_HEAD = ("id", "title", "documents", "outlets", "first_date", "last_date", "storyline")
STORY: Serializer[Story] = Serializer(Story, outputs={
    "api": (*_STORY_HEAD, "size", "summary", "timeline"),
    "export": (*_STORY_HEAD, "summary", "timeline"),
    "csv": (*_STORY_HEAD, "summary", "timeline"),
}, getters={
    "documents": field_value("doc_ids"),
    "outlets": context("outlets"),  # sorted outlets of the member documents
    "storyline": context("storyline"),  # the affair the story belongs to (None before storylines)
    "size": lambda s, _: len(s.doc_ids),
    "summary": lambda s, _: [SUMMARY_SENTENCE(x, "json") for x in s.summary],
    "timeline": lambda s, _: [TIMELINE_ENTRY(x, "json") for x in s.timeline],
})


_STORYLINE_KEYS = ("id", "title", "stories", "first_date", "last_date", "outlets", "size")
STORYLINE: Serializer[Storyline] = Serializer(Storyline, outputs={
    "api_brief": _STORYLINE_KEYS,
    "api": (*_STORYLINE_KEYS, "timeline"),  # its stories, oldest first, with their titles and dates
    "export": _STORYLINE_KEYS,
    "csv": _STORYLINE_KEYS,
}, getters={
    "stories": field_value("story_ids"),
    "timeline": context("timeline"),  # its stories (StoryBrief, JSON-ready), oldest first
})


_ENTITY_HEAD = ("id", "type", "name", "aliases")
_ENTITY_GEO = ("confidence", "lat", "lon", "country", "geonames_id")
ENTITY: Serializer[Entity] = Serializer(Entity, outputs={
    "api": (*_ENTITY_HEAD, *_ENTITY_GEO, "mention_count"),
    "export": (*_ENTITY_HEAD, "titles", *_ENTITY_GEO, "mentions"),
    "csv": (*_ENTITY_HEAD, "titles", *_ENTITY_GEO),  # mentions are a table of their own
}, getters={
    "mention_count": context("mention_count"),
    "mentions": lambda _e, ctx: [MENTION(m, "export") for m in ctx["mentions"]],
})

MENTION: Serializer[Mention] = Serializer(Mention, outputs={
    "api": ("doc", "start", "end", "text", "type", "entity", "confidence"),
    "export": ("doc", "start", "end", "text", "confidence"),  # nested in its entity
    "csv": ("entity", "doc", "start", "end", "text", "confidence"),
}, getters={"doc": field_value("doc_id"), "entity": field_value("entity_id")})


def _sentence(e: Event, ctx: Mapping[str, Any]) -> dict[str, object]:
    return {"start": e.sent_start, "end": e.sent_end, "text": ctx["text"][e.sent_start:e.sent_end]}


def _span_texts(role: str) -> Getter:
    """The actor / target mentions as written (``actor_spans`` cut from context ``text``)."""
    return lambda e, ctx: [ctx["text"][a:b] for a, b in getattr(e, f"{role}_spans")]


_EVENT_HEAD = ("id", "type", "mode", "status", "cameo", "actors", "targets", "actor_text", "target_text",
               "place", "date", "date_end", "granularity", "background", "doc", "story", "trigger")
EVENT: Serializer[Event] = Serializer(Event, outputs={
    "api": (*_EVENT_HEAD, "confidence", "sentence"),
    "export": (*_EVENT_HEAD, "actor_spans", "target_spans", "sentence"),
    "csv": (*_EVENT_HEAD, "sentence_start", "sentence_end", ("sentence", "sentence_text")),
}, getters={
    "actor_text": _span_texts("actor"),
    "target_text": _span_texts("target"),
    "doc": field_value("doc_id"),
    "story": context("story"),  # the story of the event's document
    "sentence": _sentence,  # context ``text``: the document text the offsets point into
    "sentence_start": field_value("sent_start"),
    "sentence_end": field_value("sent_end"),
    "sentence_text": lambda e, ctx: ctx["text"][e.sent_start:e.sent_end],
})

_CLAIM_KEYS = ("id", "story", "doc", "outlet", "speaker", "speaker_text", "text", "start", "end", "slot",
               "value", "group")
CLAIM: Serializer[Claim] = Serializer(
    Claim, outputs={"api": _CLAIM_KEYS, "export": _CLAIM_KEYS, "csv": _CLAIM_KEYS},
    getters={"story": field_value("story_id"), "doc": field_value("doc_id")})

_CONFLICT_KEYS = ("id", "story", "slot", "values", "outlets")
CONFLICT: Serializer[Conflict] = Serializer(
    Conflict, outputs={"api": _CONFLICT_KEYS, "export": _CONFLICT_KEYS, "csv": _CONFLICT_KEYS},
    getters={"story": field_value("story_id")})

_SKIP_KEYS = ("source", "doc", "reason")
SKIP: Serializer[Skip] = Serializer(
    Skip, outputs={"export": _SKIP_KEYS, "csv": _SKIP_KEYS},
    getters={"source": field_value("source_path"), "doc": field_value("doc_id")})

TIMEX: Serializer[TimeExpression] = Serializer(TimeExpression, outputs={
    "api": ("doc", "start", "end", "text", "value", "value_end", "granularity", "relation"),
}, getters={"doc": field_value("doc_id")})

_HIT_HEAD = ("doc", "title", "outlet", "published", "story", "score")
HIT: Serializer[Hit] = Serializer(Hit, outputs={
    "api": (*_HIT_HEAD, "matches", "snippet"),
    "export": (*_HIT_HEAD, "matches", "snippet"),  # a search result downloaded from the UI
    "csv": (*_HIT_HEAD, "match_count", ("snippet", "snippet_text")),
}, getters={"doc": field_value("doc_id"), "story": field_value("story_id"),
            "match_count": lambda h, _: len(h.matches), "snippet_text": lambda h, _: h.snippet.text})
