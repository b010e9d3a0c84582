"""Monitoring: watchlist and saved searches in the store, alerts across two runs, hooks, CLI, downloads, writes.

Why these: "new since the last visit" must report what a second run really added (and nothing once marked
seen), a watch item must match the stories that mention it, a dead webhook must never fail a run or lose
alerts, a downloaded CSV must not run formulas in a spreadsheet, and a write must need the token and a JSON
body (a foreign page can post a form to a localhost server, not JSON).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from webtools import LiveServer

from rasid.models import Conflict, Document, Story
from rasid.run.pipeline import run
from rasid.serve.api import create_app
from rasid.serve.cli import app as cli_app
from rasid.serve.export import SCHEMA_VERSION
from rasid.serve.monitor import build_alerts, deliver_hook, run_command
from rasid.serve.search import SearchQuery, search
from rasid.serve.security import SecurityConfig
from rasid.store import MonitorError, Store

_spec = importlib.util.spec_from_file_location("rasid_api_fixture_monitor", Path(__file__).with_name("test_api.py"))
api_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_fixture)  # type: ignore[union-attr]

runner = CliRunner()
KREMLIN = "s-rt-2026-01-27-kremlin-sharaa-working-visit"
HILAL = "s-aawsat-2026-01-25-hilal-beats-nassr"
QAMISHLI = "s-rt-2026-01-26-qamishli-hmeimim-redeploy"
MOSCOW = "loc-gn524901"
ALEPPO = "loc-gn170063"


# ---- the store: watchlist, saved searches, marks --------------------------------------------------
def test_watchlist_and_saved_searches_crud(db_url: str) -> None:
    store = Store(db_url)
    a, new = store.add_watch_item("entity", "e-sharaa", "أحمد الشرع")
    assert new and a["kind"] == "entity" and a["label"] == "أحمد الشرع"
    b, _ = store.add_watch_item("query", "  \"ميناء طرطوس\" ")
    again, new_again = store.add_watch_item("entity", "e-sharaa", "")
    assert not new_again and again["id"] == a["id"]  # following twice keeps one item
    assert [(i["kind"], i["value"]) for i in store.watch_items()] == [("entity", "e-sharaa"), ("query", '"ميناء طرطوس"')]
    for bad in (("person", "x"), ("query", "   "), ("query", "ب" * 501)):
        with pytest.raises(MonitorError):
            store.add_watch_item(*bad)
    assert store.remove_watch_item(b["id"]) and not store.remove_watch_item(b["id"])
    s1, created = store.save_search("زيارات موسكو", "الشرع موسكو", {"outlet": ["sana"], "date_from": "2026-01-01"})
    s2, created2 = store.save_search("زيارات موسكو", "الشرع بوتين", {})
    assert created and not created2 and s2["id"] == s1["id"]
    assert [(s["name"], s["query"], s["filters"]) for s in store.saved_searches()] == [("زيارات موسكو", "الشرع بوتين", {})]
    assert store.remove_saved_search(s1["id"]) and store.saved_searches() == []
    assert store.seen_mark() is None and store.mark_seen() == 0
    store.close()


def test_a_reanalysed_story_keeps_its_conflict_old_and_a_new_value_is_new(tmp_path: Path) -> None:
    store = api_fixture.build_db(tmp_path / "c.db")
    first = build_alerts(store)
    assert first["first_visit"] and first["counts"]["new_stories"] == 2 and first["counts"]["new_conflicts"] == 1
    store.mark_seen(first["until"])
    story = store.stories([api_fixture.STORY])[0]
    same = store.conflicts(api_fixture.STORY)
    store.save_story(story, store.claims(story_id=story.id), same, ["aawsat", "rt_arabic", "sana"], 3)
    again = build_alerts(store)
    assert again["counts"] == {"new_stories": 0, "updated_stories": 1, "new_conflicts": 0, "new_storylines": 0,
                               "updated_storylines": 0}
    wider = Conflict("cf-1", story.id, "visit_type", {"رسمية": ["c-sana"], "عمل": ["c-rt"], "خاصة": []},
                     {"رسمية": ["sana"], "عمل": ["rt_arabic"], "خاصة": ["aawsat"]})
    store.save_story(story, [], [wider], ["aawsat", "rt_arabic", "sana"], 3)
    news = build_alerts(store)["conflicts"]
    assert [c["values"].keys() >= {"خاصة"} for c in news] == [True]
    store.close()


def test_stories_of_an_old_database_count_as_seen(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    api_fixture.build_db(db).close()
    con = sqlite3.connect(db)
    for table, col in (("stories", "created_change"), ("stories", "updated_change"), ("conflicts", "created_change")):
        con.execute(f"DROP INDEX ix_{table}_{col}")
        con.execute(f"ALTER TABLE {table} DROP COLUMN {col}")
    con.execute("DROP TABLE watchlist")
    con.commit()
    con.close()
    store = Store(db)  # migrated on open: the columns come back empty, the tables are created
    assert build_alerts(store, since=0)["stories"] == []  # NULL = saved before monitoring: old
    assert store.add_watch_item("place", "e-moscow", "موسكو")[1]
    store.close()


# ---- two runs of the demo corpus ------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory, demo_corpus: Path) -> dict:
    """A store after a first run (sana + rt_arabic), the alerts then, the mark, and after a second run (all)."""
    db = tmp_path_factory.mktemp("monitor") / "two.db"
    store = Store(db)
    rep1 = run([demo_corpus / "sana", demo_corpus / "rt_arabic"], store)
    store.add_watch_item("query", "بوتين")
    store.add_watch_item("place", MOSCOW, "موسكو")
    store.add_watch_item("query", "زلزال ملاطية")
    store.save_search("بوتين في العربية", "بوتين", {"outlet": ["alarabiya"]})
    store.save_search("موسكو بعد سنوات", "", {"place": MOSCOW, "date_from": "2030-01-01"})
    first = build_alerts(store)
    mark = store.mark_seen(first["until"])
    empty = build_alerts(store)
    rep2 = run([demo_corpus], store)
    second = build_alerts(store)
    runs = store.runs()
    # what /api/search (the full-text index, another code path) finds for the first saved search
    oracle = {h.story_id for h in search(store, SearchQuery(q="بوتين", outlets=["alarabiya"], limit=500)).hits}
    store.close()
    return {"db": db, "rep1": rep1, "rep2": rep2, "first": first, "mark": mark, "empty": empty,
            "second": second, "runs": runs, "oracle": oracle}


def test_saved_searches_alert_with_their_words_and_filters(two_runs: dict) -> None:
    second = two_runs["second"]
    groups = {g["watch"]["label"]: g for g in second["groups"] if g["watch"]["kind"] == "search"}
    changed = {s["id"] for s in second["stories"]}
    want = two_runs["oracle"] & changed
    assert want  # the second run brought Al Arabiya's Putin articles
    assert set(groups["بوتين في العربية"]["stories"]) == want
    assert "موسكو بعد سنوات" not in groups  # nothing published in 2030
    assert {w["label"] for w in second["watchlist"] if w["kind"] == "search"} == {"بوتين في العربية", "موسكو بعد سنوات"}


def test_first_visit_shows_everything_then_nothing_once_seen(two_runs: dict) -> None:
    first, empty = two_runs["first"], two_runs["empty"]
    assert first["first_visit"] and first["since"] == 0
    assert first["counts"]["new_stories"] == two_runs["rep1"].stories_updated == len(first["stories"])
    assert two_runs["mark"] == first["until"] > 0
    assert not empty["first_visit"] and not any(empty["counts"].values()) and empty["stories"] == []


def test_second_run_reports_new_and_grown_stories_by_watch_item(two_runs: dict) -> None:
    second = two_runs["second"]
    status = {s["id"]: s["status"] for s in second["stories"]}
    assert status[HILAL] == "new"  # the football story only came with the second run
    assert status[KREMLIN] == "updated"  # the visit story grew from 2 outlets to 7
    assert second["since"] == two_runs["mark"] and second["until"] > second["since"]
    groups = {g["watch"]["value"]: g for g in second["groups"]}
    assert KREMLIN in groups["بوتين"]["stories"] and HILAL not in groups["بوتين"]["stories"]
    assert KREMLIN in groups[MOSCOW]["stories"]  # the place item: articles mention Moscow (موسكو)
    assert "زلزال ملاطية" in groups  # the quake arrived from Turkish-side outlets in the second run
    hilal = next(s for s in second["stories"] if s["id"] == HILAL)
    assert hilal["watch"] == [] and hilal["title"]
    # the Qamishli convoy: 40 vehicles (rt, tass) against 60 (alarabiya, enab) appeared in the second run
    conflict = next(c for c in second["conflicts"] if c["story"] == QAMISHLI)
    assert conflict["slot"] == "count" and conflict["story_title"]
    assert any("40" in v for v in conflict["values"]) and any("60" in v for v in conflict["values"])
    # each value as a source spelled it (the stored value is normalised: «آلية» became «اليه»)
    shown = [conflict["display"][v] for v in conflict["values"]]
    assert all(shown) and any("آلية" in t for t in shown), shown


def test_each_run_is_recorded_with_its_change_range(two_runs: dict) -> None:
    latest, earlier = two_runs["runs"][:2]
    assert [latest["status"], earlier["status"]] == ["finished", "finished"]
    assert earlier["change_from"] == 0 and earlier["change_to"] == latest["change_from"] < latest["change_to"]
    assert latest["counts"]["added"] == two_runs["rep2"].added > 0
    assert two_runs["rep2"].changes == (latest["change_from"], latest["change_to"])


# ---- hooks --------------------------------------------------------------------------------------
class _Catcher(BaseHTTPRequestHandler):
    bodies: list[bytes] = []
    delay = 0.0
    status = 204

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        time.sleep(type(self).delay)
        type(self).bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture()
def catcher() -> Iterator[tuple[str, type[_Catcher]]]:
    handler = type("Catcher", (_Catcher,), {"bodies": [], "delay": 0.0, "status": 204})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/hook", handler
    finally:
        srv.shutdown()
        srv.server_close()


def test_hook_receives_the_alerts_and_failures_are_results(two_runs: dict, catcher: tuple) -> None:
    url, handler = catcher
    alerts = two_runs["second"]
    assert deliver_hook(url, alerts).ok
    got = json.loads(handler.bodies[0].decode("utf-8"))
    assert got["until"] == alerts["until"] and any(s["id"] == HILAL and "الهلال" in s["title"] for s in got["stories"])
    handler.status = 500
    bad = deliver_hook(url, alerts)
    assert not bad.ok and "500" in bad.detail
    handler.status, handler.delay = 204, 2.0
    t0 = time.monotonic()
    slow = deliver_hook(url, alerts, timeout=0.3)
    assert not slow.ok and time.monotonic() - t0 < 1.9
    assert not deliver_hook("file:///etc/passwd", alerts).ok
    assert not deliver_hook("http://127.0.0.1:9/closed", alerts).ok  # nothing listens there


def test_exec_gets_the_json_on_stdin_without_a_shell(two_runs: dict, tmp_path: Path) -> None:
    out = tmp_path / "got.json"
    script = "import sys, pathlib; pathlib.Path(sys.argv[1]).write_bytes(sys.stdin.buffer.read())"
    ok = run_command(f'"{sys.executable}" -c "{script}" "{out}"', two_runs["second"])
    assert ok.ok, ok.detail
    assert json.loads(out.read_text(encoding="utf-8"))["counts"] == two_runs["second"]["counts"]
    assert not run_command("no-such-program-rasid --x", {}).ok
    assert not run_command(f'"{sys.executable}" -c "import sys; sys.exit(3)"', {}).ok
    marker = tmp_path / "pwned"
    run_command(f"echo hi; touch {marker}", {})  # no shell: ';' is an argument of echo
    assert not marker.exists()


# ---- command line -------------------------------------------------------------------------------
def test_cli_watchlist_and_alerts(two_runs: dict, tmp_path: Path, catcher: tuple) -> None:
    db = tmp_path / "cli.db"
    db.write_bytes(two_runs["db"].read_bytes())
    r = runner.invoke(cli_app, ["watchlist", "add", "entity", "فلاديمير بوتين", "--db", str(db)])
    assert r.exit_code == 0 and "فلاديمير بوتين" in r.output, r.output
    r = runner.invoke(cli_app, ["watchlist", "add", "place", "no-such-place", "--db", str(db)])
    assert r.exit_code == 1
    r = runner.invoke(cli_app, ["watchlist", "list", "--json", "--db", str(db)])
    items = json.loads(r.stdout)
    assert [i["kind"] for i in items] == ["query", "place", "query", "entity"]
    r = runner.invoke(cli_app, ["watchlist", "remove", str(items[2]["id"]), "--db", str(db)])
    assert r.exit_code == 0
    r = runner.invoke(cli_app, ["alerts", "--db", str(db)])
    assert r.exit_code == 0 and "== بوتين (بحث) ==" in r.stdout and "[جديدة]" in r.stdout, r.output
    url, handler = catcher
    r = runner.invoke(cli_app, ["alerts", "--db", str(db), "--json", "--hook", "http://127.0.0.1:9/closed",
                                "--hook", url, "--mark-seen"])
    assert r.exit_code == 0 and "delivery failed" in r.output and "not marked seen" in r.output
    shown = json.loads(r.stdout)
    assert json.loads(handler.bodies[-1]) == shown
    r = runner.invoke(cli_app, ["alerts", "--db", str(db), "--hook", url, "--mark-seen"])
    assert r.exit_code == 0 and "marked seen" in r.output
    r = runner.invoke(cli_app, ["alerts", "--db", str(db), "--json"])
    assert not any(json.loads(r.stdout)["counts"].values())
    r = runner.invoke(cli_app, ["alerts", "--db", str(db), "--hook", "ftp://x/y"])
    assert r.exit_code == 2
    r = runner.invoke(cli_app, ["runs", "--db", str(db)])
    assert r.exit_code == 0 and r.stdout.count("finished") == 2


def test_run_delivers_what_it_changed_to_the_hook(tmp_path: Path, demo_corpus: Path, catcher: tuple) -> None:
    url, handler = catcher
    db = tmp_path / "hooked.db"
    r = runner.invoke(cli_app, ["run", str(demo_corpus / "aawsat"), "--db", str(db), "-q", "--alerts-hook", url])
    assert r.exit_code == 0, r.output
    got = json.loads(handler.bodies[0])
    assert got["since"] == 0 and got["counts"]["new_stories"] >= 5
    r = runner.invoke(cli_app, ["run", str(demo_corpus / "aawsat"), "--db", str(db), "-q", "--alerts-hook", url])
    again = json.loads(handler.bodies[1])  # the same input again changes nothing
    assert again["since"] == again["until"] and again["stories"] == []


# ---- API: writes, alerts, downloads ---------------------------------------------------------------
HOSTILE = "=HYPERLINK(\"http://x.test\",\"cmd()\")"


@pytest.fixture()
def hostile_store(tmp_path: Path) -> Store:
    """The API fixture's store plus an article whose title is a spreadsheet formula, in the quake story."""
    store = api_fixture.build_db(tmp_path / "h.db")
    text = "=cmd() وصلت فرق الإنقاذ إلى ملاطية بعد الزلزال."
    store.add_documents([Document(id="evil-1", text=text, raw_text=text, source_path="evil.txt", fmt="txt",
                                  title=HOSTILE, outlet="@evil", published=datetime(2026, 1, 30), language="ar",
                                  content_hash="evil")], {})
    store.assign_stories({"evil-1": api_fixture.QUAKE}, None)
    quake = store.stories([api_fixture.QUAKE])[0]
    store.save_story(Story(quake.id, title=quake.title, first_date=quake.first_date, last_date=datetime(2026, 1, 30)),
                     [], [], ["@evil", "alarabiya"], 2)
    return store


def _csv_rows(body: str) -> list[dict]:
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_story_storyline_and_search_downloads_escape_formulas(hostile_store: Store) -> None:
    c = TestClient(create_app(hostile_store), base_url="http://localhost")
    r = c.get(f"/api/stories/{api_fixture.QUAKE}/export", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="rasid-story-documents-s-quake.csv"'
    rows = {x["id"]: x for x in _csv_rows(r.text)}
    assert rows["evil-1"]["title"] == "'" + HOSTILE and rows["evil-1"]["outlet"] == "'@evil"
    assert rows["evil-1"]["text"].startswith("'=cmd()")
    assert rows["arabiya-1"]["title"] == "زلزال يضرب ملاطية"  # ordinary Arabic cells untouched
    j = c.get(f"/api/stories/{api_fixture.QUAKE}/export").json()  # JSON keeps the exact text
    assert j["schema_version"] == SCHEMA_VERSION and [s["id"] for s in j["stories"]] == [api_fixture.QUAKE]
    assert {d["id"]: d["title"] for d in j["documents"]}["evil-1"] == HOSTILE
    assert [e["id"] for e in j["entities"]] == ["e-malatya"]  # only what the story's articles mention
    visit = c.get(f"/api/stories/{api_fixture.STORY}/export", params={"format": "csv", "table": "conflicts"})
    assert [x["slot"] for x in _csv_rows(visit.text)] == ["visit_type"]
    r = c.get("/api/search/export", params={"q": "ملاطية", "format": "csv"})
    hits = {x["doc"]: x for x in _csv_rows(r.text)}
    assert hits["evil-1"]["title"] == "'" + HOSTILE and hits["evil-1"]["snippet"].startswith("'=cmd()")
    js = c.get("/api/search/export", params={"q": "ملاطية"}).json()
    assert js["total"] == 2 and {h["doc"] for h in js["items"]} == {"evil-1", "arabiya-1"}
    assert c.get("/api/stories/nope/export").status_code == 404
    assert c.get(f"/api/stories/{api_fixture.QUAKE}/export", params={"format": "xls"}).status_code == 422
    assert c.get(f"/api/stories/{api_fixture.QUAKE}").json()["story"]["id"] == api_fixture.QUAKE  # not shadowed


def test_storyline_download(two_runs: dict) -> None:
    c = TestClient(create_app(Store(two_runs["db"])), base_url="http://localhost")
    line = f"l-{KREMLIN}"
    r = c.get(f"/api/storylines/{line}/export", params={"format": "csv"})
    rows = _csv_rows(r.text)
    assert r.status_code == 200 and KREMLIN in {x["id"] for x in rows}
    j = c.get(f"/api/storylines/{line}/export").json()
    assert [x["id"] for x in j["storylines"]] == [line] and all(s["storyline"] == line for s in j["stories"])


def test_api_watchlist_alerts_and_seen(two_runs: dict, tmp_path: Path) -> None:
    db = tmp_path / "api.db"
    db.write_bytes(two_runs["db"].read_bytes())
    c = TestClient(create_app(Store(db)), base_url="http://localhost")
    r = c.post("/api/watchlist", json={"kind": "entity", "value": MOSCOW})
    assert r.status_code == 201 and r.json()["item"]["label"] == "موسكو"
    assert c.post("/api/watchlist", json={"kind": "place", "value": MOSCOW}).status_code == 200  # followed already
    assert c.post("/api/watchlist", json={"kind": "place", "value": "nope"}).status_code == 404
    assert c.post("/api/watchlist", json={"kind": "query", "value": "\u200f\u200e"}).status_code == 400
    r = c.post("/api/saved-searches", json={"name": "الزلزال", "query": "زلزال", "filters": {"outlet": ["sana"]}})
    assert r.status_code == 201 and c.get("/api/saved-searches").json()["items"][0]["filters"] == {"outlet": ["sana"]}
    assert c.post("/api/saved-searches", json={"name": "فارغ"}).status_code == 400
    a = c.get("/api/alerts").json()
    second = two_runs["second"]
    assert (a["since"], a["until"], a["counts"]) == (second["since"], second["until"], second["counts"])
    assert [s["id"] for s in a["stories"]] == [s["id"] for s in second["stories"]]
    moscow = next(g for g in a["groups"] if g["watch"]["value"] == MOSCOW and g["watch"]["kind"] == "entity")
    assert KREMLIN in moscow["stories"]
    assert c.post("/api/alerts/seen", json={"until": a["until"]}).json() == {"mark": a["until"]}
    assert c.post("/api/alerts/seen", json={"until": 0}).json() == {"mark": a["until"]}  # never backwards
    assert not any(c.get("/api/alerts").json()["counts"].values())
    item = c.get("/api/watchlist").json()["items"][-1]["id"]
    assert c.delete(f"/api/watchlist/{item}", headers={"content-type": "application/json"}).status_code == 200
    assert c.delete(f"/api/watchlist/{item}", headers={"content-type": "application/json"}).status_code == 404


def test_writes_need_json_same_origin_and_the_token(tmp_path: Path) -> None:
    store = api_fixture.build_db(tmp_path / "w.db")
    open_c = TestClient(create_app(store), base_url="http://localhost")
    form = open_c.post("/api/watchlist", data={"kind": "query", "value": "الشرع"})  # what a foreign <form> sends
    assert form.status_code == 415 and form.json()["code"] == "json_required"
    foreign = open_c.post("/api/watchlist", json={"kind": "query", "value": "الشرع"},
                          headers={"origin": "http://evil.test"})
    assert foreign.status_code == 403
    assert open_c.post("/api/alerts/seen", content=b"{}", headers={"content-type": "text/plain"}).status_code == 415
    assert open_c.delete("/api/watchlist/1").status_code == 415
    assert store.watch_items() == []
    token = "s3cret-token-123"
    locked = TestClient(create_app(store, SecurityConfig(token=token)), base_url="http://localhost")
    assert locked.post("/api/watchlist", json={"kind": "query", "value": "الشرع"}).status_code == 401
    assert locked.post("/api/alerts/seen", json={}).status_code == 401
    ok = locked.post("/api/watchlist", json={"kind": "query", "value": "الشرع"},
                     headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 201 and [i["value"] for i in store.watch_items()] == ["الشرع"]


# ---- the browser: follow from an entity page, read the alerts, mark them seen ---------------------
def test_follow_then_alerts_page_then_mark_seen_in_a_browser(two_runs: dict, tmp_path: Path) -> None:
    ui = _load("test_web_ui.py", "rasid_web_ui_monitor")
    if ui.NO_BROWSER:
        pytest.skip("needs selenium, chromium and chromedriver")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    db = tmp_path / "ui.db"
    db.write_bytes(two_runs["db"].read_bytes())
    store = Store(db)
    gen = ui.browser.__wrapped__()  # the same headless Chromium the UI tests use
    driver = next(gen)
    try:
        with LiveServer(store) as srv:
            ui.screen(driver, 390, 844)
            ui.open_page(driver, f"{srv.url}/#/entity/{ALEPPO}")
            driver.find_element(By.CSS_SELECTOR, "button.follow").click()
            WebDriverWait(driver, 10).until(lambda d: "أُضيف" in d.find_element(By.CSS_SELECTOR, ".follow-status").text)
            assert [(i["kind"], i["value"], i["label"]) for i in store.watch_items()][-1] == ("place", ALEPPO, "حلب")
            ui.open_page(driver, f"{srv.url}/#/alerts")
            groups = {g.get_attribute("data-watch") for g in driver.find_elements(By.CSS_SELECTOR, "section[data-watch]")}
            assert len(groups) >= 4  # بوتين, موسكو, زلزال ملاطية, حلب
            text = ui.shown_text(driver)
            assert "قصص جديدة" in text and "تعارض جديد" in text and "s-" not in text  # titles, not ids
            assert ui.fits(driver)["sw"] <= 390
            export = f"/api/stories/{KREMLIN}/export"
            ui.open_page(driver, f"{srv.url}/#/story/{KREMLIN}")
            assert {a.get_attribute("data-format") for a in driver.find_elements(By.CSS_SELECTOR, ".export-links a")
                    if a.get_attribute("href").split("?")[0].endswith(export)} == {"json", "csv"}
            ui.open_page(driver, f"{srv.url}/#/alerts")
            ui.settle(driver, lambda: driver.find_element(By.ID, "mark-seen").click())
            WebDriverWait(driver, 10).until(lambda d: "لا جديد" in ui.shown_text(d))
            assert not any(build_alerts(store)["counts"].values())
    finally:
        gen.close()
        store.close()


def _load(name: str, as_name: str):  # noqa: ANN202 - a sibling test module, for its browser helpers
    spec = importlib.util.spec_from_file_location(as_name, Path(__file__).with_name(name))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _story_tables(path: Path) -> list:
    con = sqlite3.connect(path)
    try:
        return [con.execute(q).fetchall() for q in (
            "SELECT * FROM stories ORDER BY id", "SELECT * FROM conflicts ORDER BY story_id, id",
            "SELECT * FROM claims ORDER BY id", "SELECT id, inferred_from, inferred_to FROM documents ORDER BY id",
            "SELECT * FROM pending_stories ORDER BY 1", "SELECT key, value FROM state WHERE key = 'changes'")]
    finally:
        con.close()


def test_a_batch_of_analysed_stories_is_saved_as_saving_them_one_by_one(tmp_path: Path) -> None:
    """The compare stage saves a task's stories in one transaction: each story must still take the next
    change number in turn, a disagreement already known keep the change it first appeared in, and claims,
    inferred dates and pending marks end as they would one story at a time."""
    from dataclasses import replace

    from rasid.store import StoryAnalysis

    one, many = api_fixture.build_db(tmp_path / "one.db"), api_fixture.build_db(tmp_path / "many.db")
    before = int(one.get_state("changes").decode())
    stories = {s.id: s for s in one.stories([api_fixture.STORY, api_fixture.QUAKE])}
    visit, quake = stories[api_fixture.STORY], stories[api_fixture.QUAKE]
    kept = one.conflicts(api_fixture.STORY)
    new = Conflict("cf-2", quake.id, "toll", {"٣": ["c-x"], "٤": ["c-y"]}, {"٣": ["sana"], "٤": ["aawsat"]})
    claims = [replace(c, group="g-visit") for c in one.claims(story_id=visit.id)]
    work = [StoryAnalysis(replace(visit, title="الشرع في موسكو: زيارة رسمية"), claims, kept,
                          {"sana-1": (datetime(2026, 1, 27), datetime(2026, 1, 28))}, ["rt_arabic", "sana"], 2),
            StoryAnalysis(quake, [], [new], {}, ["aawsat", "sana"], 2)]
    for w in work:
        one.set_inferred_dates(w.ranges)
        one.save_story(w.story, w.claims, w.conflicts, w.outlets, w.size)
    many.save_stories(work)
    one.close()
    many.close()
    assert _story_tables(tmp_path / "one.db") == _story_tables(tmp_path / "many.db")
    store = Store(tmp_path / "many.db")
    assert int(store.get_state("changes").decode()) == before + 2
    rows = {r["id"]: r for r in store.story_rows()}
    assert rows[visit.id]["title"] == "الشرع في موسكو: زيارة رسمية" and rows[visit.id]["outlets"] == ["rt_arabic", "sana"]
    con = sqlite3.connect(tmp_path / "many.db")
    changes = dict(con.execute("SELECT id, updated_change FROM stories WHERE id IN (?, ?)", (visit.id, quake.id)))
    assert changes == {visit.id: before + 1, quake.id: before + 2}
    created = dict(con.execute("SELECT id, created_change FROM conflicts"))
    assert created["cf-2"] == before + 2 and all(created[c.id] <= before for c in kept)
    assert {g for (g,) in con.execute("SELECT \"group\" FROM claims WHERE story_id = ?", (visit.id,))} == {"g-visit"}
    assert con.execute("SELECT inferred_from FROM documents WHERE id = 'sana-1'").fetchone()[0].startswith("2026-01-27")
    con.close()
    with pytest.raises(ValueError):
        store.save_stories([work[1], work[1]])
    store.close()
