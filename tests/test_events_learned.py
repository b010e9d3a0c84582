"""The learned PLOVER coder (rasid/extract/events/learned.py) on hand-written Arabic news sentences.

The sentences are new (not from eval/events), so these check behaviour the models must generalise to:
types, status cues, background cues, roles that are common nouns, and look-alike triggers.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from rasid import resources
from rasid.extract.events.coder import EventCoder
from rasid.extract.events.learned import LearnedCoder, sentence_words
from rasid.models import Document
from rasid.text.spans import sentences


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


def _demo_sentences() -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Every sentence of the demo corpus with the NER tagger's mentions (relative to the sentence)."""
    from rasid.config import ExtractionConfig
    from rasid.extract.ner import load_tagger

    cfg = ExtractionConfig().ner
    tagger = load_tagger(cfg.tagger, config=cfg)
    root = Path(__file__).resolve().parents[1] / "demo" / "corpus"
    out = []
    for f in sorted(root.rglob("*.txt")):
        text = f.read_text(encoding="utf-8").partition("\n\n")[2]
        mentions = tagger.tag(f.stem, text)
        for sent in sentences(text):
            out.append((sent.text, [(m.start - sent.start, m.end - sent.start, m.type) for m in mentions
                                    if sent.start <= m.start and m.end <= sent.end]))
    return out


@pytest.mark.parametrize("threshold", [0.3, 0.1, 0.02])
def test_screens_code_exactly_what_scoring_every_word_codes(threshold):
    """The trigger screen and the role screen only skip work: on every demo-corpus sentence, with the NER
    tagger's mentions, the events equal those of exhaustive scoring (every word), also
    at low thresholds where far more words get past the screen."""
    fast, slow = LearnedCoder.load(), LearnedCoder.load()
    fast.threshold = slow.threshold = threshold
    slow.exhaustive = True
    sents = _demo_sentences()
    assert len(sents) > 300 and sum(bool(m) for _, m in sents) > 100
    n_events = n_roles = 0
    for text, mentions in sents:
        got = fast.code(text, mentions)
        assert got == slow.code(text, mentions), text
        n_events += len(got)
        n_roles += sum(bool(e.actors) + bool(e.targets) for e in got)
    assert n_events > 50 and n_roles > 50  # the comparison covers sentences with events and roles
    n_words = sum(len(sentence_words(text)) for text, _ in sents)
    kept = sum(len(fast.screen.candidates(sentence_words(text, m), threshold)) for text, m in sents)
    if threshold == 0.3:
        assert kept < 0.2 * n_words  # and at the shipped threshold the screen skips most words


def _reference_words(text: str, mentions: list[tuple[int, int, str]]) -> list[tuple]:
    """``sentence_words`` as it was written first: every token of ``tokens``, each mention scanned in full."""
    from rasid.text.normalize import normalize
    from rasid.text.spans import tokens

    out = []
    for tok in tokens(text):
        if not (tok.text[0].isalnum() or tok.text[0] == "_"):
            continue
        ner, first = None, False
        for a, b, t in sorted(mentions):
            if a <= tok.start < b:
                ner, first = t, tok.start == a or not text[a:tok.start].strip()
                break
        out.append((tok.start, tok.end, normalize(tok.text), ner, first))
    return out


def test_fast_paths_give_the_reference_words_role_scores_and_events():
    """The speed-ups of the coder change no value: on every demo-corpus sentence with the tagger's mentions,
    the words equal the plain tokenisation's, every (trigger, candidate) role score is the same float as
    ``Linear.probs`` over ``Featurizer.role_feats`` (for each word as a trigger of two types), and coding a
    document's sentences together (``code_many``) gives what coding them one by one gives."""
    from rasid.extract.events.learned import word_shape

    coder = LearnedCoder.load()
    sents = _demo_sentences()
    n_pairs = 0
    for text, mentions in sents:
        words = sentence_words(text, mentions)
        assert [tuple(w) for w in words] == _reference_words(text, mentions), text
        sr = coder._structure(text, words)
        for i in range(0, len(words), 3):
            trig_pos = word_shape(words[i].norm)
            for plover in ("ASSAULT", "CONSULT"):
                for p1, p2, j in coder.roles.scores(words, i, plover, trig_pos, sr):
                    ref = coder.role.probs(coder.feat.role_feats(words, i, j, plover, trig_pos, sr))
                    assert (p1, p2) == (ref[1], ref[2]), (text, i, j)
                    n_pairs += 1
    assert n_pairs > 10_000
    one_by_one = [coder.code(text, mentions) for text, mentions in sents]
    assert coder.code_many(sents) == one_by_one
    assert sum(map(len, one_by_one)) > 50


def test_gate_features_read_from_the_lexicons_equal_those_of_the_word_features():
    """``sentence_feats`` takes each word's share from the lexicons directly (a memo per word) instead of from
    ``word_feats``: on every demo-corpus sentence (twice: cold, then from the memo) the features equal the
    definition the gate was trained with, the stems of the words and the lexicon type flags of their features."""
    from rasid.extract.events.learned import _strip

    coder = LearnedCoder.load()
    feat = coder.feat
    sents = _demo_sentences()
    flagged = 0
    for _round in range(2):
        for text, mentions in sents:
            words = sentence_words(text, mentions)
            ref = {"s:" + _strip(w.norm) for w in words if len(w.norm) >= 2}
            ref |= {f for w in words for f in feat.word_feats(w.norm)
                    if f.startswith(("L:", "U:")) and ":" not in f[2:]}
            ref |= {"ner:" + w.ner for w in words if w.ner}
            got = feat.sentence_feats(words)
            assert got == sorted(ref), text
            flagged += any(f.startswith(("L:", "U:")) for f in got)
    assert flagged > 200  # most sentences hold a lexicon word, so the flags are compared, not only stems


def test_sentence_gate_drops_a_non_political_warning_and_keeps_political_acts(learned):
    """The sentence model gives an economist's «حذر» a low P(event), so the gate (trained threshold) drops what the
    trigger model alone would code as THREATEN; a minister's threat and an air strike pass it."""
    economy = "حذر خبير اقتصادي من تراجع أسعار النفط خلال الربع المقبل بسبب ضعف الطلب."
    threat = "حذر وزير الخارجية الإيراني من أن بلاده سترد على أي هجوم أمريكي."
    strike = "قصفت طائرات التحالف مواقع الحوثيين في صعدة أمس."
    assert learned.gate > 0
    assert learned.event_probability(sentence_words(economy)) < learned.gate
    assert learned.event_probability(sentence_words(threat)) > 0.5
    assert learned.event_probability(sentence_words(strike)) > 0.5
    assert _code(learned, economy) == []
    assert "THREATEN" in {e.type for e in learned.code(threat)}
    ungated = LearnedCoder(resources.load_json("event_coder.json"))
    ungated.gate = 0.0
    assert "THREATEN" in {e.type for e in ungated.code(economy)}  # what the gate is there to stop


def test_a_model_file_without_a_sentence_model_codes_every_sentence(learned):
    raw = dict(resources.load_json("event_coder.json"))
    del raw["sentence"], raw["sentence_gate"]
    plain = LearnedCoder(raw)
    assert plain.sentence is None and plain.gate == 0.0
    assert plain.event_probability(sentence_words("فاز الهلال على النصر في الدوري.")) == 1.0


def test_stacked_event_models_give_each_models_own_probabilities():
    """``_event`` scores the mode, status and background models in one gather (``Stacked``): on every
    demo-corpus sentence, for each word as the trigger of three types, the probabilities are the same floats as
    each model's own ``Linear.probs``."""
    from rasid.extract.events.learned import Stacked

    coder = LearnedCoder.load()
    models = (coder.mode, coder.status, coder.background)
    stacked = Stacked(models)
    n = 0
    for text, mentions in _demo_sentences():
        words = sentence_words(text, mentions)
        for i in range(0, len(words), 2):
            for plover in ("ASSAULT", "CONSULT", "ACCUSE"):
                ef = coder.feat.event_feats(words, i, plover, text)
                assert stacked.probs(ef) == [m.probs(ef) for m in models], (text, i, plover)
                n += 1
    assert n > 5_000


def test_trigger_rows_from_memoised_parts_equal_those_of_the_trigger_features():
    """``_code`` scores a candidate trigger from ``TriggerScreen.trigger_rows`` (each word's share memoised)
    instead of ``Featurizer.trigger_feats``' strings: on every word of every demo-corpus sentence, the rows are
    the same, in the same order, whether the shares are computed there (cold), read from that memo (second
    round) or left by the screen's own pass over the sentence (``_add``, as in ``code_many``)."""
    n = 0
    for rounds, screened in ((2, False), (1, True)):
        coder = LearnedCoder.load()
        for _round, (text, mentions) in [(r, s) for r in range(rounds) for s in _demo_sentences()]:
            words = sentence_words(text, mentions)
            if screened:
                coder.screen.candidates(words, coder.threshold)
            for i in range(len(words)):
                ref = [0, *coder.trigger.rows(coder.feat.trigger_feats(words, i))]
                assert coder.screen.trigger_rows(words, i) == ref, (text, i, screened)
                n += 1
    assert n > 10_000


def test_flag_features_memoised_by_word_feats_are_its_flag_features():
    """``Featurizer._flags`` (filled by ``word_feats`` as it makes the features) holds exactly the «cue:», «L:»
    and «U:» features of ``word_feats``, in order, for every word of the demo corpus."""
    from rasid.extract.events.learned import _FLAG_PREFIXES

    feat = LearnedCoder.load().feat
    words = {w.norm for text, mentions in _demo_sentences() for w in sentence_words(text, mentions)}
    flagged = 0
    for w in sorted(words):
        ref = tuple(f for f in feat.word_feats(w) if f.startswith(_FLAG_PREFIXES))
        assert feat._flags(w) == ref, w
        flagged += bool(ref)
    assert flagged > 100


def test_gate_probability_from_memoised_rows_equals_the_sentence_models_own():
    """``event_probability`` sums each word's memoised rows of the sentence model (and its NER types') instead of
    scoring ``sentence_feats``: on every demo-corpus sentence, twice (cold, then from the memo), it is the same
    float as ``Linear.probs`` over those features, and as numpy's running sum of their rows (the one-column
    model's Python sum adds the same floats in the same order)."""
    coder = LearnedCoder.load()
    model = coder.sentence
    sents = _demo_sentences()
    for _round in range(2):
        for text, mentions in sents:
            words = sentence_words(text, mentions)
            feats = coder.feat.sentence_feats(words)
            ref = model.probs(feats)[1]
            cumsum = model._matrix[[0, *model.rows(feats)]].cumsum(axis=0)[-1].tolist()
            assert model.softmax(cumsum)[1] == ref, text
            assert coder.event_probability(words) == ref, text


def test_gate_inputs_are_the_norms_and_ner_types_of_the_sentence_words():
    """``code_many`` gates a sentence on ``gate_inputs`` (no word tuples); on every demo-corpus sentence, with its
    NER mentions, with a mention starting inside a word («و» + name) and with nested mentions, they are the
    norms and the NER types of ``sentence_words``, and the gate's probability is the same float."""
    from rasid.extract.events.learned import gate_inputs

    coder = LearnedCoder.load()
    cases = list(_demo_sentences())
    said = "وقال ومحمد بن سلمان إن الرياض ستستضيف القمة."
    cases += [(said, [(4, 20, "PER")]), (said, [(5, 20, "PER"), (23, 29, "LOC")]),
              (said, [(5, 20, "PER"), (5, 10, "ORG"), (9, 12, "LOC")]), ("، ،", [(0, 1, "ORG")])]
    typed = 0
    for text, mentions in cases:
        words = sentence_words(text, mentions)
        norms, ners = gate_inputs(text, mentions)
        assert norms == [w.norm for w in words], text
        assert ners == {w.ner for w in words if w.ner}, (text, mentions)
        assert coder._probability_of(norms, ners) == coder.event_probability(words), text
        typed += bool(ners)
    assert typed > 100
    # «ومحمد» takes ORG (first in sorted order), «بن» and «سلمان» PER; LOC covers no word first
    assert gate_inputs(said, [(5, 20, "PER"), (5, 10, "ORG"), (9, 12, "LOC")])[1] == {"ORG", "PER"}
    assert gate_inputs("وقال ومحمد", [(6, 10, "PER")])[1] == set()  # after the clitic: no word's first letter
    assert not [w.ner for w in sentence_words("وقال ومحمد", [(6, 10, "PER")]) if w.ner]


def test_natural_forces_and_particles_are_no_acts() -> None:
    """Look-alikes of issue 18: an earthquake, a storm, a lightning strike or a flood «ضرب / قتل / دمر» is no
    ASSAULT, and a negation particle («ولم ترد», «لن يتمكن») is no REJECT trigger; an air raid is still an ASSAULT.
    (Before ``event_no_act.tsv`` the demo's «زلزال ضرب ولاية ملاطية» was an ASSAULT and «ولم» a REJECT.)"""
    from rasid.extract.ner import NerTagger

    tagger, coder = NerTagger.load(), EventCoder.load()
    cases = {
        "وشعر سكان حلب بهزة أرضية فجر الخميس ناجمة عن زلزال ضرب ولاية ملاطية التركية.": set(),
        "وتوفي معظم الضحايا عندما ضربت صاعقة البرق الكنيسة في جنوب البلاد.": set(),
        "ودمرت الفيضانات نحو ألف منزل في بلدة بورت سانت جو الصغيرة.": set(),
        "وأوضح المدير أن الهزة وقعت فجرا، ولم ترد أي معلومات عن أضرار.": set(),  # «وقعت»: occurred, not signed
        "وضربت طائرات التحالف مواقع للحوثيين في صعدة صباح اليوم.": {"ASSAULT"},
    }
    for text, want in cases.items():
        doc = Document(id="d", text=text, raw_text=text, source_path="x", fmt="txt")
        events = coder.code(doc, tagger.tag("d", text), [])
        assert {e.type for e in events} == want, (text, [(e.type, e.trigger) for e in events])
        assert not any(e.trigger.strip("وف") in ("لم", "لن", "لا") for e in events)


def test_the_optional_sentence_filter_drops_a_type_the_whole_sentence_does_not_report() -> None:
    """«تبادلا وجهات النظر» (exchanged views) fires ACCUSE in the word-level coder; the whole-sentence model
    (``[extraction.events] sentence_filter``) rejects it and keeps an air raid's ASSAULT. Off by default."""
    from rasid.config import EventsConfig
    from rasid.extract.events.sentence_filter import SentenceTypeFilter
    from rasid.extract.ner import NerTagger

    assert EventsConfig().sentence_filter == 0.0
    assert SentenceTypeFilter.load() is not None  # the committed file and the USE encoder (a base dependency)
    views = ("وأضاف البيان أن الجانبين تبادلا وجهات النظر حول الوضع في سوريا، بما في ذلك الجهود الرامية إلى "
             "تحقيق الاستقرار وإعادة الإعمار.")
    raid = "قصفت طائرات حربية مواقع في ريف إدلب الجنوبي صباح اليوم، ما أسفر عن مقتل ثلاثة مدنيين."
    tagger = NerTagger.load()
    plain, filtered = EventCoder.load(), EventCoder.load(config=EventsConfig(sentence_filter=0.2))
    for text, kept, dropped in ((views, set(), {"ACCUSE"}), (raid, {"ASSAULT"}, set())):
        doc = Document(id="d", text=text, raw_text=text, source_path="x", fmt="txt")
        ms = tagger.tag("d", text)
        before = {e.type for e in plain.code(doc, ms, [])}
        after = {e.type for e in filtered.code(doc, ms, [])}
        assert dropped <= before and not dropped & after, (before, after)
        assert kept <= after and after <= before


def test_a_sentence_filter_that_cannot_load_warns_and_filters_nothing(monkeypatch, caplog) -> None:
    """Without the encoder or its file the setting cannot be honoured: one warning naming what is missing, and
    the events of the plain coder (never a crash, never silently fewer events)."""
    import logging

    from rasid.config import EventsConfig
    from rasid.extract.events import sentence_filter

    monkeypatch.setattr(sentence_filter.SentenceTypeFilter, "load", classmethod(lambda cls, *a, **k: None))
    text = "قصفت طائرات حربية مواقع في ريف إدلب الجنوبي صباح اليوم، ما أسفر عن مقتل ثلاثة مدنيين."
    doc = Document(id="d", text=text, raw_text=text, source_path="x", fmt="txt")
    with caplog.at_level(logging.WARNING, logger="rasid"):
        got = EventCoder.load(config=EventsConfig(sentence_filter=0.2)).code(doc, [], [])
    assert [e.type for e in got] == [e.type for e in EventCoder.load().code(doc, [], [])]
    assert "ASSAULT" in {e.type for e in got}
    assert any("sentence_filter" in r.getMessage() for r in caplog.records)
