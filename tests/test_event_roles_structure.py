"""Actor / target choice from Arabic clause structure (rasid/extract/events/roles.py) on hand-written sentences.

The sentences are new (not from eval/events): VSO subjects that are common nouns, a dateline that is not the
actor, a speaker who reports someone else's act, a relative clause between verb and object, the target
after «على», and the agent of a passive after «من قبل».
"""

from __future__ import annotations

import pytest

from rasid.extract.events.learned import LearnedCoder, sentence_words
from rasid.extract.events.roles import SentenceRoles


@pytest.fixture(scope="module")
def learned() -> LearnedCoder:
    return LearnedCoder.load()


def _roles(learned: LearnedCoder, text: str, plover: str) -> tuple[list[str], list[str]]:
    ev = next(e for e in learned.code(text) if e.type == plover)
    return [text[a:b] for a, b in ev.actors], [text[a:b] for a, b in ev.targets]


def _structure(learned: LearnedCoder, text: str) -> SentenceRoles:
    return SentenceRoles(text, sentence_words(text), learned.feat.verbal)


def test_shipped_model_uses_the_clause_structure(learned):
    assert learned.structured


def test_vso_subject_is_the_actor_and_object_the_target(learned):
    actors, targets = _roles(learned, "قصفت طائرات إسرائيلية مواقع في غزة.", "ASSAULT")
    assert actors == ["طائرات إسرائيلية"]
    assert targets and targets[0] in ("مواقع", "غزة")


def test_common_noun_police_is_the_actor_of_an_arrest(learned):
    actors, targets = _roles(learned, "اعتقلت الشرطة التركية صحفيا في إسطنبول.", "COERCE")
    assert actors == ["الشرطة التركية"]
    assert targets == ["صحفيا"]


def test_dateline_outlet_is_not_the_actor(learned):
    text = "دمشق - سانا: استهدف الجيش السوري مواقع المسلحين في ريف حمص."
    actors, _ = _roles(learned, text, "ASSAULT")
    assert actors == ["الجيش السوري"]
    sr = _structure(learned, text)
    assert sr.dateline == 2  # «دمشق - سانا:»


def test_spokesman_reports_the_act_of_others(learned):
    actors, _ = _roles(learned, "وقال المتحدث باسم الجيش إن مسلحين هاجموا نقطة تفتيش للشرطة.", "ASSAULT")
    assert actors == ["مسلحين"]


def test_relative_clause_noun_is_not_the_target(learned):
    text = "وقصف الجيش، الذي يحاصر المدينة منذ أشهر، مواقع المعارضة."
    actors, targets = _roles(learned, text, "ASSAULT")
    assert actors == ["الجيش"]
    assert "المدينة" not in targets
    sr = _structure(learned, text)
    words = sentence_words(text)
    city = next(k for k, w in enumerate(words) if w.norm == "المدينه")
    sites = next(k for k, w in enumerate(words) if w.norm == "مواقع")
    assert sr.in_rel[city] and sr.clause[sites] == sr.clause[0]  # the comma gives «مواقع» back to the main clause


def test_target_after_ala(learned):
    actors, targets = _roles(learned, "وفرضت واشنطن عقوبات على شركات روسية.", "SANCTION")
    assert actors == ["واشنطن"]
    assert targets == ["شركات روسية"]


def test_structure_slots_and_agent_marker(learned):
    text = "وتم اعتقال الصحفي من قبل قوات الأمن في العاصمة."
    sr = _structure(learned, text)
    words = sentence_words(text)
    i = next(k for k, w in enumerate(words) if w.norm == "اعتقال")
    slots = sr.slots(i, verbal=False)
    by = {s: words[j].norm for j, s in slots.items()}
    assert by.get("gen") == "الصحفي" and by.get("agent") == "قوات"
    assert words[sr.backstop_actor(i, False)].norm == "قوات"


def test_speaker_of_a_report_verb_is_marked(learned):
    text = "وأعلنت الحكومة أن مسلحين هاجموا قرية في الشمال."
    sr = _structure(learned, text)
    words = sentence_words(text)
    gov = next(k for k, w in enumerate(words) if w.norm == "الحكومه")
    trig = next(k for k, w in enumerate(words) if w.norm == "هاجموا")
    assert sr.speaker(trig, gov)
    assert not sr.speaker(trig, trig - 1)  # «مسلحين» is the reported clause's own subject


def test_bad_input_does_not_crash(learned):
    for text in ("", "   ", "- : « »", "قصفت"):
        words = sentence_words(text)
        if words:
            sr = _structure(learned, text)
            assert sr.backstop_actor(0, True) is None
        learned.code(text)
