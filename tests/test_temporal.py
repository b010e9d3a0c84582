"""find_dates on hand-written Arabic sentences and the demo corpus gold."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from rasid.extract.temporal import find_dates

ROOT = Path(__file__).resolve().parents[1]
WED = datetime(2026, 1, 28)  # a Wednesday


def _one(text: str, published: datetime | None = WED):
    found = find_dates("d", text, published)
    assert len(found) == 1, found
    t = found[0]
    assert text[t.start:t.end] == t.text
    return t


def test_gold_fixture_accuracy_and_offsets():
    rows = [json.loads(line) for line in (ROOT / "tests/fixtures/dates_gold.jsonl").read_text("utf-8").splitlines()]
    assert len(rows) >= 100
    correct = 0
    for r in rows:
        found = find_dates(r["id"], r["sentence"], datetime.fromisoformat(r["published"]))
        for t in found:
            assert r["sentence"][t.start:t.end] == t.text
        correct += any(t.text == r["surface"] and t.value == r["value"] for t in found)
    assert correct / len(rows) >= 0.95


def test_double_month_names_and_arabic_indic_digits():
    t = _one("اتصل بوتين بالشرع في 12 يناير/كانون الثاني 2026 لبحث العلاقات.")
    assert (t.text, t.value, t.granularity, t.relation) == ("12 يناير/كانون الثاني 2026", "2026-01-12", "day", "past")
    t = _one("سقط النظام في ٨ ديسمبر/ كانون الأول ٢٠٢٤.")
    assert t.value == "2024-12-08"


def test_weekday_direction_follows_tense():
    past = _one("التقى الوزير نظيره الخميس في أنقرة.")
    future = _one("سيلتقي الوزير نظيره الخميس في أنقرة.")
    assert (past.value, past.relation) == ("2026-01-22", "past")
    assert (future.value, future.relation) == ("2026-01-29", "future")
    assert _one("القمة المرتقبة الأحد في الرياض.").value == "2026-02-01"
    assert _one("عقد المجلس جلسة الأحد الماضي.").value == "2026-01-25"


def test_relative_phrases():
    assert _one("بدأت الاتصالات منذ منتصف أكتوبر الماضي.").value == "2025-10"
    assert _one("يبدأ التطبيق الشهر المقبل.").value == "2026-02"
    wk = _one("شهد الأسبوع الماضي تصعيداً.")
    assert (wk.value, wk.granularity) == ("2026-01-19", "week")
    assert _one("وصل الوفد أمس الثلاثاء إلى دمشق.").value == "2026-01-27"
    assert _one("تعقد الجلسة غداً في البرلمان.").text == "غداً"


def test_hijri_date():
    t = _one("بدأ الصيام في 1 رمضان 1446 هـ.", datetime(2026, 3, 1))
    assert (t.text, t.value) == ("1 رمضان 1446 هـ", "2025-03-01")


def test_without_publication_date_relative_values_are_none():
    found = find_dates("d", "وصل الوفد أمس، بعد اتفاق 8 ديسمبر 2024.", None)
    by_text = {t.text: t for t in found}
    assert by_text["أمس"].value is None and by_text["أمس"].relation == "unknown"
    assert by_text["8 ديسمبر 2024"].value == "2024-12-08"


@pytest.mark.parametrize("text", [
    "مارس الرجل الرياضة طوال حياته.",  # verb, not March
    "اتفق الاثنان على الحل.",
    "في اليوم التالي عاد الوفد.",
    "نشر الجيش 2000 جندي على الحدود.",
])
def test_non_temporal_words_are_left_alone(text):
    assert find_dates("d", text, WED) == []


def _demo_docs() -> dict[str, tuple[str, datetime | None]]:
    docs = {}
    corpus = ROOT / "demo" / "corpus"
    for f in corpus.rglob("*"):
        if f.suffix in (".txt", ".html"):
            raw = f.read_text("utf-8")
            m = re.search(r"^date (\d{4}-\d{2}-\d{2})|published_time\" content=\"(\d{4}-\d{2}-\d{2})", raw, re.M)
            docs[f.stem] = (raw, datetime.fromisoformat(m.group(1) or m.group(2)) if m else None)
        elif f.suffix == ".jsonl":
            for line in f.read_text("utf-8").splitlines():
                r = json.loads(line)
                docs[r["id"]] = (r["text"], datetime.fromisoformat(r["date"][:10]) if r.get("date") else None)
    return docs


def test_demo_gold_dates():
    gold_path = ROOT / "demo" / "gold" / "dates.json"
    if not gold_path.exists():
        pytest.skip("demo gold not present")
    gold = json.loads(gold_path.read_text("utf-8"))
    docs = _demo_docs()
    ok = 0
    for g in gold:
        text, pub = docs[g["doc"]]
        want = g["value"]
        if "-W" in want:
            y, w = want.split("-W")
            want = datetime.fromisocalendar(int(y), int(w), 1).date().isoformat()
        spans = [(m.start(), m.end()) for m in re.finditer(re.escape(g["text"]), text)]
        found = find_dates(g["doc"], text, pub)
        ok += any(t.value == want and t.start < e and s < t.end for t in found for s, e in spans)
    assert ok / len(gold) >= 0.95
