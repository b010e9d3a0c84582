"""The blind NER evaluation files are well formed (no access to /work/shared needed)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "eval" / "ner" / "news_test.jsonl"
SPLITS = ROOT / "eval" / "ner" / "splits.json"
FAMILIES = {"foreign_surname", "proclitic_org", "sports", "gov_body", "nationality_title", "prep_place",
            "long_name", "random"}


def _records() -> list[dict]:
    return [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_news_test_set_well_formed():
    recs = _records()
    assert len(recs) >= 320
    assert len({r["outlet"] for r in recs}) >= 8
    assert len({r["id"] for r in recs}) == len(recs)
    assert len({(r["doc"], tuple(r["sent"])) for r in recs}) == len(recs)
    for r in recs:
        assert set(r) == {"id", "doc", "outlet", "sent", "fam", "ents"}
        assert r["doc"].startswith(("snn:", "ant:"))
        s0, e0 = r["sent"]
        assert 0 <= s0 < e0
        assert r["fam"] and set(r["fam"]) <= FAMILIES
        prev_end = s0
        for s, e, typ in r["ents"]:
            assert typ in ("PER", "ORG", "LOC")
            assert prev_end <= s < e <= e0, (r["id"], s, e)
            prev_end = e


def test_news_test_set_has_no_text():
    """Only ids, offsets and labels are committed: no Arabic characters outside the document ids."""
    for r in _records():
        rest = {k: v for k, v in r.items() if k != "doc"}
        assert not any("\u0600" <= c <= "\u06ff" for c in json.dumps(rest, ensure_ascii=False))


def test_families_and_types_covered():
    recs = _records()
    fams = {f for r in recs for f in r["fam"]}
    assert fams == FAMILIES
    types = {e[2] for r in recs for e in r["ents"]}
    assert types == {"PER", "ORG", "LOC"}
    assert sum(len(r["ents"]) for r in recs) >= 600


def test_frozen_split_disjoint():
    sp = json.loads(SPLITS.read_text(encoding="utf-8"))
    aner = sp["anercorp"]
    bs = aner["block_size"]
    seen: list[tuple[int, int]] = []
    for part in ("train", "dev", "test"):
        for a, b in aner[part]:
            assert a % bs == 0  # whole documents (blocks) only
            assert all(b <= c or d <= a for c, d in seen)
            seen.append((a, b))
    aq = sp["aqmar"]
    assert not (set(aq["train"]) & set(aq["dev"])) and not (set(aq["dev"]) & set(aq["test"]))
    assert not (set(aq["train"]) & set(aq["test"]))
    woj = sp["wojood_sample"]
    assert woj["dev"]["test.txt"][0][1] <= woj["test"]["test.txt"][0][0]


def test_news_training_set_is_well_formed_text_free_and_apart_from_the_test_articles():
    """eval/ner/news_train.jsonl: the same record shape plus ``part``; the dev part is split by article (no
    article in two parts), no article of the news test set is used, and no text is committed."""
    train = [json.loads(line) for line in (NEWS.parent / "news_train.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(train) >= 1200 and len({r["id"] for r in train}) == len(train)
    assert {r["part"] for r in train} == {"train", "dev", "train3", "train4", "train5", "train6"}
    assert sum(r["part"] == "dev" for r in train) >= 180
    parts_of: dict[str, set[str]] = {}
    for r in train:
        parts_of.setdefault(r["doc"], set()).add(r["part"])
        assert set(r) == {"id", "doc", "outlet", "sent", "fam", "part", "ents"}
        s0, e0 = r["sent"]
        prev_end = s0
        for s, e, typ in r["ents"]:
            assert typ in ("PER", "ORG", "LOC") and prev_end <= s < e <= e0, (r["id"], s, e)
            prev_end = e
        assert not any("\u0600" <= ch <= "\u06ff" for ch in json.dumps([r["sent"], r["ents"], r["part"], r["fam"]]))
    assert all(len(p) == 1 or "dev" not in p for p in parts_of.values())
    assert not set(parts_of) & {r["doc"] for r in _records()}
