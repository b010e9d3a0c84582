"""Raw scraped pages read the way a person reads them: headline, date, outlet, body without furniture.

The pages here are written for these tests (CC0), in the shapes scrapers produce: a site header, a ticker,
the headline, a date line, a byline, the body, share buttons, a teaser list, a footer.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from rasid.clean.lines import clean_page
from rasid.ingest.page import date_line, infer_from_text, outlet_from_host, read_page
from rasid.ingest.readers import read_file, read_inputs
from rasid.models import RawArticle

BODY1 = "أعلنت وزارة الفلاحة عن انطلاق حملة وطنية لتشجير المناطق الجبلية بمشاركة آلاف المتطوعين من مختلف الولايات."
BODY2 = "وقال مسؤول في الوزارة إن الحملة تستهدف غرس مليون شجرة خلال الموسم الحالي، مع متابعة ريها طوال الصيف."
PAGE = f"""موزاييك أف أم
وطنية
اقتصاد
رياضة
آخر الأخبار
ارتفاع نسبة امتلاء السدود إلى 41 بالمائة
حملة وطنية لتشجير المناطق الجبلية
تاريخ النشر: 03 أفريل 2026 - 10:15
آخر تحديث: 04 أفريل 2026 - 08:40
بقلم: سامي الورتاني
{BODY1}
متطوعون يغرسون أشجارا في جبل بوقرنين (Fethi Belaid / AFP)
{BODY2}
شارك
Facebook
Twitter
اقرأ أيضا
النجم الساحلي يتعاقد مع مدرب جديد
وزارة الصحة تطلق حملة تلقيح في المدارس الابتدائية
التعليقات المنشورة لا تعبر عن رأي الموقع وإنما عن رأي أصحابها
موزاييك أف أم © 2026 | كل الحقوق محفوظة
"""


def _read(tmp_path: Path, text: str, name: str = "page.txt", folder: str = "hespress_dump") -> RawArticle:
    d = tmp_path / folder
    d.mkdir(exist_ok=True)
    p = d / name
    p.write_text(text, encoding="utf-8")
    (art,) = [x for x in read_file(p) if isinstance(x, RawArticle)]
    return art


def test_headline_date_outlet_from_the_page_alone(tmp_path: Path) -> None:
    art = _read(tmp_path, PAGE)
    assert art.title == "حملة وطنية لتشجير المناطق الجبلية"  # not the ticker line above it, not a menu item
    assert art.published == datetime(2026, 4, 3, 10, 15) or art.published.date().isoformat() == "2026-04-03"
    assert art.outlet == "mosaiquefm"  # the site name in the header; never the folder "hespress_dump"


def test_cleaning_keeps_the_body_and_drops_metadata_captions_and_furniture(tmp_path: Path) -> None:
    art = _read(tmp_path, PAGE)
    res = clean_page(art.text, art.outlet, None, title=art.title)
    assert res.text.split("\n") == [BODY1, BODY2]
    reasons = {line: why for _, why, line in res.removed}
    assert reasons["حملة وطنية لتشجير المناطق الجبلية"] == "headline"
    assert reasons["بقلم: سامي الورتاني"] == "byline"
    assert reasons["متطوعون يغرسون أشجارا في جبل بوقرنين (Fethi Belaid / AFP)"] == "caption"
    assert "وزارة الصحة تطلق حملة تلقيح في المدارس الابتدائية" in reasons  # teaser after the article
    assert "التعليقات المنشورة لا تعبر عن رأي الموقع وإنما عن رأي أصحابها" in reasons


MENU = "الرئيسية | أخبار | اقتصاد | رياضة | اتصل بنا"


@pytest.mark.parametrize(("lines", "title"), [
    ([MENU, "اشتباكات في حلب", BODY1, BODY2], "اشتباكات في حلب"),  # three words, nothing above but the menu
    ([MENU, "حرائق تلتهم غابات الشمال", "بقلم: سامي الورتاني", BODY1], "حرائق تلتهم غابات الشمال"),
    (["اشتباكات في حلب", BODY1, BODY2], "اشتباكات في حلب"),  # the page opens with it
])
def test_a_short_headline_is_not_taken_for_a_byline(tmp_path: Path, lines: list[str], title: str) -> None:
    art = _read(tmp_path, "\n".join(lines) + "\n")
    assert art.title == title
    res = clean_page(art.text, art.outlet, None, title=art.title)
    assert res.text.split("\n")[0] == BODY1  # the headline is not left at the top of the body


@pytest.mark.parametrize(("lines", "title"), [
    # an exclamation or trailing dots end many columns' headlines; long ones look like a body sentence
    ([MENU, "عطل مطار الملك خالد!", BODY1, BODY2], "عطل مطار الملك خالد!"),
    ([MENU, "تحرير عدن..", BODY1], "تحرير عدن.."),
    ([MENU, "مسؤولو الأندية يرمون إخفاقاتهم على الحكام لصرف نظر الجماهير!!", BODY1, BODY2],
     "مسؤولو الأندية يرمون إخفاقاتهم على الحكام لصرف نظر الجماهير!!"),
    ([MENU, "فارس العيد", BODY1, BODY2], "فارس العيد"),  # two words
    # «تقرير:» opens a headline as well as a byline
    ([MENU, "تقرير: هجمات إلكترونية روسية خلال أولمبياد الشتاء", BODY1], "تقرير: هجمات إلكترونية روسية خلال أولمبياد الشتاء"),
    # a headline with a tatweel dash in it is not a «name ـ city» line; one ending in a character reference
    ([MENU, "إيران وسايكس ـ بيكو الأقليات", BODY1, BODY2], "إيران وسايكس ـ بيكو الأقليات"),
    ([MENU, "335 قتيلاً في الهند بسبب &#8220;موجة حر&#8221;", BODY1], "335 قتيلاً في الهند بسبب &#8220;موجة حر&#8221;"),
    # a reporter's «name ـ city» line under the headline is a dateline, not the headline
    ([MENU, "حادث مروع لشاعر الجنادرية", "طلال عبدالله ـ جدة", BODY1, BODY2], "حادث مروع لشاعر الجنادرية"),
    # an unpunctuated first paragraph under the byline is not the headline
    ([MENU, "التدخين قد يزيد من مخاطر ضعف السمع", "بقلم: سامي الورتاني",
      "تقول دراسة يابانية إن المدخنين ربما يكونون أكثر عرضة للإصابة بضعف السمع", BODY1],
     "التدخين قد يزيد من مخاطر ضعف السمع"),
])
def test_real_headline_shapes(tmp_path: Path, lines: list[str], title: str) -> None:
    art = _read(tmp_path, "\n".join(lines) + "\n")
    assert art.title == title
    res = clean_page(art.text, art.outlet, None, title=art.title)
    kept = res.text.split("\n")
    assert title not in kept and BODY1 in kept
    if "تقول دراسة يابانية إن المدخنين ربما يكونون أكثر عرضة للإصابة بضعف السمع" in lines:
        assert kept[0].startswith("تقول دراسة يابانية")  # the paragraph stays in the body


def test_an_exclaimed_first_paragraph_under_a_headline_stays_in_the_body(tmp_path: Path) -> None:
    text = f"{MENU}\nحملة وطنية لتشجير المناطق الجبلية\nيا لها من حملة رائعة في كل الولايات!\n{BODY1}\n{BODY2}\n"
    art = _read(tmp_path, text)
    assert art.title == "حملة وطنية لتشجير المناطق الجبلية"
    kept = clean_page(art.text, art.outlet, None, title=art.title).text.split("\n")
    assert kept[0] == "يا لها من حملة رائعة في كل الولايات!"


def test_a_short_name_under_a_headline_is_still_a_byline(tmp_path: Path) -> None:
    art = _read(tmp_path, f"{MENU}\nحملة وطنية لتشجير المناطق الجبلية\nسامي الورتاني\n{BODY1}\n{BODY2}\n")
    assert art.title == "حملة وطنية لتشجير المناطق الجبلية"
    reasons = {line: why for _, why, line in clean_page(art.text, art.outlet, None, title=art.title).removed}
    assert reasons["سامي الورتاني"] == "byline"


def test_folder_name_is_never_the_outlet(tmp_path: Path) -> None:
    art = _read(tmp_path, f"عنوان بلا موقع معروف في هذه الصفحة\n{BODY1}\n{BODY2}\n", folder="aljazeera")
    assert art.outlet == "unknown"  # the folder "aljazeera" says nothing about the file
    forced = [x for x in read_inputs([tmp_path / "aljazeera"], outlet="mydesk") if isinstance(x, RawArticle)]
    assert [a.outlet for a in forced] == ["mydesk"]  # rasid run --outlet NAME


def test_inline_date_prefix_is_metadata_and_the_sentence_stays(tmp_path: Path) -> None:
    art = _read(tmp_path, f"date 2026-01-27 {BODY1}\n{BODY2}\n")
    assert art.published == datetime(2026, 1, 27)
    res = clean_page(art.text, art.outlet, None, title=art.title)
    assert res.text.split("\n")[0] == BODY1


def test_agency_dateline_gives_outlet_and_day_year_from_the_page(tmp_path: Path) -> None:
    text = (f"الكويت ترحب بنتائج اجتماع وزراء الخارجية العرب\n"
            f"الكويت - 12 - 2 (كونا) -- رحبت دولة الكويت بالنتائج التي خرج بها اجتماع وزراء الخارجية العرب.\n"
            f"{BODY2}\nوكالة الأنباء الكويتية © 2026\n")
    art = _read(tmp_path, text)
    assert art.outlet == "kuna" and art.published == datetime(2026, 2, 12)
    res = clean_page(art.text, art.outlet, None, title=art.title)
    assert res.text.startswith("رحبت دولة الكويت")


def test_date_lines_in_regional_forms() -> None:
    assert date_line("السبت 24 جانفي 2026") == datetime(2026, 1, 24)
    assert date_line("الأربعاء 4 جويلية 2026 - 10:15") == datetime(2026, 7, 4)
    assert date_line("٢٥ رجب ١٤٤٧هـ الموافق ١٤ يناير ٢٠٢٦م") == datetime(2026, 1, 14)
    assert date_line("نشر في: 3 تشرين الأول 2026") == datetime(2026, 10, 3)
    assert date_line("11/3/2026") == datetime(2026, 3, 11)
    assert date_line("Published February 12, 2026") == datetime(2026, 2, 12)
    assert date_line("وقعت الحادثة في 15 يناير 2025 بحسب ما قالت الشرطة في بيانها") is None  # a sentence


def test_publication_date_wins_over_update_and_a_year_alone_is_no_day(tmp_path: Path) -> None:
    text = f"عنوان الخبر هنا بلا نقطة\nآخر تحديث: 5 أوت 2026\nنشر في: 2 أوت 2026\n{BODY1}\n{BODY2}\n"
    assert _read(tmp_path, text, "a.txt").published == datetime(2026, 8, 2)
    text = f"url https://www.aljazeera.net/news/2026/aljazeera-1\nعنوان الخبر هنا بلا نقطة\n{BODY1}\n{BODY2}\n© 2026\n"
    art = _read(tmp_path, text, "b.txt")
    assert art.published is None and art.outlet == "aljazeera"


def test_outlet_from_url_host() -> None:
    assert outlet_from_host("https://gate.ahram.org.eg/News/1.aspx") == "ahram"
    assert outlet_from_host("https://www.echoroukonline.com/x") == "echorouk"
    assert outlet_from_host("https://www.kuna.net.kw/ArticleDetails.aspx?id=1") == "kuna"
    assert outlet_from_host("https://www.okaz.com.sa/news/1") == "okaz"
    assert outlet_from_host("https://arabic.rt.com/world/1/") == "rt"


def test_undated_page_is_dated_only_when_the_text_pins_the_day() -> None:
    day, why = infer_from_text(["أعلنت الوزارة اليوم الأربعاء 28 يناير 2026 عن خطة جديدة للنقل."])
    assert day == datetime(2026, 1, 28) and "اليوم الأربعاء 28 يناير 2026" in why
    day, _ = infer_from_text(["وقال الوزير أمس الثلاثاء 27 يناير 2026 إن الخطة جاهزة."])
    assert day == datetime(2026, 1, 28)
    assert infer_from_text(["أعلنت الوزارة اليوم الخميس 28 يناير 2026 عن خطة."]) is None  # weekday disagrees
    assert infer_from_text(["وكانت الحادثة وقعت في 15 يناير 2025 قرب الحدود."]) is None  # background date


def test_single_line_article_is_never_cleaned_away() -> None:
    res = clean_page("أعلنت وزارة الصحة السورية اليوم عن افتتاح مستشفى جديد في مدينة حلب good0")
    assert res.text


def test_html_headline_site_name_and_visible_date(tmp_path: Path) -> None:
    html = f"""<!DOCTYPE html><html><head><title>الدستور - أمانة عمان تطلق خطة طوارئ</title></head><body>
<div id="top"><img src="/logo.gif" alt="الدستور"><div class="menu"><a href="/">الرئيسية</a> | <a>محليات</a></div></div>
<div id="content"><h1>أمانة عمان تطلق خطة طوارئ</h1><div class="date">الجمعة 13 فبراير 2026</div>
<div class="text"><p>{BODY1}</p><p>{BODY2}</p></div></div><div id="foot">© 2026</div></body></html>"""
    p = tmp_path / "input" / "x.html"
    p.parent.mkdir()
    p.write_text(html, encoding="utf-8")
    (art,) = [x for x in read_file(p) if isinstance(x, RawArticle)]
    assert art.title == "أمانة عمان تطلق خطة طوارئ"
    assert art.outlet == "addustour"
    assert art.published == datetime(2026, 2, 13)


def test_read_page_on_a_jsonl_body_only_removes_the_given_title_line() -> None:
    lines = ["عنوان المقال كما في الحقل", BODY1, BODY2]
    page = read_page(lines, title="عنوان المقال كما في الحقل")
    assert page.title_line == 0 and page.meta_lines == {}
    page = read_page([BODY1, BODY2], title="عنوان غير موجود في النص")
    assert page.title_line is None


def test_run_outlet_option_sets_every_outlet(tmp_path: Path) -> None:
    from rasid.config import RunConfig
    from rasid.run.pipeline import run
    from rasid.store import Store

    _read(tmp_path, PAGE, "a.txt", folder="in")
    store = Store(tmp_path / "t.db")
    run([tmp_path / "in"], store, RunConfig(outlet="mydesk", extract=False, cluster=False, workers=1))
    assert [d.outlet for d in store.documents()] == ["mydesk"]
    store.close()


def test_a_section_subhead_is_not_a_claim() -> None:
    from rasid.extract.attribution import find_claims
    from rasid.models import Document

    text = ("قال وزير الاقتصاد إن الحكومة سترفع الدعم عن الوقود تدريجيا خلال العام المقبل.\n"
            "مقتل 5 أشخاص وإصابة 12 في انفجار بالعاصمة\n"
            "وأضاف الوزير أن الأجور سترتفع بنسبة عشرة في المئة قبل نهاية العام الجاري.")
    doc = Document(id="d", text=text, raw_text=text, source_path="x", fmt="txt")
    claims = [c.text for c in find_claims(doc, [])]
    assert "مقتل 5 أشخاص وإصابة 12 في انفجار بالعاصمة" not in claims
    assert len(claims) == 2  # the two attributed statements around it stay claims


@pytest.mark.parametrize("sentence,published", [
    ("أعلنت الوزارة اليوم الأربعاء 28 يناير 2026 عن خطة جديدة لدعم المزارعين.", "2026-01-28"),
    ("وكان الوزير قد التقى أمس الثلاثاء 27 يناير 2026 نظيره التركي في أنقرة.", "2026-01-28"),
    ("وقع الانفجار أول أمس الاثنين 26 يناير 2026 في حي الميدان وسط دمشق.", "2026-01-28"),
    ("وكان الانفجار قد وقع مساء أمس الأول الاثنين 26 يناير 2026 قرب المرفأ.", "2026-01-28"),
    ("تنطلق غداً الخميس 29 يناير 2026 أعمال المؤتمر الاقتصادي في الرياض.", "2026-01-28"),
    ("تنطلق غدا الجمعة 29 يناير 2026 أعمال المؤتمر.", None),  # 29 January 2026 is a Thursday: nothing pinned
    ("وكانت الحكومة قد أقرت الخطة في 15 يناير 2025 بعد نقاش طويل.", None),  # a background date alone
])
def test_publication_day_counted_from_today_yesterday_and_tomorrow(sentence: str, published: str | None) -> None:
    from rasid.ingest.page import infer_from_text

    found = infer_from_text([sentence])
    assert (found[0].date().isoformat() if found else None) == published


def test_a_menu_bar_above_the_headline_is_not_the_headline(tmp_path: Path) -> None:
    """A one-line menu («الرئيسية | أخبار | رياضة») right above the headline and its dateline: the headline is
    the title and the menu is cleaned away with the furniture, as a reader skips it."""
    body = "وصل وزير الخارجية اليوم الخميس إلى عمّان في زيارة رسمية يبحث خلالها العلاقات الثنائية مع نظيره."
    page = f"الرئيسية | أخبار | رياضة\n\nوزير الخارجية يصل إلى عمّان في زيارة رسمية\n\nعمّان - 12 آذار 2026\n\n{body}\n"
    art = _read(tmp_path, page)
    assert art.title == "وزير الخارجية يصل إلى عمّان في زيارة رسمية"
    assert art.published.date().isoformat() == "2026-03-12"
    cleaned = clean_page(page, title=None)
    assert "الرئيسية" not in cleaned.text and body in cleaned.text
    assert read_page(["عاجل | وزير الخارجية يصل إلى عمّان", body]).title == "عاجل | وزير الخارجية يصل إلى عمّان"


def test_furniture_scores_only_what_its_gate_lets_through_with_the_full_vectors(tmp_path: Path) -> None:
    """``scorable_only`` (the fast path) keeps exactly the lines the classifier's rule scores — a strong
    feature, or a short line (< 8 words, no final colon) with a weak sign — with the same vectors."""
    from rasid.clean.furniture import _STRONG, FEATURES, _short_tail, line_features
    from rasid.ingest.page import _nwords

    art = _read(tmp_path, PAGE)
    lines = art.text.split("\n")
    page = read_page(lines, title=art.title)
    full = line_features(lines, page, set())
    fast = line_features(lines, page, set(), scorable_only=True)
    tail = _short_tail(sorted(full), {i: bool(x[FEATURES.index("headline_shape")]) for i, x in full.items()})
    short = FEATURES.index("short_1_3")
    marker = FEATURES.index("after_marker")

    def scored(i: int, x: list[float]) -> bool:
        if i == page.title_line or i in page.meta_lines:
            return False
        weak = _nwords(lines[i]) < 8 and not lines[i].rstrip().endswith(":") and (
            x[short] or x[marker] or i in tail)
        return bool(weak or any(x[k] for k in _STRONG))

    assert set(fast) == {i for i, x in full.items() if scored(i, x)}
    assert 0 < len(fast) < len(full)
    assert all(fast[i] == full[i] for i in fast)


def test_html_character_references_in_a_title_are_decoded_and_the_body_stays_verbatim(tmp_path: Path) -> None:
    """SaudiNewsNet-style dumps carry «&quot;» and «&#8220;» in titles (232 of 31,030): the reader sees quotes.
    The body keeps its characters as read (mention offsets point into it), and a title that decodes to markup is
    text like any other (the web UI inserts text nodes)."""
    import json

    from rasid.run.stages import clean_article

    body = "ارتفع عدد ضحايا &quot;موجة الحر&quot; في الهند إلى 335 قتيلا بحسب السلطات المحلية في ولاية أندرا براديش."
    rows = [{"title": "بالصور .. 335 قتيلاً في الهند بسبب &#8220;موجة حر&#8221;", "text": body, "url": "https://x.sa/1"},
            {"title": "&lt;script&gt;alert(1)&lt;/script&gt; عنوان", "text": BODY1, "url": "https://x.sa/2"},
            {"title": "AT&T تطلق خدمة جديدة", "text": BODY2, "url": "https://x.sa/3"}]
    p = tmp_path / "dump.jsonl"
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    docs = [clean_article(a, None) for a in read_file(p) if isinstance(a, RawArticle)]
    assert [d.title for d in docs] == ["بالصور .. 335 قتيلاً في الهند بسبب “موجة حر”",
                                       "<script>alert(1)</script> عنوان", "AT&T تطلق خدمة جديدة"]
    assert docs[0].text == body  # verbatim


def test_a_ticker_item_above_the_headline_is_not_the_title() -> None:
    """A scraped page whose news ticker shows «عاجل: …» just above the headline: the headline is the title and
    stays out of the body; a page whose only headline is a «عاجل:» one keeps it."""
    page = ["الرئيسية | أخبار | رياضة | اتصل بنا", "عاجل: ارتفاع أسعار النفط", "اشتباكات في ريف حلب الشمالي",
            "حلب - أحمد علي",
            "قتل ثلاثة مدنيين وأصيب آخرون اليوم الخميس في اشتباكات اندلعت بين فصائل مسلحة في ريف حلب الشمالي، "
            "بحسب ما أفاد مصدر محلي.", "وقال المصدر إن الاشتباكات استمرت عدة ساعات قبل أن تتدخل وساطة عشائرية."]
    info = read_page(page)
    assert (info.title, info.title_line, info.body_start) == ("اشتباكات في ريف حلب الشمالي", 2, 4)
    alone = read_page(["عاجل: وفاة الفنان فلان عن عمر ناهز ثمانين عاما",
                       "توفي الفنان فلان اليوم في القاهرة بعد صراع طويل مع المرض، بحسب ما أعلنت أسرته في بيان."])
    assert alone.title == "عاجل: وفاة الفنان فلان عن عمر ناهز ثمانين عاما"
