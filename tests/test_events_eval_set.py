"""The blind event label files are well formed (no /work/shared needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "eval" / "events"
SCHEMA = json.loads((EVAL / "schema.json").read_text(encoding="utf-8"))
KEYS = {"sid", "doc_id", "sent_start", "sent_end", "sha", "sampled", "events"}
EVENT_KEYS = {"type", "mode", "status", "background", "trigger", "actors", "targets"}


def _records(name: str) -> list[dict]:
    path = EVAL / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _check_span(span, length: int) -> None:
    assert isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)
    assert 0 <= span[0] < span[1] <= length


def _check(records: list[dict]) -> None:
    seen = set()
    for r in records:
        assert set(r) == KEYS, r.get("sid")
        assert r["sid"] not in seen
        seen.add(r["sid"])
        assert re.fullmatch(r"[0-9a-f]{12}", r["sha"])
        assert 0 <= r["sent_start"] < r["sent_end"]
        length = r["sent_end"] - r["sent_start"]
        for e in r["events"]:
            assert set(e) == EVENT_KEYS, r["sid"]
            assert e["type"] in SCHEMA["types"], (r["sid"], e["type"])
            assert e["mode"] is None or e["mode"] in SCHEMA["types"][e["type"]], (r["sid"], e["mode"])
            assert e["status"] in SCHEMA["status"], r["sid"]
            assert isinstance(e["background"], bool)
            _check_span(e["trigger"], length)
            for s in e["actors"] + e["targets"]:
                _check_span(s, length)


def test_schema_lists_plover_types_and_status():
    assert len(SCHEMA["types"]) == 16
    assert SCHEMA["types"]["SANCTION"] == ["convict", "expel", "withdraw", "discontinue"]
    assert set(SCHEMA["status"]) == {"occurred", "planned", "denied", "threatened", "hypothetical"}


def test_test_set_well_formed_and_large_enough():
    recs = _records("test.jsonl")
    _check(recs)
    assert len(recs) >= 420
    assert sum(1 for r in recs if not r["events"]) >= 100
    assert len({(r["doc_id"], r["sent_start"]) for r in recs}) == len(recs)
    types = {e["type"] for r in recs for e in r["events"]}
    assert {"SANCTION", "AID", "ASSAULT", "ACCUSE", "RETREAT"} <= types


def test_test_set_only_reserved_outlets_and_month():
    for r in _records("test.jsonl"):
        assert re.fullmatch(r"(BB|FR)-[A-Za-z]+-\d+-201808\d\d", r["doc_id"]), r["doc_id"]


@pytest.mark.skipif(not (EVAL / "train.jsonl").exists(), reason="no train labels yet")
def test_train_set_well_formed_and_disjoint_from_test():
    recs = _records("train.jsonl")
    _check(recs)
    test = _records("test.jsonl")
    test_docs = {r["doc_id"] for r in test}
    test_sha = {r["sha"] for r in test}
    for r in recs:
        assert r["doc_id"] not in test_docs
        assert r["sha"] not in test_sha, r["sid"]  # same sentence text reprinted elsewhere
        assert not re.fullmatch(r"(BB|FR)-[A-Za-z]+-\d+-201808\d\d", r["doc_id"]), r["doc_id"]


@pytest.mark.skipif(not (EVAL / "test2.jsonl").exists(), reason="no second test part yet")
def test_second_test_part_is_fresh_and_disjoint_from_all_training_labels():
    """test2 (SaudiNewsNet, August 2015) shares no document and no sentence with the label files the coder is
    trained on (train.jsonl and the first test set), and is large enough for the issue (≥ 400, some empty)."""
    recs = _records("test2.jsonl")
    _check(recs)
    assert len(recs) >= 400
    assert sum(1 for r in recs if not r["events"]) >= 100
    assert all(r["doc_id"].startswith("snn:") for r in recs)
    assert all(re.fullmatch(r"u\d{3}", r["sid"]) for r in recs)
    trained = _records("train.jsonl") + _records("test.jsonl")
    assert not {r["doc_id"] for r in recs} & {r["doc_id"] for r in trained}
    assert not {r["sha"] for r in recs} & {r["sha"] for r in trained}


def test_the_event_trainer_refuses_the_frozen_test_part(tmp_path):
    import subprocess
    import sys

    frozen = tmp_path / "test2.jsonl"
    frozen.write_text("", encoding="utf-8")
    data = tmp_path / "data" / "ant_multisource" / "jsonl"
    data.mkdir(parents=True)
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_event_coder.py"), "--data",
                           str(tmp_path / "data"), "--labels", str(frozen), "--dev"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "frozen test part" in proc.stdout + proc.stderr


@pytest.mark.parametrize(("name", "sid"), [("train_snn.jsonl", r"sj\d{4}"), ("train_snn2.jsonl", r"sk\d{4}")])
def test_saudinewsnet_training_labels_are_july_and_share_nothing_with_the_test_parts(name, sid):
    """train_snn and train_snn2 (SaudiNewsNet, July 2015) are training data: their sentences and documents are in
    neither test part, and the second sample shares no document with the first (``--exclude``)."""
    if not (EVAL / name).exists():
        pytest.skip(f"no {name}")
    recs = _records(name)
    _check(recs)
    assert all(r["doc_id"].startswith("snn:") and re.fullmatch(sid, r["sid"]) for r in recs)
    tests = _records("test2.jsonl") + _records("test.jsonl")
    assert not {r["doc_id"] for r in recs} & {r["doc_id"] for r in tests}
    assert not {r["sha"] for r in recs} & {r["sha"] for r in tests}
    if name == "train_snn2.jsonl":
        assert not {r["doc_id"] for r in recs} & {r["doc_id"] for r in _records("train_snn.jsonl")}
