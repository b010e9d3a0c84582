"""End to end on the bundled demo corpus: ingest → clean → dedup → store → export."""

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rasid.run.executors import InlineExecutor
from rasid.run.pipeline import run
from rasid.serve.export import build_export, export
from rasid.store import Store

ROOT = Path(__file__).resolve().parents[1]


def test_demo_documents_and_duplicates(demo_db: Path):
    store = Store(demo_db)
    docs = {d.id: d for d in store.documents()}
    stories_gold = json.loads((ROOT / "demo" / "gold" / "stories.json").read_text(encoding="utf-8"))
    assert set(docs) == set(stories_gold)  # every demo article stored under its file name / JSONL id
    dup_gold = json.loads((ROOT / "demo" / "gold" / "duplicates.json").read_text(encoding="utf-8"))
    found = {d.id: d.duplicate_of for d in docs.values() if d.duplicate_of}
    assert found == dup_gold
    exact = docs["sana-2026-01-27-sharaa-moscow-visit-2"]
    assert exact.duplicate_score == 1.0
    for d in docs.values():
        assert d.language == "ar"
        assert "اترك تعليقاً" not in d.text and "جميع الحقوق محفوظة" not in d.text
        assert d.raw_text and (d.removed_lines or d.fmt != "txt")  # removed lines are kept for provenance
    assert docs["enab-2026-01-29-aleppo-idlib-tremor"].published is None  # no date line, no date in URL
    store.close()


def test_rerun_adds_nothing(tmp_path: Path, demo_corpus: Path):
    store = Store(tmp_path / "r.db")
    first = run([demo_corpus], store)
    n_docs, n_mentions, n_stories = store.count("documents"), store.count("mentions"), store.count("stories")
    second = run([demo_corpus], store)
    assert first.added == n_docs and second.added == 0 and second.already_present == first.added
    assert (store.count("documents"), store.count("mentions"), store.count("stories")) == (
        n_docs, n_mentions, n_stories)
    store.close()


def test_a_run_collects_garbage_less_often_and_gives_the_caller_its_thresholds_back(tmp_path: Path):
    """While a run's stages work the collector has ``RUN_THRESHOLDS`` (rasid.run.heap); after the run (also one
    that fails) the caller's own thresholds are back and nothing of the caller's heap was frozen."""
    import gc

    from rasid.run.heap import RUN_THRESHOLDS
    from rasid.run.stages import ProgressLike

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "1.txt").write_text("date 2026-01-27\n\nوصل الرئيس الشرع إلى موسكو صباح اليوم في زيارة رسمية.",
                                           encoding="utf-8")
    seen: list[tuple[int, int, int]] = []

    def progress(_label: str, _total: int | None) -> ProgressLike:
        seen.append(gc.get_threshold())
        return ProgressLike()

    mine = (1234, 7, 9)
    old = gc.get_threshold()
    gc.set_threshold(*mine)
    try:
        store = Store(tmp_path / "g.db")
        run([tmp_path / "in"], store, progress=progress, executor=InlineExecutor())
        assert seen and set(seen) == {RUN_THRESHOLDS}
        assert gc.get_threshold() == mine and gc.get_freeze_count() == 0

        def failing(_label: str, _total: int | None) -> ProgressLike:
            raise RuntimeError("display gone")

        with pytest.raises(RuntimeError, match="display gone"):
            run([tmp_path / "in"], store, progress=failing, executor=InlineExecutor())
        assert gc.get_threshold() == mine
        store.close()
    finally:
        gc.set_threshold(*old)


def test_id_collision_keeps_both(tmp_path: Path):
    a, b = tmp_path / "sana", tmp_path / "rt"
    a.mkdir()
    b.mkdir()
    (a / "1.txt").write_text("date 2026-01-27\n\nوصل الرئيس الشرع إلى موسكو صباح اليوم في زيارة رسمية.",
                             encoding="utf-8")
    (b / "1.txt").write_text("date 2026-01-12\n\nأجرى الرئيس بوتين اتصالاً هاتفياً مع الرئيس الشرع مساء أمس.",
                             encoding="utf-8")
    store = Store(tmp_path / "c.db")
    report = run([tmp_path], store)
    ids = sorted(d.id for d in store.documents())
    assert len(ids) == 2 and "1" in ids and any(i.startswith("1~") for i in ids)
    assert any("collision" in n for n in report.notes)
    store.close()


def test_bad_inputs_do_not_stop_the_run(tmp_path: Path, fixtures: Path, demo_corpus: Path):
    store = Store(tmp_path / "bad.db")
    bad = [fixtures / n for n in ("empty.txt", "binary.bin", "cp1256.txt", "truncated.html", "malformed.jsonl",
                                  "year0.txt")]
    report = run([*bad, demo_corpus / "sana"], store)
    reasons = " | ".join(s.reason for s in report.skipped)
    assert "empty file" in reasons and "binary" in reasons and "malformed JSON" in reasons
    ids = {d.id for d in store.documents()}
    assert "cp1256" in ids and "fx-001" in ids and "sana-2026-01-12-putin-call" in ids
    assert len(store.skips()) == len(report.skipped)  # skips are recorded, not just printed
    store.close()


def test_export_json_csv_parquet(demo_db: Path, tmp_path: Path):
    store = Store(demo_db)
    data = build_export(store)
    for key in ("documents", "stories", "entities", "events", "claims", "conflicts"):
        assert isinstance(data[key], list)
    texts = {d["id"]: d["text"] for d in data["documents"]}
    doc = data["documents"][0]
    assert {"id", "title", "outlet", "published", "language", "text", "duplicate_of"} <= set(doc)
    for e in data["entities"]:
        for m in e["mentions"]:
            assert texts[m["doc"]][m["start"]:m["end"]] == m["text"]
    for ev in data["events"]:
        assert texts[ev["doc"]][ev["sentence"]["start"]:ev["sentence"]["end"]] == ev["sentence"]["text"]
    (out_json,) = export(store, "json", tmp_path / "x.json")
    assert json.loads(out_json.read_text(encoding="utf-8"))["documents"][0]["id"] == doc["id"]
    csvs = export(store, "csv", tmp_path / "csv")
    assert (tmp_path / "csv" / "documents.csv").exists() and len(csvs) == 9  # storylines.csv since schema 2
    export(store, "parquet", tmp_path / "pq")
    table = pq.read_table(tmp_path / "pq" / "documents.parquet")
    assert table.num_rows == len(data["documents"]) and "text" in table.column_names
    store.close()


def test_failing_story_analysis_is_reported_not_fatal(tmp_path: Path, demo_corpus: Path, monkeypatch):
    """A bug in one analyser (here: claim comparison) costs that part of the analysis, not the run."""
    import rasid.stories.compare

    def broken(*_a, **_k):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(rasid.stories.compare, "compare_story", broken)
    store = Store(tmp_path / "f.db")
    report = run([demo_corpus], store, executor=InlineExecutor())  # the patch lives in this process only
    failed = [n for n in report.notes if "analysis failed (ZeroDivisionError" in n]
    assert failed and len(failed) == report.stories_updated
    data = build_export(store)
    assert len(data["stories"]) == report.stories_updated
    assert all(s["title"] for s in data["stories"])  # still listed with a title and its articles
    assert sum(len(s["documents"]) for s in data["stories"]) == len(data["documents"])
    assert data["conflicts"] == []
