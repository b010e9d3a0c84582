import json
from pathlib import Path

from typer.testing import CliRunner

from rasid.serve.cli import app

runner = CliRunner()


def test_cli_run_export_stories(tmp_path: Path, demo_corpus: Path):
    db = str(tmp_path / "cli.db")
    res = runner.invoke(app, ["run", str(demo_corpus / "rt_arabic"), str(demo_corpus / "tass_ar"), "--db", db, "-q"])
    assert res.exit_code == 0, res.output
    assert "added 7" in res.output.replace("\n", " ")
    out = tmp_path / "e.json"
    res = runner.invoke(app, ["export", "--db", db, "--format", "json", "-o", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["documents"]) == 7
    res = runner.invoke(app, ["export", "--db", db, "--format", "xml", "-o", str(out)])
    assert res.exit_code != 0
    res = runner.invoke(app, ["stories", "--db", db])
    assert res.exit_code == 0
    res = runner.invoke(app, ["story", "no-such-story", "--db", db])
    assert res.exit_code == 1
