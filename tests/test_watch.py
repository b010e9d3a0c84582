"""``rasid watch``: files are ingested once they have settled, each exactly once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from typer.testing import CliRunner

from rasid.ingest.watch import FolderWatcher, watch_folder
from rasid.run.pipeline import RunConfig
from rasid.serve.cli import app
from rasid.store import Store

A1 = ("title: الشرع في موسكو\ndate: 2026-01-28\n"
      "وصل الرئيس السوري أحمد الشرع إلى موسكو في زيارة رسمية يلتقي خلالها الرئيس الروسي فلاديمير بوتين.\n")
A2 = ("title: انسحاب من القامشلي\ndate: 2026-01-26\n"
      "انسحبت القوات الروسية من مطار القامشلي إلى قاعدة حميميم على الساحل السوري.\n")
CFG = RunConfig(extract=False, cluster=False)


def test_scanner_waits_for_a_file_to_settle(tmp_path: Path) -> None:
    w = FolderWatcher(tmp_path)
    f = tmp_path / "a.txt"
    f.write_text(A1[:40], encoding="utf-8")
    assert w.scan() == []  # first sight: maybe still being written
    f.write_text(A1, encoding="utf-8")
    assert w.scan() == []  # grew since last scan
    assert w.scan() == [f]
    w.mark_done([f])
    assert w.scan() == [] and w.scan() == []


def test_watch_ingests_new_files_once(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a1.txt").write_text(A1, encoding="utf-8")
    store = Store(tmp_path / "w.db")
    result = {}

    def later() -> None:
        time.sleep(0.25)
        (folder / "sub").mkdir()
        (folder / "sub" / "a2.txt").write_text(A2, encoding="utf-8")

    t = threading.Thread(target=later)
    t.start()
    result["rep"] = watch_folder(folder, store, CFG, interval=0.1, max_scans=12)
    t.join()
    rep = result["rep"]
    assert rep.added == 2 and rep.already_present == 0
    assert sorted(d.id for d in store.documents()) == ["a1", "a2"]
    assert "قاعدة حميميم" in store.document("a2").text


def test_watch_once_cli_and_restart_is_idempotent(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a1.txt").write_text(A1, encoding="utf-8")
    (folder / "a2.txt").write_text(A2, encoding="utf-8")
    db = tmp_path / "w.db"
    runner = CliRunner()
    for _ in range(2):  # a restarted watcher re-scans everything and stores nothing twice
        res = runner.invoke(app, ["watch", str(folder), "--db", str(db), "--once"])
        assert res.exit_code == 0, res.output
    assert Store(db).count("documents") == 2


def test_watch_rejects_missing_folder(tmp_path: Path) -> None:
    import pytest

    with pytest.raises(NotADirectoryError):
        watch_folder(tmp_path / "nope", Store(tmp_path / "x.db"), CFG, once=True)
