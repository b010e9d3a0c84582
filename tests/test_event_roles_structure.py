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


@pytest.fixture(scope="module")
def tagger():
    from rasid.config import ExtractionConfig
    from rasid.extract.ner import load_tagger

    cfg = ExtractionConfig().ner
    return load_tagger(cfg.tagger, config=cfg)


def _tagged_roles(learned: LearnedCoder, tagger, text: str, plover: str) -> tuple[list[str], list[str]]:
    """``_roles`` with the NER tagger's mentions, as the pipeline codes a sentence (the sentence gate reads
    the mentions' types: a meeting of two named officials is an event)."""
    ms = [(m.start, m.end, m.type) for m in tagger.tag("t", text)]
    ev = next(e for e in learned.code(text, ms) if e.type == plover)
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


def test_who_condemns_an_attack_is_not_its_attacker(learned):
    """«أدانت السعودية الهجوم»: the subject of a verb of saying whose object is the verbal-noun trigger speaks about
    the act (ACCUSE's actor), it is not the attack's actor — the role model alone chose it."""
    text = "أدانت المملكة العربية السعودية الهجوم الإرهابي الذي استهدف مسجدا في الكويت."
    events = {e.type: e for e in learned.code(text, [(6, 30, "LOC"), (68, 74, "LOC")])}
    accuse, assault = events["ACCUSE"], events["ASSAULT"]
    assert [text[a:b] for a, b in accuse.actors] == ["المملكة العربية السعودية"]
    assert not any("السعودية" in text[a:b] for a, b in assault.actors)
    sr = _structure(learned, text)
    sr.is_say = learned.feat.says
    words = sr.words
    i = next(k for k, w in enumerate(words) if w.norm == "الهجوم")
    assert sr.governed(i, 1)  # «المملكة» heads the subject of «أدانت»


def test_the_subject_of_a_light_verb_keeps_the_act(learned):
    """Only verbs of saying govern that way: who «أطلق» tear gas or «شن» raids did the act."""
    actors, _ = _roles(learned, "وأطلقت القوات الأمنية قنابل مسيلة للدموع لتفريق المتظاهرين أمام البرلمان.", "ASSAULT")
    assert actors == ["القوات الأمنية"]
    actors, targets = _roles(learned, "شنت طائرات التحالف غارات على مواقع المسلحين قرب الحدود.", "ASSAULT")
    assert actors == ["طائرات التحالف"] and targets


def test_a_verb_that_starts_like_the_article_is_a_verb(learned, tagger):
    """«التقى» (normalised «التقي») begins with the letters of the article; as a noun its subject was read as its
    genitive, the target, and the meeting had no actor."""
    assert learned.feat.verbal("التقي") and learned.feat.verbal("الغي")
    assert not learned.feat.verbal("الاجتماع") and not learned.feat.verbal("التقارير")
    actors, targets = _tagged_roles(learned, tagger, "التقى الرئيس المصري نظيره الفرنسي في قصر الإليزيه.", "CONSULT")
    assert actors == ["الرئيس المصري"]
    assert targets == ["نظيره الفرنسي"]


def test_feminine_and_plural_past_of_met_are_meetings(learned, tagger):
    """«التقت» and «التقوا» lose the «ى» of «التقى», so no stem of theirs was in the lexicon: the meeting was not
    coded at all. Both are curated CONSULT verbs now (scripts/build_event_lexicon.py)."""
    _, targets = _tagged_roles(learned, tagger, "التقت وزيرة الخارجية الأسترالية نظيرها الإندونيسي في جاكرتا أمس.",
                               "CONSULT")
    assert targets == ["نظيرها الإندونيسي"]
    # a plural verb's subject is its suffix, so the phrase after it is the object; the grammar here still reads
    # it as the subject (an open defect, events.md round seven): only the meeting and its party are asserted
    actors, targets = _tagged_roles(learned, tagger, "والتقوا الرئيس الفلسطيني محمود عباس في رام الله مساء الأحد.",
                                    "CONSULT")
    assert any("محمود عباس" in x for x in actors + targets)


def test_a_title_and_the_name_after_it_are_one_party(learned, tagger):
    """«الرئيس المصري عبد الفتاح السيسي»: the name in apposition belongs to the title's phrase, so the verb's second
    phrase is the other president (the target), and no target lies inside the actor's span."""
    text = "استقبل الرئيس المصري عبد الفتاح السيسي الرئيس الفرنسي إيمانويل ماكرون في قصر الاتحادية بالقاهرة."
    actors, targets = _tagged_roles(learned, tagger, text, "CONSULT")
    assert any("السيسي" in a for a in actors)
    assert targets and all("ماكرون" in t for t in targets)
    sr = _structure(learned, text)
    assert sr.chunks[0].start == 1 and sr.chunks[0].end == 3  # without the tagger's names: title + adjective
    ms = [(m.start, m.end, m.type) for m in tagger.tag("t", text)]
    sr = SentenceRoles(text, sentence_words(text, ms), learned.feat.verbal)
    first = sr.chunks[sr.chunk_of[1]]
    assert " ".join(w.norm for w in sr.words[first.start:first.end]) == "الرييس المصري عبد الفتاح السيسي"


def test_bad_input_does_not_crash(learned):
    for text in ("", "   ", "- : « »", "قصفت"):
        words = sentence_words(text)
        if words:
            sr = _structure(learned, text)
            assert sr.backstop_actor(0, True) is None
        learned.code(text)
