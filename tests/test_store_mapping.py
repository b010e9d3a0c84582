"""Row ↔ dataclass mapping: every model field has a column (or a stated reason not to), and survives the store.

Why: the mappers are derived from ``dataclasses.fields``; these tests fail when a field is added to
``rasid.models`` without a column, a conversion for a JSON column, or a reason it is not stored.
``samples`` feeds the round trip on every backend in ``test_store_backends.py``.
"""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import fields, make_dataclass
from datetime import datetime

import pytest

import rasid.models
from rasid.models import (
    Claim,
    Conflict,
    Document,
    Entity,
    Event,
    Mention,
    RawArticle,
    Skip,
    Story,
    StoryBrief,
    Storyline,
    SummarySentence,
    TimeExpression,
    TimelineEntry,
)
from rasid.store.mapping import DOCUMENT, EVENT, MAPPINGS, NESTED, ModelMapping
from rasid.store.schema import DocumentRow, EventRow

TEXT = ("وصل الرئيس السوري أحمد الشرع إلى موسكو يوم الأربعاء في زيارة رسمية.\n"
        "وقال المتحدث باسم الكرملين دميتري بيسكوف إن الزيارة زيارة عمل.")
# RawArticle: read from inputs, turned into a Document before anything is stored;
# StoryBrief: a read-only projection of a stored story (Store.story_briefs), what a storyline is built from.
NOT_PERSISTED = {RawArticle, StoryBrief}


@pytest.mark.parametrize("mapping", MAPPINGS, ids=lambda m: m.model.__name__)
def test_every_field_and_column_is_accounted_for(mapping: ModelMapping) -> None:
    assert mapping.problems() == []


def test_every_model_is_stored_somewhere() -> None:
    models = {c for _, c in inspect.getmembers(rasid.models, dataclasses.is_dataclass)
              if c.__module__ == "rasid.models"}
    covered = {m.model for m in MAPPINGS} | set(NESTED) | NOT_PERSISTED
    assert models - covered == set(), "a new model needs a ModelMapping (or a place in NESTED/NOT_PERSISTED)"


def test_a_new_field_without_a_column_is_reported() -> None:
    extended = make_dataclass("ScoredDocument", [("sentiment", float, 0.0)], bases=(Document,))
    mapping = ModelMapping(extended, DocumentRow, DOCUMENT.conversions, row_only=DOCUMENT.row_only)
    assert mapping.problems() == [
        "ScoredDocument.sentiment has no column in 'documents': add one, or say why in not_stored"]


def test_a_json_column_without_conversion_is_reported() -> None:
    problems = ModelMapping(Event, EventRow).problems()
    assert [p.split(" ")[0] for p in problems] == ["Event.actors", "Event.targets", "Event.actor_spans",
                                                   "Event.target_spans"]
    assert EVENT.problems() == []


def _offsets(surface: str) -> tuple[int, int]:
    i = TEXT.index(surface)
    return i, i + len(surface)


def samples() -> dict[type, object]:
    """One instance of each stored model with every field set away from its default."""
    s, e = _offsets("موسكو")
    q0, q1 = _offsets("إن الزيارة زيارة عمل")
    published = datetime(2026, 1, 28, 9, 30)
    doc = Document(id="sana-1", text=TEXT, raw_text="رأس الصفحة\n" + TEXT, source_path="sana/1.html", fmt="html",
                   title="الشرع في موسكو", url="https://sana.sy/?p=1", outlet="sana", published=published,
                   date_source="html-meta", language="ar", content_hash="c1", raw_hash="r1",
                   inferred_from=datetime(2026, 1, 27), inferred_to=datetime(2026, 1, 29),
                   removed_lines=["رأس الصفحة"], duplicate_of="rt-1", duplicate_score=0.93, story_id="s-visit",
                   published_offset_minutes=120)
    mention = Mention("sana-1", s, e, "موسكو", "LOC", entity_id="loc:moscow", confidence=0.8)
    entity = Entity(id="loc:moscow", type="LOC", name="موسكو", aliases=["موسكو", "مسكو"], confidence=0.9,
                    lat=55.75, lon=37.62, country="RU", geonames_id=524901, titles=["العاصمة الروسية"])
    timex = TimeExpression("sana-1", *_offsets("يوم الأربعاء"), "يوم الأربعاء", "2026-01-28", "week", "past",
                           value_end="2026-01-29")
    event = Event(id="ev-1", doc_id="sana-1", type="CONSULT", sent_start=0, sent_end=TEXT.index("\n"),
                  trigger="وصل", mode="visit", cameo="042", actors=["per:sharaa"], targets=["loc:moscow"],
                  place="loc:moscow", date="2026-01-28", date_end="2026-01-29", granularity="day",
                  background=True, confidence=0.7, status="planned", actor_spans=[[18, 28]],
                  target_spans=[[33, 38]])
    claim = Claim(id="cl-1", doc_id="sana-1", start=q0, end=q1, text=TEXT[q0:q1], outlet="sana",
                  speaker="per:peskov", speaker_text="دميتري بيسكوف", story_id="s-visit", slot="visit_type",
                  value="عمل", group="g-1")
    conflict = Conflict(id="cf-1", story_id="s-visit", slot="visit_type",
                        values={"رسمية": ["cl-0"], "عمل": ["cl-1"]}, outlets={"رسمية": ["sana"], "عمل": ["rt"]})
    skip = Skip(source_path="bad.html", reason="no Arabic text", doc_id="bad-1")
    story = Story(id="s-visit", doc_ids=["sana-1"], title="الشرع في موسكو",
                  summary=[SummarySentence("sana-1", 0, 10, TEXT[:10])],
                  timeline=[TimelineEntry("2026-01-28", TEXT[:10], "sana-1", 0, 10, event_id="ev-1",
                                          background=True, sources=["sana"], date_end="2026-01-29",
                                          granularity="day")],
                  first_date=published, last_date=datetime(2026, 1, 29, 12))
    storyline = Storyline(id="l-s-visit", story_ids=["s-visit", "s-call"], title="الشرع في موسكو",
                          first_date=published, last_date=datetime(2026, 1, 30), outlets=["rt", "sana"], size=3)
    return {type(x): x for x in (doc, mention, entity, timex, event, claim, conflict, skip, story, storyline)}


def test_nested_records_are_stored_as_asdict_gives_them() -> None:
    """The summary and timeline records are written with their field names, not ``asdict``: the same dicts
    (keys in order, list fields copied, so the column never shares the model's list)."""
    story = samples()[Story]
    from rasid.store.mapping import STORY

    for name in ("summary", "timeline"):
        records = getattr(story, name)
        column = STORY.conversions[name].to_column(records)
        assert column == [dataclasses.asdict(r) for r in records]
        assert [list(d) for d in column] == [list(dataclasses.asdict(r)) for r in records]
    entry = story.timeline[0]
    stored = STORY.conversions["timeline"].to_column([entry])[0]
    assert stored["sources"] == ["sana"] and stored["sources"] is not entry.sources
    assert STORY.conversions["timeline"].from_column([stored]) == [entry]


def test_samples_set_every_field_away_from_its_default() -> None:
    """Otherwise a field dropped by the store would read back as its default and the round trip would pass."""
    for obj in samples().values():
        for f in fields(obj):
            if f.default is not dataclasses.MISSING:
                assert getattr(obj, f.name) != f.default, f"{type(obj).__name__}.{f.name}"
            elif f.default_factory is not dataclasses.MISSING and f.name != "mentions":
                assert getattr(obj, f.name) != f.default_factory(), f"{type(obj).__name__}.{f.name}"


def test_every_public_store_method_says_what_and_why() -> None:
    from rasid.store import Store

    bare = [name for name, member in vars(Store).items()
            if not name.startswith("_") and not (inspect.getdoc(member) or "").strip()]
    assert bare == []


def test_sqlite_tuple_inserts_store_what_core_inserts(tmp_path) -> None:
    """``save_extraction`` hands SQLite tuples built by the mapping's conversions and the column types' bind
    processors (JSON lists, booleans, floats, NULLs); every stored value and type must equal what Core's
    parameter dicts stored, in the same row order, for each table it writes that way."""
    import sqlite3

    from rasid.store import Store
    from rasid.store.facade import _bulk_insert, _insert_models
    from rasid.store.mapping import CLAIM, MENTION, TIMEX

    base = samples()
    second_event = dataclasses.replace(base[Event], id="ev-2", actors=[], mode=None, background=False,
                                       actor_spans=[], date=None, confidence=1.0)
    cases = [(MENTION, [base[Mention], dataclasses.replace(base[Mention], entity_id=None, start=0, end=3)]),
             (TIMEX, [base[TimeExpression]]), (EVENT, [base[Event], second_event]), (CLAIM, [base[Claim]])]
    dumps = []
    for fast in (True, False):
        db = tmp_path / f"{fast}.db"
        store = Store(db)
        with store.session() as s, s.begin():
            for mapping, objs in cases:
                if fast:
                    _insert_models(s, mapping, objs)
                else:
                    _bulk_insert(s, mapping.row, [mapping.values(o) for o in objs])
        con = sqlite3.connect(db)
        dumps.append({m.row.__tablename__: con.execute(
            "SELECT " + ", ".join(f'"{c.name}", typeof("{c.name}")' for c in m.row.__table__.columns)
            + f" FROM {m.row.__tablename__} ORDER BY rowid").fetchall() for m, _ in cases})
        con.close()
    assert dumps[0] == dumps[1]
    assert len(dumps[0]["events"]) == 2 and '"per:sharaa"' in str(dumps[0]["events"][0])
    stored = Store(tmp_path / "True.db")
    assert [e.actors for e in stored.events(["sana-1"])] == [["per:sharaa"], []]


def test_sqlite_executemany_writes_what_core_writes(tmp_path) -> None:
    """``_executemany`` (tuples on SQLite) against Core's ``execute`` of the same statement and rows: an
    INSERT of stories and conflicts (JSON columns, a NULL date, a JSON value that is None), an UPDATE by id,
    and an INSERT that leaves a column to its Python-side default (which must go through Core)."""
    import sqlite3

    from sqlalchemy import bindparam, insert, update

    from rasid.store import Store
    from rasid.store.facade import _executemany
    from rasid.store.mapping import CONFLICT, STORY
    from rasid.store.schema import ConflictRow, MentionRow, StoryRow

    base = samples()
    story = STORY.values(base[Story]) | {"size": 2, "outlets": ["sana"], "updated_change": 3, "created_change": 3,
                                         "conflict_count": 1}
    bare = story | {"id": "s-2", "first_date": None, "summary": None, "outlets": []}
    conflict = CONFLICT.values(base[Conflict]) | {"created_change": 3}
    renamed = {"_id": "s-2", "title": "زلزال في حلب", "timeline": [], "size": 5}
    mention = {"doc_id": "sana-1", "entity_id": None, "start": 0, "end": 3, "text": "وصل", "type": "PER"}
    dumps = []
    for fast in (True, False):
        db = tmp_path / f"{fast}.db"
        with Store(db).session() as s, s.begin():
            conn = s.connection()
            run = _executemany if fast else (lambda c, stmt, rows: c.execute(stmt, rows))
            run(conn, insert(StoryRow), [story, bare])
            run(conn, insert(ConflictRow), [conflict])
            run(conn, update(StoryRow).where(StoryRow.id == bindparam("_id")), [renamed])
            run(conn, insert(MentionRow), [mention])  # confidence: the column's default 1.0
        con = sqlite3.connect(db)
        dumps.append([con.execute(f"SELECT *, {', '.join(f'typeof({c.name!r})' for c in t.__table__.columns)} "
                                  f"FROM {t.__tablename__} ORDER BY rowid").fetchall()
                      for t in (StoryRow, ConflictRow, MentionRow)])
        con.close()
    assert dumps[0] == dumps[1]
    stories, _, mentions = dumps[0]
    assert len(stories) == 2 and "زلزال في حلب" in stories[1] and 5 in stories[1]
    assert mentions[0][:8] == (1, "sana-1", None, 0, 3, "وصل", "PER", 1.0)
