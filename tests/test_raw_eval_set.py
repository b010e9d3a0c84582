"""The blind raw-page set (eval/raw) is well formed: every page annotated, labels in range, enough sites.

This checks the *set*, never rasid's score on it (that is scripts/eval_raw.py's job).
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
from pathlib import Path

import pytest

RAW = Path(__file__).resolve().parents[1] / "eval" / "raw"
LABELS = {"body", "title", "furniture", "meta", "subhead", "caption"}
EXCLUDED_SITES = {"almayadeen", "alquds", "hespress", "independent_ar", "aawsat", "alarabiya", "enab_baladi",
                  "rt_arabic", "sana", "tass_ar"}


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return [json.loads(line) for line in (RAW / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]


def test_every_file_is_annotated_once(gold: list[dict]) -> None:
    files = {str(p.relative_to(RAW)) for p in (RAW / "docs").rglob("*") if p.is_file()}
    paths = [g["path"] for g in gold]
    assert len(paths) == len(set(paths))
    assert set(paths) == files
    assert len({g["id"] for g in gold}) == len(gold)


def test_size_sites_and_split(gold: list[dict]) -> None:
    sites = {g["site"] for g in gold}
    assert len(gold) >= 70 and len(sites) >= 22
    assert sum(g["format"] == "html" for g in gold) >= 25
    assert not sites & EXCLUDED_SITES
    split = {}
    for g in gold:
        assert split.setdefault(g["site"], g["split"]) == g["split"], f"{g['site']} is in both splits"
    assert set(split.values()) == {"dev", "test"}
    txt = [g for g in gold if g["format"] == "txt"]
    assert abs(sum(not g["metadata_forms"] for g in txt) - len(txt) / 2) <= 1  # half carry no metadata at all


def test_txt_line_labels_cover_every_nonblank_line(gold: list[dict]) -> None:
    for g in (g for g in gold if g["format"] == "txt"):
        lines = (RAW / g["path"]).read_text(encoding="utf-8").split("\n")
        nonblank = {str(i) for i, line in enumerate(lines, start=1) if line.strip()}
        assert set(g["lines"]) == nonblank, g["id"]
        assert set(g["lines"].values()) <= LABELS, g["id"]
        assert sum(v == "body" for v in g["lines"].values()) >= 2, g["id"]
        titled = [lines[int(n) - 1] for n, v in g["lines"].items() if v == "title"]
        assert g["title"] in titled, g["id"]
        for n, prefix in g["inline_meta"].items():
            assert g["lines"][n] == "body" and lines[int(n) - 1].startswith(prefix), g["id"]


def test_html_keys_are_on_the_page(gold: list[dict]) -> None:
    for g in (g for g in gold if g["format"] == "html"):
        page = html.unescape((RAW / g["path"]).read_text(encoding="utf-8"))
        assert f">{g['title']}</h1>" in page, g["id"]
        assert g["body_keys"] and all(k in page for k in g["body_keys"] + g["furniture"]), g["id"]


def test_dates_and_outlets_are_in_the_annotation_form(gold: list[dict]) -> None:
    for g in gold:
        assert re.fullmatch(r"[a-z0-9]+", g["outlet"]), g["id"]
        assert (g["date"] is None) == (g["date_granularity"] is None), g["id"]
        assert g["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", g["date"]), g["id"]


def test_rendering_reproduces_the_committed_set(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("raw_render", RAW / "source" / "render.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    render.main(tmp_path)
    assert (tmp_path / "gold.jsonl").read_bytes() == (RAW / "gold.jsonl").read_bytes()
    for p in (RAW / "docs").rglob("*.*"):
        assert (tmp_path / p.relative_to(RAW)).read_bytes() == p.read_bytes(), p.name
