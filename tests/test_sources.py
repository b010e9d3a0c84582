"""RSS/Atom feeds (file and URL) and WARC archives become articles with exact text and metadata."""

from __future__ import annotations

import http.server
import io
import threading
from datetime import datetime
from pathlib import Path

import pytest

from rasid.ingest.feeds import html_fragment_text, read_feed, read_feed_url
from rasid.ingest.readers import read_inputs
from rasid.ingest.warc import read_warc
from rasid.models import RawArticle, Skip
from rasid.run.pipeline import RunConfig, run
from rasid.store import Store

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>سانا</title><link>https://sana.sy/</link>
<item>
 <title>الرئيس الشرع يصل إلى موسكو في زيارة رسمية</title>
 <link>https://sana.sy/2026/01/28/sharaa-moscow/</link>
 <guid>https://sana.sy/?p=1001</guid>
 <pubDate>Wed, 28 Jan 2026 09:30:00 +0300</pubDate>
 <description><![CDATA[<p>وصل الرئيس أحمد الشرع اليوم إلى موسكو في <b>زيارة رسمية</b> يلتقي خلالها الرئيس فلاديمير بوتين.</p><p>ويرافق الرئيس وفد وزاري رفيع.</p>]]></description>
</item>
<item>
 <title>خبر بلا نص</title>
 <link>https://sana.sy/2026/01/28/empty/</link>
 <description></description>
</item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
 <title>عنب بلدي</title>
 <entry>
  <title>انسحاب روسي من مطار القامشلي</title>
  <link href="https://www.enabbaladi.net/2026/01/27/qamishli/"/>
  <id>tag:enabbaladi.net,2026:1</id>
  <updated>2026-01-27T14:00:00Z</updated>
  <content type="html">&lt;p&gt;انسحبت نحو ستين آلية روسية من مطار القامشلي باتجاه قاعدة حميميم.&lt;/p&gt;</content>
 </entry>
</feed>
"""


def _articles(items) -> list[RawArticle]:
    return [x for x in items if isinstance(x, RawArticle)]


def test_rss_file(tmp_path: Path) -> None:
    p = tmp_path / "sana.rss"
    p.write_text(RSS, encoding="utf-8")
    out = list(read_feed(p))
    arts, skips = _articles(out), [x for x in out if isinstance(x, Skip)]
    assert len(arts) == 1 and len(skips) == 1 and "no text" in skips[0].reason
    a = arts[0]
    assert a.text == ("وصل الرئيس أحمد الشرع اليوم إلى موسكو في زيارة رسمية يلتقي خلالها الرئيس فلاديمير بوتين.\n"
                      "ويرافق الرئيس وفد وزاري رفيع.")
    assert a.title == "الرئيس الشرع يصل إلى موسكو في زيارة رسمية"
    assert a.published == datetime(2026, 1, 28, 6, 30)  # +0300 → UTC
    assert a.outlet == "sana" and a.fmt == "rss" and a.doc_id.startswith("sana-")
    assert list(read_feed(p))[0].doc_id == a.doc_id  # stable ids: re-reading is idempotent


def test_atom_via_ingest_dispatch(tmp_path: Path) -> None:
    (tmp_path / "enab.atom").write_text(ATOM, encoding="utf-8")
    arts = _articles(read_inputs([tmp_path]))
    assert [a.text for a in arts] == ["انسحبت نحو ستين آلية روسية من مطار القامشلي باتجاه قاعدة حميميم."]
    assert arts[0].published == datetime(2026, 1, 27, 14, 0) and arts[0].outlet == "enabbaladi"


def test_malformed_feed_is_skipped_with_reason(tmp_path: Path) -> None:
    p = tmp_path / "broken.xml"
    p.write_text("<rss><channel><item><title>عنوان مبتور", encoding="utf-8")
    out = list(read_feed(p))
    assert all(isinstance(x, Skip) for x in out) and out


def test_html_fragment_text_keeps_paragraphs() -> None:
    assert html_fragment_text("<p>الفقرة الأولى</p><p>الفقرة <i>الثانية</i></p>") == "الفقرة الأولى\nالفقرة الثانية"


@pytest.fixture()
def feed_server(tmp_path: Path):
    (tmp_path / "rss").write_text(RSS, encoding="utf-8")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw) -> None:
            super().__init__(*a, directory=str(tmp_path), **kw)

        def log_message(self, *a) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_feed_url(feed_server: str) -> None:
    arts = _articles(read_feed_url(feed_server + "/rss"))
    assert len(arts) == 1 and "زيارة رسمية" in arts[0].text
    missing = list(read_feed_url(feed_server + "/nothing-here"))
    assert len(missing) == 1 and isinstance(missing[0], Skip) and "404" in missing[0].reason
    too_big = list(read_feed_url(feed_server + "/rss", max_bytes=100))
    assert isinstance(too_big[0], Skip) and "too large" in too_big[0].reason


PAGE = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>الكرملين: زيارة الشرع زيارة عمل</title>
<meta property="article:published_time" content="2026-01-27T10:00:00+03:00"></head>
<body><nav>الرئيسية | سياسة | اقتصاد</nav><article><h1>الكرملين: زيارة الشرع زيارة عمل</h1>
<p>قال المتحدث باسم الكرملين دميتري بيسكوف إن زيارة الرئيس السوري أحمد الشرع إلى موسكو هي زيارة عمل وليست زيارة رسمية.</p>
<p>وأضاف بيسكوف في تصريحات للصحفيين أن الرئيس فلاديمير بوتين سيبحث مع ضيفه ملف القواعد العسكرية الروسية في سوريا.</p>
<p>وكانت وكالة الأنباء السورية قد وصفت الزيارة بأنها زيارة رسمية تلبية لدعوة من الرئيس الروسي.</p>
</article></body></html>"""


def _warc(path: Path, gz: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gz)

        def rec(uri: str, status: str, ctype: str, body: bytes) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))

        rec("https://arabic.rt.com/russia/2026/01/27/peskov-working-visit/", "200 OK",
            "text/html; charset=utf-8", PAGE.encode("utf-8"))
        rec("https://arabic.rt.com/static/site.css", "200 OK", "text/css", b"body{direction:rtl}")
        rec("https://arabic.rt.com/gone/", "404 Not Found", "text/html", b"<html><body>not found</body></html>")
        # an older Arabic site served in windows-1256, declared in the HTTP header
        rec("https://www.aawsat.com/2026/01/26/qamishli", "200 OK", "text/html; charset=windows-1256",
            PAGE.replace("الكرملين: زيارة الشرع زيارة عمل", "انسحاب من القامشلي").encode("cp1256"))


@pytest.mark.parametrize("gz", [False, True])
def test_warc(tmp_path: Path, gz: bool) -> None:
    p = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    _warc(p, gz)
    out = list(read_warc(p))
    arts = _articles(out)
    skips = [x for x in out if isinstance(x, Skip)]
    assert len(arts) == 2 and len(skips) == 1 and "404" in skips[0].reason  # the CSS is no article
    a = arts[0]
    assert "زيارة عمل وليست زيارة رسمية" in a.text and "الرئيسية | سياسة" not in a.text
    assert a.url.endswith("peskov-working-visit/") and a.outlet == "rt" and a.fmt == "warc"
    assert a.published is not None and a.published.date().isoformat() == "2026-01-27"
    assert "القامشلي" in (arts[1].title or "")  # cp1256 decoded from the declared charset


@pytest.mark.parametrize("cut", [300, -50])
def test_truncated_warc_is_a_skip(tmp_path: Path, cut: int) -> None:
    good = tmp_path / "good.warc.gz"
    _warc(good, True)
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(good.read_bytes()[:cut])
    out = list(read_warc(bad))
    assert isinstance(out[-1], Skip) and "truncated" in out[-1].reason
    assert len(_articles(out)) == (0 if cut == 300 else 1)  # complete records before the cut still load


def test_pipeline_on_feed_and_warc(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "sana.rss").write_text(RSS, encoding="utf-8")
    _warc(tmp_path / "in" / "crawl.warc.gz", True)
    store = Store(tmp_path / "s.db")
    rep = run([tmp_path / "in"], store, RunConfig(extract=False, cluster=False))
    assert rep.added == 3 and store.count("documents") == 3
    assert {d.fmt for d in store.documents()} == {"rss", "warc"}
    again = run([tmp_path / "in"], store, RunConfig(extract=False, cluster=False))
    assert again.added == 0 and again.already_present == 3


def test_size_limits_give_clear_skips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rasid.ingest.feeds as feeds
    import rasid.ingest.warc as warc

    p = tmp_path / "big.rss"
    p.write_text(RSS, encoding="utf-8")
    monkeypatch.setattr(feeds, "MAX_FILE_BYTES", 200)
    out = list(read_feed(p))
    assert len(out) == 1 and isinstance(out[0], Skip) and "too large" in out[0].reason
    monkeypatch.setattr(feeds, "MAX_ARTICLE_CHARS", 30)
    monkeypatch.setattr(feeds, "MAX_FILE_BYTES", 10**6)
    assert any(isinstance(x, Skip) and "too long" in x.reason for x in read_feed(p))
    w = tmp_path / "c.warc"
    _warc(w, False)
    monkeypatch.setattr(warc, "MAX_RECORD_BYTES", 100)
    reasons = [x.reason for x in read_warc(w) if isinstance(x, Skip)]
    assert any("too large" in r for r in reasons)


def test_a_feed_without_links_takes_its_outlet_from_the_channel_name(tmp_path: Path) -> None:
    """An exported feed with no links names its outlet only by the channel title: «عنب بلدي» is enabbaladi, the
    id a link to enabbaladi.net gives, not a second outlet; a title rasid does not know is kept as written."""
    entry = ("<item><title>انسحاب روسي من القامشلي</title><guid isPermaLink=\"false\">{g}</guid>"
             "<description>انسحبت نحو ستين آلية روسية من مطار القامشلي باتجاه قاعدة حميميم.</description></item>")
    for channel, outlet in (("عنب بلدي", "enabbaladi"), ("نشرة الحي", "نشرة الحي")):
        p = tmp_path / f"{outlet}.rss"
        p.write_text(f"<rss version=\"2.0\"><channel><title>{channel}</title>{entry.format(g=outlet)}</channel></rss>",
                     encoding="utf-8")
        (a,) = _articles(read_feed(p))
        assert a.outlet == outlet and a.url is None
