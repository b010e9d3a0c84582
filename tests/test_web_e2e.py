"""End-to-end tests of the Arabic web UI in headless Chromium (selenium + Debian chromium/chromedriver).

A uvicorn server runs in a thread on a free localhost port; pages are loaded, links followed,
the search form used, the RTL layout measured, and highlighted spans compared with the API's text.
Screenshots go to ``$RASID_SCREENSHOTS`` (default: pytest's tmp dir) for a human to look at.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from webtools import NO_BROWSER, NO_BROWSER_REASON, LiveServer, chrome

pytestmark = pytest.mark.browser

try:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - depends on the machine
    webdriver = None

if NO_BROWSER:
    pytest.skip(NO_BROWSER_REASON, allow_module_level=True)

from rasid.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _load_test_module(name: str) -> object:
    """Another test file's fixture builders (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"rasid_{Path(name).stem}", Path(__file__).with_name(name))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


api_fixture = _load_test_module("test_api.py")


@pytest.fixture(scope="module")
def shots() -> Path:
    out = Path(os.environ.get("RASID_SCREENSHOTS") or tempfile.mkdtemp(prefix="rasid-shots-"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chrome("rasid-chrome-") as driver:
        yield driver


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    store = api_fixture.build_db(tmp_path_factory.mktemp("web") / "web.db")
    with LiveServer(store) as srv:
        yield srv


def settle(driver: webdriver.Chrome, action: Callable[[], object]) -> None:
    """Run a navigation and wait until the single-page app has rendered the new view."""
    driver.execute_script("document.body && (document.body.dataset.ready = '0')")
    action()
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.body && document.body.dataset.ready === '1'"))


def clicker(driver: webdriver.Chrome, element: object) -> Callable[[], None]:
    """A click as a user makes it: the element scrolled to the middle of the view first."""
    def click() -> None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()  # type: ignore[attr-defined]
    return click


def open_page(driver: webdriver.Chrome, url: str) -> None:
    """A full page load (a hash-only change to the current URL would not reload)."""
    driver.get("about:blank")
    settle(driver, lambda: driver.get(url))


def rect(driver: webdriver.Chrome, css: str) -> dict:
    return driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};", css)


def check_highlight(driver: webdriver.Chrome, live: LiveServer, doc_id: str) -> str:
    """The yellow span equals text[start:end] of the document, sits inside the sentence mark, and is visible."""
    params = driver.execute_script("return Object.fromEntries(new URLSearchParams(location.hash.split('?')[1]))")
    start, end = int(params["start"]), int(params["end"])
    doc = live.api(f"/api/documents/{doc_id}", start=start, end=end)
    span = driver.find_element(By.ID, "hl-span").text
    sentence = driver.find_element(By.ID, "hl-sentence").text
    assert span == doc["text"][start:end]
    assert span in sentence and sentence == doc["highlight"]["sentence"]["text"]
    # the whole document text is shown unchanged around the marks
    assert driver.find_element(By.ID, "doc-text").text.replace("\n", "") == doc["text"].replace("\n", "")
    r = rect(driver, "#hl-span")
    assert 0 <= r["top"] < driver.execute_script("return window.innerHeight"), "highlight scrolled into view"
    return span


def test_story_list_is_rtl_and_newest_first(browser: webdriver.Chrome, live: LiveServer, shots: Path) -> None:
    open_page(browser, live.url + "/")
    assert browser.execute_script("return document.documentElement.dir") == "rtl"
    assert browser.execute_script("return getComputedStyle(document.querySelector('main')).direction") == "rtl"
    # RTL layout: the brand (first in the header) is on the right, the table's first column right of the last
    assert rect(browser, ".brand")["left"] > rect(browser, ".topbar nav")["right"]
    first_col, last_col = rect(browser, ".story-list th:first-child"), rect(browser, ".story-list th:last-child")
    assert first_col["left"] > last_col["right"]
    rows = browser.find_elements(By.CSS_SELECTOR, ".story-list tbody tr")
    assert [r.get_attribute("data-story") for r in rows] == ["s-quake", "s-visit"]
    assert "زيارة الشرع إلى موسكو" in rows[1].text and "3" in rows[1].text
    browser.save_screenshot(str(shots / "stories.png"))


def test_story_list_pages(browser: webdriver.Chrome, live: LiveServer) -> None:
    open_page(browser, live.url + "/#/?limit=1")
    rows = browser.find_elements(By.CSS_SELECTOR, ".story-list tbody tr")
    assert [r.get_attribute("data-story") for r in rows] == ["s-quake"]
    assert not browser.find_elements(By.CSS_SELECTOR, "a.pager-prev")
    settle(browser, clicker(browser, browser.find_element(By.CSS_SELECTOR, "a.pager-next")))
    rows = browser.find_elements(By.CSS_SELECTOR, ".story-list tbody tr")
    assert [r.get_attribute("data-story") for r in rows] == ["s-visit"]
    assert "2–2 من 2" in browser.find_element(By.CSS_SELECTOR, ".pager").text
    assert not browser.find_elements(By.CSS_SELECTOR, "a.pager-next")


def test_story_page_sources_conflicts_map(browser: webdriver.Chrome, live: LiveServer, shots: Path) -> None:
    open_page(browser, live.url + "/")
    link = browser.find_element(By.CSS_SELECTOR, "tr[data-story='s-visit'] a.story-link")
    settle(browser, clicker(browser, link))
    assert browser.find_element(By.TAG_NAME, "h1").text == "زيارة الشرع إلى موسكو"
    conflict = browser.find_element(By.CSS_SELECTOR, "[data-conflict='cf-1']")
    assert "نوع الزيارة" in conflict.text and "رسمية" in conflict.text and "عمل" in conflict.text
    rows = browser.find_elements(By.CSS_SELECTOR, "table.sources tbody tr")
    assert [r.get_attribute("data-doc") for r in rows] == ["aawsat-1", "rt-1", "sana-1"]
    assert [("conflict" in r.get_attribute("class")) for r in rows] == [False, True, True]
    assert "دميتري بيسكوف" in rows[1].text
    pins = browser.find_elements(By.CSS_SELECTOR, "#map .pin")
    assert sorted(p.get_attribute("data-place") for p in pins) == ["e-damascus", "e-moscow"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#map path.land")) > 100
    entities = browser.find_element(By.ID, "entities").text
    assert "أحمد الشرع" in entities and "الكرملين" in entities
    timeline = browser.find_element(By.ID, "timeline").text
    assert "وصل الرئيس أحمد الشرع" in timeline
    browser.save_screenshot(str(shots / "story.png"))


def test_click_claim_highlights_source_sentence(browser: webdriver.Chrome, live: LiveServer, shots: Path) -> None:
    open_page(browser, live.url + "/#/story/s-visit")
    claim = browser.find_element(By.CSS_SELECTOR, "tr[data-doc='rt-1'] a.fact")
    assert claim.text == "الزيارة زيارة عمل"
    settle(browser, clicker(browser, claim))
    assert check_highlight(browser, live, "rt-1") == "الزيارة زيارة عمل"
    assert browser.find_element(By.ID, "hl-sentence").text.startswith("وقال المتحدث دميتري بيسكوف")
    browser.save_screenshot(str(shots / "document-highlight.png"))


def test_map_pin_and_entity_page(browser: webdriver.Chrome, live: LiveServer, shots: Path) -> None:
    open_page(browser, live.url + "/#/story/s-visit")
    settle(browser, lambda: browser.execute_script(
        "location.hash = document.querySelector(\"#map .pin[data-place='e-damascus']\").getAttribute('href')"))
    assert check_highlight(browser, live, "aawsat-1") == "دمشق"
    open_page(browser, live.url + "/#/story/s-visit")
    link = browser.find_element(By.CSS_SELECTOR, "#entities a[href='#/entity/e-sharaa']")
    settle(browser, clicker(browser, link))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("أحمد الشرع")
    stories = browser.find_element(By.ID, "entity-stories").text
    assert "زيارة الشرع إلى موسكو" in stories and "ذُكر 3 مرات في 3 مقالات" in stories
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart rect")) == 2  # two publication days
    mentions = browser.find_elements(By.CSS_SELECTOR, "#mentions a.fact")
    assert {m.text for m in mentions} == {"أحمد الشرع", "أحمد الشّرع"}
    browser.save_screenshot(str(shots / "entity.png"))


def test_search_form_filters_and_highlights(browser: webdriver.Chrome, live: LiveServer, shots: Path) -> None:
    open_page(browser, live.url + "/#/search")
    form = browser.find_element(By.ID, "search-form")
    form.find_element(By.NAME, "q").send_keys("احمد الشرع")
    settle(browser, lambda: form.find_element(By.CSS_SELECTOR, "button[type=submit]").click())
    hits = browser.find_elements(By.CSS_SELECTOR, "#hits li")
    assert {h.get_attribute("data-doc") for h in hits} == {"sana-1", "rt-1", "aawsat-1"}
    marks = {m.text for m in browser.find_elements(By.CSS_SELECTOR, "#hits mark.hit")}
    assert {"أحمد", "الشّرع"} <= marks  # each term matched after normalisation, original characters shown
    browser.save_screenshot(str(shots / "search.png"))
    # outlet filter through the select box
    browser.find_element(By.CSS_SELECTOR, "select[name=outlet] option[value=aawsat]").click()
    settle(browser, lambda: browser.find_element(By.CSS_SELECTOR, "#search-form button").click())
    hits = browser.find_elements(By.CSS_SELECTOR, "#hits li")
    assert [h.get_attribute("data-doc") for h in hits] == ["aawsat-1"]
    settle(browser, clicker(browser, hits[0].find_element(By.CSS_SELECTOR, "a.hit-title")))
    assert check_highlight(browser, live, "aawsat-1") == "أحمد"
    # quick search in the header; an over-long query shows the API's error, not a blank page
    open_page(browser, live.url + "/")
    box = browser.find_element(By.CSS_SELECTOR, "#quick-search input")
    box.send_keys("زلزال\n")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#hits li"))
    assert [h.get_attribute("data-doc") for h in browser.find_elements(By.CSS_SELECTOR, "#hits li")] == ["arabiya-1"]
    open_page(browser, live.url + "/#/search?q=" + "ا" * 600)
    assert "نص البحث طويل جدًا" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text


def test_unknown_story_shows_error(browser: webdriver.Chrome, live: LiveServer) -> None:
    open_page(browser, live.url + "/#/story/no-such-story")
    assert "لا توجد قصة بالمعرّف" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text


def test_demo_corpus_through_the_real_pipeline(browser: webdriver.Chrome, shots: Path,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    """Run ``rasid run demo/corpus`` and browse what it produced; data kinds still empty are not asserted."""
    from rasid.run.pipeline import run

    corpus = ROOT / "demo" / "corpus"
    if not corpus.is_dir():
        pytest.skip("demo/corpus not present")
    store = Store(tmp_path_factory.mktemp("demo") / "demo.db")
    run([corpus], store)
    with LiveServer(store) as srv:
        stories = srv.api("/api/stories", limit=100)
        assert stories["total"] > 0
        open_page(browser, srv.url + "/")
        rows = browser.find_elements(By.CSS_SELECTOR, ".story-list tbody tr")
        assert [r.get_attribute("data-story") for r in rows] == [s["id"] for s in stories["items"]]
        browser.save_screenshot(str(shots / "demo-stories.png"))
        # the Moscow-visit story: the one with most documents mentioning بيسكوف/موسكو
        hits = srv.api("/api/search", q="الشرع موسكو", limit=100)["items"]
        assert hits, "demo corpus has articles on al-Sharaa in Moscow"
        story_id = max({h["story"] for h in hits if h["story"]},
                       key=lambda s: sum(h["story"] == s for h in hits))
        detail = srv.api(f"/api/stories/{story_id}")
        open_page(browser, f"{srv.url}/#/story/{story_id}")
        rows = browser.find_elements(By.CSS_SELECTOR, "table.sources tbody tr")
        assert len(rows) == len(detail["documents"]) >= 2
        outlets_shown = {r.find_element(By.CSS_SELECTOR, ".badge").text for r in rows}
        assert len(outlets_shown) >= 2
        if detail["entities"]:
            assert browser.find_elements(By.CSS_SELECTOR, "#entities a[href^='#/entity/']")
        if detail["places"]:
            assert browser.find_elements(By.CSS_SELECTOR, "#map .pin")
        if detail["conflicts"]:
            shown = browser.find_elements(By.CSS_SELECTOR, "[data-conflict]")
            assert [c.get_attribute("data-conflict") for c in shown] == [c["id"] for c in detail["conflicts"]]
            conflict_claims = {i for c in detail["conflicts"] for ids in c["values"].values() for i in ids}
            marked = browser.find_elements(By.CSS_SELECTOR, "table.sources tr.conflict")
            docs_in_conflict = {c["doc"] for c in detail["claims"] if c["id"] in conflict_claims}
            # only the articles that take the minority side are tinted, not every article with a slot value
            assert {r.get_attribute("data-doc") for r in marked} == set(detail["conflict_documents"])
            assert set(detail["conflict_documents"]) < docs_in_conflict
            browser.find_element(By.ID, "conflicts").screenshot(str(shots / "demo-conflicts.png"))
        browser.save_screenshot(str(shots / "demo-story.png"))
        # follow the first fact link available (summary/timeline/claim), else the first source document
        facts = browser.find_elements(By.CSS_SELECTOR, "#view a.fact")
        if facts:
            doc_id = facts[0].get_attribute("href").split("#/doc/")[1].split("?")[0]
            settle(browser, clicker(browser, facts[0]))
            check_highlight(browser, srv, unquote(doc_id))
        # search highlights on the demo text
        open_page(browser, srv.url + "/#/search?q=" + "بيسكوف")
        hit_links = browser.find_elements(By.CSS_SELECTOR, "#hits a.hit-title")
        assert hit_links
        doc_id = hit_links[0].find_element(By.XPATH, "./..").get_attribute("data-doc")
        settle(browser, clicker(browser, hit_links[0]))
        assert check_highlight(browser, srv, doc_id) == "بيسكوف"
        browser.save_screenshot(str(shots / "demo-document.png"))


def test_offline_api_reference_page(browser: webdriver.Chrome, live: LiveServer) -> None:
    browser.get("about:blank")
    browser.get(live.url + "/docs")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#paths section"))
    text = browser.find_element(By.ID, "paths").text
    assert "GET /api/search" in text and "GET /api/stories/{story_id}" in text and "date_from" in text


def test_entity_list_hides_doubted_one_off_names_until_asked(browser: webdriver.Chrome, shots: Path,
                                                             tmp_path: Path) -> None:
    """A verb tagged once as a person («سيبحثان») and a common noun pinned once in Medina («مدينة») are not in
    the entity list or on the story map; the list's link shows them, and hides them again."""
    listing = _load_test_module("test_entity_listing.py")
    with LiveServer(listing.build(tmp_path / "listing.db")) as srv:
        open_page(browser, srv.url + "/#/entities")
        names = browser.find_element(By.TAG_NAME, "table").text
        assert "أحمد الشرع" in names and "حلب" in names and "سيبحثان" not in names and "مدينة" not in names
        settle(browser, clicker(browser, browser.find_element(By.CSS_SELECTOR, "#doubted-names a")))
        names = browser.find_element(By.TAG_NAME, "table").text
        assert "سيبحثان" in names and "مدينة" in names
        browser.save_screenshot(str(shots / "entities_all.png"))
        settle(browser, clicker(browser, browser.find_element(By.CSS_SELECTOR, "#doubted-names a")))
        assert "سيبحثان" not in browser.find_element(By.TAG_NAME, "table").text
        open_page(browser, srv.url + "/#/story/s-1")
        pins = {p.get_attribute("data-place") for p in browser.find_elements(By.CSS_SELECTOR, "#map .pin")}
        assert pins == {"e-damascus", "e-aleppo"}
        shown = browser.find_element(By.ID, "entities").text  # the doubted names are folded away, and counted
        assert "أحمد الشرع" in shown and "سيبحثان" not in shown and "غير مؤكدة" in shown and "(2)" in shown
        browser.find_element(By.CSS_SELECTOR, "#doubted-entities summary").click()
        assert "سيبحثان" in browser.find_element(By.ID, "doubted-entities").text
        browser.save_screenshot(str(shots / "story_doubted_entities.png"))
