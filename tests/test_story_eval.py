"""The clustering scores and the frozen story/storyline label set (no corpus needed).

The scores are checked against values worked out by hand, because every number in
docs/results/clustering.md and stories.md comes from them; the label file is checked for the
properties the evaluation relies on (ids and labels only, story ids carry their storyline and
event day, the dev/test split partitions the storylines).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from dev.cluster_eval import bcubed, pairwise
from eval_stories import LABELS, LabelSet, merges, undated

from rasid.models import Document

# Two gold stories about Jordan's crisis, one predicted cluster that merges them plus a singleton.
GOLD = {"resign-1": "jordan-mulki-resigns-0604", "resign-2": "jordan-mulki-resigns-0604",
        "designate-1": "jordan-razzaz-designated-0604", "designate-2": "jordan-razzaz-designated-0604"}
PRED = {"resign-1": "s1", "resign-2": "s1", "designate-1": "s1", "designate-2": "s2", "distractor": "s1"}


def test_bcubed_by_hand() -> None:
    p, r, f = bcubed(PRED, GOLD)
    # precision: resign-1/2 see 2 of 3 labelled cluster-mates right, designate-1 1 of 3, designate-2 1 of 1
    assert p == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    # recall: resign-1/2 keep their whole story, designate-1/2 half of theirs
    assert r == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert f == pytest.approx(2 * p * r / (p + r))


def test_pairwise_by_hand() -> None:
    # pairs together in PRED among labelled docs: (r1,r2) right, (r1,d1) and (r2,d1) wrong; (d1,d2) missed
    assert pairwise(PRED, GOLD) == pytest.approx((1 / 3, 1 / 2, 0.4))


def test_perfect_and_all_in_one() -> None:
    assert bcubed(GOLD, GOLD) == (1.0, 1.0, 1.0)
    one = {k: "s" for k in GOLD}
    assert bcubed(one, GOLD) == pytest.approx((0.5, 1.0, 2 / 3))
    assert pairwise(one, GOLD)[1] == 1.0


def test_merges_lists_clusters_joining_stories() -> None:
    lines = merges(PRED, GOLD, top=5)
    assert lines == ["jordan-mulki-resigns-0604×2, jordan-razzaz-designated-0604×1"]


def test_undated_drops_only_the_date() -> None:
    from datetime import datetime

    doc = Document(id="a", text="استقال رئيس الوزراء الأردني هاني الملقي", raw_text="", source_path="", fmt="jsonl",
                   title="استقالة الملقي", published=datetime(2018, 6, 4))
    (out,) = undated([doc])
    assert out.published is None and out.title == doc.title and doc.published is not None


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(Path(LABELS).read_text(encoding="utf-8"))


def test_label_file_holds_ids_and_labels_only(raw: dict) -> None:
    assert set(raw["period"]) == {"start", "end"}
    assert set(raw["outlets"]) == {"BBC", "CNN", "alarabia", "france24", "skynews"}
    assert len(raw["labels"]) >= 330
    for doc_id, lab in raw["labels"].items():
        assert re.fullmatch(r"(AL|BB|CN|FR|SK)-[A-Za-z]+-\d+-201806\d\d", doc_id), doc_id
        assert 1 <= int(doc_id[-2:]) <= 14  # published inside the period
        assert set(lab) == {"story", "storyline"}
        assert lab["story"].startswith(lab["storyline"] + "-"), lab
        month, day = int(lab["story"][-4:-2]), int(lab["story"][-2:])
        assert date(2018, month, day) <= date(2018, 6, 14)  # the event day, never after the period


def test_split_partitions_storylines_and_covers_all_outlets(raw: dict) -> None:
    labels = LabelSet.load(Path(LABELS))
    lines = set(labels.storyline.values())
    assert labels.dev | labels.test == lines and not labels.dev & labels.test
    dev, test = labels.gold("story", "dev"), labels.gold("story", "test")
    assert len(dev) + len(test) == len(labels.story)
    assert abs(len(dev) - len(test)) <= 0.2 * len(labels.story)
    for part in (dev, test):
        assert len({k[:2] for k in part}) == 5  # every outlet in both halves
    # long affairs: at least two storylines with ten or more event stories
    per_line: dict[str, set[str]] = {}
    for doc, story in labels.story.items():
        per_line.setdefault(labels.storyline[doc], set()).add(story)
    assert sum(len(s) >= 10 for s in per_line.values()) >= 2


def _corpus(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "ant_multisource" / "jsonl").mkdir(parents=True)
    (data / "ant_multisource" / "jsonl" / "ant_1.jsonl").write_text("{}\n", encoding="utf-8")
    return data


def test_input_cache_reused_under_its_key_rebuilt_when_stale_or_corrupt(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from eval_stories import InputCache, inputs_key

    data, labels = _corpus(tmp_path), tmp_path / "labels.json"
    labels.write_text('{"labels": {}}', encoding="utf-8")
    key = inputs_key(data, labels)
    assert key == inputs_key(data, labels)
    path = tmp_path / "june.pkl"
    doc = Document(id="SK-1", text="استقالة رئيس الوزراء الأردني هاني الملقي", raw_text="", source_path="",
                   fmt="jsonl", title="الملقي يستقيل")
    cache = InputCache(path, key)
    cache.docs = [doc]
    cache.extracted["dated"] = ({"SK-1": []}, {"SK-1": []}, {"SK-1": []})
    cache.save()
    again = InputCache(path, key)
    assert again.docs == [doc] and again.inputs("dated", [doc], True) == ({"SK-1": []}, {"SK-1": []}, {"SK-1": []})
    assert again.inputs("dated", [doc], False) == ({}, {}, {})  # --no-extract never reads the cache
    # a relabelled set (or changed corpus or extraction code) gives another key: nothing is reused
    labels.write_text('{"labels": {"SK-1": {}}}', encoding="utf-8")
    stale = InputCache(path, inputs_key(data, labels))
    assert stale.docs is None and stale.extracted == {} and "stale" in capsys.readouterr().out
    path.write_bytes(b"not a pickle")
    broken = InputCache(path, key)
    assert broken.docs is None and "unreadable" in capsys.readouterr().out


def test_sweep_axes_are_typed_cluster_fields() -> None:
    from sweep_stories import _axis

    assert _axis("act_penalty=0.15,1.5") == ("act_penalty", [0.15, 1.5])
    name, values = _axis("index_terms=8,12")
    assert name == "index_terms" and values == [8, 12] and all(isinstance(v, int) for v in values)
    with pytest.raises(SystemExit, match="unknown ClusterConfig field"):
        _axis("treshold=0.2")
    with pytest.raises(SystemExit, match="expected key=v1,v2"):
        _axis("threshold")
