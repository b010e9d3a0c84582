"""EventCoder on hand-written Arabic news with hand-built entity mentions."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from rasid.extract.events.coder import EventCoder
from rasid.extract.events.lexicon import EventLexicon, stem_candidates
from rasid.extract.temporal import find_dates
from rasid.models import Document, Mention

TEXT = (
    "وصل الرئيس السوري أحمد الشرع إلى موسكو يوم الأربعاء في زيارة رسمية التقى خلالها "
    "الرئيس الروسي فلاديمير بوتين في الكرملين. "
    "وكان بوتين قد أجرى اتصالاً هاتفياً بالشرع في 12 يناير/كانون الثاني 2026. "
    "وانسحبت القوات الروسية منتصف أكتوبر الماضي من مطار القامشلي إلى قاعدة حميميم. "
    "واتهمت وزارة الخارجية الروسية واشنطن بعرقلة الحل. "
    "ولم يلتق الشرع أي مسؤول أمريكي."
)
ENTITIES = {
    "أحمد الشرع": ("PER", "E:sharaa"), "الشرع": ("PER", "E:sharaa"),
    "فلاديمير بوتين": ("PER", "E:putin"), "بوتين": ("PER", "E:putin"),
    "موسكو": ("LOC", "E:moscow"), "الكرملين": ("LOC", "E:kremlin"),
    "القوات الروسية": ("ORG", "E:ru_forces"), "مطار القامشلي": ("LOC", "E:qamishli"),
    "قاعدة حميميم": ("LOC", "E:hmeimim"), "وزارة الخارجية الروسية": ("ORG", "E:ru_mfa"),
    "واشنطن": ("LOC", "E:usa"),
}


def build_mentions(doc_id: str, text: str, table: dict[str, tuple[str, str]]) -> list[Mention]:
    """Longest-first, non-overlapping string matches standing in for the NER stage."""
    out: list[Mention] = []
    for name, (typ, eid) in sorted(table.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(re.escape(name), text):
            if any(m.start() < x.end and x.start < m.end() for x in out):
                continue
            out.append(Mention(doc_id, m.start(), m.end(), name, typ, eid))
    return sorted(out, key=lambda m: m.start)


@pytest.fixture(scope="module")
def coder() -> EventCoder:
    return EventCoder.load(learned=False)  # the lexicon path; the learned coder: test_events_learned.py


@pytest.fixture(scope="module")
def events(coder):
    doc = Document(id="sana1", text=TEXT, raw_text=TEXT, source_path="t", fmt="txt", outlet="sana",
                   published=datetime(2026, 1, 28))
    return coder.code(doc, build_mentions("sana1", TEXT, ENTITIES), find_dates("sana1", TEXT, doc.published))


def test_visit_is_consult_with_actor_target_place_date(events):
    visit = events[0]
    assert (visit.type, visit.mode) == ("CONSULT", "visit")
    assert visit.actors == ["E:sharaa"] and visit.targets == ["E:putin"]
    assert visit.place == "E:moscow"
    assert visit.date == "2026-01-28" and not visit.background
    assert TEXT[visit.sent_start:visit.sent_end].startswith("وصل الرئيس السوري")
    assert visit.id == "sana1:ev0"


def test_phone_call_is_background_consult_by_phone(events):
    call = next(e for e in events if e.mode == "phone")
    assert call.type == "CONSULT"
    assert call.actors == ["E:putin"] and call.targets == ["E:sharaa"]
    assert call.date == "2026-01-12" and call.background


def test_withdrawal_is_retreat_from_origin(events):
    w = next(e for e in events if e.type == "RETREAT")
    assert w.mode == "withdraw" and w.cameo == "0874"
    assert w.actors == ["E:ru_forces"] and w.place == "E:qamishli"
    assert w.date == "2025-10" and w.background
    assert TEXT[w.sent_start:w.sent_end].find(w.trigger) >= 0


def test_accusation_with_country_target_and_negation_skipped(events):
    acc = next(e for e in events if e.type == "ACCUSE")
    assert acc.actors == ["E:ru_mfa"] and acc.targets == ["E:usa"]
    last_sentence_start = TEXT.index("ولم يلتق")
    assert not [e for e in events if e.sent_start >= last_sentence_start]


def test_event_ids_are_deterministic(coder, events):
    doc = Document(id="sana1", text=TEXT, raw_text=TEXT, source_path="t", fmt="txt", outlet="sana",
                   published=datetime(2026, 1, 28))
    again = coder.code(doc, build_mentions("sana1", TEXT, ENTITIES), find_dates("sana1", TEXT, doc.published))
    assert [(e.id, e.type, e.date) for e in again] == [(e.id, e.type, e.date) for e in events]


def test_undated_article_has_no_event_date(coder):
    text = "تظاهر مئات الطلاب أمام وزارة التعليم احتجاجاً على رفع الرسوم."
    doc = Document(id="x", text=text, raw_text=text, source_path="t", fmt="txt")
    evs = coder.code(doc, [], find_dates("x", text, None))
    assert [e.type for e in evs] == ["PROTEST"] and evs[0].date is None


def test_inflected_forms_hit_the_lexicon():
    lex = EventLexicon.load()
    for form in ("يزور", "زارت", "وبزيارته", "يلتقي", "انسحبت", "ينسحبون", "اتهمت"):
        assert lex.lookup(form) is not None, form
    assert lex.lookup("يزور").plover == "CONSULT"
    assert lex.lookup("وزارة") is None  # وزارة -> زار would be a false visit
    assert "زيار" in stem_candidates("زيارات") or "زياره" in stem_candidates("زيارات")


def test_up_layer_adds_entries():
    assert len(EventLexicon.load(include_up=True)) > len(EventLexicon.load())


# ------------------------------------------------------------- sentence classifier (PROTEST / ASSAULT)


def _types(coder: EventCoder, text: str) -> dict[str, float]:
    doc = Document(id="g", text=text, raw_text=text, source_path="t", fmt="txt", published=datetime(2026, 1, 28))
    evs = coder.code(doc, [], find_dates("g", text, doc.published))
    for e in evs:
        assert text[e.sent_start:e.sent_end].find(e.trigger) >= 0
    return {e.type: e.confidence for e in evs}


REPORTED = [
    ("ASSAULT", "بغداد ـ أ ف ب: قتل خمسة من عناصر الشرطة وأصيب عشرة آخرون بجروح أمس في هجوم بسيارة مفخخة "
                "استهدف دورية جنوب العاصمة العراقية، وفقاً لمصدر أمني."),
    ("PROTEST", "تظاهر آلاف الطلاب أمس أمام مبنى البرلمان في العاصمة احتجاجاً على رفع رسوم الجامعات، "
                "ورددوا هتافات تطالب باستقالة وزير التعليم."),
]
NOT_REPORTED = [
    ("ASSAULT", "ويخشى مراقبون أن تؤدي هذه الخطابات إلى هجمات جديدة قد تستهدف المدنيين في المستقبل."),
    ("PROTEST", "ويرى الكاتب أن ثقافة الاحتجاج والتظاهر ظاهرة قديمة في تاريخ الشعوب العربية."),
]


def test_classifier_scores_reported_events_above_talk_about_them(coder):
    assert coder.classifier is not None and {"PROTEST", "ASSAULT"} <= coder.classifier.types
    for plover, text in REPORTED:
        conf = _types(coder, text)
        assert plover in conf, text
        assert coder.classifier.models[plover].threshold <= conf[plover] <= 1.0
    for plover, text in NOT_REPORTED:
        lexicon_only = _types(EventCoder(coder.lexicon), text)
        assert plover in lexicon_only, text  # the lexicon alone proposes it ...
        assert plover not in _types(coder, text), text  # ... and the classifier rejects it
        assert coder.classifier.score(text, plover) < min(
            coder.classifier.score(t, p) for p, t in REPORTED if p == plover)


def test_classifier_leaves_other_types_alone(coder):
    assert coder.classifier.score(TEXT, "CONSULT") is None
    assert coder.classifier.accepts(TEXT, "RETREAT")


def test_classifier_artefact_is_plain_json_and_small():
    import json
    from importlib import resources

    path = resources.files("rasid").joinpath("data", "event_classifier.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["meta"]["script"] == "scripts/train_event_classifier.py"
    assert len(path.read_bytes()) < 3_000_000
    for m in raw["models"].values():
        assert 0.0 < m["threshold"] < 1.0 and len(m["weights"]) > 100


def test_roles_light_verb_place_nouns_and_visited_object(coder):
    """Cases from tests/fixtures/event_roles_gold.jsonl that positional rules used to get wrong."""
    import json
    from pathlib import Path

    gold = [json.loads(x) for x in (Path(__file__).parent / "fixtures" / "event_roles_gold.jsonl")
            .read_text(encoding="utf-8").splitlines() if x.strip()]
    wanted = ("وأجرى الرئيس التركي", "انسحبت القوات الروسية من مطار", "وزار أردوغان دمشق", "ووقّعت الحكومة السورية")
    items = [g for g in gold if g["text"].startswith(wanted)]
    assert len(items) == len(wanted)
    for g in items:
        table = {k: tuple(v) for k, v in g["entities"].items()}
        doc = Document(id="r", text=g["text"], raw_text=g["text"], source_path="t", fmt="txt",
                       published=datetime(2026, 1, 28))
        ev = next(e for e in coder.code(doc, build_mentions("r", g["text"], table), []) if e.type == g["type"])
        assert (ev.actors, sorted(ev.targets), ev.place) == (g["actors"], sorted(g["targets"]), g["place"]), g["text"]


def test_event_dated_by_a_range_keeps_its_end_and_granularity(coder):
    text = ("عقد الرئيس الشرع محادثات مع الرئيس بوتين في موسكو من 15 إلى 17 مارس. "
            "وانسحبت القوات الروسية من مطار القامشلي في فبراير الماضي. "
            "واتهمت وزارة الخارجية الروسية واشنطن بعرقلة الحل.")
    doc = Document(id="r1", text=text, raw_text=text, source_path="t", fmt="txt", outlet="sana",
                   published=datetime(2026, 3, 20))
    evs = coder.code(doc, build_mentions("r1", text, ENTITIES), find_dates("r1", text, doc.published))
    talks = next(e for e in evs if e.type == "CONSULT")
    assert (talks.date, talks.date_end, talks.granularity) == ("2026-03-15", "2026-03-17", "day")
    retreat = next(e for e in evs if e.type == "RETREAT")
    assert (retreat.date, retreat.date_end, retreat.granularity) == ("2026-02", None, "month")
    accuse = next(e for e in evs if e.type == "ACCUSE")  # no date in the sentence: the publication day
    assert (accuse.date, accuse.date_end, accuse.granularity) == ("2026-03-20", None, "day")


def test_event_date_comes_from_the_triggers_clause_not_the_nearest_expression():
    """Background dates in a relative clause or after «منذ» do not date the event (issue #15)."""
    from rasid.extract.events.coder import attached_timex
    from rasid.text.spans import sentences as _sents

    pub = datetime(2018, 6, 5, 12)

    def date_of(text, trigger):
        tx = find_dates("d", text, pub)
        i = text.index(trigger)
        t = attached_timex(tx, text, i, i + len(trigger), _sents(text)[0])
        return t.value if t else "published"

    # the nearest expression to «وقعته» is 2015, but «تخلى» is dated by «8 مايو»; «وقعته» by 2015
    s = "وتخلى الرئيس الأميركي دونالد ترامب في 8 مايو عن الاتفاق الذي وقعته إيران مع القوى العالمية في 2015."
    assert date_of(s, "تخلى") == "2018-05-08"
    assert date_of(s, "وقعته") == "2015"
    # a relative clause closed by a comma is background: «والتقى» has no expression of its own
    s = "والتقى لودريان، الذي وصل مساء السبت إلى العاصمة المصرية، السيسي ونظيره المصري سامح شكري."
    assert date_of(s, "والتقى") == "published"
    # a relative clause on the trigger noun itself dates it
    s = "وأدى القصف، الذي بدأ في 18 من فبراير الماضي، إلى مقتل 1600 مدني."
    assert date_of(s, "القصف") == "2018-02-18"
    # «منذ» after another noun stays background when the clause has a date of its own
    s = "وصل الرئيس الإثيوبي صباح الأحد إلى أسمرة في زيارة تاريخية لإنهاء الخلاف المستمر منذ نحو 20 عاما."
    assert date_of(s, "زيارة") == "2018-06-03"
    # a year that is part of a name is no date («كأس العالم 2018»)
    s = "وذكرت الصحيفة أن العقد الجديد سيتم توقيعه قبل انطلاق بطولة كأس العالم 2018 بروسيا."
    assert date_of(s, "توقيعه") == "published"


def test_event_coded_in_a_sentence_takes_its_clause_date_and_publication_day_otherwise():
    coder = EventCoder.load()
    text = "حذر وزير الخارجية الإيراني السبت من أن إيران مستعدة لاستئناف التخصيب إذا تخلت واشنطن عن الاتفاق المبرم عام 2015."
    d = Document(id="z", text=text, raw_text=text, source_path="t", fmt="txt", published=datetime(2018, 4, 22, 12))
    evs = coder.code(d, [], find_dates(d.id, d.text, d.published_local))
    threat = next(e for e in evs if e.type == "THREATEN")
    assert threat.date == "2018-04-21"  # السبت, not the nearer-to-the-end 2015
