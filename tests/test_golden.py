"""Golden export: the demo corpus through the whole pipeline must export byte-identically.

Any refactor that changes an id, an offset, a story, a claim or a field order fails here. When a change
of behaviour is intended, regenerate with ``python scripts/update_golden.py`` and explain the diff in the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.serve.cli import app

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden")
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(ROOT)  # source paths in the export are as given on the command line: relative, like the golden file
    try:
        db = str(out / "demo.db")
        res = runner.invoke(app, ["run", "demo/corpus", "--db", db, "-q"])
        assert res.exit_code == 0, res.output
        for fmt, dest in (("json", out / "export.json"), ("csv", out / "csv")):
            res = runner.invoke(app, ["export", "--db", db, "--format", fmt, "-o", str(dest)])
            assert res.exit_code == 0, res.output
    finally:
        os.chdir(cwd)
    return out


def test_json_export_is_byte_identical(exported: Path):
    got = (exported / "export.json").read_bytes()
    want = (GOLDEN / "demo_export.json").read_bytes()
    if got != want:  # say where, not just that
        g, w = json.loads(got), json.loads(want)
        for key in w:
            assert g.get(key) == w[key], f"export section {key!r} differs from the golden file"
    assert got == want


def test_csv_export_is_byte_identical(exported: Path):
    want = dict(line.split()[::-1] for line in (GOLDEN / "demo_csv.sha256").read_text().splitlines())
    got = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((exported / "csv").glob("*.csv"))}
    assert got == want
