"""compare_story on hand-written reports and on the bundled demo corpus gold conflicts."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from rasid.extract.attribution import find_claims
from rasid.models import Claim, Document
from rasid.stories.compare import compare_story

ROOT = Path(__file__).resolve().parents[1]


def _doc(doc_id: str, outlet: str, day: int, text: str) -> Document:
    return Document(id=doc_id, text=text, raw_text=text, source_path="t", fmt="txt", outlet=outlet,
                    published=datetime(2026, 1, day))


DOCS = [
    _doc("rt1", "rt_arabic", 27, "قال المتحدث باسم الكرملين ديمتري بيسكوف إن الشرع سيصل غداً الأربعاء في زيارة عمل."),
    _doc("sana1", "sana", 28, "وصل الرئيس أحمد الشرع إلى موسكو اليوم في زيارة رسمية والتقى الرئيس بوتين."),
    _doc("sana0", "sana", 12, "بحث الرئيسان الشرع وبوتين في اتصال هاتفي اليوم العلاقات الثنائية."),
    _doc("x1", "x_news", 28, "وذكرت مصادر أن اللقاء بين الرئيسين جرى عبر اتصال هاتفي اليوم."),
]


def _run():
    docs = {d.id: d for d in DOCS}
    claims = [c for d in DOCS for c in find_claims(d, [])]
    return compare_story("s1", claims, docs)


def test_visit_type_conflict_lists_outlets():
    claims, conflicts = _run()
    vt = [c for c in conflicts if c.slot == "visit_type"]
    assert len(vt) == 1
    assert vt[0].outlets == {"official": ["sana"], "working": ["rt_arabic"]}
    ids = {i for ids in vt[0].values.values() for i in ids}
    assert all(c.story_id == "s1" and c.group for c in claims)
    assert {c.id for c in claims if c.slot == "visit_type"} == ids


def test_earlier_phone_call_is_not_a_mode_conflict_but_same_day_is():
    _, conflicts = _run()
    modes = [c for c in conflicts if c.slot == "meeting_mode"]
    assert len(modes) == 1  # 28 Jan: in person (sana) vs by phone (x_news); the 12 Jan call is another fact
    assert modes[0].outlets == {"in_person": ["sana"], "phone": ["x_news"]}
    phone_ids = modes[0].values["phone"]
    assert all(i.startswith("x1:") for i in phone_ids)


def test_ids_are_deterministic():
    a = _run()
    b = _run()
    assert [(c.id, c.group) for c in a[0]] == [(c.id, c.group) for c in b[0]]
    assert [(c.id, c.values) for c in a[1]] == [(c.id, c.values) for c in b[1]]


def _demo_story(story: str) -> dict[str, Document]:
    stories = json.loads((ROOT / "demo/gold/stories.json").read_text("utf-8"))
    docs = {}
    for f in (ROOT / "demo/corpus").rglob("*.txt"):
        if stories.get(f.stem) != story:
            continue
        raw = f.read_text("utf-8")
        header, _, body = raw.partition("\n\n")
        day = re.search(r"^date (\S+)", header, re.M)
        docs[f.stem] = Document(id=f.stem, text=body, raw_text=raw, source_path=str(f), fmt="txt",
                                outlet=f.parent.name, published=datetime.fromisoformat(day.group(1)) if day else None)
    return docs


@pytest.mark.skipif(not (ROOT / "demo/gold/conflicts.json").exists(), reason="demo gold not present")
def test_demo_corpus_conflicts_match_gold():
    gold = {g["story"]: g for g in json.loads((ROOT / "demo/gold/conflicts.json").read_text("utf-8"))}
    docs = _demo_story("sharaa_moscow_visit")
    _, conflicts = compare_story("sharaa", [c for d in docs.values() for c in find_claims(d, [])], docs)
    vt = next(c for c in conflicts if c.slot == "visit_type")
    got = {v: {i.split(":")[0] for i in ids} for v, ids in vt.values.items()}
    want = {{"زيارة عمل": "working", "زيارة رسمية": "official"}[k]: {d for d in v if d in docs}
            for k, v in gold["sharaa_moscow_visit"]["values"].items()}
    assert got == want

    docs = _demo_story("qamishli_withdrawal")
    _, conflicts = compare_story("q", [c for d in docs.values() for c in find_claims(d, [])], docs)
    count = next(c for c in conflicts if c.slot == "count")
    got = {v.split()[0]: {i.split(":")[0] for i in ids} for v, ids in count.values.items()}
    want = {k: {d for d in v if d in docs} for k, v in gold["qamishli_withdrawal"]["values"].items()}
    assert got == want


_GOLD_VALUE = {"زيارة عمل": "working", "زيارة رسمية": "official"}


def _value_key(slot: str, value: str) -> str:
    """Exported value -> the gold's spelling: visit types by label, counts/magnitudes by their number."""
    return value if slot == "visit_type" else value.split()[0]


@pytest.mark.skipif(not (ROOT / "demo/gold/conflicts.json").exists(), reason="demo gold not present")
def test_full_pipeline_demo_conflicts_are_exactly_the_gold(demo_db):
    """End to end (ingest → clean → dedup → NER → claims → stories → compare): no false conflicts
    (football points of two teams, two crude grades' price rises, related phone calls), none missed."""
    from rasid.serve.export import build_export
    from rasid.store import Store

    store = Store(demo_db)
    data = build_export(store)
    store.close()
    gold = json.loads((ROOT / "demo/gold/conflicts.json").read_text("utf-8"))
    stories = json.loads((ROOT / "demo/gold/stories.json").read_text("utf-8"))
    duplicates = json.loads((ROOT / "demo/gold/duplicates.json").read_text("utf-8"))
    claims = {c["id"]: c for c in data["claims"]}
    texts = {d["id"]: d["text"] for d in data["documents"]}
    got = {}
    for cf in data["conflicts"]:
        story_docs = {claims[i]["doc"] for ids in cf["values"].values() for i in ids}
        gold_story = {stories[d] for d in story_docs}
        assert len(gold_story) == 1, (cf["slot"], story_docs)  # a conflict never mixes two real stories
        values = {}
        for value, ids in cf["values"].items():
            for i in ids:
                c = claims[i]
                assert texts[c["doc"]][c["start"]:c["end"]] == c["text"]  # provenance
            values[_value_key(cf["slot"], value)] = {claims[i]["doc"] for i in ids}
        got[gold_story.pop()] = values
    want = {}
    for g in gold:
        want[g["story"]] = {_GOLD_VALUE.get(v, v): {d for d in docs if d not in duplicates}
                            for v, docs in g["values"].items()}
    assert got == want


def test_same_noun_counts_of_two_teams_are_not_a_conflict():
    docs = {d.id: d for d in [
        _doc("a1", "aawsat", 25, "ورفع الهلال رصيده إلى 45 نقطة في الصدارة، فيما تجمد رصيد النصر عند 36 نقطة."),
        _doc("b1", "alarabiya", 25, "وعزز الهلال صدارته للترتيب برصيد 45 نقطة بعد فوزه على النصر."),
    ]}
    claims = [c for d in docs.values() for c in find_claims(d, [])]
    assert {c.value for c in claims if c.slot == "count"} == {"45 نقطه", "36 نقطه"}
    _, conflicts = compare_story("derby", claims, docs)
    assert not [c for c in conflicts if c.slot == "count"]


def test_different_figures_from_different_outlets_conflict():
    docs = {d.id: d for d in [
        _doc("r1", "rt_arabic", 26, "وقالت الوزارة إن القافلة ضمت 40 آلية عسكرية غادرت مطار القامشلي."),
        _doc("e1", "enab_baladi", 27, "وقال مصدر محلي إن رتلاً يضم 60 آلية عسكرية غادر مطار القامشلي."),
    ]}
    claims = [c for d in docs.values() for c in find_claims(d, [])]
    _, conflicts = compare_story("q", claims, docs)
    counts = [c for c in conflicts if c.slot == "count"]
    assert len(counts) == 1 and counts[0].outlets == {"40 اليه": ["rt_arabic"], "60 اليه": ["enab_baladi"]}


def test_claim_without_words_does_not_break_grouping():
    """Found at 30k ANT+SaudiNewsNet articles: a quote of punctuation only made grouping divide by zero."""
    doc = _doc("q1", "okaz", 5, "قال الوزير: «...» ثم قال إن المشروع سيكتمل قبل نهاية العام الجاري.")
    quoted = "المشروع سيكتمل قبل نهاية العام الجاري"
    start = doc.text.index(quoted)
    claims = [Claim(id="c0", doc_id="q1", start=13, end=16, text="..."),
              Claim(id="c1", doc_id="q1", start=start, end=start + len(quoted), text=quoted),
              Claim(id="c2", doc_id="q1", start=start, end=start + len(quoted), text=quoted)]
    out, conflicts = compare_story("s9", claims, {"q1": doc})
    groups = {c.id: c.group for c in out}
    assert groups["c1"] == groups["c2"] != groups["c0"]
    assert conflicts == []
