"""find_claims: quoted speakers, relayed sources, outlet-voice slot claims."""

from __future__ import annotations

import re
from datetime import datetime

from rasid.extract.attribution import find_claims
from rasid.models import Document, Mention

TEXT = (
    "قال المتحدث باسم الكرملين ديمتري بيسكوف إن الشرع يقوم بزيارة عمل إلى موسكو. "
    "وصل الرئيس السوري أحمد الشرع إلى موسكو يوم الأربعاء في زيارة رسمية. "
    "ونقلت صحيفة كوميرسانت عن مصدر دبلوماسي روسي قوله إن القوات الروسية سحبت 40 آلية من القامشلي. "
    "وبحسب وكالة فرانس برس، فإن المحادثات تناولت مستقبل القواعد الروسية. "
    "وتحدث الوزير طويلاً عن الاقتصاد."
)
ENTITIES = {
    "الكرملين": ("ORG", "E:kremlin"), "ديمتري بيسكوف": ("PER", "E:peskov"), "أحمد الشرع": ("PER", "E:sharaa"),
    "الشرع": ("PER", "E:sharaa"), "موسكو": ("LOC", "E:moscow"), "كوميرسانت": ("ORG", "E:kommersant"),
    "القوات الروسية": ("ORG", "E:ru_forces"), "القامشلي": ("LOC", "E:qamishli"), "فرانس برس": ("ORG", "E:afp"),
}


def _mentions(doc_id, text, table):
    out = []
    for name, (typ, eid) in sorted(table.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(re.escape(name), text):
            if not any(m.start() < x.end and x.start < m.end() for x in out):
                out.append(Mention(doc_id, m.start(), m.end(), name, typ, eid))
    return out


def _claims():
    doc = Document(id="rt1", text=TEXT, raw_text=TEXT, source_path="t", fmt="txt", outlet="rt_arabic",
                   published=datetime(2026, 1, 28))
    return find_claims(doc, _mentions("rt1", TEXT, ENTITIES))


def test_offsets_and_outlet():
    claims = _claims()
    assert claims
    for c in claims:
        assert TEXT[c.start:c.end] == c.text
        assert c.outlet == "rt_arabic"
    assert [c.id for c in claims] == [f"rt1:cl{i}" for i in range(len(claims))]


def test_spokesman_is_the_speaker_not_the_kremlin():
    c = next(c for c in _claims() if c.slot == "visit_type" and c.speaker)
    assert c.speaker == "E:peskov" and c.value == "working"
    assert c.text == "الشرع يقوم بزيارة عمل إلى موسكو"


def test_outlet_voice_sentence_is_a_claim_with_slots():
    own = [c for c in _claims() if c.speaker is None and c.text.startswith("وصل")]
    slots = {c.slot: c.value for c in own}
    assert slots["visit_type"] == "official"
    assert slots["meeting_mode"] == "in_person"
    assert slots["date"] == "2026-01-28"
    assert slots["place"] == "E:moscow"


def test_relayed_anonymous_source_with_count():
    c = next(c for c in _claims() if c.slot == "count")
    assert c.speaker is None and c.speaker_text.startswith("مصدر دبلوماسي روسي")
    assert "كوميرسانت" in c.speaker_text
    assert c.value == "40 اليه"  # normalised noun, so outlets compare equal
    assert c.text.startswith("القوات الروسية سحبت")


def test_according_to_agency():
    c = next(c for c in _claims() if c.speaker == "E:afp")
    assert c.text.startswith("فإن المحادثات") and c.slot is None


def test_plain_sentence_without_slot_or_quote_is_not_a_claim():
    assert not [c for c in _claims() if "الاقتصاد" in c.text]


def test_phone_call_mode():
    text = "وأكدت الرئاسة أن الرئيسين بحثا في اتصال هاتفي ملف القواعد العسكرية."
    doc = Document(id="s", text=text, raw_text=text, source_path="t", fmt="txt", outlet="sana")
    claims = find_claims(doc, [Mention("s", text.index("الرئاسة"), text.index("الرئاسة") + 7, "الرئاسة", "ORG", "E:pres")])
    assert [(c.speaker, c.slot, c.value) for c in claims] == [("E:pres", "meeting_mode", "phone")]


def _slots_of(text: str) -> list[tuple[str | None, str | None]]:
    doc = Document(id="d", text=text, raw_text=text, source_path="t", fmt="txt", outlet="x",
                   published=datetime(2026, 1, 28))
    claims = find_claims(doc, [])
    for c in claims:
        assert text[c.start:c.end] == c.text
    return [(c.slot, c.value) for c in claims]


def test_ministry_is_not_a_visit():
    # «وزارة» is و + زار + ة: it used to make «ولم يصدر تعليق من وزارة الدفاع» an in-person meeting
    assert ("meeting_mode", "in_person") not in _slots_of("ولم يصدر تعليق فوري من وزارة الدفاع الروسية على التقرير.")
    assert ("meeting_mode", "in_person") in _slots_of("وزار الشرع موسكو يوم الأربعاء والتقى بوتين.")


def test_related_earlier_call_gives_no_meeting_mode():
    slots = _slots_of("وتأتي الزيارة بعد نحو أسبوعين من اتصال هاتفي أجراه بوتين بالشرع.")
    assert not [s for s in slots if s[0] == "meeting_mode"]
    assert ("meeting_mode", "phone") in _slots_of("وأجرى بوتين اتصالاً هاتفياً بالشرع اليوم.")


def test_planned_meeting_with_punctuation_gives_no_mode():
    slots = _slots_of("يزور الرئيس الشرع العاصمة الروسية موسكو، الأربعاء المقبل، في زيارة هي الثانية له.")
    assert not [s for s in slots if s[0] == "meeting_mode"]


def test_definite_visit_type():
    assert ("visit_type", "official") in _slots_of(
        "عقد الرئيس الشرع اليوم مباحثات مع بوتين في إطار الزيارة الرسمية التي يقوم بها إلى روسيا.")
    assert ("visit_type", "working") in _slots_of("وصل الشرع إلى موسكو في زيارة عمل رسمية تستمر يومين.")


def test_place_is_not_the_speaker_and_pro_drop_continues_the_speaker():
    text = ("وقال مراسل عنب بلدي في القامشلي إن رتلاً روسياً غادر المطار صباح الأحد. "
            "وقال المتحدث باسم الكرملين ديمتري بيسكوف إن الزيارة ستستمر يومين. "
            "وأشار إلى أن الرئيسين سيبحثان ملف القواعد. "
            "ولفتت الوزارة إلى أن القافلة وصلت إلى قاعدة حميميم.")
    table = {"القامشلي": ("LOC", "E:qamishli"), "ديمتري بيسكوف": ("PER", "E:peskov"),
             "الكرملين": ("ORG", "E:kremlin"), "قاعدة حميميم": ("LOC", "E:hmeimim")}
    doc = Document(id="e1", text=text, raw_text=text, source_path="t", fmt="txt", outlet="enab",
                   published=datetime(2026, 1, 27))
    claims = {c.text.split()[0]: c for c in find_claims(doc, _mentions("e1", text, table))}
    for c in claims.values():
        assert text[c.start:c.end] == c.text
    assert claims["رتلاً"].speaker is None and claims["رتلاً"].speaker_text == "مراسل عنب بلدي في القامشلي"
    assert claims["الرئيسين"].speaker == "E:peskov"  # «وأشار إلى أن»: still Peskov
    assert claims["القافلة"].speaker_text == "الوزارة"  # «إلى» is not part of the speaker


def test_guillemets_after_a_company_or_addressee_are_a_name_not_the_quote():
    text = "أعلنت شركة «أرامكو السعودية» أن الأسعار سترتفع. وقال مسؤول في الهيئة العامة للمنافذ لـ«سانا» إن الأعمال ستبدأ."
    doc = Document(id="a1", text=text, raw_text=text, source_path="t", fmt="txt", published=datetime(2026, 1, 28))
    got = [(c.speaker_text, c.text) for c in find_claims(doc, [])]
    assert got == [("شركة «أرامكو السعودية»", "الأسعار سترتفع"), ("مسؤول في الهيئة العامة للمنافذ لـ«سانا»", "الأعمال ستبدأ")]
