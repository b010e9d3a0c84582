"""build_timeline merges cross-outlet reports; infer_publication_range bounds undated articles."""

from __future__ import annotations

import re
from datetime import datetime

from rasid.extract.events.coder import EventCoder
from rasid.extract.temporal import find_dates
from rasid.models import Document, Mention, Story
from rasid.stories.timeline import build_timeline, infer_publication_range

ENTITIES = {"الشرع": ("PER", "E:sharaa"), "بوتين": ("PER", "E:putin"), "موسكو": ("LOC", "E:moscow"),
            "القوات الروسية": ("ORG", "E:ru_forces"), "مطار القامشلي": ("LOC", "E:qamishli")}


def _doc(doc_id, outlet, published, text):
    return Document(id=doc_id, text=text, raw_text=text, source_path="t", fmt="txt", outlet=outlet,
                    published=published)


def _mentions(doc):
    out = []
    for name, (typ, eid) in sorted(ENTITIES.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(re.escape(name), doc.text):
            if not any(m.start() < x.end and x.start < m.end() for x in out):
                out.append(Mention(doc.id, m.start(), m.end(), name, typ, eid))
    return out


DOCS = {
    "sana1": _doc("sana1", "sana", datetime(2026, 1, 28),
                  "التقى الرئيس الشرع الرئيس بوتين في موسكو اليوم. "
                  "وكان بوتين قد أجرى اتصالاً هاتفياً بالشرع في 12 يناير/كانون الثاني 2026."),
    "tass1": _doc("tass1", "tass_ar", datetime(2026, 1, 29),
                  "التقى الرئيس بوتين الرئيس الشرع في موسكو أمس."),
    "rt1": _doc("rt1", "rt_arabic", datetime(2026, 1, 26),
                "انسحبت القوات الروسية من مطار القامشلي يوم السبت."),
}


def _events():
    coder = EventCoder.load(learned=False)  # timelines from the lexicon path: the learned coder misses «التقى» (few CONSULT labels)
    evs = []
    for d in DOCS.values():
        evs += coder.code(d, _mentions(d), find_dates(d.id, d.text, d.published))
    return evs


def test_timeline_orders_merges_and_flags_background():
    story = Story(id="s1", doc_ids=list(DOCS))
    entries = build_timeline(story, _events(), DOCS)
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    call, withdrawal, meeting = entries
    assert call.date == "2026-01-12" and call.background and call.sources == ["sana"]
    assert withdrawal.date == "2026-01-24" and not withdrawal.background
    assert meeting.date == "2026-01-28" and meeting.sources == ["sana", "tass_ar"]
    assert meeting.doc_id == "sana1"  # the earliest report keeps the sentence
    for e in entries:
        assert DOCS[e.doc_id].text[e.start:e.end] == e.text


def test_timeline_only_uses_story_documents():
    entries = build_timeline(Story(id="s2", doc_ids=["rt1"]), _events(), DOCS)
    assert [e.sources for e in entries] == [["rt_arabic"]]


def test_publication_range_from_story_and_mentioned_dates():
    undated = _doc("u1", None, None, "التقى الشرع بوتين في 28 يناير 2026 في موسكو.")
    lo, hi = infer_publication_range(undated, [undated, *DOCS.values()])
    assert lo == datetime(2026, 1, 28)  # cannot predate the meeting it reports
    assert hi == datetime(2026, 1, 31)  # last story article + 2 days
    assert infer_publication_range(DOCS["rt1"], []) == (DOCS["rt1"].published, DOCS["rt1"].published)
    assert infer_publication_range(_doc("u2", None, None, "خبر بلا تاريخ."), []) is None


def test_timeline_entry_carries_the_range_of_its_event():
    docs = {"sana2": _doc("sana2", "sana", datetime(2026, 3, 20),
                          "التقى الرئيس الشرع الرئيس بوتين في موسكو من 15 إلى 17 مارس. "
                          "وانسحبت القوات الروسية من مطار القامشلي في فبراير الماضي.")}
    coder = EventCoder.load(learned=False)  # timelines from the lexicon path: the learned coder misses «التقى» (few CONSULT labels)
    d = docs["sana2"]
    entries = build_timeline(Story(id="s2", doc_ids=["sana2"]),
                             coder.code(d, _mentions(d), find_dates(d.id, d.text, d.published)), docs)
    by_date = {e.date: e for e in entries}
    assert (by_date["2026-03-15"].date_end, by_date["2026-03-15"].granularity) == ("2026-03-17", "day")
    assert (by_date["2026-02"].date_end, by_date["2026-02"].granularity) == (None, "month")


def _report(doc_id, outlet, published, text):
    """A one-sentence report, coded by the lexicon path (these tests are about the timeline's merging and
    order; which coder finds the events is measured in eval/events)."""
    d = _doc(doc_id, outlet, published, text)
    return d, EventCoder.load(learned=False).code(d, _mentions(d), find_dates(d.id, d.text, d.published))


def test_ranges_merge_when_they_overlap_not_when_they_start_close():
    """«من 3 إلى 5 مارس» and «4 مارس» are one meeting; «1–2 مارس» and «10–12 مارس» are two."""
    pairs = [("sana3", "sana", "التقى الرئيس الشرع الرئيس بوتين في موسكو من 3 إلى 5 مارس."),
             ("tass3", "tass_ar", "التقى الرئيس بوتين الرئيس الشرع في موسكو في 4 مارس."),
             ("sana4", "sana", "التقى الرئيس الشرع الرئيس بوتين في موسكو من 1 إلى 2 مارس."),
             ("tass4", "tass_ar", "التقى الرئيس بوتين الرئيس الشرع في موسكو من 10 إلى 12 مارس.")]
    docs, events = {}, []
    for i, (doc_id, outlet, text) in enumerate(pairs):
        d, evs = _report(doc_id, outlet, datetime(2026, 3, 20, 9 + i), text)
        docs[doc_id] = d
        events += evs
    def dates(ids):
        return [(e.date, e.date_end, e.sources) for e in build_timeline(Story(id="r", doc_ids=ids), events, docs)]

    # the range and the day inside it: one entry, both outlets (start 3rd vs 4th is within a day anyway,
    # so also check a day inside but two days from the start, which the old start-only rule split)
    assert dates(["sana3", "tass3"]) == [("2026-03-03", "2026-03-05", ["sana", "tass_ar"])]
    assert dates(["sana4", "tass4"]) == [("2026-03-01", "2026-03-02", ["sana"]),
                                         ("2026-03-10", "2026-03-12", ["tass_ar"])]


def test_day_inside_a_long_range_merges_but_a_day_outside_does_not():
    a, ea = _report("a", "sana", datetime(2026, 3, 20), "التقى الرئيس الشرع الرئيس بوتين في موسكو من 10 إلى 14 مارس.")
    b, eb = _report("b", "tass_ar", datetime(2026, 3, 20, 10), "التقى الرئيس بوتين الرئيس الشرع في موسكو في 13 مارس.")
    c, ec = _report("c", "rt_arabic", datetime(2026, 3, 20, 11), "التقى الرئيس بوتين الرئيس الشرع في موسكو في 17 مارس.")
    docs = {"a": a, "b": b, "c": c}
    assert [e.date for e in eb] == ["2026-03-13"]  # 3 days from the range start: the old rule kept it apart
    entries = build_timeline(Story(id="r2", doc_ids=list(docs)), ea + eb + ec, docs)
    assert [(e.date, e.sources) for e in entries] == [("2026-03-10", ["sana", "tass_ar"]),
                                                      ("2026-03-17", ["rt_arabic"])]


def test_timeline_orders_by_event_date_not_by_publication():
    """A later article reporting an earlier event comes first in the timeline."""
    late, e_late = _report("late", "sana", datetime(2026, 1, 30),
                           "وكانت القوات الروسية قد انسحبت من مطار القامشلي في 20 يناير.")
    early, e_early = _report("early", "tass_ar", datetime(2026, 1, 25),
                             "التقى الرئيس بوتين الرئيس الشرع في موسكو يوم الجمعة 23 يناير.")
    docs = {"late": late, "early": early}
    entries = build_timeline(Story(id="o", doc_ids=list(docs)), e_early + e_late, docs)
    assert [(e.date, e.doc_id) for e in entries] == [("2026-01-20", "late"), ("2026-01-23", "early")]
