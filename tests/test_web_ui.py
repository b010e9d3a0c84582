"""The analyst's desk: words for people, story filters, and the web UI on a phone and a desktop.

Python tests (always run): every code rasid can emit has an Arabic label, Arabic number–noun
agreement, values shown in a source's own spelling, the stories endpoint's filters and SQL paging,
which rows of the sources table really conflict. Browser tests (headless Chromium, skipped when it is
absent) at 360/390/414 px and 1366 px: no page wider than the screen, search reachable, the
fact-highlight flow usable, no codes or ISO dates shown, date pickers in day-month-year, filters,
and back navigation restoring the scroll position. Screenshots go to ``$RASID_SCREENSHOTS``
(``RASID_SCREENSHOTS=docs/screenshots`` refreshes the committed ones).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webtools import NO_BROWSER, LiveServer, chrome

from rasid import resources
from rasid.models import Claim, Conflict, Document, Entity, Event, Mention, Story
from rasid.serve.api import create_app
from rasid.serve.display import (
    count_phrase,
    deviating_documents,
    display_slot,
    labels,
    plural_form,
    value_surface,
)
from rasid.store import Store

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("rasid_api_fixture_ui", Path(__file__).with_name("test_api.py"))
api_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_fixture)  # type: ignore[union-attr]

QAMISHLI = "s-qamishli"
QDOCS = {
    "rt-q": ("rt_arabic", datetime(2026, 1, 26), "روسيا تنقل آليات من القامشلي",
             "أعلنت وزارة الدفاع الروسية نقل 40 آلية عسكرية من مطار القامشلي إلى قاعدة حميميم.\n"
             "وقال مصدر عسكري إن القوات غادرت بعد التنسيق مع دمشق.\n"
             "ومن المقرر أن يزور وفد روسي دمشق الأسبوع المقبل."),
    "tass-q": ("tass_ar", datetime(2026, 1, 26), "قافلة روسية تغادر القامشلي",
               "غادرت قافلة من 40 آلية روسية مطار القامشلي صباح الاثنين متجهة إلى الساحل."),
    "enab-q": ("enab_baladi", datetime(2026, 1, 27), "60 آلية روسية تغادر القامشلي",
               "قال المرصد إن 60 آلية روسية غادرت القامشلي بعد أن التقى قائد القوات الروسية مسؤولين سوريين.\n"
               "ولم تعلّق وزارة الدفاع على الرقم."),
    "sana-q": ("sana", datetime(2026, 1, 29), "هزة أرضية يشعر بها سكان حلب",
               "شعر سكان حلب وإدلب بهزة أرضية بقوة 5.5 درجة مركزها ولاية ملاطية التركية."),
}


def _sp(doc: str, surface: str) -> tuple[int, int]:
    i = QDOCS[doc][3].index(surface)
    return i, i + len(surface)


def _sentence_of(doc: str, surface: str) -> tuple[int, int]:
    text = QDOCS[doc][3]
    i = text.index(surface)
    s = text.rfind("\n", 0, i) + 1
    e = text.find("\n", i)
    return s, len(text) if e < 0 else e


def build_desk_db(path: Path) -> Store:
    """The API fixture store plus a story with a disputed figure (normalised «اليه» values, one sentence with
    two slots, a place claim) and a magnitude dispute on the quake story: what the desk must show in words."""
    store = api_fixture.build_db(path)
    store.add_documents([Document(id=i, text=t, raw_text=t, source_path=f"{i}.txt", fmt="txt", title=title, outlet=o,
                                  published=p, language="ar", content_hash=i) for i, (o, p, title, t) in QDOCS.items()], {})
    qam = Entity("loc-gn173576", "LOC", "القامشلي", lat=37.0522, lon=41.2317, country="SY")
    hmeimim = Entity("loc-x-hmeimim", "LOC", "حميميم", lat=35.4011, lon=35.9486, country="SY")
    mentions = [Mention("rt-q", *_sp("rt-q", "القامشلي"), "القامشلي", "LOC", qam.id),
                Mention("rt-q", *_sp("rt-q", "حميميم"), "حميميم", "LOC", hmeimim.id),
                Mention("tass-q", *_sp("tass-q", "القامشلي"), "القامشلي", "LOC", qam.id),
                Mention("enab-q", *_sp("enab-q", "القامشلي"), "القامشلي", "LOC", qam.id)]
    rs, re_ = _sentence_of("rt-q", "أعلنت")
    ts, te = _sentence_of("tass-q", "غادرت")
    es, ee = _sentence_of("enab-q", "قال المرصد")
    qs, qe = _sentence_of("sana-q", "شعر")

    def claim(cid: str, doc: str, s: int, e: int, slot: str, value: str, speaker: str | None = None) -> Claim:
        return Claim(cid, doc, s, e, QDOCS[doc][3][s:e], outlet=QDOCS[doc][0], speaker_text=speaker,
                     story_id=QAMISHLI if doc != "sana-q" else api_fixture.QUAKE, slot=slot, value=value)

    claims = [claim("q-rt", "rt-q", rs, re_, "count", "40 اليه", "وزارة الدفاع الروسية"),
              claim("q-rt-place", "rt-q", rs, re_, "place", qam.id, "وزارة الدفاع الروسية"),
              claim("q-tass", "tass-q", ts, te, "count", "40 اليه"),
              claim("q-enab", "enab-q", es, ee, "count", "60 اليه", "المرصد"),
              claim("q-enab-mode", "enab-q", es, ee, "meeting_mode", "in_person", "المرصد"),
              claim("q-sana", "sana-q", qs, qe, "count", "5.5 درجه")]
    ps, pe = _sentence_of("rt-q", "ومن المقرر")
    d0 = QDOCS["rt-q"][3].index("دمشق الأسبوع")
    events = [Event("ev-q", "rt-q", "RETREAT", rs, re_, trigger="نقل", mode="withdraw", place=qam.id, date="2026-01-26"),
              # a planned visit and a background meeting: the UI must say «مخطط له» and «خلفية», never the codes
              Event("ev-q-plan", "rt-q", "CONSULT", ps, pe, trigger="يزور", mode="visit", status="planned",
                    actor_spans=[list(_sp("rt-q", "وفد روسي"))], target_spans=[[d0, d0 + len("دمشق")]]),
              Event("ev-q-met", "enab-q", "CONSULT", es, ee, trigger="التقى", mode="meet", background=True,
                    actor_spans=[list(_sp("enab-q", "قائد القوات الروسية"))],
                    target_spans=[list(_sp("enab-q", "مسؤولين سوريين"))])]
    store.save_extraction(list(QDOCS), mentions, [], [qam, hmeimim], events, claims)
    text_a = api_fixture.DOCS["arabiya-1"][3]
    a0 = text_a.index("ضرب")
    quake_claim = Claim("q-arabiya", "arabiya-1", a0, text_a.index("،"), text_a[a0:text_a.index("،")],
                        outlet="alarabiya", story_id=api_fixture.QUAKE, slot="count", value="5.6 درجه")
    store.save_extraction(["arabiya-1"], [api_fixture._mention("arabiya-1", "ملاطية", "LOC", "e-malatya")], [],
                          [], [], [quake_claim])
    store.assign_stories({"rt-q": QAMISHLI, "tass-q": QAMISHLI, "enab-q": QAMISHLI, "sana-q": api_fixture.QUAKE}, None)
    store.save_story(Story(QAMISHLI, title="روسيا تنقل قواتها من القامشلي", first_date=datetime(2026, 1, 26),
                           last_date=datetime(2026, 1, 27)), [c for c in claims if c.story_id == QAMISHLI],
                     [Conflict("cf-q", QAMISHLI, "count", {"40 اليه": ["q-rt", "q-tass"], "60 اليه": ["q-enab"]},
                               {"40 اليه": ["rt_arabic", "tass_ar"], "60 اليه": ["enab_baladi"]})],
                     ["enab_baladi", "rt_arabic", "tass_ar"], 3)
    store.save_story(Story(api_fixture.QUAKE, title="زلزال ملاطية", first_date=datetime(2026, 1, 29),
                           last_date=datetime(2026, 1, 29)), [quake_claim, claims[-1]],
                     [Conflict("cf-quake", api_fixture.QUAKE, "count", {"5.5 درجه": ["q-sana"], "5.6 درجه": ["q-arabiya"]},
                               {"5.5 درجه": ["sana"], "5.6 درجه": ["alarabiya"]})], ["alarabiya", "sana"], 2)
    return store


@pytest.fixture(scope="module")
def desk_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return build_desk_db(tmp_path_factory.mktemp("desk") / "desk.db")


@pytest.fixture(scope="module")
def client(desk_store: Store) -> TestClient:
    return TestClient(create_app(desk_store), base_url="http://localhost")


# ---- words for people ---------------------------------------------------------------------------
def _emittable() -> dict[str, set[str]]:
    """Every PLOVER type, event mode and claim slot/value rasid's extractors can produce, read from their sources."""
    lex = resources.load_json("event_lexicon.json")["entries"].values()
    types = {v["plover"] for v in lex} | set(resources.load_json("event_classifier.json")["models"])
    coder = (ROOT / "rasid/extract/events/coder.py").read_text(encoding="utf-8")
    modes = {v["mode"] for v in lex if v["mode"]} | set(re.findall(r'mode = "(\w+)"', coder))
    learned = resources.load_json("event_coder.json")  # the shipped learned coder's classes
    types |= set(learned["trigger"]["classes"]) - {"O"}
    modes |= (set(learned["mode"]["classes"]) | {m for ms in learned["modes"].values() for m in ms}) - {""}
    attribution = (ROOT / "rasid/extract/attribution.py").read_text(encoding="utf-8")
    slots = set(re.findall(r'out\.append\(\("(\w+)"', attribution))
    from rasid.stories.compare import CONFLICT_SLOTS
    return {"types": types, "modes": modes, "statuses": set(learned["status"]["classes"]),
            "slots": slots | CONFLICT_SLOTS,
            "meeting_mode": set(resources.lexicon_groups("meeting_modes.tsv")),
            "visit_type": set(resources.lexicon_groups("visit_types.tsv"))}


def test_every_code_rasid_can_emit_has_an_arabic_label() -> None:
    em, lab = _emittable(), labels()
    assert len(em["types"]) >= 16 and {"visit", "phone", "withdraw"} <= em["modes"]
    assert em["slots"] >= {"visit_type", "meeting_mode", "count", "date", "place"}
    arabic = re.compile(r"[\u0621-\u064A]")
    assert em["statuses"] == {"occurred", "planned", "denied", "threatened", "hypothetical"}
    for kind, table in (("types", lab["event_types"]), ("modes", lab["event_modes"]),
                        ("statuses", lab["event_statuses"]), ("slots", lab["slots"])):
        missing = sorted(em[kind] - set(table))
        assert not missing, f"no Arabic label for {kind}: {missing}"
        assert all(arabic.search(v) for v in table.values())
    assert "magnitude" in lab["slots"]
    for slot in ("meeting_mode", "visit_type"):
        assert em[slot] <= set(lab["slot_values"][slot]), slot
    # the web UI reads the same file it is served from
    assert json.loads((ROOT / "rasid/serve/web/labels.json").read_text(encoding="utf-8")) == lab


@pytest.mark.parametrize(("n", "noun", "said"), [
    (0, "قصة", "لا قصص"), (1, "قصة", "قصة واحدة"), (2, "قصة", "قصتان"), (3, "قصة", "3 قصص"), (7, "قصة", "7 قصص"),
    (10, "قصة", "10 قصص"), (11, "قصة", "11 قصة"), (99, "قصة", "99 قصة"), (100, "قصة", "100 قصة"),
    (103, "قصة", "103 قصص"), (111, "قصة", "111 قصة"),
    (0, "نتيجة", "لا نتائج"), (1, "نتيجة", "نتيجة واحدة"), (2, "نتيجة", "نتيجتان"), (5, "نتيجة", "5 نتائج"),
    (0, "مقال", "لا مقالات"), (2, "مقال", "مقالان"), (4, "مقال", "4 مقالات"), (25, "مقال", "25 مقالًا"),
    (1, "مصدر", "مصدر واحد"), (2, "مصدر", "مصدران"), (6, "مصدر", "6 مصادر"), (12, "مصدر", "12 مصدرًا"),
    (3, "مرة", "3 مرات"), (2, "مرة", "مرتان"),
])
def test_number_noun_agreement(n: int, noun: str, said: str) -> None:
    assert count_phrase(n, noun) == said


def test_plural_forms_cover_every_noun() -> None:
    assert [plural_form(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 101, 102, 110, 1000)] == [
        "zero", "one", "two", "few", "few", "many", "many", "other", "other", "other", "few", "other"]
    for noun, forms in labels()["nouns"].items():
        assert set(forms) == {"zero", "one", "two", "few", "many", "other"}, noun


def test_values_in_the_sources_own_spelling() -> None:
    c = Claim("c", "d", 0, 0, "نقل 40 آلية عسكرية من مطار القامشلي", slot="count", value="40 اليه")
    assert value_surface(c) == "40 آلية"
    c = Claim("c", "d", 0, 0, "دخلت عشرات الآليات إلى المدينة", slot="count", value="عشرات اليه")
    assert value_surface(c) == "عشرات الآليات"
    c = Claim("c", "d", 0, 0, "زلزال بقوة ٥٫٥ درجات", slot="count", value="5.5 درجه")
    assert display_slot(c.slot, c.value) == "magnitude"
    c = Claim("c", "d", 0, 0, "وقالت الرئاسة إن الزيارة رسمية", slot="visit_type", value="official")
    assert value_surface(c) == "رسمية"
    assert display_slot("count", "40 اليه") == "count"
    assert value_surface(Claim("c", "d", 0, 0, "التقى الرئيسان", slot="meeting_mode", value="in_person")) is None


def test_story_api_gives_spellings_names_and_the_articles_that_really_conflict(client: TestClient) -> None:
    d = client.get(f"/api/stories/{QAMISHLI}").json()
    cf = d["conflicts"][0]
    assert cf["display"] == {"40 اليه": "40 آلية", "60 اليه": "60 آلية"} and cf["display_slot"] == "count"
    place = next(c for c in d["claims"] if c["slot"] == "place")
    assert place["value"] == "loc-gn173576" and place["value_name"] == "القامشلي"
    assert d["conflict_documents"] == ["enab-q"]  # two outlets say 40, one says 60: only the 60 stands apart
    quake = client.get(f"/api/stories/{api_fixture.QUAKE}").json()
    assert quake["conflicts"][0]["display_slot"] == "magnitude"
    assert quake["conflicts"][0]["display"] == {"5.5 درجه": "5.5 درجة", "5.6 درجه": "5.6 درجات"}
    assert sorted(quake["conflict_documents"]) == ["arabiya-1", "sana-q"]  # one against one: both sides


def test_articles_reporting_both_values_are_not_tinted() -> None:
    claims = [{"id": "a1", "doc": "a", "outlet": "x"}, {"id": "a2", "doc": "a", "outlet": "x"},
              {"id": "b", "doc": "b", "outlet": "y"}, {"id": "c", "doc": "c", "outlet": "z"},
              {"id": "d", "doc": "d", "outlet": "w"}]
    cf = Conflict("cf", "s", "visit_type", {"official": ["a1", "b"], "working": ["a2", "c", "d"]}, {})
    assert deviating_documents([cf], claims) == ["b"]
    cf = Conflict("cf", "s", "visit_type", {"official": ["a1"], "working": ["a2", "c"]}, {})
    assert deviating_documents([cf], claims) == []  # every one-sided article agrees


# ---- finding stories: filters, sort, SQL paging -------------------------------------------------
def test_story_filters_and_sort(client: TestClient) -> None:
    def ids(**params: object) -> list[str]:
        r = client.get("/api/stories", params=params)
        assert r.status_code == 200, r.text
        return [s["id"] for s in r.json()["items"]]

    assert ids() == [api_fixture.QUAKE, api_fixture.STORY, QAMISHLI]  # newest last date first
    assert ids(outlet="tass_ar") == [QAMISHLI]
    assert ids(place="loc-gn173576") == [QAMISHLI]
    assert ids(entity="e-sharaa") == [api_fixture.STORY]
    assert ids(type="RETREAT") == [QAMISHLI]
    assert ids(type="CONSULT") == [api_fixture.STORY, QAMISHLI]
    assert set(ids(has_conflicts="true")) == {QAMISHLI, api_fixture.STORY, api_fixture.QUAKE}
    assert ids(min_size=3, sort="oldest") == [QAMISHLI, api_fixture.STORY]
    assert ids(date_from="2026-01-29") == [api_fixture.QUAKE]
    assert ids(date_to="2026-01-26") == [QAMISHLI]
    assert ids(date_from="2026-01-27", date_to="2026-01-27") == [api_fixture.STORY, QAMISHLI]  # ranges overlapping the day
    assert ids(sort="size") == [api_fixture.STORY, QAMISHLI, api_fixture.QUAKE]  # ties: newest first
    page = client.get("/api/stories", params={"limit": 1, "offset": 1, "sort": "oldest"}).json()
    assert page["total"] == 3 and [s["id"] for s in page["items"]] == [api_fixture.STORY]
    assert page["items"][0]["conflicts"] == 1
    assert client.get("/api/stories", params={"sort": "random"}).status_code == 422
    assert client.get("/api/stories", params={"date_from": "2026-02-01", "date_to": "2026-01-01"}).status_code == 400
    assert client.get("/api/stories", params={"place": "e-sharaa"}).status_code == 400
    assert client.get("/api/stories", params={"min_size": 0}).status_code == 422
    types = client.get("/api/event-types").json()
    assert {t["type"] for t in types} == {"CONSULT", "RETREAT"}


def test_story_list_never_loads_every_story(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("the story list must page in SQL")
    for name in ("story_rows", "stories", "story_doc_ids", "documents"):
        monkeypatch.setattr(Store, name, boom)
    r = client.get("/api/stories", params={"outlet": "sana", "has_conflicts": "true", "limit": 1})
    assert r.status_code == 200 and r.json()["total"] == 2


def test_events_filter_by_type_and_status(client: TestClient) -> None:
    def ids(**params: object) -> list[str]:
        r = client.get("/api/events", params={"story": QAMISHLI, **params})
        assert r.status_code == 200, r.text
        return sorted(e["id"] for e in r.json()["items"])

    assert ids() == ["ev-q", "ev-q-met", "ev-q-plan"]
    assert ids(type="CONSULT") == ["ev-q-met", "ev-q-plan"]
    assert ids(status="planned") == ["ev-q-plan"]
    assert ids(type="CONSULT", status="occurred") == ["ev-q-met"]
    assert ids(type="RETREAT", status="denied") == []
    page = client.get("/api/events", params={"story": QAMISHLI, "limit": 1, "offset": 1}).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    plan = client.get("/api/events", params={"status": "planned"}).json()["items"][0]
    assert plan["actor_text"] == ["وفد روسي"] and plan["target_text"] == ["دمشق"] and plan["story"] == QAMISHLI
    bad = client.get("/api/events", params={"status": "maybe"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_parameters"


def test_entity_stories_over_time(client: TestClient) -> None:
    d = client.get("/api/entities/loc-gn173576").json()
    assert [s["id"] for s in d["stories"]] == [QAMISHLI]
    s = d["stories"][0]
    assert s["mention_count"] == 3 and s["document_count"] == 3
    assert s["first_date"].startswith("2026-01-26") and s["last_date"].startswith("2026-01-27")
    assert d["by_date"] == [{"date": "2026-01-26", "mentions": 2}, {"date": "2026-01-27", "mentions": 1}]
    assert d["mention_total"] == 3 and [m["doc"] for m in d["mentions"]] == ["enab-q", "rt-q", "tass-q"]  # newest first
    page = client.get("/api/entities/loc-gn173576", params={"mentions_limit": 1, "mentions_offset": 1}).json()
    assert page["mention_total"] == 3 and [m["doc"] for m in page["mentions"]] == ["rt-q"]
    assert page["entity"]["mention_count"] == 3 and page["mentions"][0]["title"] == "روسيا تنقل آليات من القامشلي"


# ---- the browser ---------------------------------------------------------------------------------
try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:  # pragma: no cover - depends on the machine (NO_BROWSER then)
    pass
browser_only = pytest.mark.skipif(NO_BROWSER, reason="needs selenium, chromium and chromedriver")

PHONE, DESKTOP = (390, 844), (1366, 768)


@pytest.fixture(scope="module")
def shots() -> Path:
    out = Path(os.environ.get("RASID_SCREENSHOTS") or tempfile.mkdtemp(prefix="rasid-ui-shots-"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def live(desk_store: Store) -> Iterator[object]:
    if NO_BROWSER:
        pytest.skip("needs selenium, chromium and chromedriver")
    with LiveServer(desk_store) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if NO_BROWSER:
        pytest.skip("needs selenium, chromium and chromedriver")
    with chrome("rasid-chrome-ui-", "--hide-scrollbars") as driver:
        yield driver


def screen(driver: object, width: int, height: int) -> None:
    """Emulate a device of this CSS size (a phone: mobile viewport, touch-size fonts)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",  # type: ignore[attr-defined]
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700})


def settle(driver: object, action: object) -> None:
    driver.execute_script("document.body && (document.body.dataset.ready = '0')")  # type: ignore[attr-defined]
    action()  # type: ignore[operator]
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.body && document.body.dataset.ready === '1'"))


def open_page(driver: object, url: str) -> None:
    driver.get("about:blank")  # type: ignore[attr-defined]
    settle(driver, lambda: driver.get(url))  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(  # the map draws after the view: wait for it where there is one
        lambda d: d.execute_script("const m = document.getElementById('map'); return !m || m.querySelector('svg, .error')"))


def fits(driver: object) -> dict:
    return driver.execute_script(  # type: ignore[attr-defined]
        "return {sw: document.documentElement.scrollWidth, bw: document.body.scrollWidth, iw: window.innerWidth,"
        " sx: window.scrollX};")


def shot_of(driver: object, element_id: str, path: Path) -> None:
    """The screen with one section scrolled to its top (element screenshots come out empty under emulation)."""
    driver.execute_script("document.getElementById(arguments[0]).scrollIntoView({block: 'start'})", element_id)  # type: ignore[attr-defined]
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]


def shown_text(driver: object) -> str:
    return driver.execute_script("return document.getElementById('view').innerText")  # type: ignore[attr-defined]


PAGES = {
    "stories": "/#/",
    "story": f"/#/story/{QAMISHLI}",
    "story-visit": f"/#/story/{api_fixture.STORY}",
    "entity": "/#/entity/e-sharaa",
    "search": "/#/search?q=" + "الشرع",
    "map": "/#/map",
    "document": "/#/doc/rt-1?start=" + "{s}&end={e}",
}


def _doc_url() -> str:
    s, e = api_fixture._span("rt-1", "الزيارة زيارة عمل")
    return f"/#/doc/rt-1?start={s}&end={e}"


@browser_only
@pytest.mark.parametrize("size", [(360, 740), PHONE, (414, 896), DESKTOP])
def test_no_page_is_wider_than_the_screen(browser: object, live: object, shots: Path, size: tuple[int, int]) -> None:
    screen(browser, *size)
    for name, path in PAGES.items():
        open_page(browser, live.url + (_doc_url() if name == "document" else path))  # type: ignore[attr-defined]
        f = fits(browser)
        # a phone widens its layout viewport (zooming out) to fit wide content: innerWidth must stay the screen's
        assert f["iw"] == size[0] and f["sw"] <= f["iw"] and f["bw"] <= f["iw"], \
            f"{name} at {size[0]} px is {f['sw']} px wide (viewport {f['iw']} px)"
        box = browser.execute_script(  # type: ignore[attr-defined]
            "const r = document.querySelector('#quick-search input').getBoundingClientRect();"
            "return {l: r.left, r: r.right, w: r.width};")
        assert box["w"] > 100 and 0 <= box["l"] and box["r"] <= size[0], f"search box off screen on {name}"
        if size in (PHONE, DESKTOP):
            browser.save_screenshot(str(shots / f"ui-{name}-{size[0]}.png"))  # type: ignore[attr-defined]


@browser_only
@pytest.mark.parametrize("size", [PHONE, DESKTOP])
def test_fact_highlight_flow_on_phone_and_desktop(browser: object, live: object, shots: Path,
                                                  size: tuple[int, int]) -> None:
    screen(browser, *size)
    open_page(browser, live.url + PAGES["story-visit"])  # type: ignore[attr-defined]
    shot_of(browser, "sources", shots / f"ui-sources-{size[0]}.png")
    claim = browser.find_element(By.CSS_SELECTOR, "tr[data-doc='rt-1'] a.fact")  # type: ignore[attr-defined]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", claim)  # type: ignore[attr-defined]
    settle(browser, claim.click)
    assert browser.find_element(By.ID, "hl-span").text == "الزيارة زيارة عمل"  # type: ignore[attr-defined]
    f = fits(browser)
    assert f["sx"] == 0 and f["iw"] == size[0] and f["sw"] <= f["iw"], f"sideways scroll after the fact click: {f}"
    r = browser.execute_script(  # type: ignore[attr-defined]
        "const t = document.getElementById('doc-text').getBoundingClientRect();"
        "const s = document.getElementById('hl-sentence').getClientRects();"
        "return {left: t.left, right: t.right, lines: Array.from(s).map(x => [x.left, x.right, x.top]),"
        " h: window.innerHeight};")
    assert 0 <= r["left"] and r["right"] <= size[0]
    for left, right, _top in r["lines"]:  # every line of the highlighted sentence, its start (right) included
        assert left >= 0 and right <= size[0]
    assert any(0 <= top < r["h"] for *_x, top in r["lines"]), "highlight scrolled into view"
    browser.save_screenshot(str(shots / f"ui-fact-highlight-{size[0]}.png"))  # type: ignore[attr-defined]


@browser_only
def test_words_for_people_on_the_story_page(browser: object, live: object, shots: Path) -> None:
    screen(browser, *DESKTOP)
    open_page(browser, live.url + PAGES["story"])  # type: ignore[attr-defined]
    text = shown_text(browser)
    for code in ("count", "in_person", "loc-gn", "RETREAT", "withdraw", "meeting_mode", "اليه", "درجه", "CONSULT",
                 "planned", "meet"):
        assert code not in text, f"{code!r} shown to people"
    assert not re.search(r"\d{4}-\d\d-\d\d", text), "ISO date shown in the UI"
    conflict = browser.find_element(By.CSS_SELECTOR, "[data-conflict='cf-q']").text  # type: ignore[attr-defined]
    assert "العدد" in conflict and "40 آلية" in conflict and "60 آلية" in conflict
    assert "انسحاب · سحب" in browser.find_element(By.ID, "events").text  # type: ignore[attr-defined]
    # one sentence with two slots: listed once, both slots as tags
    items = browser.find_elements(By.CSS_SELECTOR, "tr[data-doc='enab-q'] ul.claims > li")  # type: ignore[attr-defined]
    assert len(items) == 1
    tags = [t.text for t in items[0].find_elements(By.CSS_SELECTOR, ".badge.slot")]
    assert tags == ["العدد: 60 آلية", "طريقة اللقاء: لقاء مباشر"]
    assert "المكان: القامشلي" in browser.find_element(By.CSS_SELECTOR, "tr[data-doc='rt-q']").text  # type: ignore[attr-defined]
    rows = browser.find_elements(By.CSS_SELECTOR, "table.sources tbody tr")  # type: ignore[attr-defined]
    assert [r.get_attribute("data-doc") for r in rows if "conflict" in r.get_attribute("class")] == ["enab-q"]
    assert "26 يناير 2026" in text and "3 مقالات" in text
    shot_of(browser, "conflicts", shots / "ui-conflicts.png")
    shot_of(browser, "sources", shots / "ui-sources-qamishli.png")
    open_page(browser, live.url + f"/#/story/{api_fixture.QUAKE}")  # type: ignore[attr-defined]
    conflict = browser.find_element(By.CSS_SELECTOR, "[data-conflict='cf-quake']").text  # type: ignore[attr-defined]
    assert conflict.startswith("القوة") and "5.6 درجات" in conflict and "5.5 درجة" in conflict
    open_page(browser, live.url + "/#/search?q=" + "مستحيلمستحيل")  # type: ignore[attr-defined]
    assert browser.find_element(By.ID, "search-total").text == "لا نتائج"  # type: ignore[attr-defined]


@browser_only
def test_events_in_words_and_their_filter(browser: object, live: object, shots: Path) -> None:
    screen(browser, *PHONE)
    open_page(browser, live.url + PAGES["story"])  # type: ignore[attr-defined]
    events = browser.find_element(By.ID, "events").text  # type: ignore[attr-defined]
    assert "تشاور ولقاء · زيارة" in events and "مخطط له" in events and "خلفية" in events and "3 أحداث" in events
    assert "الفاعل: وفد روسي" in events and "الطرف الآخر: مسؤولين سوريين" in events
    settle(browser, browser.find_element(By.ID, "story-events-filter").click)  # type: ignore[attr-defined]
    form = browser.find_element(By.ID, "event-filters")  # type: ignore[attr-defined]
    Select(form.find_element(By.NAME, "status")).select_by_visible_text("مخطط له")
    Select(form.find_element(By.NAME, "type")).select_by_visible_text("تشاور ولقاء")
    settle(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
    url = browser.execute_script("return location.hash")  # type: ignore[attr-defined]
    assert "status=planned" in url and "type=CONSULT" in url and f"story={QAMISHLI}" in url
    items = browser.find_elements(By.CSS_SELECTOR, "#event-list li")  # type: ignore[attr-defined]
    assert [i.get_attribute("data-event") for i in items] == ["ev-q-plan"]
    assert browser.find_element(By.ID, "events-total").text == "حدث واحد"  # type: ignore[attr-defined]
    browser.save_screenshot(str(shots / "ui-events-390.png"))  # type: ignore[attr-defined]
    open_page(browser, live.url + "/#/events")  # type: ignore[attr-defined]
    text = shown_text(browser)
    for code in ("CONSULT", "RETREAT", "planned", "occurred", "visit", "meet", "withdraw", "background", "status"):
        assert code not in text, f"{code!r} shown to people"
    assert "4 أحداث" in text  # the visit story's event too
    assert f["sw"] <= f["iw"] if (f := fits(browser)) else False


@browser_only
def test_js_agreement_helper_matches_python(browser: object, live: object) -> None:
    open_page(browser, live.url + "/#/")  # type: ignore[attr-defined]
    cases = [(n, noun) for noun in labels()["nouns"] for n in (0, 1, 2, 3, 7, 10, 11, 25, 99, 100, 101, 103, 111)]
    got = browser.execute_async_script(  # type: ignore[attr-defined]
        "const [cases, done] = arguments; import('/static/util.js').then(async (u) => {"
        " await u.loadLabels(); done(cases.map(([n, w]) => u.countPhrase(n, w))); });", cases)
    assert got == [count_phrase(n, noun) for n, noun in cases]


@browser_only
def test_story_filters_and_day_month_year_pickers(browser: object, live: object, shots: Path) -> None:
    screen(browser, *PHONE)
    open_page(browser, live.url + "/#/")  # type: ignore[attr-defined]
    assert not browser.find_elements(By.CSS_SELECTOR, "input[type=date]")  # type: ignore[attr-defined]
    box = browser.find_element(By.CSS_SELECTOR, "details.filter-box")  # type: ignore[attr-defined]
    if not box.get_attribute("open"):
        box.find_element(By.TAG_NAME, "summary").click()
    form = browser.find_element(By.ID, "story-filters")  # type: ignore[attr-defined]
    months = [o.text for o in form.find_elements(By.CSS_SELECTOR, "[data-name=date_from] .dp-month option")]
    assert months[1:4] == ["يناير", "فبراير", "مارس"]
    Select(form.find_element(By.CSS_SELECTOR, "[data-name=date_from] .dp-day")).select_by_visible_text("27")
    Select(form.find_element(By.CSS_SELECTOR, "[data-name=date_from] .dp-month")).select_by_visible_text("يناير")
    form.find_element(By.CSS_SELECTOR, "[data-name=date_from] .dp-year").send_keys("2026")
    Select(form.find_element(By.NAME, "type")).select_by_visible_text("انسحاب")
    browser.save_screenshot(str(shots / "ui-filters-390.png"))  # type: ignore[attr-defined]
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)  # type: ignore[attr-defined]
    settle(browser, button.click)
    url = browser.execute_script("return location.hash")  # type: ignore[attr-defined]
    assert "date_from=2026-01-27" in url and "type=RETREAT" in url
    rows = browser.find_elements(By.CSS_SELECTOR, ".story-list tbody tr")  # type: ignore[attr-defined]
    assert [r.get_attribute("data-story") for r in rows] == [QAMISHLI]
    assert browser.find_element(By.ID, "stories-total").text.startswith("قصة واحدة")  # type: ignore[attr-defined]
    # the chosen date is shown back in the picker, in words
    form = browser.find_element(By.ID, "story-filters")  # type: ignore[attr-defined]
    assert Select(form.find_element(By.CSS_SELECTOR, "[data-name=date_from] .dp-month")).first_selected_option.text == "يناير"
    # conflicts only, biggest first; the search page uses the same pickers
    open_page(browser, live.url + "/#/?has_conflicts=true&sort=size")  # type: ignore[attr-defined]
    rows = browser.find_elements(By.CSS_SELECTOR, ".story-list tbody tr")  # type: ignore[attr-defined]
    assert [r.get_attribute("data-story") for r in rows][-1] == api_fixture.QUAKE
    assert "3 قصص" in browser.find_element(By.ID, "stories-total").text  # type: ignore[attr-defined]
    open_page(browser, live.url + "/#/search?q=" + "آلية" + "&date_from=2026-01-27")  # type: ignore[attr-defined]
    form = browser.find_element(By.ID, "search-form")  # type: ignore[attr-defined]
    assert Select(form.find_element(By.CSS_SELECTOR, "[data-name=date_from] .dp-day")).first_selected_option.text == "27"
    assert [h.get_attribute("data-doc") for h in browser.find_elements(By.CSS_SELECTOR, "#hits li")] == ["enab-q"]  # type: ignore[attr-defined]


@browser_only
def test_back_navigation_restores_the_scroll_position(browser: object, live: object) -> None:
    screen(browser, *PHONE)
    open_page(browser, live.url + PAGES["story-visit"])  # type: ignore[attr-defined]
    link = browser.find_element(By.CSS_SELECTOR, "tr[data-doc='rt-1'] a.fact")  # type: ignore[attr-defined]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)  # type: ignore[attr-defined]
    WebDriverWait(browser, 5).until(lambda d: d.execute_script(
        "const k = history.state && history.state.rasidScroll;"
        "return k && Number(sessionStorage.getItem('rasid-scroll:' + k)) === Math.round(window.scrollY)"))
    y = browser.execute_script("return window.scrollY")  # type: ignore[attr-defined]
    assert y > 300
    settle(browser, link.click)
    assert browser.find_element(By.ID, "hl-span")  # type: ignore[attr-defined]
    settle(browser, browser.back)  # type: ignore[attr-defined]
    WebDriverWait(browser, 5).until(lambda d: abs(d.execute_script("return window.scrollY") - y) <= 2)
    # a new visit to the same page starts at the top
    settle(browser, lambda: browser.execute_script("location.hash = '#/'"))  # type: ignore[attr-defined]
    settle(browser, lambda: browser.execute_script(  # type: ignore[attr-defined]
        f"location.hash = '#/story/{api_fixture.STORY}'"))
    assert browser.execute_script("return window.scrollY") == 0  # type: ignore[attr-defined]


@browser_only
def test_entity_page_and_map_lead_to_stories(browser: object, live: object, shots: Path) -> None:
    screen(browser, *PHONE)
    open_page(browser, live.url + "/#/entity/loc-gn173576")  # type: ignore[attr-defined]
    stories = browser.find_element(By.ID, "entity-stories").text  # type: ignore[attr-defined]
    assert "روسيا تنقل قواتها من القامشلي" in stories and "ذُكر 3 مرات في 3 مقالات" in stories
    assert "26 يناير 2026 – 27 يناير 2026" in stories
    settle(browser, browser.find_element(By.ID, "entity-filter").click)  # type: ignore[attr-defined]
    rows = browser.find_elements(By.CSS_SELECTOR, ".story-list tbody tr")  # type: ignore[attr-defined]
    assert [r.get_attribute("data-story") for r in rows] == [QAMISHLI]
    place = browser.find_element(By.CSS_SELECTOR, "#story-filters select[name=place]")  # type: ignore[attr-defined]
    assert Select(place).first_selected_option.text == "القامشلي"
    open_page(browser, live.url + "/#/map")  # type: ignore[attr-defined]
    settle(browser, lambda: browser.execute_script(  # type: ignore[attr-defined]
        "location.hash = document.querySelector(\"#map .pin[data-place='loc-gn173576']\").getAttribute('href')"))
    rows = browser.find_elements(By.CSS_SELECTOR, ".story-list tbody tr")  # type: ignore[attr-defined]
    assert [r.get_attribute("data-story") for r in rows] == [QAMISHLI]
