"""Shared serializers: the API, the JSON export and the CSV tables show the same facts with their own field lists."""

from __future__ import annotations

from datetime import datetime

import pytest

from rasid.models import Document, Entity, Event, Mention, Story, TimelineEntry
from rasid.serve.serialize import DOCUMENT, ENTITY, EVENT, STORY, Serializer, jsonable

TEXT = "وصل الرئيس السوري أحمد الشرع إلى موسكو يوم الأربعاء.\nوقال الكرملين إن الزيارة زيارة عمل."
SENT_END = TEXT.index("\n")
EVENT_1 = Event(id="ev-1", doc_id="sana-1", type="CONSULT", sent_start=0, sent_end=SENT_END, trigger="وصل",
                actors=["per:sharaa"], place="loc:moscow", confidence=0.7)


def test_event_shows_its_sentence_and_only_the_api_shows_confidence() -> None:
    api = EVENT(EVENT_1, "api", text=TEXT, story="s-visit")
    export = EVENT(EVENT_1, "export", text=TEXT, story="s-visit")
    assert api["sentence"] == {"start": 0, "end": SENT_END, "text": "وصل الرئيس السوري أحمد الشرع إلى موسكو يوم الأربعاء."}
    assert api["confidence"] == 0.7 and "confidence" not in export
    assert {k: v for k, v in api.items() if k != "confidence"} == {
        k: v for k, v in export.items() if k not in ("actor_spans", "target_spans")}
    assert list(export)[10:15] == ["date", "date_end", "granularity", "background", "doc"]
    assert list(export)[15] == "story" and export["story"] == "s-visit"
    assert export["status"] == "occurred" and export["actor_text"] == []


def test_event_roles_as_written_come_from_their_spans() -> None:
    """A common-noun actor has no entity id; its text is cut from the document by its span."""
    s = TEXT.index("أحمد الشرع")
    ev = Event(id="ev-2", doc_id="sana-1", type="CONSULT", sent_start=0, sent_end=SENT_END, trigger="وصل",
               status="planned", actor_spans=[[s, s + len("أحمد الشرع")]])
    api = EVENT(ev, "api", text=TEXT, story=None)
    assert api["actor_text"] == ["أحمد الشرع"] and api["status"] == "planned"
    assert EVENT(ev, "export", text=TEXT, story=None)["actor_spans"] == [[s, s + len("أحمد الشرع")]]


def test_csv_flattens_the_event_sentence_into_columns() -> None:
    row = EVENT(EVENT_1, "csv", text=TEXT, story=None)
    assert list(row)[-3:] == ["sentence_start", "sentence_end", "sentence"]
    assert TEXT[row["sentence_start"]:row["sentence_end"]] == row["sentence"]
    assert EVENT.keys("csv")[-1] == "sentence"


def test_export_entities_add_titles_and_mentions_api_adds_count() -> None:
    e = Entity(id="per:peskov", type="PER", name="دميتري بيسكوف", titles=["المتحدث باسم الكرملين"])
    m = Mention("rt-1", 10, 23, "دميتري بيسكوف", "PER", entity_id=e.id, confidence=0.9)
    export = ENTITY(e, "export", mentions=[m])
    api = ENTITY(e, "api", mention_count=1)
    assert export["titles"] == ["المتحدث باسم الكرملين"] and "titles" not in api
    assert export["mentions"] == [{"doc": "rt-1", "start": 10, "end": 23, "text": "دميتري بيسكوف", "confidence": 0.9}]
    assert api["mention_count"] == 1 and "mentions" not in api
    assert "mentions" not in ENTITY(e, "csv")


def test_document_listing_omits_the_text_and_export_orders_keys_its_own_way() -> None:
    d = Document(id="sana-1", text=TEXT, raw_text=TEXT, source_path="sana/1.txt", fmt="txt", outlet="sana",
                 published=datetime(2026, 1, 28, 9, 30), inferred_from=datetime(2026, 1, 27),
                 inferred_to=datetime(2026, 1, 29), removed_lines=["اقرأ أيضاً", "شارك"], story_id="s-visit")
    brief, full, export = DOCUMENT(d, "api_brief"), DOCUMENT(d, "api"), DOCUMENT(d, "export")
    assert "text" not in brief and full["text"] == export["text"] == TEXT
    assert brief["published"] == "2026-01-28T09:30:00" and brief["story"] == "s-visit"
    assert brief["published_inferred"] == ["2026-01-27T00:00:00", "2026-01-29T00:00:00"]
    assert full["removed_lines"] == 2  # how many lines were removed, not their text
    assert list(export).index("text") == list(export).index("language") + 1  # the stable export order
    assert list(full)[-3:] == ["text", "source_path", "removed_lines"]


def test_story_nests_its_timeline_as_plain_json() -> None:
    entry = TimelineEntry("2026-01-28", "وصل الرئيس السوري", "sana-1", 0, 17, sources=["sana", "rt_arabic"],
                          date_end="2026-01-29", granularity="day")
    s = Story(id="s-visit", doc_ids=["sana-1", "rt-1"], title="الشرع في موسكو", timeline=[entry],
              last_date=datetime(2026, 1, 29))
    api = STORY(s, "api", outlets=["rt_arabic", "sana"], storyline="l-s-call")
    assert api["size"] == 2 and "size" not in STORY(s, "export", outlets=[], storyline=None)
    assert api["storyline"] == "l-s-call"
    assert list(api["timeline"][0])[:3] == ["date", "date_end", "granularity"]
    assert api["timeline"] == [jsonable(entry)] == [{"date": "2026-01-28", "date_end": "2026-01-29",
                                                      "granularity": "day", "text": "وصل الرئيس السوري",
                                                      "doc_id": "sana-1", "start": 0, "end": 17, "event_id": None,
                                                      "background": False, "sources": ["sana", "rt_arabic"]}]
    assert api["last_date"] == "2026-01-29T00:00:00" and api["first_date"] is None


def test_an_output_key_without_a_getter_is_refused() -> None:
    with pytest.raises(ValueError, match="mention_total"):
        Serializer(Entity, outputs={"api": ("id", "mention_total")})
