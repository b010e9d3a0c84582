"""The store under hostile conditions: read-only files, old schemas, repeated runs, missing databases."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.config import RunConfig
from rasid.run.pipeline import run
from rasid.serve.cli import app
from rasid.store import Store, StoreMissingError

runner = CliRunner()


@pytest.fixture()
def small_db(tmp_path: Path, demo_corpus: Path) -> Path:
    db = tmp_path / "small.db"
    store = Store(db)
    run([demo_corpus / "sana", demo_corpus / "rt_arabic"], store)
    store.close()
    return db


def test_read_only_database_can_be_listed_and_exported(small_db: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK else real_access(p, mode))
    before = small_db.stat().st_mtime_ns
    store = Store(small_db)
    assert store.read_only and len(store.documents()) >= 4 and store.stories()
    store.close()
    res = runner.invoke(app, ["stories", "--db", str(small_db)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "ro.json"
    res = runner.invoke(app, ["export", "--db", str(small_db), "--format", "json", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text(encoding="utf-8"))["stories"]
    assert small_db.stat().st_mtime_ns == before  # nothing written, not even the journal mode


def test_writing_a_read_only_database_is_one_clear_error(small_db: Path, demo_corpus: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK else real_access(p, mode))
    res = runner.invoke(app, ["run", str(demo_corpus / "tass_ar"), "--db", str(small_db)])
    assert res.exit_code != 0
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert any("read-only" in ln and str(small_db) in ln for ln in lines), res.output
    assert "Traceback" not in res.output


def test_old_database_gets_new_columns(tmp_path: Path, demo_corpus: Path):
    db = tmp_path / "old.db"
    Store(db).close()
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE timexes DROP COLUMN value_end")
    con.execute("DROP INDEX ix_documents_seq")
    con.execute("ALTER TABLE documents DROP COLUMN seq")
    con.commit()
    con.close()
    store = Store(db)
    run([demo_corpus / "sana"], store, RunConfig(cluster=False))
    assert store.timexes()  # written with the migrated column
    con = sqlite3.connect(db)
    assert "ix_documents_seq" in {r[1] for r in con.execute("PRAGMA index_list(documents)")}
    assert all(seq for (seq,) in con.execute("SELECT seq FROM documents"))
    con.close()
    store.close()


def test_rerunning_the_same_input_adds_nothing_skips_included(tmp_path: Path, fixtures: Path, demo_corpus: Path):
    store = Store(tmp_path / "again.db")
    inputs = [fixtures / "empty.txt", fixtures / "binary.bin", fixtures / "malformed.jsonl", demo_corpus / "sana"]
    run(inputs, store)
    counts = (len(store.documents()), len(store.skips()), len(store.stories()))
    run(inputs, store)
    assert (len(store.documents()), len(store.skips()), len(store.stories())) == counts
    store.close()


def test_reading_commands_refuse_a_missing_database(tmp_path: Path):
    missing = tmp_path / "nope.db"
    with pytest.raises(StoreMissingError):
        Store(missing, must_exist=True)
    for cmd in (["stories"], ["skips"], ["export", "--format", "json", "-o", str(tmp_path / "x.json")]):
        res = runner.invoke(app, [*cmd, "--db", str(missing)])
        assert res.exit_code != 0 and "no rasid database" in res.output, (cmd, res.output)
    assert not missing.exists()


def test_two_concurrent_runs_on_the_same_input_count_lines_once(db_url: str, tmp_path: Path, demo_corpus: Path):
    """Two processes ingesting the same folder at once store each document once and count its lines once."""
    import subprocess
    import sys

    ref_db, db = tmp_path / "ref.db", db_url
    inputs = [str(demo_corpus / name) for name in ("sana", "rt_arabic", "enab_baladi")]
    ref = Store(ref_db)
    run(inputs, ref, RunConfig(extract=False, cluster=False))
    want = sorted(ref.load_line_stats())
    ref.close()
    Store(db).close()
    cmd = [sys.executable, "-m", "rasid", "run", *inputs, "--db", str(db), "--no-extract", "-q", "--workers", "1"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()[-500:]
    store = Store(db)
    assert sorted(store.load_line_stats()) == want
    ids = [d.id for d in store.documents()]
    ref = Store(ref_db)
    assert len(ids) == len(set(ids)) == len(ref.documents())
    assert {d.id: d.duplicate_of for d in store.documents()} == {d.id: d.duplicate_of for d in ref.documents()}
    ref.close()
    store.close()


@pytest.mark.parametrize("message,words", [
    ("database or disk is full", ("disk full", "free some space")),
    ("database is locked", ("locked", "wait")),
    ("attempt to write a readonly database", ("read-only", "writable")),
    ("unable to open database file", ("cannot open", "folder")),
])
def test_storage_errors_become_one_line_naming_the_database(message: str, words: tuple[str, ...]):
    from sqlalchemy.exc import OperationalError

    from rasid.serve.cli import storage_error_line

    line = storage_error_line(OperationalError("INSERT INTO documents …", {}, sqlite3.OperationalError(message)),
                              "/data/news.db")
    assert line is not None and "/data/news.db" in line and "\n" not in line
    assert all(w in line for w in words), line
    assert "INSERT" not in line  # no SQL, no article text


def test_disk_full_during_a_run_is_one_line_and_a_non_zero_exit(tmp_path: Path, demo_corpus: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    from sqlalchemy.exc import OperationalError

    def full(*_a, **_k):
        raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(Store, "_insert_documents", full)
    db = tmp_path / "full.db"
    res = runner.invoke(app, ["run", str(demo_corpus / "sana"), "--db", str(db), "--workers", "1", "-q"])
    assert res.exit_code == 2
    assert "disk full" in res.output and str(db) in res.output and "Traceback" not in res.output


def test_a_late_duplicate_gets_its_originals_story(tmp_path: Path, demo_corpus: Path):
    original = demo_corpus / "sana" / "sana-2026-01-27-sharaa-moscow-visit.txt"
    later = tmp_path / "later"
    later.mkdir()
    (later / "repost-of-sana.txt").write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    store = Store(tmp_path / "late.db")
    run([original], store)
    (orig,) = store.documents()
    assert orig.story_id
    run([later], store)  # the duplicate arrives in a later run than its original
    dup = store.document("repost-of-sana")
    assert dup.duplicate_of == orig.id and dup.story_id == orig.story_id
    (story,) = store.stories([orig.story_id])
    assert "repost-of-sana" in story.doc_ids
    store.close()


@pytest.mark.parametrize("point", ["learn.done", "ingest.batch", "extract.done", "stories.chunk", "compare.batch",
                                   "compare.done"])
def test_a_kill_at_a_stage_boundary_or_inside_the_story_stage_resumes_to_the_same_export(tmp_path: Path, demo_corpus: Path, point: str):
    import subprocess
    import sys

    from rasid.serve.export import build_export

    inputs = [str(demo_corpus / n) for n in ("sana", "rt_arabic", "tass_ar", "enab_baladi")]
    ref = Store(tmp_path / "ref.db")
    run(inputs, ref)
    want = build_export(ref)
    ref.close()
    db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "rasid", "run", *inputs, "--db", str(db), "-q"]
    killed = subprocess.run(cmd, env={**os.environ, "RASID_FAULT": point}, capture_output=True, timeout=300)
    assert killed.returncode == -9, killed.stderr.decode()[-300:]
    store = Store(db)
    assert len(store.stories()) < len(want["stories"]) or point == "compare.done"  # the kill cost stories
    store.close()
    resumed = subprocess.run(cmd, capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()[-300:]
    store = Store(db)
    got = build_export(store)
    store.close()
    assert got == want


def test_concurrent_runs_on_different_inputs_leave_no_empty_or_missing_story(db_url: str, demo_corpus: Path):
    import subprocess
    import sys

    db = db_url
    Store(db).close()
    halves = [[str(demo_corpus / n) for n in ("sana", "rt_arabic", "tass_ar")],
              [str(demo_corpus / n) for n in ("enab_baladi", "alarabiya", "aawsat")]]
    procs = [subprocess.Popen([sys.executable, "-m", "rasid", "run", *h, "--db", str(db), "-q", "--workers", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for h in halves]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()[-500:]
    store = Store(db)
    stories = {s.id: s for s in store.stories()}
    clustered = [d for d in store.documents() if d.duplicate_of is None and d.story_id]
    assert clustered and all(d.story_id in stories for d in clustered)
    assert all(s.doc_ids for s in stories.values())
    from rasid.stories.cluster import StoryClusterer

    state = StoryClusterer.load(store.get_state("clusterer"))
    assert {d.id for d in clustered} <= set(state.assignments)  # neither run's assignments were overwritten
    store.close()


RT_CALL, TASS_CALL = "rt-2026-01-12-putin-sharaa-phone-call", "tass-2026-01-13-putin-sharaa-call"  # near duplicates


def test_a_run_links_near_duplicates_another_run_stored_after_it_loaded_its_index(
        db_url: str, demo_corpus: Path, monkeypatch: pytest.MonkeyPatch):
    """The deterministic form of the race: the second run's index is loaded before the first run stores."""
    from rasid.dedup.detector import Deduplicator
    from rasid.run import stages

    store = Store(db_url)
    cfg = RunConfig(extract=False, cluster=False, workers=1)
    run([demo_corpus / "rt_arabic"], store, cfg)
    monkeypatch.setattr(stages, "load_deduplicator", lambda _store, c: Deduplicator(c.dedup))  # loaded too early
    run([demo_corpus / "tass_ar"], store, cfg)
    assert store.document(TASS_CALL).duplicate_of == RT_CALL
    assert store.document(RT_CALL).duplicate_of is None
    store.close()


def test_concurrent_runs_on_different_inputs_link_near_duplicates_across_them(db_url: str, demo_corpus: Path):
    """rt_arabic and tass_ar each hold one of a near-duplicate pair: run at once, exactly one is linked."""
    import subprocess
    import sys

    Store(db_url).close()
    procs = [subprocess.Popen([sys.executable, "-m", "rasid", "run", str(demo_corpus / n), "--db", db_url, "-q",
                               "--workers", "1", "--no-extract"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for n in ("rt_arabic", "tass_ar")]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()[-500:]
    store = Store(db_url)
    links = {store.document(RT_CALL).duplicate_of, store.document(TASS_CALL).duplicate_of}
    assert links in ({None, RT_CALL}, {None, TASS_CALL})  # one original, the other linked to it
    originals = [d for d in store.documents() if d.duplicate_of is None]
    assert all(store.document(d.duplicate_of).duplicate_of is None for d in store.documents() if d.duplicate_of)
    assert originals
    store.close()
