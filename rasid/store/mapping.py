"""Row ↔ dataclass mappers, derived from ``dataclasses.fields`` of ``rasid.models``.

Why derived: hand-written mappers listed every field three times (insert values, update, read back),
so a field added to a model but forgotten in one list was silently dropped on the way through the
database. Here a mapping names only what is special: the per-field conversions (JSON columns),
model fields deliberately not stored (with the reason), and columns only the store fills.
``ModelMapping.problems`` lists any field or column that is in neither, and
``tests/test_store_mapping.py`` fails on it.

Datetimes need no conversion: ingest turns every date into naive UTC, which the ``DateTime``
columns store and return unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, Generic, TypeVar

from sqlalchemy import JSON

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
from rasid.store.schema import (
    Base,
    ClaimRow,
    ConflictRow,
    DocumentRow,
    EntityRow,
    EventRow,
    MentionRow,
    SkipRow,
    StorylineRow,
    StoryRow,
    TimexRow,
)

M = TypeVar("M")


@dataclass(frozen=True)
class Conversion:
    """How one field's value changes on its way into a column (``to_column``) and back (``from_column``)."""

    to_column: Callable[[Any], Any]
    from_column: Callable[[Any], Any]


# JSON columns: copy on the way in (the row must not share the model's list), NULL reads back as empty
JSON_LIST = Conversion(list, lambda v: list(v or []))
JSON_DICT = Conversion(dict, lambda v: dict(v or {}))


def json_records(model: type) -> Conversion:
    """A list of flat dataclasses stored as a JSON list of objects (a story's summary and timeline).

    Each record becomes the dict ``asdict`` gives (its fields in order, a list field copied), built from
    the field names directly: ``asdict`` recurses into every value and deep-copies it, which made this
    conversion a quarter of saving an analysed story."""
    names = tuple(f.name for f in fields(model))

    def to_column(xs: list) -> list[dict]:
        return [{k: list(v) if isinstance(v := getattr(x, k), list) else v for k in names} for x in xs]

    return Conversion(to_column, lambda v: [model(**x) for x in v or []])


@dataclass(frozen=True)
class ModelMapping(Generic[M]):
    """How one dataclass of ``rasid.models`` is stored in one table.

    Every dataclass field is copied to the column of the same name, through its ``conversions``
    entry if it has one, unless ``not_stored`` says why it has no column. ``row_only`` names the
    columns the store fills itself (autoincrement ids, stage, search text).
    """

    model: type[M]
    row: type[Base]
    conversions: Mapping[str, Conversion] = field(default_factory=dict)
    not_stored: Mapping[str, str] = field(default_factory=dict)  # field → why it has no column
    row_only: frozenset[str] = frozenset()

    @cached_property  # read for every row: fields() is not free
    def stored_fields(self) -> tuple[str, ...]:
        """The model's fields that have a column, in declaration order."""
        return tuple(f.name for f in fields(self.model) if f.name not in self.not_stored)

    def columns(self) -> dict[str, Any]:
        """Attribute name → SQLAlchemy column of the row class."""
        return {a.key: a.columns[0] for a in self.row.__mapper__.column_attrs}

    def problems(self) -> list[str]:
        """Why this mapping would lose or corrupt data; empty when every field and column is accounted for."""
        name, table = self.model.__name__, self.row.__tablename__
        cols = self.columns()
        model_fields = {f.name for f in fields(self.model)}
        out = [f"{name}.{f} has no column in {table!r}: add one, or say why in not_stored"
               for f in self.stored_fields if f not in cols]
        out += [f"{name}.{f} is listed as not stored but {table!r} has a column for it"
                for f in self.not_stored if f in cols]
        out += [f"{name}.{f} in not_stored/conversions is not a field of {name}"
                for f in [*self.not_stored, *self.conversions] if f not in model_fields]
        out += [f"column {table}.{c} is neither a field of {name} nor listed in row_only"
                for c in cols if c not in model_fields and c not in self.row_only]
        out += [f"row_only column {table}.{c} does not exist" for c in self.row_only if c not in cols]
        out += [f"{name}.{f} is stored in a JSON column and needs a conversion (copy in, NULL out)"
                for f in self.stored_fields if f in cols and isinstance(cols[f].type, JSON)
                and f not in self.conversions]
        return out

    def values(self, obj: M) -> dict[str, Any]:
        """Column values of ``obj`` (every stored field), ready for an INSERT or ``Row(**values)``."""
        conv = self.conversions
        return {f: conv[f].to_column(getattr(obj, f)) if f in conv else getattr(obj, f)
                for f in self.stored_fields}

    def to_row(self, obj: M, **row_only: Any) -> Base:
        """A new row for ``obj``; ``row_only`` fills columns the model does not have."""
        return self.row(**self.values(obj), **row_only)

    def update_row(self, row: Base, obj: M) -> None:
        """Overwrite every stored field of an already-loaded ``row`` with ``obj``'s values."""
        for k, v in self.values(obj).items():
            setattr(row, k, v)

    @cached_property
    def select_columns(self) -> tuple[Any, ...]:
        """The row class's columns of the stored fields, in ``stored_fields`` order: a Core ``select`` of
        these reads a model's values without building an ORM object per row (``from_values``)."""
        return tuple(getattr(self.row, f) for f in self.stored_fields)

    def from_values(self, values: Sequence[Any], **not_stored: Any) -> M:
        """The dataclass for one result row of ``select(*select_columns)`` (values in that order).

        Same values as ``to_model`` of the ORM row: the column types convert them the same way, and the
        same ``conversions`` apply. Reads of thousands of rows (a chunk's documents, a story batch's claims
        and events) spent most of their time building ORM objects they never used as such.
        """
        conv = self.conversions
        return self.model(**{f: conv[f].from_column(v) if f in conv else v
                             for f, v in zip(self.stored_fields, values, strict=True)}, **not_stored)

    def to_model(self, row: Base, **not_stored: Any) -> M:
        """The dataclass a row stands for; ``not_stored`` supplies fields read from elsewhere."""
        conv = self.conversions
        kwargs = {f: conv[f].from_column(getattr(row, f)) if f in conv else getattr(row, f)
                  for f in self.stored_fields}
        return self.model(**kwargs, **not_stored)


DOCUMENT = ModelMapping(Document, DocumentRow, {"removed_lines": JSON_LIST},
                        row_only=frozenset({"norm_text", "stage", "signature", "seq", "ingested_at"}))
MENTION = ModelMapping(Mention, MentionRow, row_only=frozenset({"id"}))
ENTITY = ModelMapping(Entity, EntityRow, {"aliases": JSON_LIST, "titles": JSON_LIST},
                      not_stored={"mentions": "rows of the mentions table (Store.mentions(entity_id=...))"},
                      row_only=frozenset({"mention_count", "best_confidence", "norm_names"}))
TIMEX = ModelMapping(TimeExpression, TimexRow, row_only=frozenset({"id"}))
EVENT = ModelMapping(Event, EventRow, {"actors": JSON_LIST, "targets": JSON_LIST, "actor_spans": JSON_LIST,
                                       "target_spans": JSON_LIST})
CLAIM = ModelMapping(Claim, ClaimRow)
CONFLICT = ModelMapping(Conflict, ConflictRow, {"values": JSON_DICT, "outlets": JSON_DICT},
                        row_only=frozenset({"created_change"}))
SKIP = ModelMapping(Skip, SkipRow, row_only=frozenset({"id", "at"}))
STORY = ModelMapping(Story, StoryRow,
                     {"summary": json_records(SummarySentence), "timeline": json_records(TimelineEntry)},
                     not_stored={"doc_ids": "members are the documents whose story_id is the story "
                                            "(one source of truth, updated by assign_stories)"},
                     row_only=frozenset({"size", "outlets", "storyline_id", "conflict_count", "created_change",
                                         "updated_change"}))
STORYLINE = ModelMapping(Storyline, StorylineRow, {"story_ids": JSON_LIST, "outlets": JSON_LIST},
                         row_only=frozenset({"created_change", "updated_change"}))

MAPPINGS: tuple[ModelMapping, ...] = (DOCUMENT, MENTION, ENTITY, TIMEX, EVENT, CLAIM, CONFLICT, SKIP, STORY,
                                      STORYLINE)
# dataclasses stored inside another model's JSON column rather than in a table of their own
NESTED = {SummarySentence: STORY, TimelineEntry: STORY}
