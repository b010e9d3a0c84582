"""REST API tests on a small hand-written store: shapes, provenance offsets, search, and clear 4xx errors."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rasid.models import (
    Claim,
    Conflict,
    Document,
    Entity,
    Event,
    Mention,
    Story,
    SummarySentence,
    TimelineEntry,
)
from rasid.serve.api import create_app
from rasid.serve.search import SearchIndex, SearchQuery, find_matches, parse_terms, search
from rasid.store import Store

STORY = "s-visit"
QUAKE = "s-quake"
DOCS = {
    "sana-1": ("sana", datetime(2026, 1, 28), "الشرع يصل إلى موسكو في زيارة رسمية",
               "وصل الرئيس أحمد الشرع إلى موسكو يوم الأربعاء في زيارة رسمية يلتقي خلالها الرئيس فلاديمير بوتين.\n"
               "وقالت الرئاسة السورية إن الزيارة رسمية وتتناول التعاون الاقتصادي بين البلدين."),
    "rt-1": ("rt_arabic", datetime(2026, 1, 28), "بوتين يستقبل الشرع في الكرملين",
             "أعلن الكرملين أن الرئيس بوتين استقبل الرئيس السوري أحمد الشرع في موسكو.\n"
             "وقال المتحدث دميتري بيسكوف إن الزيارة زيارة عمل وليست زيارة رسمية."),
    "aawsat-1": ("aawsat", datetime(2026, 1, 27), "الشرع إلى موسكو الأربعاء",
                 "يتوجّه الرئيس السوري أحمد الشّرع إلى موسكو الأربعاء المقبل، وفق مصادر دبلوماسية في دمشق."),
    "arabiya-1": ("alarabiya", datetime(2026, 1, 29), "زلزال يضرب ملاطية",
                  "ضرب زلزال بقوة 5.6 درجات مدينة ملاطية التركية، وشعر به سكان في حلب وإدلب."),
}


def _span(doc_id: str, surface: str, nth: int = 0) -> tuple[int, int]:
    text = DOCS[doc_id][3]
    i = -1
    for _ in range(nth + 1):
        i = text.index(surface, i + 1)
    return i, i + len(surface)


def _sentence(doc_id: str, surface: str) -> tuple[int, int, str]:
    text = DOCS[doc_id][3]
    i = text.index(surface)
    s = text.rfind("\n", 0, i) + 1
    e = text.find("\n", i)
    e = len(text) if e < 0 else e
    return s, e, text[s:e]


def _mention(doc_id: str, surface: str, type_: str, entity: str, nth: int = 0) -> Mention:
    s, e = _span(doc_id, surface, nth)
    return Mention(doc_id, s, e, DOCS[doc_id][3][s:e], type_, entity)


def build_db(path: Path) -> Store:
    """A small, fully populated store written through the Store's own write methods."""
    store = Store(path)
    store.add_documents([Document(id=i, text=t, raw_text=t, source_path=f"{i}.txt", fmt="txt", title=title,
                                  outlet=o, published=p, language="ar", content_hash=i)
                         for i, (o, p, title, t) in DOCS.items()], {})
    entities = [
        Entity("e-sharaa", "PER", "أحمد الشرع", aliases=["الشرع"]),
        Entity("e-putin", "PER", "فلاديمير بوتين", aliases=["بوتين"]),
        Entity("e-kremlin", "ORG", "الكرملين"),
        Entity("e-moscow", "LOC", "موسكو", lat=55.7558, lon=37.6173, country="RU"),
        Entity("e-damascus", "LOC", "دمشق", lat=33.5138, lon=36.2765, country="SY"),
        Entity("e-malatya", "LOC", "ملاطية", lat=38.3552, lon=38.3095, country="TR"),
    ]
    mentions = [
        _mention("sana-1", "أحمد الشرع", "PER", "e-sharaa"), _mention("sana-1", "موسكو", "LOC", "e-moscow"),
        _mention("sana-1", "فلاديمير بوتين", "PER", "e-putin"),
        _mention("rt-1", "الكرملين", "ORG", "e-kremlin"), _mention("rt-1", "بوتين", "PER", "e-putin"),
        _mention("rt-1", "أحمد الشرع", "PER", "e-sharaa"), _mention("rt-1", "موسكو", "LOC", "e-moscow"),
        _mention("aawsat-1", "أحمد الشّرع", "PER", "e-sharaa"), _mention("aawsat-1", "موسكو", "LOC", "e-moscow"),
        _mention("aawsat-1", "دمشق", "LOC", "e-damascus"),
        _mention("arabiya-1", "ملاطية", "LOC", "e-malatya"),
    ]
    s1, e1, _ = _sentence("sana-1", "وصل الرئيس")
    events = [Event("ev-1", "sana-1", "CONSULT", s1, e1, trigger="وصل", mode="visit", actors=["e-sharaa"],
                    targets=["e-putin"], place="e-moscow", date="2026-01-28")]
    c1s, c1e = _span("sana-1", "الزيارة رسمية")
    c2s, c2e = _span("rt-1", "الزيارة زيارة عمل")
    claims = [
        Claim("c-sana", "sana-1", c1s, c1e, DOCS["sana-1"][3][c1s:c1e], outlet="sana", speaker_text="الرئاسة السورية",
              story_id=STORY, slot="visit_type", value="رسمية"),
        Claim("c-rt", "rt-1", c2s, c2e, DOCS["rt-1"][3][c2s:c2e], outlet="rt_arabic", speaker_text="دميتري بيسكوف",
              story_id=STORY, slot="visit_type", value="عمل"),
    ]
    store.save_extraction(list(DOCS), mentions, [], entities, events, claims)
    store.assign_stories({"sana-1": STORY, "rt-1": STORY, "aawsat-1": STORY, "arabiya-1": QUAKE}, None)
    story = Story(STORY, title="زيارة الشرع إلى موسكو", first_date=datetime(2026, 1, 27),
                  last_date=datetime(2026, 1, 28),
                  summary=[SummarySentence("sana-1", s1, e1, DOCS["sana-1"][3][s1:e1])],
                  timeline=[TimelineEntry("2026-01-28", DOCS["sana-1"][3][s1:e1], "sana-1", s1, e1, "ev-1",
                                          sources=["sana", "rt_arabic"])])
    conflict = Conflict("cf-1", STORY, "visit_type", {"رسمية": ["c-sana"], "عمل": ["c-rt"]},
                        {"رسمية": ["sana"], "عمل": ["rt_arabic"]})
    store.save_story(story, claims, [conflict], ["aawsat", "rt_arabic", "sana"], 3)
    q, q_end = _sentence("arabiya-1", "ضرب زلزال")[:2]
    store.save_story(Story(QUAKE, title="زلزال ملاطية", first_date=datetime(2026, 1, 29),
                           last_date=datetime(2026, 1, 29),
                           summary=[SummarySentence("arabiya-1", q, q_end, DOCS["arabiya-1"][3][q:q_end])]),
                     [], [], ["alarabiya"], 1)
    return store


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    store = build_db(tmp_path_factory.mktemp("api") / "t.db")
    return TestClient(create_app(store), base_url="http://localhost")  # the Host check answers loopback names


def test_story_list_newest_first(client: TestClient) -> None:
    r = client.get("/api/stories")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [s["id"] for s in items] == [QUAKE, STORY]
    visit = items[1]
    assert visit["size"] == 3 and visit["outlets"] == ["aawsat", "rt_arabic", "sana"]


def test_story_detail_facts_point_at_their_text(client: TestClient) -> None:
    d = client.get(f"/api/stories/{STORY}").json()
    texts = {i: v[3] for i, v in DOCS.items()}
    assert d["story"]["title"] == "زيارة الشرع إلى موسكو"
    assert [x["id"] for x in d["documents"]] == ["aawsat-1", "rt-1", "sana-1"]  # oldest first
    for s in d["story"]["summary"] + d["story"]["timeline"]:
        assert texts[s["doc_id"]][s["start"]:s["end"]] == s["text"]
    for c in d["claims"]:
        assert texts[c["doc"]][c["start"]:c["end"]] == c["text"]
    for e in d["events"]:
        assert texts[e["doc"]][e["sentence"]["start"]:e["sentence"]["end"]] == e["sentence"]["text"]
        assert e["sentence"]["text"].startswith("وصل الرئيس أحمد الشرع")
    ents = {e["id"]: e for e in d["entities"]}
    assert ents["e-sharaa"]["mention_count"] == 3 and ents["e-moscow"]["mention_count"] == 3
    fm = ents["e-sharaa"]["first_mention"]
    assert texts[fm["doc"]][fm["start"]:fm["end"]] == fm["text"]
    assert {p["id"] for p in d["places"]} == {"e-moscow", "e-damascus"}  # not the quake's Malatya
    assert d["conflicts"][0]["values"] == {"رسمية": ["c-sana"], "عمل": ["c-rt"]}


def test_document_highlight_gives_span_and_sentence(client: TestClient) -> None:
    s, e = _span("rt-1", "بيسكوف")
    d = client.get("/api/documents/rt-1", params={"start": s, "end": e}).json()
    hl = d["highlight"]
    assert d["text"][s:e] == hl["span"]["text"] == "بيسكوف"
    assert hl["sentence"]["text"] == "وقال المتحدث دميتري بيسكوف إن الزيارة زيارة عمل وليست زيارة رسمية."
    assert d["text"][hl["sentence"]["start"]:hl["sentence"]["end"]] == hl["sentence"]["text"]
    assert {m["entity_name"] for m in d["mentions"]} == {"الكرملين", "فلاديمير بوتين", "أحمد الشرع", "موسكو"}


def test_entity_page_lists_stories_over_time(client: TestClient) -> None:
    d = client.get("/api/entities/e-moscow").json()
    assert d["entity"]["name"] == "موسكو" and d["entity"]["mention_count"] == 3
    assert [s["id"] for s in d["stories"]] == [STORY]
    assert d["stories"][0]["first_date"].startswith("2026-01-27")
    assert d["by_date"] == [{"date": "2026-01-27", "mentions": 1}, {"date": "2026-01-28", "mentions": 2}]
    for m in d["mentions"]:
        assert DOCS[m["doc"]][3][m["start"]:m["end"]] == m["text"]
    lst = client.get("/api/entities", params={"type": "PER"}).json()
    assert [e["id"] for e in lst["items"]] == ["e-sharaa", "e-putin"]  # 3 mentions before 2
    assert client.get("/api/entities", params={"q": "احمد"}).json()["items"][0]["id"] == "e-sharaa"


def test_events_claims_conflicts_filters(client: TestClient) -> None:
    assert client.get("/api/events", params={"story": STORY}).json()["total"] == 1
    assert client.get("/api/events", params={"story": QUAKE}).json()["total"] == 0
    assert client.get("/api/claims", params={"doc": "rt-1"}).json()["items"][0]["value"] == "عمل"
    assert client.get("/api/conflicts", params={"story": STORY}).json()["items"][0]["slot"] == "visit_type"
    docs = client.get("/api/documents", params={"outlet": "sana"}).json()
    assert docs["total"] == 1 and "text" not in docs["items"][0]


def test_search_normalised_and_highlighted(client: TestClient) -> None:
    # query without hamza/shadda matches "أحمد الشّرع" and reports the original characters
    r = client.get("/api/search", params={"q": '"احمد الشرع"'}).json()
    assert {h["doc"] for h in r["items"]} == {"sana-1", "rt-1", "aawsat-1"}
    aw = next(h for h in r["items"] if h["doc"] == "aawsat-1")
    m = aw["matches"][0]
    assert m["text"] == "أحمد الشّرع" == DOCS["aawsat-1"][3][m["start"]:m["end"]]
    # the title hit ranks first for "موسكو زيارة رسمية"
    r = client.get("/api/search", params={"q": "موسكو رسمية"}).json()
    assert r["items"][0]["doc"] == "sana-1" and r["total"] == 2
    # filters: outlet, dates, entity, place
    assert [h["doc"] for h in client.get("/api/search", params={"q": "الشرع", "outlet": "rt_arabic"}).json()["items"]] == ["rt-1"]
    r = client.get("/api/search", params={"q": "الشرع", "date_to": "2026-01-27"}).json()
    assert [h["doc"] for h in r["items"]] == ["aawsat-1"]
    r = client.get("/api/search", params={"place": "e-damascus"}).json()
    assert [h["doc"] for h in r["items"]] == ["aawsat-1"]
    r = client.get("/api/search", params={"q": "زيارة", "entity": "e-kremlin"}).json()
    assert [h["doc"] for h in r["items"]] == ["rt-1"]
    assert client.get("/api/search", params={"q": "طوكيو"}).json()["total"] == 0


def test_search_module_directly(tmp_path: Path) -> None:
    store = build_db(tmp_path / "s.db")
    res = search(store, SearchQuery(q="زلزال", limit=5))
    assert res.total == 1 and res.hits[0].doc_id == "arabiya-1"
    sn = res.hits[0].snippet
    assert DOCS["arabiya-1"][3][sn.start:sn.end] == sn.text and "زلزال" in sn.text
    assert parse_terms('زيارة "رسمية" ، زيارة') == ["زياره", "رسميه"]
    text = "قالت وزارة الخارجيّة إن الخارجية"
    assert [m.text for m in find_matches(text, ["الخارجيه"])] == ["الخارجيّة", "الخارجية"]


def test_fulltext_index_agrees_with_plain_scan_and_catches_up(tmp_path: Path) -> None:
    store = build_db(tmp_path / "i.db")
    index = SearchIndex.load(store)
    assert index.enabled  # SQLite with FTS5 trigram
    queries = ["موسكو", "الشرع زيارة", '"زيارة عمل"', "في", "وس", "كرملين", "درجات", "طوكيو", "٥.٦"]
    for q in queries:
        plain = search(store, SearchQuery(q=q, limit=50))
        fast = search(store, SearchQuery(q=q, limit=50), index)
        assert {h.doc_id for h in fast.hits} == {h.doc_id for h in plain.hits}, q
        assert fast.total == plain.total, q
    # a document stored after the index was built is found (the index syncs by rowid on each search)
    text = "وصل وفد من الكرملين إلى طوكيو لإجراء محادثات."
    store.add_documents([Document(id="late-1", text=text, raw_text=text, source_path="late.txt", fmt="txt",
                                  outlet="tass_ar", published=datetime(2026, 1, 30), content_hash="late")], {})
    assert [h.doc_id for h in search(store, SearchQuery(q="طوكيو"), index).hits] == ["late-1"]
    assert index.sync() == 0  # already caught up


def test_document_listing_newest_first_without_text(client: TestClient) -> None:
    r = client.get("/api/documents").json()
    assert [d["id"] for d in r["items"]] == ["arabiya-1", "sana-1", "rt-1", "aawsat-1"]
    page2 = client.get("/api/documents", params={"limit": 2, "offset": 2}).json()
    assert page2["total"] == 4 and [d["id"] for d in page2["items"]] == ["rt-1", "aawsat-1"]
    assert client.get("/api/documents", params={"story": QUAKE}).json()["items"][0]["story"] == QUAKE


@pytest.mark.parametrize("url", ["/api/stories/nope", "/api/documents/nope", "/api/entities/nope",
                                 "/api/events?story=nope", "/api/claims?doc=nope", "/api/conflicts?story=nope",
                                 "/api/search?entity=nope", "/api/nothing-here"])
def test_unknown_ids_are_404_with_message(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    body = r.json()
    assert body["status"] == 404 and isinstance(body["detail"], str) and body["detail"]


@pytest.mark.parametrize("url,status,code,needle", [
    ("/api/stories?limit=0", 422, "invalid_parameters", "limit"),
    ("/api/stories?limit=101", 422, "invalid_parameters", "limit"),
    ("/api/stories?offset=-1", 422, "invalid_parameters", "offset"),
    ("/api/stories?limit=abc", 422, "invalid_parameters", "limit"),
    ("/api/entities?type=XYZ", 422, "invalid_parameters", "type"),
    ("/api/search?q=x&date_from=2026-13-01", 422, "invalid_parameters", "date_from"),
    ("/api/search?q=x&date_from=2026-02-01&date_to=2026-01-01", 400, "date_range_reversed", "date_from"),
    ("/api/search", 400, "empty_query", "البحث فارغ"),
    ("/api/search?q=%20%22%20", 400, "empty_query", "لا كلمات"),
    ("/api/search?place=e-sharaa", 400, "not_a_place", "ليس مكانًا"),
    ("/api/documents/rt-1?start=5", 400, "span_incomplete", "start"),
    ("/api/documents/rt-1?start=5&end=99999", 400, "span_outside_text", "خارج"),
    ("/api/documents/rt-1?start=9&end=3", 400, "span_outside_text", "خارج"),
])
def test_bad_parameters_are_4xx_with_reason(client: TestClient, url: str, status: int, code: str, needle: str) -> None:
    r = client.get(url)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and needle in body["detail"]
    assert re.search("[\u0600-\u06ff]", body["detail"]), "error messages are in Arabic"


def test_huge_inputs_are_rejected(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "موسكو " * 100})
    assert r.status_code == 413 and "500" in r.json()["detail"] and r.json()["code"] == "query_too_long"
    r = client.get("/api/search", params={"q": " ".join(f"كلمة{i}" for i in range(20))})
    assert r.status_code == 400 and r.json()["code"] == "too_many_terms"
    r = client.get("/api/stories/" + "س" * 1000)
    assert r.status_code == 400 and r.json()["code"] == "id_too_long"


def test_openapi_and_ui_are_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/documents/{doc_id}", "/api/entities/{entity_id}",
                 "/api/events", "/api/claims", "/api/conflicts", "/api/search"):
        assert path in spec["paths"], path
    page = client.get("/")
    assert page.status_code == 200 and 'dir="rtl"' in page.text and 'lang="ar"' in page.text
    assert client.get("/docs").status_code == 200
    geo = client.get("/static/basemap.geojson").json()
    names = {f["properties"]["name"] for f in geo["features"]}
    assert {"Syria", "Russia", "Turkey"} <= names
    # no external assets: every src/href in the UI shell is local
    for asset in ("/", "/static/app.js", "/static/map.js", "/static/util.js", "/static/style.css", "/docs"):
        body = client.get(asset).text
        assert "http://" not in body.replace("http://www.w3.org", "") and "https://" not in body, asset
