"""One story per event, storylines per affair: main-event acts, event days, storylines end to end."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rasid.models import Document, Event, Storyline, TimeExpression
from rasid.serve.api import create_app
from rasid.serve.cli import app
from rasid.serve.export import SCHEMA_VERSION, build_export, build_tables
from rasid.store import Store
from rasid.stories.cluster import StoryClusterer, storyline_map
from rasid.stories.embed import Embedder
from rasid.stories.mainevent import headline_act, main_event
from rasid.stories.storylines import build_storyline
from tests.test_cluster import CALL, QUAKE, VISIT, doc

QUAKE_TOLL = [
    doc("toll-1", "2026-01-30", "ارتفاع حصيلة ضحايا زلزال ملاطية إلى 12 قتيلا",
        "ارتفعت حصيلة ضحايا الزلزال الذي ضرب ولاية ملاطية في شرق تركيا فجر الخميس بقوة 5.6 درجة إلى 12 قتيلا "
        "وعشرات الجرحى، وفق إدارة الكوارث التركية آفاد، فيما تتواصل عمليات البحث تحت الأنقاض.", "aawsat"),
    doc("toll-2", "2026-01-31", "زلزال ملاطية: فرق الإنقاذ تنتشل ناجين والحصيلة 19 قتيلا",
        "انتشلت فرق الإنقاذ التركية ناجين من تحت أنقاض مبان انهارت في زلزال ملاطية، وارتفعت حصيلة القتلى إلى 19 "
        "بحسب إدارة الكوارث آفاد، بعد الزلزال الذي بلغت قوته 5.6 درجة وشعر به سكان حلب وإدلب.", "enab"),
]
OTHER_QUAKE = doc("quake-peru", "2026-01-30", "زلزال بقوة 6.1 درجة يضرب جنوب البيرو",
                  "ضرب زلزال بقوة 6.1 درجة منطقة أريكيبا في جنوب البيرو مساء الجمعة، وقال المعهد الجيوفيزيائي "
                  "إنه لم ترد أنباء عن ضحايا أو أضرار.", "afp")


@pytest.fixture(scope="module")
def lexical() -> Embedder:
    return Embedder.load("none")


def extracted(docs: list[Document]) -> tuple[dict, dict, dict]:
    """Mentions (resolved), dates and coded events per doc, from rasid's own extractors (as the pipeline)."""
    from rasid.extract.entities import EntityResolver
    from rasid.extract.events.coder import EventCoder
    from rasid.extract.ner import NerTagger
    from rasid.extract.temporal import find_dates

    tagger, coder, resolver = NerTagger.load(), EventCoder.load(), EntityResolver()
    mentions, timexes, events = {}, {}, {}
    for d in docs:
        m = tagger.tag(d.id, d.text)
        resolver.resolve(m, texts={d.id: d.text})
        t = find_dates(d.id, d.text, d.published)
        mentions[d.id], timexes[d.id], events[d.id] = m, t, coder.code(d, m, t)
    return mentions, timexes, events


def test_headline_acts_name_the_event() -> None:
    assert headline_act("الرئيس الشرع يتلقى اتصالاً هاتفياً من الرئيس بوتين")[0] == "consult-phone"
    assert headline_act("الشرع يصل إلى موسكو في زيارة رسمية ويلتقي الرئيس بوتين")[0] == "consult-visit"
    # the first-named act decides; a death toll yields to the act that caused it
    assert headline_act("استقالة الحكومة المصرية وتكليف مدبولي بتشكيل حكومة جديدة")[0] == "concede-resign"
    assert headline_act("تكليف مدبولي بتشكيل الحكومة بعد استقالة شريف إسماعيل")[0] == "agree-appoint"
    assert headline_act("مقتل 35 مهاجرا بعد غرق قاربهم قبالة تونس")[0] == "disaster-shipwreck"
    # a short tag before «:» names the affair, the act comes after it; a speaker with no act is a statement
    assert headline_act("قمة ترامب وكيم: الزعيمان يصلان إلى سنغافورة")[0] == "consult-visit"
    assert headline_act("ماتيس: نريد خطوات لا رجعة فيها")[0] == "statement-speech"
    assert headline_act("ارتفاع أسعار النفط") is None


def test_main_event_day_is_the_day_the_lead_names_not_a_since_or_the_type_of_a_lead_event() -> None:
    d = Document(id="q", text="بدأت القوات الروسية منذ يوم السبت سحب عناصرها من مطار القامشلي.", raw_text="",
                 source_path="", fmt="txt", title="القوات الروسية تنسحب من القامشلي",
                 published=datetime(2026, 1, 26))
    since = TimeExpression("q", d.text.index("يوم السبت"), d.text.index("يوم السبت") + 9, "يوم السبت",
                           "2026-01-24", "day", "past")
    me = main_event(d, [], [since])
    assert me.act == "retreat-withdraw" and me.type == "RETREAT" and me.date is None  # «منذ»: still going on
    untitled = Document(id="u", text="نظم آلاف المتظاهرين مسيرة في عمّان.", raw_text="", source_path="", fmt="txt")
    ev = Event(id="u:ev0", doc_id="u", type="PROTEST", sent_start=0, sent_end=30, mode="demo",
               actors=["org:x"], place="loc:amman")
    got = main_event(untitled, [ev], [])
    assert got.act == "protest-demo" and got.place == "loc:amman" and got.actors == {"org:x"}


def test_call_and_visit_of_the_same_leaders_are_two_stories_of_one_storyline(lexical: Embedder) -> None:
    c = StoryClusterer(embedder=lexical)
    got = c.add(CALL + VISIT, {}, {})
    call, visit = got["call-rt"], got["visit-rt"]
    assert call != visit
    assert {got[d.id] for d in CALL} == {call} and {got[d.id] for d in VISIT} == {visit}
    assert c.storyline_of(call) == c.storyline_of(visit) == "l-" + call  # named after its first story


def test_quake_toll_updates_stay_one_story_and_another_quake_does_not_join(lexical: Embedder) -> None:
    docs = QUAKE + QUAKE_TOLL + [OTHER_QUAKE] + VISIT + CALL
    mentions, timexes, events = extracted(docs)
    c = StoryClusterer(embedder=lexical)
    got = c.add(docs, mentions, timexes, events=events)
    assert len({got[d.id] for d in QUAKE + QUAKE_TOLL}) == 1  # a long physical event, two days of updates
    assert got["quake-peru"] != got["quake-1"]  # same act, same day, another place: another event
    assert got["call-rt"] != got["visit-rt"] and c.storyline_of(got["call-rt"]) == c.storyline_of(got["visit-rt"])
    assert c.storyline_of(got["visit-rt"]) != c.storyline_of(got["quake-1"])


def test_storylines_survive_dump_and_load_and_state_version_1_loads(lexical: Embedder) -> None:
    c = StoryClusterer(embedder=lexical)
    c.add(CALL, {}, {})
    resumed = StoryClusterer.load(c.dump(), embedder=lexical)
    got = resumed.add(VISIT, {}, {})
    assert resumed.storyline_of(got["visit-rt"]) == "l-s-call-rt"
    assert storyline_map(resumed.dump())[got["visit-rt"]] == "l-s-call-rt"


def test_build_storyline_orders_stories_in_time_and_names_it_after_the_biggest() -> None:
    from rasid.models import StoryBrief

    call = StoryBrief("s-call", "اتصال هاتفي", 2, ("rt",), datetime(2026, 1, 26), datetime(2026, 1, 26))
    visit = StoryBrief("s-visit", "زيارة الشرع إلى موسكو", 4, ("sana", "rt"), datetime(2026, 1, 28),
                       datetime(2026, 1, 29))
    line = build_storyline("l-s-call", [visit, call])
    assert line == Storyline("l-s-call", ["s-call", "s-visit"], "زيارة الشرع إلى موسكو", datetime(2026, 1, 26),
                             datetime(2026, 1, 29), ["rt", "sana"], 6)


# ---- stored, exported, served -----------------------------------------------------------------
def test_storylines_export_api_cli_round_trip(demo_db: Path) -> None:
    store = Store(demo_db)
    lines = store.storylines()
    assert lines and sum(len(line.story_ids) for line in lines) == len(store.stories())
    visit_line = max(lines, key=lambda line: (len(line.story_ids), line.size))
    briefs = {b.id: b for b in store.story_briefs(story_ids=visit_line.story_ids)}
    firsts = [briefs[s].first_date for s in visit_line.story_ids]
    assert firsts == sorted(firsts) and visit_line.id == "l-" + visit_line.story_ids[0]

    exported = build_export(store)
    assert exported["schema_version"] == SCHEMA_VERSION == 5
    by_id = {x["id"]: x for x in exported["storylines"]}
    assert by_id[visit_line.id]["stories"] == visit_line.story_ids
    assert {s["storyline"] for s in exported["stories"]} == set(by_id)
    csv_rows = build_tables(store)["storylines"]
    assert json.loads(next(r for r in csv_rows if r["id"] == visit_line.id)["stories"]) == visit_line.story_ids

    client = TestClient(create_app(store), base_url="http://localhost")  # the Host check answers loopback names
    listing = client.get("/api/storylines").json()
    assert listing["total"] == len(lines) and listing["items"][0]["id"] == lines[0].id
    detail = client.get(f"/api/storylines/{visit_line.id}").json()["storyline"]
    assert [s["id"] for s in detail["timeline"]] == visit_line.story_ids
    assert detail["timeline"][0]["title"]
    assert client.get("/api/storylines/l-none").status_code == 404
    story = client.get(f"/api/stories/{visit_line.story_ids[-1]}").json()["story"]
    assert story["storyline"] == visit_line.id

    runner = CliRunner()
    out = runner.invoke(app, ["storylines", "--db", str(demo_db)])
    assert out.exit_code == 0 and "storylines" in out.output
    one = runner.invoke(app, ["storyline", visit_line.id, "--db", str(demo_db)], env={"COLUMNS": "300"})
    assert one.exit_code == 0 and all(s in one.output for s in visit_line.story_ids)
    assert runner.invoke(app, ["storyline", "l-none", "--db", str(demo_db)]).exit_code == 1


def test_old_database_gets_the_storylines_table(tmp_path: Path, demo_corpus: Path) -> None:
    from rasid.run.pipeline import run

    db = tmp_path / "old.db"
    Store(db).close()
    con = sqlite3.connect(db)  # a store of schema version 1: no storylines table, no stories.storyline_id
    con.execute("DROP TABLE storylines")
    con.execute("DROP INDEX IF EXISTS ix_stories_storyline_id")
    con.execute("ALTER TABLE stories DROP COLUMN storyline_id")
    con.commit()
    con.close()
    store = Store(db)
    run([demo_corpus / "sana", demo_corpus / "rt_arabic"], store)
    lines = store.storylines()
    assert lines and {s for line in lines for s in line.story_ids} == {s.id for s in store.stories()}
    store.close()
