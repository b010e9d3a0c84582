"""Fuzzing (hypothesis) of cleaning, decoding, dates and export with random and malformed Arabic text.

Properties, not examples: nothing crashes, kept text is verbatim lines of the input, offsets
point at their surface strings, and exports round-trip through JSON/CSV/Parquet.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasid.clean.boilerplate import clean_text
from rasid.ingest.readers import parse_date
from rasid.models import Document
from rasid.store import Store
from rasid.text.decode import DecodeError, decode_bytes

ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
NOISE = st.sampled_from(list("\n\r\t \u200f\u200e\u0640\ufeff.،:؟!«»()0123456789٠١٢٣٤٥٦٧٨٩") + ["\x00", "\ud7ff", "<p>"])
WORDS = st.sampled_from(["الرئيس", "بوتين", "الشرع", "موسكو", "زيارة", "رسمية", "أمس", "الأربعاء", "كانون الثاني",
                         "2026", "28", "يناير", "تابعونا على تلغرام", "جميع الحقوق محفوظة", "اقرأ أيضا"])
ARABIC_TEXT = st.lists(st.one_of(ARABIC, NOISE, WORDS), max_size=120).map("".join)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(ARABIC_TEXT)
def test_clean_keeps_verbatim_lines(text: str) -> None:
    res = clean_text(text, "sana")
    lines = {ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")}
    for kept in res.text.split("\n") if res.text else []:
        assert kept in lines
    for _i, _why, line in res.removed:
        assert line.strip() in lines


@FUZZ
@given(st.binary(max_size=400))
def test_decode_never_crashes_unexpectedly(data: bytes) -> None:
    try:
        text, enc = decode_bytes(data)
    except DecodeError:
        return
    assert isinstance(text, str) and enc


@FUZZ
@given(st.one_of(ARABIC_TEXT, st.text(max_size=40), st.from_regex(r"\d{1,5}[-/]\d{1,3}[-/]\d{1,3}( \d\d:\d\d)?")))
def test_parse_date_is_none_or_plausible(value: str) -> None:
    d = parse_date(value)
    assert d is None or (isinstance(d, datetime) and 1800 <= d.year <= 2200 and d.tzinfo is None)


@FUZZ
@given(ARABIC_TEXT)
def test_find_dates_offsets_match(text: str) -> None:
    from rasid.extract.temporal import find_dates

    for t in find_dates("fz", text, datetime(2026, 1, 28)):
        assert text[t.start:t.end] == t.text
        assert t.value is None or t.value[:4].isdigit()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(st.lists(ARABIC_TEXT, min_size=1, max_size=5))
def test_export_roundtrips_any_text(tmp_path_factory, texts: list[str]) -> None:
    from rasid.serve.export import build_export, export

    out = tmp_path_factory.mktemp("fz")
    store = Store(out / "fz.db")
    docs = [Document(id=f"f{i}", text=t, raw_text=t, source_path="fz", fmt="txt", title=t[:20] or None,
                     raw_hash=str(i), content_hash=str(i)) for i, t in enumerate(texts)]
    store.add_documents(docs, {})
    data = build_export(store)
    assert [d["text"] for d in data["documents"]] == [d.text for d in sorted(docs, key=lambda d: d.id)]
    for fmt, path in (("json", out / "x.json"), ("csv", out / "csv"), ("parquet", out / "pq")):
        written = export(store, fmt, Path(path))
        assert written and all(p.exists() for p in written)
    assert json.loads((out / "x.json").read_text(encoding="utf-8"))["documents"] == data["documents"]
    store.close()


@FUZZ
@given(st.lists(st.one_of(st.binary(max_size=80), ARABIC_TEXT.map(lambda t: t.encode("utf-8")),
                          ARABIC_TEXT.map(lambda t: json.dumps({"id": "x", "text": t, "date": t[:12]}).encode())),
                max_size=6),
       st.sampled_from([".jsonl", ".txt", ".html", ".rss", ".warc"]))
def test_ingest_turns_any_file_into_articles_or_skips(tmp_path_factory, parts: list[bytes], suffix: str) -> None:
    from rasid.ingest.readers import read_inputs
    from rasid.models import RawArticle, Skip

    p = tmp_path_factory.mktemp("in") / f"fuzz{suffix}"
    p.write_bytes(b"\n".join(parts))
    for item in read_inputs([p]):
        assert isinstance(item, (RawArticle, Skip))
        if isinstance(item, Skip):
            assert item.reason
        else:
            assert item.text.strip() and "\x00" not in item.text or item.fmt == "jsonl"
