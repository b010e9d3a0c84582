"""The trained headline main-event classifier (rasid.stories.headline_clf) and its use by main_event.

Headlines here are written for the test (no corpus text). The training test runs the real training code
(scripts/train_headline_events.py) on a tiny hand-written sample.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

from rasid.models import Document
from rasid.stories import headline_clf
from rasid.stories.headline_clf import HeadlineClassifier, headline_features, shipped
from rasid.stories.mainevent import main_event

ROOT = Path(__file__).resolve().parents[1]


def _train_module():
    spec = importlib.util.spec_from_file_location("train_headline_events", ROOT / "scripts" / "train_headline_events.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_shipped_model_loads_and_gives_a_distribution() -> None:
    clf = shipped()
    assert {"NONE", "ASSAULT", "STATEMENT", "DISASTER"} <= set(clf.model.classes)
    assert 0.0 < clf.override <= 1.0
    p = clf.probs("مقتل 12 مدنيا في غارات جوية على ريف إدلب")
    assert math.isclose(sum(p.values()), 1.0, rel_tol=1e-9)


@pytest.mark.parametrize(("headline", "want"), [
    ("مقتل 12 مدنيا في غارات جوية على ريف إدلب", "ASSAULT"),
    ("زلزال بقوة 6 درجات يضرب جنوب إيران", "DISASTER"),
    ("الذهب يرتفع مع تراجع الدولار", "NONE"),
    ("واشنطن تفرض عقوبات جديدة على شركات روسية", "SANCTION"),
    ("الخارجية الروسية تتهم واشنطن بدعم الإرهاب في سوريا", "ACCUSE"),
    ("لماذا يرتفع سعر النفط هذا الصيف؟", "NONE"),
])
def test_clear_acts_are_read_by_the_model_and_by_the_combination(headline: str, want: str) -> None:
    reading = shipped().read(headline)
    assert reading.model_type == want
    assert reading.type == want


def test_features_carry_the_cue_reading_and_the_words() -> None:
    feats = headline_features("ترامب: لم أعلم باجتماع ابني مع الروس")
    assert {"cue:STATEMENT", "colon:speaker", "colon:first-person", "w:ترامب"} <= set(feats)
    assert "question" in headline_features("لماذا استقال وزير الخارجية؟")
    assert headline_features("") == [] and headline_features("   ") == []
    assert len(feats) == len(set(feats))


_TINY = [
    ("مقتل خمسة جنود في هجوم على قاعدة عسكرية", "ASSAULT"), ("غارات جوية تقتل مدنيين في الريف", "ASSAULT"),
    ("قصف مدفعي على أحياء المدينة", "ASSAULT"), ("زلزال قوي يضرب الساحل", "DISASTER"),
    ("فيضانات تجتاح القرى الجنوبية", "DISASTER"), ("حريق هائل يلتهم غابات الشمال", "DISASTER"),
    ("الذهب يرتفع في التعاملات المبكرة", "NONE"), ("أسعار النفط تتراجع للأسبوع الثاني", "NONE"),
    ("فريق المدينة يفوز بالكأس", "NONE"), ("الوزير: لن نتراجع عن الإصلاحات", "STATEMENT"),
    ("الرئيس: الاقتصاد بخير", "STATEMENT"), ("المتحدث: لا تغيير في الموقف", "STATEMENT"),
]


def test_training_is_deterministic_and_the_export_reproduces_the_fit() -> None:
    mod = _train_module()
    feats = [mod.valued(headline_features(h), 3.0) for h, _ in _TINY]
    labels = [y for _, y in _TINY]
    runs = [json.dumps(mod.export(mod.fit(feats, labels, 1.0), 3.0, 0.5), sort_keys=True) for _ in range(2)]
    assert runs[0] == runs[1]
    model = mod.fit(feats, labels, 1.0)
    clf = HeadlineClassifier(mod.export(model, 3.0, 0.5, min_weight=0.0))
    new = "مقتل عشرة أشخاص في هجوم على سوق"
    want = model[1].predict_proba(model[0].transform([mod.valued(headline_features(new), 3.0)]))[0]
    got = clf.probs(new)  # binary features at inference: the cue weight is folded into the exported weights
    for cls, p in zip(model[1].classes_, want, strict=True):
        assert got[str(cls)] == pytest.approx(p, abs=0.005)  # weights rounded to 3 decimals
    assert clf.read(new).model_type == "ASSAULT"


def test_main_event_reads_the_title_with_the_model_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # a stub model certain that any headline naming «قمة» reports no act
    stub = HeadlineClassifier({"model": {"classes": ["CONSULT", "NONE"], "bias": [0.0, 0.0],
                                         "weights": {"w:قمه": [-8.0, 8.0]}}, "override": 0.6})
    monkeypatch.setattr(headline_clf, "shipped", lambda: stub)
    doc = Document(id="q", text="انطلقت القمة اليوم.", raw_text="", source_path="", fmt="txt",
                   title="قمة ترامب وكيم في سنغافورة")
    assert main_event(doc).act == "consult-meet"  # the cues, the default
    assert main_event(doc, headline_model=True).act is None  # the confident model overrides
    other = Document(id="r", text="وصل الرئيس.", raw_text="", source_path="", fmt="txt",
                     title="الرئيس الصيني يصل إلى أبوظبي في زيارة رسمية")
    assert main_event(other, headline_model=True).act == "consult-visit"  # not confident: the cues' act stays
