"""The learned PLOVER coder (rasid/extract/events/learned.py) on hand-written Arabic news sentences.

The sentences are new (not from eval/events), so these check behaviour the models must generalise to:
types, status cues, background cues, roles that are common nouns, and look-alike triggers.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from rasid.extract.events.coder import EventCoder
from rasid.extract.events.learned import LearnedCoder, sentence_words
from rasid.models import Document


@pytest.fixture(scope="module")
def learned() -> LearnedCoder:
    return LearnedCoder.load()


def _code(learned: LearnedCoder, text: str):
    return [(e.type, e.status, text[e.trigger[0]:e.trigger[1]], [text[a:b] for a, b in e.actors],
             [text[a:b] for a, b in e.targets]) for e in learned.code(text)]


def test_air_strike_is_assault_with_common_noun_actor(learned):
    text = "شنت طائرات التحالف غارات جوية على مواقع المسلحين في ريف إدلب صباح اليوم."
    events = learned.code(text)
    assert [e.type for e in events] == ["ASSAULT"]
    ev = events[0]
    assert ev.status == "occurred" and not ev.background
    assert any("طائرات" in text[a:b] or "التحالف" in text[a:b] for a, b in ev.actors)


def test_arrest_by_the_authorities_is_coerce_arrest(learned):
    text = "واعتقلت السلطات الأمنية عشرات المحتجين في العاصمة أمس."
    events = learned.code(text)
    assert "COERCE" in {e.type for e in events}
    coerce = next(e for e in events if e.type == "COERCE")
    assert coerce.mode == "arrest"
    assert [text[a:b] for a, b in coerce.actors][0].startswith("السلطات")


def test_denial_is_reject_and_condemnation_is_accuse(learned):
    assert "REJECT" in {e.type for e in learned.code("ونفت الحكومة الاتهامات الموجهة إليها.")}
    assert "ACCUSE" in {e.type for e in learned.code("وانتقدت وزارة الخارجية قرار الحكومة بشدة.")}


def test_movement_name_is_not_a_trigger(learned):
    """«حركة» in an organisation's name is no event (LABELLING.md look-alike triggers)."""
    assert learned.code("وقال متحدث باسم حركة النهضة إن الحزب سيعقد مؤتمره العام في تونس.") == [] or all(
        "حركة" not in e for e in _code(learned, "وقال متحدث باسم حركة النهضة إن الحزب سيعقد مؤتمره العام في تونس."))


def test_sport_and_economy_sentences_have_no_event(learned):
    assert learned.code("وفاز الفريق على منافسه بثلاثة أهداف مقابل هدف في المباراة النهائية.") == []
    assert learned.code("وارتفع سعر برميل النفط إلى 75 دولارا في تعاملات الثلاثاء.") == []


def test_words_carry_the_ner_type_of_their_mention():
    text = "التقى أحمد الشرع الرئيس الروسي"
    words = sentence_words(text, [(6, 16, "PER")])
    assert [(w.norm, w.ner, w.ner_first) for w in words[:3]] == [("التقي", None, False), ("احمد", "PER", True),
                                                                 ("الشرع", "PER", False)]


def test_pipeline_coder_gives_status_and_span_roles():
    text = "واعتقلت الشرطة عشرات المتظاهرين في وسط المدينة."
    doc = Document(id="d1", text=text, raw_text=text, source_path="t", fmt="txt", published=datetime(2026, 1, 28))
    events = EventCoder.load().code(doc, [], [])
    assert events and all(e.status in {"occurred", "planned", "denied", "threatened", "hypothetical"}
                          for e in events)
    assert any(text[a:b] == "الشرطة" for e in events for a, b in e.actor_spans)
