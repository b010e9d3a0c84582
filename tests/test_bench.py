"""The pipeline benchmark's input and floor: what it times must be the articles the issue names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench_pipeline import bare_pass, write_input

ROOT = Path(__file__).resolve().parents[1]


def _jsonl(path: Path, docs: list[dict]) -> None:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")


def test_input_is_the_first_lines_across_sorted_files(tmp_path: Path) -> None:
    folder = tmp_path / "jsonl"
    folder.mkdir()
    _jsonl(folder / "ant_001.jsonl", [{"docno": "c", "title": "ج", "text": "نص ثالث."}])
    _jsonl(folder / "ant_000.jsonl", [{"docno": "a", "title": "أ", "text": "نص أول."},
                                      {"docno": "b", "title": "ب", "text": "نص ثان."}])
    out = tmp_path / "subset.jsonl"
    assert write_input(folder, 2, out) == 2
    assert [json.loads(line)["docno"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a", "b"]
    assert write_input(folder, 10, out) == 3


def test_bare_pass_splits_title_and_text_into_words(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    _jsonl(path, [{"title": "وزير الخارجية يزور موسكو",
                   "text": "وصل الوزير إلى موسكو اليوم. وقال إن المحادثات مثمرة"}])
    # 4 title words, then 5 words + "." and 4 words: punctuation is a token too
    assert bare_pass(path) == 4 + 6 + 4


def test_skips_cleanly_without_data(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_pipeline.py"), "--data", str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0
    assert "skip" in res.stdout and "ant_multisource" in res.stdout
