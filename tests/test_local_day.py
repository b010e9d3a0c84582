"""Publication stamps keep the outlet's UTC offset: the instant stays UTC for ordering, the local calendar
day is what «اليوم» and «أمس» mean and what the API and UI show."""

from __future__ import annotations

from datetime import datetime

from rasid.extract.temporal import find_dates
from rasid.ingest.common import parse_date, parse_date_offset
from rasid.ingest.feeds import parse_feed
from rasid.models import Document, RawArticle
from rasid.run.stages import clean_article
from rasid.serve.serialize import DOCUMENT

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>الأهرام</title><link>https://www.ahram.org.eg/</link>
<item><title>الرئيس يستقبل وزير الخارجية</title><link>https://www.ahram.org.eg/News/1.aspx</link>
<pubDate>Tue, 27 Jan 2026 23:30:00 +0200</pubDate>
<description>استقبل الرئيس اليوم الثلاثاء وزير الخارجية في قصر الاتحادية لبحث تطورات الأوضاع في المنطقة.</description></item>
<item><title>الحكومة تعلن خطة جديدة</title><link>https://www.ahram.org.eg/News/2.aspx</link>
<pubDate>Wed, 28 Jan 2026 01:30:00 +0200</pubDate>
<description>أعلنت الحكومة اليوم الأربعاء خطة جديدة للنقل، بعد اجتماع عقده مجلس الوزراء أمس.</description></item>
</channel></rss>""".encode()


def _docs() -> list[Document]:
    raws = [r for r in parse_feed(FEED, "ahram.xml") if isinstance(r, RawArticle)]
    assert len(raws) == 2
    return [clean_article(r, None) for r in raws]


def test_parse_date_keeps_the_offset_and_the_utc_instant() -> None:
    assert parse_date_offset("Tue, 27 Jan 2026 23:30:00 +0200") == (datetime(2026, 1, 27, 21, 30), 120)
    assert parse_date_offset("2026-01-28T01:30:00+02:00") == (datetime(2026, 1, 27, 23, 30), 120)
    assert parse_date_offset("2026-01-28T01:30:00Z") == (datetime(2026, 1, 28, 1, 30), 0)
    assert parse_date_offset("2026-01-28 01:30:00") == (datetime(2026, 1, 28, 1, 30), None)  # no zone given
    assert parse_date("Tue, 27 Jan 2026 23:30:00 +0200") == datetime(2026, 1, 27, 21, 30)


def test_late_evening_cairo_article_resolves_today_to_its_local_day() -> None:
    tue, wed = _docs()
    assert tue.published == datetime(2026, 1, 27, 21, 30) and tue.published_offset_minutes == 120
    assert tue.published_local == datetime(2026, 1, 27, 23, 30)
    [today] = [t for t in find_dates(tue.id, tue.text, tue.published_local) if "اليوم" in t.text]
    assert today.value == "2026-01-27"
    assert DOCUMENT(tue, "api")["published"] == "2026-01-27T23:30:00+02:00"


def test_after_midnight_cairo_article_keeps_its_local_day_not_the_utc_one() -> None:
    _, wed = _docs()
    assert wed.published == datetime(2026, 1, 27, 23, 30)  # the UTC instant is still the 27th, for ordering
    assert wed.published_local.date().isoformat() == "2026-01-28"
    values = {t.text: t.value for t in find_dates(wed.id, wed.text, wed.published_local)}
    assert values["اليوم الأربعاء"] == "2026-01-28" and values["أمس"] == "2026-01-27"
    shown = DOCUMENT(wed, "api")["published"]
    assert shown == "2026-01-28T01:30:00+02:00" and shown[:10] == "2026-01-28"  # the UI's fmtDate reads these
    assert datetime.fromisoformat(shown).timestamp() == datetime.fromisoformat("2026-01-27T23:30:00+00:00").timestamp()


def test_a_stamp_without_zone_is_shown_unchanged() -> None:
    d = Document(id="x", text="", raw_text="", source_path="x", fmt="txt", published=datetime(2026, 1, 28, 9, 30))
    assert d.published_local == d.published
    assert DOCUMENT(d, "api")["published"] == "2026-01-28T09:30:00"


NEXT_DAY_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>وكالة</title><link>https://www.example-news.com/</link>
<item><title>مجلس الوزراء يقر الموازنة</title><link>https://www.example-news.com/a/1</link>
<pubDate>Wed, 28 Jan 2026 00:05:00 +0300</pubDate>
<description>أقر مجلس الوزراء اليوم الثلاثاء مشروع الموازنة العامة للدولة، بعد نقاش استمر ساعات.</description></item>
<item><title>وزير الخارجية يصل عمّان</title><link>https://www.example-news.com/a/2</link>
<pubDate>Wed, 28 Jan 2026 09:00:00 +0300</pubDate>
<description>وصل وزير الخارجية اليوم الأربعاء إلى عمّان، بعد محادثات أجراها أمس الثلاثاء في بيروت.</description></item>
</channel></rss>""".encode()


def test_next_day_feed_stamp_is_corrected_from_the_articles_own_weekday() -> None:
    ahead, right = [clean_article(r, None) for r in parse_feed(NEXT_DAY_FEED, "feed.xml")
                    if isinstance(r, RawArticle)]
    # «اليوم الثلاثاء» under a Wednesday stamp: the stamp is a day ahead; moved back, and said so
    assert ahead.published_local.date().isoformat() == "2026-01-27"
    assert ahead.published == datetime(2026, 1, 26, 21, 5)
    assert ahead.date_source.startswith("metadata, corrected -1 day") and "اليوم الثلاثاء" in ahead.date_source
    [today] = [t for t in find_dates(ahead.id, ahead.text, ahead.published_local) if "اليوم" in t.text]
    assert today.value == "2026-01-27"
    # «اليوم الأربعاء … أمس الثلاثاء» agrees with its Wednesday stamp: left alone
    assert right.published_local.date().isoformat() == "2026-01-28" and right.date_source == "metadata"


LATE_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>الأهرام</title><link>https://www.ahram.org.eg/</link>
<item><title>الرئيس السيسي يستقبل وفدا في القاهرة</title><link>https://www.ahram.org.eg/News/7.aspx</link>
<pubDate>Tue, 27 Jan 2026 23:30:00 +0200</pubDate>
<description>استقبل الرئيس عبد الفتاح السيسي في القاهرة اليوم الثلاثاء وفدا من رجال الأعمال لبحث فرص الاستثمار في مصر.</description></item>
<item><title>الحكومة المصرية تعلن خطة للنقل في القاهرة</title><link>https://www.ahram.org.eg/News/8.aspx</link>
<pubDate>Wed, 28 Jan 2026 01:30:00 +0200</pubDate>
<description>أعلنت الحكومة المصرية اليوم الأربعاء خطة جديدة للنقل العام في القاهرة، بعد اجتماع عقده مجلس الوزراء أمس.</description></item>
</channel></rss>"""


def test_story_dates_and_date_filters_use_the_local_day(tmp_path) -> None:
    """A page stamped 01:30 in Cairo (23:30 UTC the day before) is shown and filtered under its local day:
    story first/last dates, the story list's date range, search date filters, mentions per day."""
    from datetime import date

    from rasid.run.pipeline import run
    from rasid.serve.search import SearchQuery, search
    from rasid.store import Store
    from rasid.store.facade import StoryFilter

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ahram.xml").write_text(LATE_FEED, encoding="utf-8")
    store = Store(tmp_path / "t.db")
    try:
        run([corpus], store)
        docs = {d.title: d for d in store.documents()}
        wed = docs["الحكومة المصرية تعلن خطة للنقل في القاهرة"]
        assert wed.published == datetime(2026, 1, 27, 23, 30) and wed.published_offset_minutes == 120
        story = next(s for s in store.stories() if wed.id in s.doc_ids)
        assert story.last_date.date() == date(2026, 1, 28)  # not the UTC 27th
        if story.doc_ids == [wed.id]:
            assert story.first_date.date() == date(2026, 1, 28)

        def story_ids(day: date) -> set[str]:
            _, rows = store.story_page(50, 0, StoryFilter(date_from=day, date_to=day))
            return {r["id"] for r in rows}

        assert story.id in story_ids(date(2026, 1, 28))

        def found(day_from: date, day_to: date) -> set[str]:
            res = search(store, SearchQuery(q="القاهرة", date_from=day_from, date_to=day_to))
            return {h.doc_id for h in res.hits}

        tue = docs["الرئيس السيسي يستقبل وفدا في القاهرة"]
        assert found(date(2026, 1, 28), date(2026, 1, 28)) == {wed.id}  # its UTC day is the 27th
        assert found(date(2026, 1, 27), date(2026, 1, 27)) == {tue.id}
        ents = {m.entity_id for m in store.mentions([wed.id]) if m.entity_id} & {
            m.entity_id for m in store.mentions([tue.id]) if m.entity_id}
        assert ents  # «القاهرة» in both
        for ent in sorted(ents):  # a place both pages name: one mention on each local day
            days = dict(store.entity_mentions_by_day(ent))
            assert "2026-01-28" in days and "2026-01-27" in days
            # the entity page's one-statement overview counts the same local days and dates
            view = store.entity_overview(ent, 50)
            assert dict(view.by_day) == days, (view.by_day, days)
            firsts = {st["id"]: (st["first_date"], st["last_date"]) for st in view.stories}
            assert firsts == {st["id"]: (st["first_date"], st["last_date"]) for st in store.entity_stories(ent)}
            wed_story = next(st for st in view.stories if st["id"] == wed.story_id)
            assert str(wed_story["last_date"])[:10] == "2026-01-28"
    finally:
        store.close()
