"""The web UI under attack, in headless Chromium: hostile stored URLs, the CSP, DNS rebinding, the token form.

Skips cleanly without selenium/chromium/chromedriver (scripts/install_browser.sh installs them).
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from webtools import NO_BROWSER, NO_BROWSER_REASON, LiveServer, chrome

pytestmark = pytest.mark.browser

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - depends on the machine
    webdriver = None

if NO_BROWSER:
    pytest.skip(NO_BROWSER_REASON, allow_module_level=True)

from rasid.models import Document  # noqa: E402
from rasid.serve.security import SecurityConfig  # noqa: E402
from rasid.store import Store  # noqa: E402

_spec = importlib.util.spec_from_file_location("rasid_api_fixture_web_sec", Path(__file__).with_name("test_api.py"))
api_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_fixture)  # type: ignore[union-attr]

EVIL_URL = "  JaVaScRiPt:window.__pwned=1;alert(document.domain)"
DATA_URL = "\tdata:text/html,<script>alert(1)</script>"
GOOD_URL = "https://sana.sy/?p=2287730"
TOKEN = "web-token-7f3a9c1e"
TEXT = "قال المتحدث باسم الكرملين إن الرئيس فلاديمير بوتين سيستقبل نظيره السوري في موسكو الأسبوع المقبل."


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = api_fixture.build_db(tmp_path_factory.mktemp("websec") / "w.db")
    docs = [Document(id=i, text=TEXT + f" ({i})", raw_text=TEXT, source_path=f"/srv/corpus/{i}.txt", fmt="txt",
                     title=f"خبر برابط {i}", outlet="sana", url=url, language="ar", content_hash=i)
            for i, url in (("evil-1", EVIL_URL), ("evil-2", DATA_URL), ("good-1", GOOD_URL))]
    store.add_documents(docs, {})
    return store


@pytest.fixture(scope="module")
def live(store: Store) -> Iterator[LiveServer]:
    with LiveServer(store) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    # DNS rebinding, simulated: a foreign name that resolves to this machine
    with chrome("rasid-chrome-sec-", "--host-resolver-rules=MAP evil.test 127.0.0.1", browser_log=True) as driver:
        yield driver


def open_page(driver: webdriver.Chrome, url: str) -> None:
    driver.get("about:blank")
    driver.get(url)
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.body && document.body.dataset.ready === '1'"))


def no_alert(driver: webdriver.Chrome) -> bool:
    try:
        driver.switch_to.alert.dismiss()
    except NoAlertPresentException:
        return True
    return False


def csp_errors(driver: webdriver.Chrome) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


@pytest.mark.parametrize("doc_id,url", [("evil-1", EVIL_URL), ("evil-2", DATA_URL)])
def test_stored_javascript_url_is_text_not_a_link(browser: webdriver.Chrome, live: LiveServer, doc_id: str,
                                                  url: str) -> None:
    open_page(browser, f"{live.url}/#/doc/{doc_id}")
    assert browser.find_element(By.TAG_NAME, "h1").text == f"خبر برابط {doc_id}"
    shown = browser.find_element(By.CSS_SELECTOR, ".unsafe-url")
    assert shown.tag_name == "span" and shown.text.strip() == url.strip()
    # no element on the page points anywhere but http(s) or this app
    hrefs = browser.execute_script("return [...document.querySelectorAll('[href]')].map((a) => a.href)")
    assert hrefs and all(h.startswith((live.url, "http://", "https://")) for h in hrefs), hrefs
    assert not any("script:" in h.lower() or h.lower().startswith("data:") for h in hrefs)
    shown.click()
    time.sleep(0.3)
    assert no_alert(browser), "a script ran"
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.current_url.startswith(live.url)


def test_http_url_is_a_safe_link(browser: webdriver.Chrome, live: LiveServer) -> None:
    open_page(browser, f"{live.url}/#/doc/good-1")
    a = browser.find_element(By.CSS_SELECTOR, "a.source-url")
    assert a.get_attribute("href") == GOOD_URL and a.text == GOOD_URL
    assert set(a.get_attribute("rel").split()) >= {"noopener", "noreferrer"}


def test_pages_work_under_the_csp_and_inline_script_is_blocked(browser: webdriver.Chrome, live: LiveServer) -> None:
    browser.get_log("browser")  # drop what earlier tests logged
    open_page(browser, live.url + "/#/story/s-visit")  # story page: map (SVG labels styled via CSSOM), facts
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#map .pin"))  # drawn after ready
    assert browser.find_elements(By.CSS_SELECTOR, "a.fact")
    label = browser.find_elements(By.CSS_SELECTOR, "#map .pin text")
    assert label and label[0].value_of_css_property("font-size") != "13px"  # the per-map size took effect
    open_page(browser, live.url + "/#/search?q=Putin")
    assert browser.find_elements(By.CSS_SELECTOR, "#hits li")
    assert "بوتين" in browser.find_element(By.ID, "search-expanded").text
    browser.get(live.url + "/docs")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#paths section"))
    assert csp_errors(browser) == [], "the app itself must need no CSP exception"
    # an injected inline script (what an HTML-injection bug would add) does not run
    browser.execute_script("const s = document.createElement('script'); s.textContent = 'window.__inline = 1';"
                           "document.body.append(s);"
                           "const d = document.createElement('div'); d.setAttribute('onclick', 'window.__h = 1');"
                           "document.body.append(d); d.click();")
    time.sleep(0.2)
    assert browser.execute_script("return window.__inline === undefined && window.__h === undefined")
    assert csp_errors(browser), "the browser reports the blocked inline script"


def test_dns_rebinding_host_is_refused(browser: webdriver.Chrome, live: LiveServer) -> None:
    """evil.test resolves to 127.0.0.1 here, as an attacker's name would after rebinding: no corpus comes back."""
    browser.get(f"http://evil.test:{live.port}/api/documents/good-1")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "host_not_allowed" in body and "الكرملين" not in body
    browser.get(f"http://localhost:{live.port}/api/documents/good-1")
    assert "الكرملين" in browser.find_element(By.TAG_NAME, "body").text


def test_framing_is_refused(browser: webdriver.Chrome, live: LiveServer) -> None:
    """A page of another origin cannot show the app in a frame (frame-ancestors 'none', X-Frame-Options)."""
    browser.get(f"http://evil.test:{live.port}/nothing")  # any other origin will do as the framing page
    browser.execute_script("document.body.innerText = ''; const f = document.createElement('iframe');"
                           "f.id = 'victim'; f.src = arguments[0]; document.body.append(f);", live.url + "/")
    time.sleep(1.5)
    frame = browser.find_element(By.ID, "victim")
    browser.switch_to.frame(frame)
    try:
        assert not browser.find_elements(By.CSS_SELECTOR, "header.topbar")
    finally:
        browser.switch_to.default_content()


def test_token_form_then_the_app(browser: webdriver.Chrome, store: Store) -> None:
    with LiveServer(store, SecurityConfig(token=TOKEN)) as srv:
        browser.get(srv.url + "/")
        assert "رمز الدخول" in browser.find_element(By.TAG_NAME, "body").text
        assert not browser.find_elements(By.CSS_SELECTOR, "table.story-list")
        field = browser.find_element(By.NAME, "token")
        field.send_keys("wrong-token-123")
        field.submit()
        # the form posts and the page may be replaced while we read it: a stale body is read again
        WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: "غير صحيح" in d.find_element(By.TAG_NAME, "body").text)
        field = browser.find_element(By.NAME, "token")
        field.send_keys(TOKEN)
        field.submit()
        WebDriverWait(browser, 20).until(
            lambda d: d.execute_script("return document.body && document.body.dataset.ready === '1'"))
        assert browser.find_elements(By.CSS_SELECTOR, "table.story-list tbody tr")
        assert TOKEN not in browser.current_url
        assert "rasid_token" not in browser.execute_script("return document.cookie")  # HttpOnly
        browser.delete_all_cookies()
