"""find_dates on hand-written Arabic sentences and the demo corpus gold."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ---------------------------------------------------------------- real-news families (issue: 0.95 on unseen text)
# Publication anchor for the family tests: Wednesday 14 November 2018 (= 6 Rabi al-Awwal 1440).
NOV14 = datetime(2018, 11, 14)


def _find(text: str, surface: str, published: datetime | None = NOV14):
    """The expression overlapping ``surface`` (asserting its offsets point at its text)."""
    s = text.index(surface)
    e = s + len(surface)
    found = [t for t in find_dates("d", text, published) if t.start < e and s < t.end]
    assert len(found) == 1, (surface, find_dates("d", text, published))
    t = found[0]
    assert text[t.start:t.end] == t.text
    return t


@pytest.mark.parametrize(("text", "surface", "value"), [
    # a comma before the weekday no longer cuts the future cue off
    ("ومن المقرر أن يصل الوفد إلى الرياض لإجراء محادثات، يوم الأحد.", "يوم الأحد", "2018-11-18"),
    ("وقد تؤدي الأزمة إلى سقوط الحكومة ابتداء من الأحد في حال انسحب حلفاؤها.", "الأحد", "2018-11-18"),
    # ... while a nearer reporting verb or attribution keeps it in the past
    ("وسيعمل المدير مع المنظمة الجديدة، وفقاً لما ذكره مؤسسها، الثلاثاء.", "الثلاثاء", "2018-11-13"),
    # bare الاثنين after a comma or a verb is Monday
    ("وأعلنت الوزارة، الاثنين، أن الوفد وصل إلى جنيف.", "الاثنين", "2018-11-12"),
    ("وقال الوزير الاثنين إن المفاوضات مستمرة.", "الاثنين", "2018-11-12"),
    ("فاز الروائي الاثنين على جائزة الأدب.", "الاثنين", "2018-11-12"),
    ("وقعت الانفجارات الليلة الماضية في بغداد.", "الليلة الماضية", "2018-11-13"),
    ("تنطلق البطولة يوم غدٍ في الدوحة.", "يوم غدٍ", "2018-11-15"),
    ("بدأ المشروع في أوائل أكتوبر.", "أوائل أكتوبر", "2018-10"),
    ("بدأ الإضراب في مارس واستمر أسابيع.", "مارس", "2018-03"),
    ("تتواصل الاحتجاجات منذ 17 ديسمبر.", "17 ديسمبر", "2017-12-17"),
    ("وقعت الاتفاقية في أكتوبر \"الماضي\" بعد مفاوضات.", "أكتوبر \"الماضي\"", "2018-10"),
    ("وقع الحادث في12 مارس 2017 قرب الحدود.", "12 مارس 2017", "2017-03-12"),
    ("تبدأ المرحلة الثانية في أول ديسمبر المقبل.", "أول ديسمبر المقبل", "2018-12-01"),
    ("وصل الوفد في الخامس من الشهر الجاري.", "الخامس من الشهر الجاري", "2018-11-05"),
    ("أعلن ذلك في 11 تشرين الثاني نوفمبر 2018.", "11 تشرين الثاني نوفمبر 2018", "2018-11-11"),
    ("تراجع الروبل منذ أيار(مايو) بنحو 30 في المئة.", "أيار(مايو)", "2018-05"),
    # a weekday bound to the date after it is one expression, resolved by the date
    ("ستعقد القمة يوم الخميس 15 نوفمبر الجاري.", "يوم الخميس 15 نوفمبر الجاري", "2018-11-15"),
    ("يفتتح المعرض يوم الخميس 7 ربيع الأول الجاري.", "يوم الخميس 7 ربيع الأول الجاري", "2018-11-15"),
    # digits: Arabic-Indic, Persian, Hijri written in digits, Maghrebi month names
    ("ارتفعت الأسعار في ٢٥ أكتوبر ٢٠١٨.", "٢٥ أكتوبر ٢٠١٨", "2018-10-25"),
    ("وقع الزلزال في ۲۵ أكتوبر ۲۰۱۸.", "۲۵ أكتوبر ۲۰۱۸", "2018-10-25"),
    ("صدر القرار رقم 60 وتاريخ 8/ 7/ 1436هـ بالموافقة.", "8/ 7/ 1436هـ", "2015-04-27"),
    ("تم ذلك في 5 ربيع الأول 1440 بحضور الأمير.", "5 ربيع الأول 1440", "2018-11-13"),
    ("ولد في 3 جانفي 1990 في الجزائر.", "3 جانفي 1990", "1990-01-03"),
    ("توفي في 12 جويلية 2018 بعد مرض.", "12 جويلية 2018", "2018-07-12"),
    ("أقيمت المباراة في 4 أوت 2018.", "4 أوت 2018", "2018-08-04"),
    ("وحدد الاجتماع في 9 أفريل 2019.", "9 أفريل 2019", "2019-04-09"),
    ("انطلقت الحملة في جوان 2018.", "جوان 2018", "2018-06"),
    # years inside event names; years after a preposition that is not a quantity
    ("فاز المنتخب في مباراة افتتاح كأس العالم 2018، في موسكو.", "2018", "2018"),
    ("وتنسجم الخطة مع أهداف (رؤية المملكة 2030) في الادخار.", "2030", "2030"),
    ("لهذا العام برنامج جديد.", "لهذا العام", "2018"),
    ("وأشار إلى تراجع الأسعار منذ بداية العام.", "بداية العام", "2018"),
    ("يستمر الجو الحار طوال نهاية الأسبوع.", "نهاية الأسبوع", "2018-11-12"),
    ("قدم البنك القروض خلال الربع الثاني من العام الحالي 2018م.", "الربع الثاني من العام الحالي 2018م", "2018-04"),
])
def test_real_news_families(text, surface, value):
    assert _find(text, surface).value == value


@pytest.mark.parametrize(("text", "surface", "value", "value_end", "granularity"), [
    ("أقيم المهرجان من 5 إلى 9 نوفمبر بمشاركة واسعة.", "من 5 إلى 9 نوفمبر", "2018-11-05", "2018-11-09", "day"),
    ("تجري الانتخابات بين 3 و5 ديسمبر.", "بين 3 و5 ديسمبر", "2018-12-03", "2018-12-05", "day"),
    ("وتكرم الجائزة اللاعب الأفضل خلال الفترة ما بين 3 يوليو 2017 و15 يوليو 2018.",
     "3 يوليو 2017 و15 يوليو 2018", "2017-07-03", "2018-07-15", "day"),
    ("شاركت البعثة خلال الفترة من 25 أكتوبر حتى 2 نوفمبر.", "من 25 أكتوبر حتى 2 نوفمبر",
     "2018-10-25", "2018-11-02", "day"),
    ("ستجرى التجارب بين ديسمبر ويناير.", "بين ديسمبر ويناير", "2018-12", "2019-01", "month"),
    ("عبر آلاف الأشخاص الحدود بين كانون الثاني/يناير وأيار/مايو هذا العام.",
     "بين كانون الثاني/يناير وأيار/مايو هذا العام", "2018-01", "2018-05", "month"),
    ("وصلت الطائرات أمس واليوم «30 و31 أكتوبر الماضي» في إطار الدعم.", "30 و31 أكتوبر الماضي",
     "2018-10-30", "2018-10-31", "day"),
    ("ولد أفراد الجيل بين عامي 1995 و2012.", "بين عامي 1995 و2012", "1995", "2012", "year"),
    ("كان أمينا عاما للجنة بين 1989 و2003.", "بين 1989 و2003", "1989", "2003", "year"),
    ("تتساقط الشهب فجر 13 و 14 نوفمبر.", "13 و 14 نوفمبر", "2018-11-13", "2018-11-14", "day"),
    # a Hijri month or year without a day is the Gregorian stretch it covers
    ("نقل المعتمرون خلال شهر رمضان الماضي بسلاسة.", "شهر رمضان الماضي", "2018-05-16", "2018-06-14", "day"),
    ("تأسس النادي عام 1415هـ في الرياض.", "عام 1415هـ", "1994-06-10", "1995-05-29", "day"),
    ("تراجعت المبيعات في الربع الثالث من العام الجاري.", "الربع الثالث من العام الجاري", "2018-07", "2018-09", "quarter"),
    ("ستعرض التقارير في النصف الأول من العام المقبل.", "النصف الأول من العام المقبل", "2019-01", "2019-06", "half"),
    ("انتقل اللاعب إلى النادي الصيف الماضي.", "الصيف الماضي", "2018-06", "2018-08", "season"),
])
def test_ranges_and_periods(text, surface, value, value_end, granularity):
    t = _find(text, surface)
    assert (t.value, t.value_end, t.granularity) == (value, value_end, granularity)


@pytest.mark.parametrize(("text", "surface", "relation"), [
    ("سقطت أمطار غزيرة خلال الساعات الماضية على العاصمة.", "خلال الساعات الماضية", "past"),
    ("ستتحرر المنطقة خلال الفترة المقبلة.", "الفترة المقبلة", "future"),
    ("أعلنت الشركات خلال الأيام القليلة الماضية عن خسائر.", "الأيام القليلة الماضية", "past"),
    ("زادت المعارك في آخر 72 ساعة.", "آخر 72 ساعة", "past"),
    ("أعلنت الشركة قبل أيام عن خسائر كبيرة.", "قبل أيام", "past"),
    ("وكانت السلطات قد أعلنت في وقت سابق عن الحادث.", "في وقت سابق", "past"),
    ("سيعرض البرنامج على الحكومة في وقت لاحق.", "في وقت لاحق", "future"),
    ("يبقى الخطر عاليا على مدى العامين المقبلين.", "العامين المقبلين", "future"),
    ("يجري العمل هذه الأيام على قدم وساق.", "هذه الأيام", "present"),
])
def test_vague_references_carry_only_a_direction(text, surface, relation):
    t = _find(text, surface)
    assert (t.value, t.granularity, t.relation) == (None, "vague", relation)


@pytest.mark.parametrize("text", [
    "وكتب الاثنان: لا يمكن النظر إلى هذا الموقف كقضية خاصة ببلدينا الاثنين فحسب.",
    "تسلسل لأبرز الأحداث التاريخية في مثل هذا اليوم.",
    "ذابت فيه كل مباهج المدينة في ذلك اليوم.",
    "وفقاً لصحيفة “اليوم” السعودية.",
    "يبث البرنامج من الأحد إلى الخميس في تمام السادسة.",
    "وتأتي عملية الاقتراع قبل يومين من الانتخابات التشريعية.",
    "انسحبت القوات بعد أكثر من ست سنوات على انتشارها فيه.",
    "تحطم الطائرة بعد نحو أسبوعين من اتصال هاتفي.",
    "هناك حساسية كبيرة بعد الربيع العربي.",
    "حيث يُعتقد بوجود أقل من 2000 حيوان في بيئاتها.",
])
def test_real_news_non_temporal(text):
    assert find_dates("d", text, NOV14) == []


def test_lexicon_is_in_normalised_form():
    """Every word list is matched against normalize()d text, so a hamza or alif maqsura in it never matches."""
    import rasid.extract.temporal_lexicon as lex
    from rasid.text.normalize import normalize

    for name in dir(lex):
        words = getattr(lex, name)
        if name.isupper() and isinstance(words, (set, list, dict, tuple)):
            bad = [w for w in words if isinstance(w, str) and normalize(w) != w]
            assert not bad, (name, bad)


_ARABIC = "".join(chr(c) for c in range(0x0600, 0x0700))
_TOKENS = [
    "يوم", "الاثنين", "الأربعاء", "غدٍ", "أمس", "الماضي", "المقبل", "الجاري", "من", "إلى", "بين", "و", "هـ", "م",
    "رمضان", "شوال", "تشرين", "الثاني", "نوفمبر", "أيار(مايو)", "مارس", "الربع", "النصف", "الصيف", "الأيام",
    "منذ", "قبل", "بعد", "عام", "العام", "1436", "2018", "٢٠١٨", "۲۵", "31", "0", "/", "-", "،", ".", "(", ")",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_TOKENS), st.text(alphabet=_ARABIC + "0123456789 /-.", max_size=8)),
                max_size=14),
       st.one_of(st.none(), st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2090, 12, 31))))
def test_fuzz_never_raises_and_offsets_hold(tokens, published):
    text = " ".join(tokens)
    for t in find_dates("d", text, published):
        assert text[t.start:t.end] == t.text
        assert t.granularity in {"day", "week", "month", "quarter", "half", "season", "year", "vague"}


def test_night_between_two_days_and_present_sense_today():
    t = _find("أعلنت المفوضية النتائج النهائية ليل الجمعة السبت.", "ليل الجمعة السبت")
    assert (t.value, t.value_end) == ("2018-11-09", "2018-11-10")
    t = _find("وأضاف المدرب: \"اليوم أنا مدرب، وأريد الاستمرار\".", "اليوم")
    assert (t.value, t.granularity, t.relation) == (None, "vague", "present")
    assert _find("قال الوزير اليوم إن المحادثات مستمرة.", "اليوم").value == "2018-11-14"


ANCHORED = [  # one sentence per pattern that has an anchor (rasid.extract.temporal._ANCHORS), each with a date
    "صدر القرار بتاريخ 18/5/1431 هـ في الرياض.",
    "نشر البيان في 2026-01-27 على موقع الوزارة.",
    "يبدأ الدوام يوم الأحد 5 شوال 1436هـ في جميع المدارس.",
    "شهدت المدينة في عام 1436هـ توسعا كبيرا في الخدمات.",
    "تقام البطولة من 3 إلى 5 مارس في الدوحة.",
    "وصل الوفد في العاشر من الشهر الجاري إلى عمان.",
    "ارتفعت الأرباح في الربع الأول من العام الجاري بنسبة كبيرة.",
    "أجريت الدراسة في صيف 2015 على ألف طالب.",
    "تضاعف عدد الزوار بين 2010 و2014 في المدينة.",
]


def test_pattern_anchors_skip_scans_without_changing_a_result():
    """A pattern whose anchor (a part every match must contain) is absent from the text is not run at all: the
    expressions are the same as scanning every pattern, on sentences that each need an anchored pattern and on
    every demo article (its dates, numbers and month names), with and without a publication date."""
    root = Path(__file__).resolve().parents[1] / "demo" / "corpus"
    texts = ANCHORED + [f.read_text(encoding="utf-8") for f in sorted(root.rglob("*.txt"))]
    found = 0
    for text in texts:
        for pub in (datetime(2015, 7, 20), None):
            fast = find_dates("d", text, pub)
            assert fast == find_dates("d", text, pub, use_anchors=False), text[:60]
            found += len(fast)
    for text in ANCHORED:
        assert find_dates("d", text, datetime(2015, 7, 20)), text  # each sentence's anchored pattern did run
    assert found > 100
