"""Integrity of rasid/data: curated lexicons are clean and in the form the code expects, and the cheap
deterministic builders regenerate the shipped derived files identically (dateparser's pattern).

Each lexicon declares in a ``# form:`` header line how the code consumes it:
  normalised  entries are matched as they are against normalised text, so they must be normalize() forms
              (a «نفى» in such a list can never match: the text says «نفي» once normalised);
  written     the code normalises each entry on load, so entries must stay distinct once normalised;
  regex       Python patterns searched in normalised text: they must compile and their letters be normalised.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rasid import resources
from rasid.text.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
LEXICONS = resources.lexicon_names()
FORMS = {"normalised", "written", "regex"}


def _header(name: str) -> dict[str, str]:
    """``# key: value`` lines of a lexicon's header comment."""
    out: dict[str, str] = {}
    for line in resources.path(f"lexicons/{name}").read_text(encoding="utf-8").splitlines():
        m = re.match(r"#\s*(source|used by|form):\s*(\S+)", line)
        if m:
            out.setdefault(m.group(1), m.group(2))
    return out


def _entries(name: str) -> list[tuple[str, str]]:
    """(group, entry) pairs: the group is the first column of a .tsv lexicon, '' for a .txt one."""
    if name.endswith(".tsv"):
        return [(g, e) for g, es in resources.lexicon_groups(name).items() for e in es]
    return [("", e) for e in resources.lexicon(name)]


def test_the_lexicons_are_found():
    assert {"speech_verbs.txt", "boilerplate.tsv", "titles.tsv", "attribution.tsv"} <= set(LEXICONS)


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_file_is_plain_utf8_with_a_header(name):
    raw = resources.path(f"lexicons/{name}").read_bytes()
    text = raw.decode("utf-8")  # raises on anything but UTF-8
    assert not text.startswith("\ufeff") and "\r" not in text and text.endswith("\n")
    assert text.startswith("#"), "a header comment says what the list is"
    header = _header(name)
    assert {"source", "used by", "form"} <= header.keys(), f"{name}: header needs source:, used by:, form:"
    assert header["form"] in FORMS


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_entries_are_clean(name):
    entries = _entries(name)
    assert entries, f"{name} is empty"
    for group, entry in entries:
        assert entry and entry == entry.strip(), f"{name}: empty entry or stray whitespace in {entry!r}"
        assert "\t" not in entry and "  " not in entry, f"{name}: stray tab/double space in {entry!r}"
        assert not group or re.fullmatch(r"[a-z][a-z_-]*", group), f"{name}: bad group {group!r}"
    dupes = {x for x in entries if entries.count(x) > 1}
    assert not dupes, f"{name}: duplicates {sorted(dupes)}"


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_entries_are_in_the_form_the_code_expects(name):
    form = _header(name)["form"]
    entries = _entries(name)
    if form == "normalised":
        bad = [e for _, e in entries if normalize(e) != e]
        assert not bad, f"{name}: not normalised, so they never match: {bad}"
    elif form == "written":
        keys = [(g, normalize(e)) for g, e in entries]
        same = sorted({k for k in keys if keys.count(k) > 1})
        assert not same, f"{name}: entries that are equal once normalised: {same}"
    else:
        for _, pattern in entries:
            re.compile(pattern)
            assert normalize(pattern) == pattern.lower(), f"{name}: letters not normalised in {pattern!r}"


def test_lexicons_drive_the_matchers():
    """The data really is what the modules match with (a module that kept a private copy would fail)."""
    from rasid.clean.boilerplate import rule_for
    from rasid.extract.attribution import _SPEECH_RE
    from rasid.extract.ner.titles import TITLE_WORDS, split_title

    assert _SPEECH_RE.search(normalize("وأكدت الوزارة في بيان أن الهدنة صامدة"))
    assert set(resources.lexicon("speech_verbs.txt")) >= {"قال", "اكدت", "نفي"}
    assert rule_for("تابعونا على تلغرام") == "social"
    assert rule_for("جميع الحقوق محفوظة © 2026") == "copyright"
    assert normalize("المتحدثة") in TITLE_WORDS
    assert split_title("المتحدث باسم الكرملين ديمتري بيسكوف") == ("المتحدث باسم الكرملين", 22)


def test_readers_skip_comments_and_read_gzip(tmp_path):
    plain = tmp_path / "places.tsv"
    plain.write_text("# comment\n\nدمشق\tSY\nحلب\tSY\n", encoding="utf-8")
    packed = tmp_path / "places.tsv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert list(resources.rows(plain)) == list(resources.rows(packed)) == [["دمشق", "SY"], ["حلب", "SY"]]


def test_group_lexicon_rejects_a_line_without_group(tmp_path, monkeypatch):
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "broken.tsv").write_text("# form: normalised\nقال\n", encoding="utf-8")
    monkeypatch.setattr(resources, "path", lambda name: tmp_path.joinpath(*name.split("/")))
    resources.lexicon.cache_clear()
    resources.lexicon_groups.cache_clear()
    try:
        with pytest.raises(ValueError, match="group<TAB>entry"):
            resources.lexicon_groups("broken.tsv")
    finally:
        resources.lexicon.cache_clear()
        resources.lexicon_groups.cache_clear()


# ----------------------------------------------------------------- regeneration of derived data


def _shared_data() -> Path:
    """../shared/data next to the checkout (as scripts/_shared.py finds it), or $RASID_SHARED_DATA."""
    env = os.environ.get("RASID_SHARED_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


def _content(path: Path) -> bytes:
    """File bytes, decompressed for .gz (gzip headers carry a timestamp; the content is what must match)."""
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


@pytest.mark.parametrize(("script", "needs", "outputs", "out_arg"), [
    ("build_event_lexicon.py", "event_coding", ["event_lexicon.json"], "event_lexicon.json"),
    ("build_gazetteers.py", "gazetteers", ["places.tsv.gz", "gazetteer_names.tsv.gz"], ""),
])
def test_builder_regenerates_shipped_files(tmp_path, script, needs, outputs, out_arg):
    data = _shared_data()
    if not (data / needs).exists():
        pytest.skip(f"{data / needs} not present (public data is needed to rebuild)")
    out = tmp_path / out_arg if out_arg else tmp_path
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--data", str(data), "--out", str(out)],
                   check=True, capture_output=True, env=env, timeout=300)
    for name in outputs:
        assert _content(tmp_path / name) == _content(resources.path(name)), f"{name} differs from a rebuild"
