import json
from datetime import datetime
from pathlib import Path

from rasid.ingest.readers import outlet_from_url, parse_date, read_file, read_inputs
from rasid.models import RawArticle, Skip


def test_txt_header_lines_become_metadata(demo_corpus: Path):
    arts = list(read_file(demo_corpus / "sana" / "sana-2026-01-27-sharaa-moscow-visit.txt"))
    assert len(arts) == 1 and isinstance(arts[0], RawArticle)
    a = arts[0]
    assert a.doc_id == "sana-2026-01-27-sharaa-moscow-visit"
    assert a.published == datetime(2026, 1, 27) and a.date_source == "header-line"
    assert a.outlet == "sana" and a.title.startswith("الرئيس الشرع")
    assert not a.text.startswith("date") and "موسكو" in a.text


def test_html_main_text_and_meta_date(demo_corpus: Path):
    (a,) = read_file(demo_corpus / "alarabiya" / "alarabiya-2026-01-28-sharaa-arrives-moscow.html")
    assert isinstance(a, RawArticle) and a.fmt == "html"
    assert a.published is not None and a.published.date().isoformat() in {"2026-01-28", "2026-01-27"}
    assert "الشرع" in a.text and "<p>" not in a.text


def test_jsonl_fields(demo_corpus: Path):
    arts = list(read_file(demo_corpus / "feeds" / "wire.jsonl"))
    assert len(arts) == 3 and all(isinstance(a, RawArticle) for a in arts)
    assert {a.outlet for a in arts} == {"afp_ar", "reuters_ar", "anadolu_ar"}
    assert all(a.published is not None for a in arts)


def test_bad_inputs_are_skipped_with_reasons(fixtures: Path):
    results = {Path(r.source_path.split(":")[0]).name + (":" + r.source_path.split(":")[1]
               if ":" in r.source_path else ""): r for r in read_inputs([fixtures])
               if not r.source_path.endswith("dates_gold.jsonl")}
    assert isinstance(results["empty.txt"], Skip) and "empty" in results["empty.txt"].reason
    assert isinstance(results["binary.bin"], Skip)
    cp = results["cp1256.txt"]
    assert isinstance(cp, RawArticle) and cp.encoding == "windows-1256" and "ال" in cp.text
    assert isinstance(results["malformed.jsonl:1"], RawArticle)
    assert isinstance(results["malformed.jsonl:2"], Skip) and "malformed JSON" in results["malformed.jsonl:2"].reason
    assert isinstance(results["malformed.jsonl:3"], Skip) and "empty text" in results["malformed.jsonl:3"].reason
    y0 = results["year0.txt"]
    assert isinstance(y0, RawArticle) and y0.published is None and "invalid date" in (y0.date_source or "")
    tr = results["truncated.html"]
    assert isinstance(tr, (RawArticle, Skip))  # a cut page yields its readable part or a reason, never a crash


def test_huge_single_file_is_refused(tmp_path: Path):
    big = tmp_path / "huge.txt"
    with big.open("w", encoding="utf-8") as fh:
        line = "هذا سطر طويل من نص عربي يتكرر لصنع ملف كبير جدا.\n"
        while fh.tell() < 66 * 1024 * 1024:
            fh.write(line * 1000)
    (r,) = read_file(big)
    assert isinstance(r, Skip) and "too large" in r.reason


def test_jsonl_without_id_gets_line_based_id(tmp_path: Path):
    p = tmp_path / "dump.jsonl"
    p.write_text(json.dumps({"title": "عنوان", "content": "نص الخبر هنا.", "src": "x"}, ensure_ascii=False) + "\n",
                 encoding="utf-8")
    (a,) = read_file(p)
    assert a.doc_id == "dump-1" and a.outlet == "x"


def test_dates_and_outlets():
    assert parse_date("Wed, 26 Sep 2018 16:06:50 GMT") == datetime(2018, 9, 26, 16, 6, 50)
    assert parse_date("2015-07-21 02:51:32") == datetime(2015, 7, 21, 2, 51, 32)
    assert parse_date("٢٠٢٦-٠١-٢٧") == datetime(2026, 1, 27)
    assert parse_date("0000-01-01") is None and parse_date("not a date") is None
    assert outlet_from_url("https://www.alarabiya.net/ar/x") == "alarabiya"
    assert outlet_from_url("http://arabic.cnn.com/a") == "cnn"


def test_dumps_of_common_scrapers_are_read_with_their_own_field_names(tmp_path: Path) -> None:
    """news-please (maintext, date_publish, source_domain), trafilatura's JSON (source = the URL, sitename) and
    schema.org-shaped records (headline, articleBody, datePublished): before, every news-please record was
    skipped as «empty text» and the others lost their dates."""
    body = "أعلنت وزارة الفلاحة عن انطلاق حملة وطنية لتشجير المناطق الجبلية بمشاركة آلاف المتطوعين."
    recs = [
        {"authors": ["سامي الورتاني"], "date_download": "2018-06-13 08:00:00", "date_modify": None,
         "date_publish": "2018-06-12 10:30:00", "description": "ملخص", "language": "ar", "maintext": body,
         "source_domain": "www.aljazeera.net", "title": "حملة وطنية للتشجير", "title_page": None,
         "url": "https://www.aljazeera.net/news/2018/6/12/x"},
        {"title": "حملة وطنية للتشجير", "hostname": "aawsat.com", "sitename": "الشرق الأوسط", "id": "t1",
         "source": "https://aawsat.com/home/article/1", "source-hostname": "aawsat.com", "text": body},
        {"headline": "حملة وطنية للتشجير", "articleBody": body, "datePublished": "2018-06-12T10:30:00+03:00",
         "publisher": {"name": "x"}},
    ]
    p = tmp_path / "dump.jsonl"
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
    got = list(read_file(p))
    assert not [x for x in got if isinstance(x, Skip)]
    a, b, c = got
    assert isinstance(a, RawArticle) and a.text == body and a.outlet == "aljazeera"
    assert a.published == datetime(2018, 6, 12, 10, 30) and a.date_source == "metadata"
    assert b.outlet == "aawsat" and b.url == "https://aawsat.com/home/article/1" and b.doc_id == "t1"
    assert c.title == "حملة وطنية للتشجير" and c.published == datetime(2018, 6, 12, 7, 30)  # UTC


def test_a_json_array_or_an_api_response_is_read_item_by_item(tmp_path: Path) -> None:
    """Scrapy's ``-o items.json`` writes one JSON array; NewsAPI answers an object with an «articles» array
    (``source`` is an object there). Before, the whole file was one skip («JSON line is not an object»).
    A broken item is skipped with its number; a deep or malformed document is one clear skip."""
    body = "أعلنت وزارة الفلاحة عن انطلاق حملة وطنية لتشجير المناطق الجبلية بمشاركة آلاف المتطوعين."
    items = [{"title": "حملة وطنية للتشجير", "text": body, "url": "https://www.okaz.com.sa/news/1"},
             "not an article",
             {"title": "بلا نص", "text": ""},
             {"title": "حملة ثانية", "content": body, "date": "2018-06-12"}]
    arr = tmp_path / "items.json"
    arr.write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    got = list(read_file(arr))
    assert [x.title for x in got if isinstance(x, RawArticle)] == ["حملة وطنية للتشجير", "حملة ثانية"]
    skips = [x for x in got if isinstance(x, Skip)]
    assert [s.source_path.rsplit(":", 1)[1] for s in skips] == ["2", "3"]
    assert "not an object" in skips[0].reason and "empty text" in skips[1].reason
    assert got[0].outlet == "okaz" and got[-1].published == datetime(2018, 6, 12)

    api = tmp_path / "newsapi.json"
    api.write_text(json.dumps({"status": "ok", "totalResults": 1, "articles": [
        {"source": {"id": "al-jazeera-english", "name": "Al Jazeera English"}, "title": "حملة وطنية للتشجير",
         "publishedAt": "2018-06-12T10:30:00Z", "content": body, "url": "https://www.aljazeera.com/x"}]}),
        encoding="utf-8")
    (a,) = list(read_file(api))
    assert a.outlet == "Al Jazeera English" and a.published == datetime(2018, 6, 12, 10, 30) and a.text == body

    one = tmp_path / "one.json"  # one pretty-printed article per file
    one.write_text(json.dumps({"title": "حملة", "text": body}, ensure_ascii=False, indent=2), encoding="utf-8")
    assert [x.text for x in read_file(one)] == [body]

    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (skip,) = list(read_file(deep))
    assert isinstance(skip, Skip) and "nested too deeply" in skip.reason
    for n, tail in enumerate(('{"title": ', "")):  # cut inside an item, or after one: the items before load
        broken = tmp_path / f"broken{n}.json"
        broken.write_text('[{"title": "x", "text": "' + body + '"}, ' + tail, encoding="utf-8")
        art, skip = list(read_file(broken))
        assert isinstance(art, RawArticle) and art.text == body
        assert isinstance(skip, Skip) and "malformed JSON" in skip.reason and skip.source_path.endswith(":2")

    lines = tmp_path / "lines.json"  # JSON Lines under a .json name still read line by line
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (items[0], items[3])), encoding="utf-8")
    assert len([x for x in read_file(lines) if isinstance(x, RawArticle)]) == 2
    lines.write_text('{"title": "مقطوع\n' + "\n".join(json.dumps(r, ensure_ascii=False) for r in (items[0], items[3])),
                     encoding="utf-8")  # a broken first line: still JSON Lines, that line alone skipped
    got = list(read_file(lines))
    assert len([x for x in got if isinstance(x, RawArticle)]) == 2 and len([x for x in got if isinstance(x, Skip)]) == 1


def test_a_csv_or_tsv_dump_is_read_row_by_row(tmp_path: Path) -> None:
    """A scraper's CSV (Scrapy ``-o items.csv``, a spreadsheet export) was read as one text article made of
    every row. Now each row is an article, its columns named as a JSON record's fields; multi-line quoted
    bodies stay whole; a short or empty row and a table without a text column are clear skips."""
    body = "أعلنت وزارة الفلاحة عن انطلاق حملة وطنية لتشجير المناطق الجبلية.\nوقال مسؤول إن الحملة تستهدف مليون شجرة."
    csv_text = ('title,text,url,date,source\n'
                f'"حملة وطنية للتشجير","{body}",https://www.okaz.com.sa/news/1,2018-06-12,\n'
                '"=HYPERLINK(""http://x"")","نص يبدأ بصيغة لا تنفذ أبدا لأنه نص فقط.",,,hespress\n'
                '"صف ناقص"\n'
                '\n'
                '"حملة ثانية","نص ثان.\u0000",,,\n')
    p = tmp_path / "dump.csv"
    p.write_text(csv_text, encoding="utf-8")
    got = list(read_file(p))
    arts = [x for x in got if isinstance(x, RawArticle)]
    assert [a.title for a in arts] == ["حملة وطنية للتشجير", "=HYPERLINK(\"http://x\")", "حملة ثانية"]
    assert arts[0].text == body and arts[0].outlet == "okaz" and arts[0].published == datetime(2018, 6, 12)
    assert arts[1].outlet == "hespress" and arts[2].text == "نص ثان."
    assert [s.reason for s in got if isinstance(s, Skip) and not s.reason.startswith("warning")] == ["empty text"]
    assert {a.source_path.rsplit(":", 1)[1] for a in arts} == {"2", "3", "6"}  # rows, the header being row 1

    tsv = tmp_path / "dump.tsv"
    tsv.write_text("headline\tcontent\nحملة\tأعلنت الوزارة عن حملة وطنية.\n", encoding="utf-8")
    (a,) = list(read_file(tsv))
    assert a.title == "حملة" and a.text == "أعلنت الوزارة عن حملة وطنية."

    semi = tmp_path / "excel.csv"  # a spreadsheet in an Arabic locale: semicolons, a byte-order mark
    semi.write_text("\ufefftitle;text\nحملة;أعلنت الوزارة، اليوم، عن حملة وطنية.\n", encoding="utf-8")
    (a,) = list(read_file(semi))
    assert a.text == "أعلنت الوزارة، اليوم، عن حملة وطنية."

    other = tmp_path / "list.csv"
    other.write_text("name,count\nحلب,3\n", encoding="utf-8")
    (skip,) = list(read_file(other))
    assert isinstance(skip, Skip) and "without a text column" in skip.reason


def test_arabic_header_labels_and_dates_as_people_write_them(tmp_path: Path) -> None:
    """A scraper that labels its header lines in Arabic («العنوان: …») had its URL line taken as the headline
    and no date; «12/06/2018» (day first, the Arab-world convention), «الثلاثاء 12 حزيران 2018» and Unix time
    stamps in metadata were «invalid date … ignored»."""
    body = "أعلنت وزارة الفلاحة عن انطلاق حملة وطنية لتشجير المناطق الجبلية بمشاركة آلاف المتطوعين من مختلف الولايات."
    p = tmp_path / "a.txt"
    p.write_text("العنوان: حملة وطنية للتشجير\nالتاريخ: 12/06/2018\nالمصدر: الجزيرة\n"
                 f"الرابط: https://www.aljazeera.net/news/1\n\n{body}\n", encoding="utf-8")
    (a,) = list(read_file(p))
    assert (a.title, a.outlet, a.url) == ("حملة وطنية للتشجير", "الجزيرة", "https://www.aljazeera.net/news/1")
    assert a.published == datetime(2018, 6, 12) and a.date_source == "header-line" and a.text.strip() == body

    q = tmp_path / "b.txt"  # a body line that opens with «المصدر» is not a header (no colon)
    q.write_text(f"المصدر الرئيسي للمياه في المنطقة جف هذا الصيف بعد موجة حر طويلة ضربت البلاد.\n{body}\n",
                 encoding="utf-8")
    (b,) = list(read_file(q))
    assert b.outlet in (None, "unknown") and b.text.startswith("المصدر الرئيسي")

    rows = [{"id": "1", "text": body, "date": "الثلاثاء 12 حزيران 2018"}, {"id": "2", "text": body, "date": 1528800000},
            {"id": "3", "text": body, "date": "25/06/2018 10:30"}, {"id": "4", "text": body, "date": "99/99/2018"}]
    j = tmp_path / "d.jsonl"
    j.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    got = {x.doc_id: x for x in read_file(j)}
    assert got["1"].published == datetime(2018, 6, 12) and got["2"].published == datetime(2018, 6, 12, 10, 40)
    assert got["3"].published.date() == datetime(2018, 6, 25).date()
    assert got["4"].published is None and got["4"].date_source.startswith("invalid date")


def test_gzip_compressed_dumps_are_read_as_their_inner_name_says(tmp_path: Path) -> None:
    """``dump.jsonl.gz`` (streamed), ``items.json.gz``, ``dump.csv.gz`` and ``page.txt.gz`` were refused as
    binary content. A cut archive keeps the articles before the cut and says why it stopped; a decompression
    bomb stops at the size limit."""
    import gzip

    body = "أعلنت وزارة الفلاحة عن انطلاق حملة وطنية لتشجير المناطق الجبلية بمشاركة آلاف المتطوعين."
    recs = [{"id": f"a{i}", "title": f"حملة {i}", "text": body} for i in range(3)]
    files = {
        "dump.jsonl.gz": "\n".join(json.dumps(r, ensure_ascii=False) for r in recs),
        "items.json.gz": json.dumps(recs, ensure_ascii=False, indent=1),
        "dump.csv.gz": "id,title,text\n" + "".join(f'{r["id"]},{r["title"]},"{body}"\n' for r in recs),
        "page.txt.gz": f"title حملة 0\n\n{body}\n",
    }
    for name, text in files.items():
        p = tmp_path / name
        p.write_bytes(gzip.compress(text.encode("utf-8")))
        arts = [x for x in read_file(p) if isinstance(x, RawArticle)]
        assert [a.title for a in arts] == (["حملة 0"] if name.startswith("page") else ["حملة 0", "حملة 1", "حملة 2"])
        assert all(a.text == body for a in arts), name

    whole = gzip.compress(files["dump.jsonl.gz"].encode("utf-8") * 200)
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    got = list(read_file(cut))
    assert any(isinstance(x, RawArticle) for x in got)
    assert isinstance(got[-1], Skip) and "gzip" in got[-1].reason

    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * (70 * 1024 * 1024)))
    (skip,) = list(read_file(bomb))
    assert isinstance(skip, Skip) and "too large" in skip.reason


def test_a_saved_page_folder_gives_one_article_and_says_what_the_rest_is(tmp_path: Path) -> None:
    """«Save page as… complete» writes the page and a folder of its stylesheets, scripts and images. The
    stylesheet and the script were read as two text articles of code; now each asset is a skip saying what it is."""
    body = "أعلنت وزارة الفلاحة عن انطلاق حملة وطنية لتشجير المناطق الجبلية بمشاركة آلاف المتطوعين من مختلف الولايات."
    (tmp_path / "page.html").write_text(f"<html><head><title>حملة وطنية</title></head><body><h1>حملة وطنية</h1>"
                                        f"<p>{body}</p><p>{body}</p></body></html>", encoding="utf-8")
    assets = tmp_path / "page_files"
    assets.mkdir()
    (assets / "style.css").write_text("body { direction: rtl; font-family: 'Noto Naskh Arabic'; }", encoding="utf-8")
    (assets / "app.js").write_text("document.title = 'حملة وطنية للتشجير في المناطق الجبلية';", encoding="utf-8")
    (assets / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><text>شعار</text></svg>", encoding="utf-8")
    (assets / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
    got = list(read_inputs([tmp_path]))
    assert [a.title for a in got if isinstance(a, RawArticle)] == ["حملة وطنية"]
    reasons = sorted(s.reason for s in got if isinstance(s, Skip))
    assert reasons == ["not an article file: a script (.js)", "not an article file: a stylesheet (.css)",
                       "not an article file: an image (.jpg)", "not an article file: an image (.svg)"]


def test_field_names_in_another_case_or_in_arabic(tmp_path: Path) -> None:
    """A spreadsheet with Arabic column names («العنوان», «النص», «التاريخ», «المصدر») or a dump with «Title» /
    «Text» was skipped as «empty text» (or a table «without a text column»)."""
    body = "أعلنت وزارة الفلاحة عن انطلاق حملة وطنية لتشجير المناطق الجبلية بمشاركة آلاف المتطوعين."
    p = tmp_path / "ar.csv"
    p.write_text(f'العنوان,النص,التاريخ,المصدر\nحملة وطنية,"{body}",12/06/2018,الشرق الأوسط\n', encoding="utf-8")
    (a,) = list(read_file(p))
    assert (a.title, a.text, a.published, a.outlet) == ("حملة وطنية", body, datetime(2018, 6, 12), "aawsat")  # the name canonicalised
    j = tmp_path / "caps.jsonl"
    j.write_text(json.dumps({"ID": "x1", "Title": "حملة", "Text": body, "URL": "https://www.okaz.com.sa/1",
                             "title": "العنوان الصحيح"}, ensure_ascii=False), encoding="utf-8")
    (b,) = list(read_file(j))
    assert (b.doc_id, b.title, b.text, b.outlet) == ("x1", "العنوان الصحيح", body, "okaz")  # «title» as it is wins


def test_a_page_saved_as_one_mhtml_file_is_read_as_its_html(tmp_path: Path) -> None:
    """Chrome's «save as a single file» writes MHTML (a MIME message, the HTML quoted-printable). It was read
    as one text article of MIME headers and encoded HTML."""
    import quopri

    body = "أعلنت وزارة الفلاحة عن انطلاق حملة وطنية لتشجير المناطق الجبلية بمشاركة آلاف المتطوعين من مختلف الولايات."
    page = (f"<html><head><meta charset='utf-8'><title>حملة وطنية</title></head><body><h1>حملة وطنية للتشجير</h1>"
            f"<p>{body}</p><p>{body}</p></body></html>")
    qp = quopri.encodestring(page.encode("utf-8")).decode("ascii")
    mhtml = ("From: <Saved by Blink>\r\nSnapshot-Content-Location: https://www.hespress.com/2018/06/12/x.html\r\n"
             "Subject: x\r\nMIME-Version: 1.0\r\n"
             'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
             "------B\r\nContent-Type: text/html\r\nContent-ID: <frame-1@mhtml.blink>\r\n"
             "Content-Transfer-Encoding: quoted-printable\r\n"
             "Content-Location: https://www.hespress.com/2018/06/12/x.html\r\n\r\n"
             f"{qp}\r\n------B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
             "------B--\r\n")
    p = tmp_path / "page.mhtml"
    p.write_text(mhtml, encoding="ascii")
    (a,) = list(read_file(p))
    assert isinstance(a, RawArticle) and a.title == "حملة وطنية للتشجير" and body in a.text and "=D8" not in a.text
    assert a.url == "https://www.hespress.com/2018/06/12/x.html" and a.outlet == "hespress"
    empty = tmp_path / "none.mht"
    empty.write_text("MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nlogo\r\n", encoding="ascii")
    (skip,) = list(read_file(empty))
    assert isinstance(skip, Skip) and "without an HTML part" in skip.reason


def test_one_outlet_is_one_outlet_whatever_the_scraper_wrote(tmp_path: Path) -> None:
    """The same outlet written as an Arabic name, a Latin name, a host, a URL or a NewsAPI source object is
    one outlet id, so a story's cross-outlet comparison never counts one outlet twice; an outlet rasid does
    not know keeps the name as written."""
    body = "أعلنت وزارة الصحة اليوم افتتاح مستشفى جديد في مدينة حلب يضم مئتي سرير."
    rows = [{"id": f"r{k}", "title": "مستشفى جديد", "text": body, "source": src} for k, src in enumerate(
        ["الشرق الأوسط", "Asharq Al-Awsat", "www.aawsat.com", "https://aawsat.com/home/article/5", " الشرق الأوسط ",
         {"id": None, "name": "Asharq Al-Awsat"}, "صحيفة الحي الصغيرة"])]
    p = tmp_path / "dump.jsonl"
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    got = {a.doc_id: a.outlet for a in read_inputs([p]) if isinstance(a, RawArticle)}
    assert got == {"r0": "aawsat", "r1": "aawsat", "r2": "aawsat", "r3": "aawsat", "r4": "aawsat", "r5": "aawsat",
                   "r6": "صحيفة الحي الصغيرة"}
    t = tmp_path / "page.txt"
    t.write_text(f"المصدر: عنب بلدي\n\n{body}\n", encoding="utf-8")
    (page,) = read_inputs([t])
    assert page.outlet == "enabbaladi"


def test_registry_knows_the_names_an_older_archive_stored() -> None:
    """An archive made before names were canonicalised stores «الشرق الأوسط»: the registry still finds it."""
    from rasid.config import OutletsConfig
    from rasid.serve.outlets import registry_for

    registry = registry_for(OutletsConfig())
    assert {registry.lookup(x).id for x in ("aawsat", "الشرق الأوسط", "Asharq Al-Awsat", "www.aawsat.com")} == {"aawsat"}
    assert registry.lookup("سانا").id == "sana" and registry.lookup("صحيفة الحي الصغيرة") is None


def test_outlet_option_names_the_outlet_as_the_files_would(tmp_path: Path) -> None:
    """``rasid run --outlet NAME``: a name rasid knows becomes its id; any other name is used as given."""
    (tmp_path / "a.txt").write_text("أعلنت وزارة الصحة اليوم افتتاح مستشفى جديد في مدينة حلب.", encoding="utf-8")
    assert [a.outlet for a in read_inputs([tmp_path], outlet="Asharq Al-Awsat")] == ["aawsat"]
    assert [a.outlet for a in read_inputs([tmp_path], outlet="أرشيف المكتب")] == ["أرشيف المكتب"]
