"""The extract components over one AnalyzedDoc find exactly what the modules find when called directly."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import rasid.extract.base as base
from rasid.extract.attribution import find_claims
from rasid.extract.base import AnalyzedDoc, Component, annotate
from rasid.extract.temporal import find_dates
from rasid.models import Document
from rasid.run.stages import Analyzers, extract_rounds

TEXT = ("قال المتحدث باسم الكرملين دميتري بيسكوف يوم الثلاثاء إن الرئيس السوري أحمد الشرع سيزور موسكو.\n"
        "وأضاف بيسكوف أن بوتين سيبحث مع الشرع الوجود العسكري الروسي في سوريا في 28 كانون الثاني 2026.\n"
        "وكانت القوات الروسية قد انسحبت من مطار القامشلي إلى قاعدة حميميم أمس.")


@pytest.fixture(scope="module")
def analyzers() -> Analyzers:
    a = Analyzers.load()
    if a.tagger is None or a.coder is None:
        pytest.skip("models not installed: " + "; ".join(a.missing))
    return a


def _doc() -> Document:
    return Document(id="d1", text=TEXT, raw_text=TEXT, source_path="rt/d1.txt", fmt="txt", outlet="rt",
                    published=datetime(2026, 1, 27), language="ar")


def test_components_equal_direct_calls(analyzers: Analyzers) -> None:
    first, second = extract_rounds(analyzers)
    assert [c.name for c in first + second] == ["ner", "dates", "events", "claims"]
    assert all(isinstance(c, Component) for c in first + second)
    adoc = annotate(annotate(AnalyzedDoc(_doc()), first), second)

    d = _doc()
    mentions = analyzers.tagger.tag(d.id, d.text)
    dates = find_dates(d.id, d.text, d.published)
    assert adoc.results["ner"] == mentions and any(m.text == "بيسكوف" for m in mentions)
    assert adoc.results["dates"] == dates and any(t.value == "2026-01-28" for t in dates)
    assert adoc.results["events"] == analyzers.coder.code(d, mentions, dates)
    assert adoc.results["claims"] == find_claims(d, mentions, dates)
    assert adoc.results["claims"], "the quoted statement of بيسكوف is a claim"


def test_sentences_and_normalisation_are_computed_once(analyzers: Analyzers, monkeypatch) -> None:
    calls = {"sentences": 0, "normalized": 0}
    real_sentences, real_norm = base.sentences, base.normalize_with_offsets

    def count_sentences(text: str):
        calls["sentences"] += 1
        return real_sentences(text)

    def count_norm(text: str):
        calls["normalized"] += 1
        return real_norm(text)

    monkeypatch.setattr(base, "sentences", count_sentences)
    monkeypatch.setattr(base, "normalize_with_offsets", count_norm)
    first, second = extract_rounds(analyzers)
    adoc = annotate(annotate(AnalyzedDoc(_doc()), first), second)
    assert calls == {"sentences": 1, "normalized": 1}
    assert len(adoc.sentences()) == 3 and calls["sentences"] == 1


def test_annotating_many_documents_at_once_finds_what_one_at_a_time_finds(analyzers: Analyzers,
                                                                         demo_corpus: Path) -> None:
    """``annotate_many`` (the extract stage's task: the NER tags a group's documents in one batch) gives every
    document of the demo corpus exactly the results of ``annotate`` run on it alone, and times each component
    when asked."""
    from rasid.extract.base import annotate_many

    docs = [Document(id=p.stem, text=p.read_text(encoding="utf-8"), raw_text="", source_path=str(p), fmt="txt",
                     outlet=p.parent.name, published=datetime(2026, 1, 27), language="ar")
            for p in sorted(demo_corpus.rglob("*.txt"))]
    assert len(docs) > 20
    rounds = extract_rounds(analyzers)
    alone = [annotate(annotate(AnalyzedDoc(d), rounds[0]), rounds[1]) for d in docs]
    spent: dict[str, float] = {}
    together = annotate_many(annotate_many([AnalyzedDoc(d) for d in docs], rounds[0], spent), rounds[1], spent)
    assert [a.results for a in together] == [a.results for a in alone]
    assert sum(len(a.results["ner"]) for a in together) > 300
    assert set(spent) == {"ner", "dates", "events", "claims"} and all(v >= 0 for v in spent.values())


def test_a_document_sent_to_a_worker_leaves_its_cached_analyses_behind(analyzers: Analyzers) -> None:
    """A task's documents are pickled to a worker and back twice per run; the cached normalisation offsets
    and sentence spans were most of those bytes. They are computed again where needed, to the same results."""
    import pickle

    first, second = extract_rounds(analyzers)
    adoc = annotate(AnalyzedDoc(_doc()), first)
    assert adoc._cache  # the first round filled it
    shipped = pickle.loads(pickle.dumps(adoc))
    assert shipped._cache == {} and shipped.results == adoc.results and shipped.doc == adoc.doc
    assert len(pickle.dumps(adoc)) < 0.6 * len(pickle.dumps((adoc.doc, adoc.results, adoc._cache)))
    assert annotate(shipped, second).results == annotate(adoc, second).results
    assert shipped.sentences() == adoc.sentences()
