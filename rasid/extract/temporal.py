"""Find Arabic temporal expressions and resolve them against the publication date.

A regex grammar runs on ``normalize()``d text (so أ/ا, ة/ه, ٣/3 variants need no
rules of their own) and spans are mapped back to the original characters.
dateparser is not used for search: it reports no offsets, and it lacks the
phrases that matter in news (double month names, "الشهر الماضي", "منتصف
أكتوبر الماضي", weekday direction from tense). Hijri dates go through
``hijridate`` (Umm al-Qura calendar).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from hijridate import Gregorian, Hijri

from rasid.extract.temporal_lexicon import (
    AMBIGUOUS_MONTHS,
    ATTRIBUTION,
    COUNT_HEDGES,
    CURRENT_REL,
    DAY_PARTS,
    EVENT_NOUNS,
    FUTURE_CUES,
    FUTURE_MARKERS,
    FUTURE_REL,
    HIJRI_MONTHS,
    MONTH_MODS,
    MONTH_PREPS,
    MONTHS,
    NOT_FUTURE_PREFIXES,
    NOT_TODAY_NEXT,
    NUMBER_WORDS,
    ORDINAL_DAYS,
    PAST_CUES,
    PAST_REL,
    PAST_VERBS,
    QUANTITY_CUES,
    SEASONS,
    UNIT_NOT_NEXT,
    UNIT_WORDS,
    VAGUE_FUTURE,
    VAGUE_PAST,
    VAGUE_UNITS,
    WEEKDAYS,
    YEAR_NAME_CUES,
)
from rasid.models import TimeExpression
from rasid.text.normalize import normalize_with_offsets


def period_first(value: str) -> date:
    """The first day of a resolved value: a year ``2026``, a month ``2026-03`` or a day (``2026-03-04…``)."""
    if len(value) == 4:
        return date(int(value), 1, 1)
    if len(value) == 7:
        return date(int(value[:4]), int(value[5:7]), 1)
    return date.fromisoformat(value[:10])


def period_last(value: str) -> date:
    """The last day of a resolved value (a year's 31 December, a month's last day, or the day itself)."""
    if len(value) == 4:
        return date(int(value), 12, 31)
    if len(value) == 7:
        y, m = int(value[:4]), int(value[5:7])
        return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    return date.fromisoformat(value[:10])


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_MONTH = _alt(MONTHS)
_HMONTH = _alt(HIJRI_MONTHS)
_WD = _alt(WEEKDAYS)
_REL = _alt(PAST_REL | FUTURE_REL | CURRENT_REL)
_NUM = rf"\d{{1,3}}|{_alt(NUMBER_WORDS)}"
_DAY = rf"(?:ال\s*)?\d{{1,2}}(?!\d)|{_alt(ORDINAL_DAYS)}"
_YEARW = r"(?:عام|العام|سنه|السنه)"
_HSUF = r"(?:\s*(?:ه|هجريه|للهجره)(?![\w]))"
# word start, then one optional conjunction/preposition outside the span ("في" only when glued to digits)
_B = r"(?<![\w])(?:في(?=\d)|[وف]?[بل](?=\w)|[وف](?=\w))?"
_E = r"(?![\w])"
_MOD = _alt(MONTH_MODS)
_TO = r"(?:الي|حتي|و|-|–)"  # range connectors (normalised إلى/حتى)
# the Gregorian twin of a month name, after a slash, dash, bracket or a bare space ("تشرين الثاني نوفمبر")
_MON2 = rf"(?:\s*[/\-–(]\s*|\s+)(?P<mon2>{_MONTH})\s*\)?"
_YEAR_TAIL = rf"\s*[،,]?\s*(?:من\s+)?(?:{_YEARW}\s+)?(?P<y>\d{{4}})(?:\s*م(?![\w]))?"
# a relation word, possibly quoted (أكتوبر "الماضي"), or the year it lies in ("من العام الماضي", "هذا العام")
_REL_TAIL = (rf"\s+(?P<q>[\"“«])?(?P<rel>{_REL}|من\s+(?:هذا\s+)?(?:{_YEARW})(?:\s+(?:{_REL}))?"
             rf"|هذا\s+(?:{_YEARW})|(?:{_YEARW})\s+(?:{_alt(CURRENT_REL)}))(?(q)[\"”»])")
# a weekday bound to the date after it: "يوم الأربعاء 5 شوال الجاري", "الأربعاء المقبل 12 أغسطس"
_WD_HEAD = rf"(?:(?:اليوم|امس|غدا|الغد)\s+)?(?:(?:يوم\s+)?(?P<wd>{_WD})(?:\s+(?:{_REL}))?\s*[،,]?\s*)?"
_FULL = (rf"(?P<d>{_DAY})\s+(?:من\s+)?(?:شهر\s+)?(?P<mon>{_MONTH})(?:{_MON2})?"
         rf"(?:{_YEAR_TAIL}|{_REL_TAIL})?")
_VUNIT = _alt(VAGUE_UNITS)
_VNUM = rf"(?:ال\s*)?(?:{_NUM}|القليله|قليله)"
_GYEAR = r"(?:1[89]|20)\d\d"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("numeric", re.compile(
        rf"{_B}(?P<t>(?P<d>\d{{1,2}})(?P<sep>\s*/\s*|[.\-])(?P<m>\d{{1,2}})(?P=sep)(?P<y>\d{{4}})"
        rf"(?:\s*(?:ه|م)(?![\w]))?){_E}")),
    ("iso", re.compile(rf"{_B}(?P<t>(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})){_E}")),
    ("hijri", re.compile(
        rf"{_B}(?P<t>{_WD_HEAD}(?:(?P<d>{_DAY})\s+(?:من\s+)?)?(?:شهر\s+)?(?P<hm>{_HMONTH})"
        rf"(?:\s+(?:من\s+)?(?:{_YEARW}\s+)?(?P<y>1[34]\d\d){_HSUF}?|{_REL_TAIL})?){_E}")),
    ("hyear", re.compile(
        rf"{_B}(?P<t>(?:{_YEARW}\s+)?(?:(?:الدراسي|المالي)\s+)?(?P<y1>1[34]\d\d)"
        rf"(?:\s*/\s*(?P<y2>1[34]\d\d))?{_HSUF}){_E}")),
    ("drange", re.compile(
        rf"{_B}(?P<t>(?:(?:من|بين|ما\s+بين)\s+)?(?P<d1>\d{{1,2}})\s*{_TO}\s*{_FULL}){_E}")),
    ("full", re.compile(rf"{_B}(?P<t>{_WD_HEAD}{_FULL}){_E}")),
    ("month", re.compile(
        rf"{_B}(?P<t>(?:(?P<mod>{_MOD})\s+)?(?P<shahr>شهري?\s+)?(?P<mon>{_MONTH})(?:{_MON2})?"
        rf"(?:{_YEAR_TAIL}|{_REL_TAIL})?){_E}")),
    ("dayrel", re.compile(
        rf"{_B}(?P<t>(?P<d>{_DAY})\s+من\s+(?:هذا\s+)?الشهر(?:\s+(?P<rel>{_REL}))?){_E}")),
    ("quarter", re.compile(
        rf"{_B}(?P<t>(?P<part>الربع|النصف)\s+(?P<ord>الاول|الثاني|الثالث|الرابع|الاخير)\s+(?:من\s+)?"
        rf"(?:(?:هذا\s+)?{_YEARW}(?:\s+(?P<rel>{_REL}))?(?:\s+(?P<y>\d{{4}})(?:\s*م(?![\w]))?)?"
        rf"|(?P<y2>\d{{4}})(?:\s*م(?![\w]))?)){_E}")),
    ("season", re.compile(
        rf"{_B}(?P<t>(?:(?P<mod>{_MOD})\s+)?(?:(?P<this>هذا)\s+)?(?P<s>الصيف|الشتاء|الربيع|الخريف)"
        rf"(?:\s+(?P<rel>{_REL}))?|(?P<s2>صيف|شتاء|ربيع|خريف)\s+(?:{_YEARW}\s+)?(?P<y>\d{{4}})){_E}")),
    ("yrange", re.compile(
        rf"{_B}(?P<t>(?:(?P<pre>من|بين|ما\s+بين)\s+(?:(?:{_YEARW}|عامي|العامين|سنتي)\s+)?)?(?P<y1>{_GYEAR})"
        rf"(?:\s*م)?\s*(?P<sep>{_TO})\s*(?:{_YEARW}\s+)?(?P<y2>{_GYEAR})(?:\s*م(?![\w]))?){_E}")),
    ("relunit", re.compile(
        rf"{_B}(?P<t>(?:(?P<mod>{_MOD})\s+)?(?:(?P<this>هذا|هذه)\s+)?"
        rf"(?P<unit>(?:ال|(?<=ل)ل)(?:اسبوع|شهر|عام|سنه))(?:\s+(?P<rel>{_REL}))?){_E}")),
    ("year", re.compile(
        rf"{_B}(?P<t>(?:(?P<mod>{_MOD})\s+)?(?:{_YEARW}\s+)?(?P<y>(?:1[5-9]|20)\d\d)(?P<m_suffix>\s*م(?![\w]))?){_E}")),
    ("vague", re.compile(
        rf"{_B}(?P<t>(?:(?:خلال|علي\s+مدي|علي\s+مدار|طوال|طيله|في)\s+)?(?:{_VNUM}\s+)?(?P<u>{_VUNIT})"
        rf"(?:\s+و\s*(?:{_VUNIT}))?(?:\s+{_VNUM})?(?:\s+القريبه)?\s+(?P<dir>{_alt(VAGUE_PAST | VAGUE_FUTURE)})"
        rf"|(?P<pre>قبل|منذ|بعد)\s+(?:ساعات|ايام|اسابيع|اشهر|شهور|سنوات|سنين|اعوام|عقود|فتره)"
        rf"(?:\s+(?:طويله|قصيره|قليله|عده))?(?:\s+من\s+الان)?(?!\s+من\s)"
        rf"|في\s+وقت\s+(?P<when>سابق|لاحق)|(?P<these>هذه\s+الايام)"
        rf"|(?P<last>اخر)\s+(?:{_NUM})\s+(?:ساعه|ساعات|يوما|ايام|اسابيع|اشهر|سنوات|اعوام)){_E}")),
    ("ago", re.compile(
        rf"{_B}(?P<t>(?P<dir>قبل|منذ|بعد)\s+(?:(?:{_alt(COUNT_HEDGES)})\s+)?(?:(?P<n>{_NUM})\s+)?"
        rf"(?P<unit>{_alt(UNIT_WORDS)})){_E}(?!\s*\d)")),
    ("relday", re.compile(
        rf"{_B}(?P<t>(?:(?P<part>{_alt(DAY_PARTS)})\s+)?"
        rf"(?P<rd>اول\s+(?:من\s+)?امس|امس\s+الاول|بعد\s+غد|البارحه|الامس|امس|غدا|الغد|غد|اليوم"
        rf"|الليله\s+الماضيه|ليله\s+امس|الليله)"
        rf"(?:\s*\(\s*(?P<wd2>{_WD})\s*\)|\s+(?:{_alt(DAY_PARTS)}\s+)?(?P<wd>{_WD}))?)(?![\w])")),
    ("weekday", re.compile(
        rf"{_B}(?P<t>(?:(?P<part>{_alt(DAY_PARTS)})\s+)?(?P<wd>{_WD})(?:\s+(?P<rel>{_REL}))?){_E}")),
]

# A substring every match of a pattern must contain (read off the pattern: a group that is not optional). A text
# without it cannot match, so the pattern's scan is skipped; the anchors start with a digit or a letter, which the
# regex engine finds by a fast scan, while a pattern that opens with a lookbehind is tried at every position. Exact:
# skipping changes no result (tests/test_temporal.py compares with and without the anchors on real news).
_ANCHORS: dict[str, re.Pattern[str]] = {
    "numeric": re.compile(r"\d(?:\s*/\s*|[.\-])\d"),  # day, separator, month
    "iso": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "hijri": re.compile(_HMONTH),  # the Hijri month name
    "hyear": re.compile(r"1[34]\d\d"),  # the Hijri year
    "drange": re.compile(rf"\d\s*{_TO}"),  # the first day and the connector
    "dayrel": re.compile("الشهر"),
    "quarter": re.compile("الربع|النصف"),
    "season": re.compile("صيف|شتاء|ربيع|خريف"),
    "yrange": re.compile(rf"{_GYEAR}(?:\s*م)?\s*{_TO}"),  # the first year and the connector
    # the day, its connector and the month name (a digit or a letter first; without the optional «ال» before
    # the digits, which only widens what passes): most texts have no full date
    "full": re.compile(rf"(?:\d{{1,2}}(?!\d)|{_alt(ORDINAL_DAYS)})\s+(?:من\s+)?(?:شهر\s+)?(?:{_MONTH})"),
    "weekday": re.compile(_WD),  # the weekday name
    "relday": re.compile("امس|غد|البارحه|اليوم|ليله"),  # a word every relative-day alternative contains
    # the direction, the optional hedge and count, and the unit
    "ago": re.compile(rf"(?:قبل|منذ|بعد)\s+(?:(?:{_alt(COUNT_HEDGES)})\s+)?(?:(?:{_NUM})\s+)?(?:{_alt(UNIT_WORDS)})"),
}

_YEAR_CONTEXT_RE = re.compile(
    rf"(?:(?:{_YEARW}|عامي|العامين|سنتي|خلال|منذ|في|حتي|مطلع|نهايه|بدايه|اواخر|اوايل|منتصف|بحلول)\s+"
    r"|\(\s*|[-–]\s*|\d{4}\s+و\s*)$"
)
_RANGE_HEAD_RE = re.compile(r"(?:من|بين|ما\s+بين)\s*$")
_RANGE_GAP_RE = re.compile(rf"^\s*(?:{_TO}|ولغايه|لغايه)\s*$")
_RANGEABLE = {"numeric", "iso", "hijri", "full", "month", "year", "dayrel"}


class _Val(NamedTuple):
    """A resolved expression: ISO value (first period of a range), granularity, last period, relation."""

    value: str | None
    gran: str
    end: str | None = None
    rel: str | None = None


@dataclass
class _Hit:
    start: int  # normalised offsets
    end: int
    val: _Val
    rank: int
    kind: str


def find_dates(doc_id: str, text: str, published: datetime | None,
               normalized: tuple[str, list[int]] | None = None, use_anchors: bool = True) -> list[TimeExpression]:
    """Temporal expressions in ``text`` with ISO values; relative ones need ``published``.

    ``normalized``: ``normalize_with_offsets(text)`` when the caller already has it (``AnalyzedDoc``).
    ``use_anchors=False`` scans every pattern (the reference the anchors are tested against).
    """
    norm, offs = normalize_with_offsets(text) if normalized is None else normalized
    pub = published.date() if published else None
    hits: list[_Hit] = []
    for rank, (kind, pat) in enumerate(_PATTERNS):
        anchor = _ANCHORS.get(kind) if use_anchors else None
        if anchor is not None and anchor.search(norm) is None:
            continue
        for m in pat.finditer(norm):
            val = _resolve(kind, m, norm, pub)
            if val is not None:
                hits.append(_Hit(m.start("t"), m.end("t"), _Val(*val), rank, kind))
    hits = _join_ranges(hits, norm)
    out: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.rank, h.start)):
        if any(h.start < e and s < h.end for s, e in taken):
            continue
        taken.append((h.start, h.end))
        start, end = offs[h.start], offs[h.end - 1] + 1
        while end < len(text) and (text[end] == "\u0640" or "\u064b" <= text[end] <= "\u0652"):
            end += 1  # keep a trailing tatweel/diacritic (هـ, غداً) inside the span
        v = h.val
        out.append(TimeExpression(
            doc_id=doc_id, start=start, end=end, text=text[start:end], value=v.value, granularity=v.gran,
            relation=v.rel or _relation(v.value, v.gran, pub), value_end=v.end,
        ))
    return sorted(out, key=lambda t: t.start)


def _join_ranges(hits: list[_Hit], norm: str) -> list[_Hit]:
    """"من/بين A إلى/و B" over two found expressions becomes one range; "من الأحد إلى الخميس" is a schedule.

    """
    by_start = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    drop: set[int] = set()
    extra: list[_Hit] = []
    for i, a in enumerate(by_start):
        lo = max(0, a.start - 16)
        head = _RANGE_HEAD_RE.search(norm, lo, a.start)
        if head is None or (head.start() > 0 and norm[head.start() - 1].isalnum()):
            continue
        for b in by_start[i + 1:]:
            if b.start > a.end + 12:
                break
            if b.start < a.end or not _RANGE_GAP_RE.match(norm[a.end:b.start]):
                continue
            if a.kind == "weekday" and b.kind == "weekday":
                drop.update((id(a), id(b)))
            elif (a.kind in _RANGEABLE and b.kind in _RANGEABLE and a.val.value and b.val.value
                  and len(a.val.value) == len(b.val.value)):
                ends = _in_order(a.val.value, b.val.value)
                if ends:
                    extra.append(_Hit(head.start(), b.end, _Val(ends[0], a.val.gran, ends[1]), -1, "range"))
            break
    extra += _night_ranges(by_start, norm)
    return [h for h in hits if id(h) not in drop] + extra


def _night_ranges(hits: list[_Hit], norm: str) -> list[_Hit]:
    """"ليل الجمعة السبت" / "ليلة الخميس - الجمعة": the night between two days is their range."""
    out = []
    for a, b in zip(hits, hits[1:], strict=False):
        if (a.kind == b.kind == "weekday" and a.val.value and b.val.value and norm[a.start:a.start + 3] == "ليل"
                and re.fullmatch(r"\s*[/\-–]?\s*", norm[a.end:b.start]) and a.val.value < b.val.value):
            out.append(_Hit(a.start, b.end, _Val(a.val.value, "day", b.val.value), -1, "range"))
    return out


def _in_order(first: str, last: str) -> tuple[str, str] | None:
    """The two ends of a range with years made consistent, or None when they cannot be.

    An inferred year on one end yields to the other's: "بين يناير ومايو هذا العام" keeps January in the
    year of May, "بين ديسمبر ويناير" moves January after December.
    """
    if last >= first:
        return first, last
    if len(last) == 4:
        return None
    moved_first = last[:4] + first[4:]
    if moved_first <= last:
        return moved_first, last
    moved_last = f"{int(first[:4]) + 1:04d}" + last[4:]
    return (first, moved_last) if moved_last >= first else None


# ---------------------------------------------------------------- resolution


def _resolve(kind: str, m: re.Match[str], norm: str, pub: date | None) -> tuple | None:
    """(value, granularity[, last period, relation]) for a match, or None to reject it as not temporal."""
    g = m.groupdict()
    if kind in ("numeric", "iso"):
        y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
        if 1300 <= y < 1500:  # "18/ 5/ 1431": a Hijri date written in digits
            return _hijri_day(y, mo, d)
        return _iso(y, mo, d), "day"
    resolver = _RESOLVERS.get(kind)
    return resolver(g, m, norm, pub) if resolver else None


def _iso(y: int, mo: int, d: int) -> str | None:
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def _day_number(s: str) -> int:
    s = re.sub(r"\s+", " ", s.strip())
    if s in ORDINAL_DAYS:
        return ORDINAL_DAYS[s]
    return int(re.sub(r"\D", "", s))


def _month_number(s: str, table: dict[str, int]) -> int:
    return table[re.sub(r"\s+", " ", s.strip())]


def _rel_kind(rel: str | None) -> str | None:
    if not rel:
        return None
    words = rel.split()
    if any(w in PAST_REL for w in words):
        return "past"
    if any(w in FUTURE_REL for w in words):
        return "future"
    return "current"


def _words_before(norm: str, pos: int, n: int = 1) -> list[str]:
    return [w.strip("،,.:؛\"“”«»()") for w in norm[max(0, pos - 60):pos].split()[-n:]]


def _words_after(norm: str, pos: int, n: int = 1) -> list[str]:
    return [w.strip("،,.:؛\"“”«»()") for w in norm[pos:pos + 60].split()[:n]]


def _gregorian(g, m, norm, pub) -> tuple | None:
    mon_word = re.sub(r"\s+", " ", g["mon"])
    month = MONTHS[mon_word]
    glued = norm[m.start():m.start("t")]  # "بمارس", "في12 مارس"
    prev = _words_before(norm, m.start())
    has_anchor = (g.get("y") or g.get("rel") or g.get("d") or g.get("shahr") or g.get("mod") or g.get("mon2")
                  or any(c in glued for c in "بل") or "في" in glued or (prev and prev[0] in MONTH_PREPS))
    if mon_word in AMBIGUOUS_MONTHS and not has_anchor:  # bare "مارس" is usually "practised"
        return None
    day = _day_number(g["d"]) if g.get("d") else None
    if day is not None and not 1 <= day <= 31:
        return None
    rel = _rel_kind(g.get("rel"))
    if rel is None and re.search(r"منذ\s*$", norm[max(0, m.start() - 8):m.start()]):
        rel = "past"  # "منذ 21 ديسمبر" / "منذ أيار" lie behind the publication
    if g.get("y"):
        year = int(g["y"])
    elif pub is None:
        return (None, "day" if day else "month")
    else:
        year = _infer_year(month, day or 1, rel, pub, _clause_tense(norm, m.start("t"), m.end("t")))
        if re.search(_YEARW, g.get("rel") or ""):
            year = pub.year + {"past": -1, "future": 1}.get(rel or "", 0)
    if day:
        value = _iso(year, month, day)
        if value and g.get("d1"):  # "من 15 إلى 17 حزيران"
            first = int(re.sub(r"\D", "", g["d1"]))
            start = _iso(year, month, first) if first < day else None
            return (start, "day", value) if start else None
        return value, "day"
    return f"{year:04d}-{month:02d}", "month"


def _infer_year(month: int, day: int, rel: str | None, pub: date, tense: str | None) -> int:
    """Year of a day/month given without one: the relation word, else the clause's tense, else the nearest."""
    this = (month, day)
    now = (pub.month, pub.day)
    if rel == "past":
        return pub.year if this < now else pub.year - 1
    if rel == "future":
        return pub.year if this > now else pub.year + 1
    if rel == "current":
        return pub.year
    if tense == "future" and this < now and (pub.month - month) % 12 >= 1:
        return pub.year + 1 if (month - pub.month) % 12 <= 6 else pub.year
    if tense == "past":
        return pub.year if this <= now else pub.year - 1
    # no cue: the occurrence closest to publication
    candidates = [pub.year - 1, pub.year, pub.year + 1]
    return min(candidates, key=lambda y: abs((date(y, month, min(day, 28)) - pub).days))


def _hijri_day(hyear: int, month: int, day: int) -> tuple | None:
    try:
        return Hijri(hyear, month, day).to_gregorian().isoformat(), "day"
    except (ValueError, OverflowError):
        return None


def _hijri_span(y1: int, m1: int, y2: int, m2: int) -> tuple | None:
    """Gregorian days from Hijri (y1, m1) day 1 to the last day of Hijri (y2, m2), as a day range."""
    ny, nm = (y2 + 1, 1) if m2 == 12 else (y2, m2 + 1)
    try:
        first = Hijri(y1, m1, 1).to_gregorian()
        last = Hijri(ny, nm, 1).to_gregorian() - timedelta(days=1)
    except (ValueError, OverflowError):
        return None
    return first.isoformat(), "day", last.isoformat()


def _hijri(g, m, norm, pub) -> tuple | None:
    month = _month_number(g["hm"], HIJRI_MONTHS)
    day = _day_number(g["d"]) if g.get("d") else None
    rel = _rel_kind(g.get("rel"))
    if not (g.get("y") or day or rel):
        return None  # "رمضان" alone is a season/name, not a date
    if g.get("y"):
        hyear = int(g["y"])
    elif pub is None:
        return None, "day"
    else:
        try:
            now = Gregorian(pub.year, pub.month, pub.day).to_hijri()
        except (ValueError, OverflowError):  # outside the Umm al-Qura table (1924-2077)
            return None
        this, cur = (month, day or 0), (now.month, now.day if day else 0)
        hyear = now.year
        if rel == "past" and this >= cur:
            hyear -= 1
        elif rel == "future" and this <= cur:
            hyear += 1
    if day:
        return _hijri_day(hyear, month, day)
    return _hijri_span(hyear, month, hyear, month)


def _hyear(g, m, norm, pub) -> tuple | None:
    y1 = int(g["y1"])
    y2 = int(g["y2"]) if g.get("y2") else y1
    return _hijri_span(y1, 1, y2, 12) if y1 <= y2 <= y1 + 1 else None


def _dayrel(g, m, norm, pub) -> tuple | None:
    day = _day_number(g["d"])
    if not 1 <= day <= 31:
        return None
    if pub is None:
        return None, "day"
    step = {"past": -1, "future": 1}.get(_rel_kind(g.get("rel")) or "", 0)
    y, mo = divmod(pub.year * 12 + pub.month - 1 + step, 12)
    value = _iso(y, mo + 1, day)
    return (value, "day") if value else None


def _quarter(g, m, norm, pub) -> tuple | None:
    n = {"الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الاخير": 0}[g["ord"]]
    size = 3 if g["part"] == "الربع" else 6
    count = 12 // size
    if n > count:
        return None
    n = n or count
    y = g.get("y") or g.get("y2")
    if y:
        year = int(y)
    elif pub is None:
        return None, "quarter" if size == 3 else "half"
    else:
        year = pub.year + {"past": -1, "future": 1}.get(_rel_kind(g.get("rel")) or "", 0)
    first = (n - 1) * size + 1
    return f"{year:04d}-{first:02d}", "quarter" if size == 3 else "half", f"{year:04d}-{first + size - 1:02d}"


def _season(g, m, norm, pub) -> tuple | None:
    code, first = SEASONS[g.get("s") or g["s2"]]
    rel = _rel_kind(g.get("rel"))
    if g.get("y"):
        year = int(g["y"])
    elif not (rel or g.get("this") or g.get("mod")):
        return None  # "بعد الصيف", "الربيع العربي"
    elif pub is None:
        return None, "season"
    else:
        starts = [date(y, first, 1) for y in (pub.year - 2, pub.year - 1, pub.year, pub.year + 1)]
        ends = [_add_months(s, 3) for s in starts]
        if rel == "past":
            year = max(s for s, e in zip(starts, ends, strict=True) if e <= pub).year
        elif rel == "future":
            year = min(s for s in starts if s > pub).year
        else:
            year = next((s.year for s, e in zip(starts, ends, strict=True) if s <= pub < e), pub.year)
    last = _add_months(date(year, first, 1), 2)
    return f"{year:04d}-{first:02d}", "season", f"{last.year:04d}-{last.month:02d}"


def _add_months(d: date, n: int) -> date:
    y, mo = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, mo + 1, 1)


def _yrange(g, m, norm, pub) -> tuple | None:
    """"بين عامي 1995 و2012", "من 2011 إلى 2013", "2015-2016"; "عامي 1986 و1996" stays two years."""
    y1, y2 = int(g["y1"]), int(g["y2"])
    pre = (g.get("pre") or "").split()[-1:] or [""]
    ok = {"بين": ("و", "-", "–"), "من": ("الي", "حتي", "-", "–"), "": ("-", "–")}[pre[0]]
    if g["sep"] not in ok or not y1 < y2 <= y1 + (100 if pre[0] else 10):
        return None
    return str(y1), "year", str(y2)


def _year(g, m, norm, pub) -> tuple | None:
    before = norm[max(0, m.start("t") - 12):m.start("t")]
    prev = _words_before(norm, m.start())
    nxt = norm[m.end("t"):m.end("t") + 3].lstrip(" ")
    prev_word = prev[0].lstrip("و") if prev else ""
    named = prev_word in YEAR_NAME_CUES or (prev_word and prev_word not in QUANTITY_CUES and nxt[:1] in ("،", ",", ")", "("))
    line_start = not norm[:m.start()].strip(" ") or norm[:m.start()].rstrip(" ").endswith("\n")
    anchored = (g["m_suffix"] or g["mod"] or re.match(_YEARW, g["t"]) or _YEAR_CONTEXT_RE.search(before)
                or named or (line_start and nxt[:1] in ("-", "–")))
    return (g["y"], "year") if anchored else None


def _relunit(g, m, norm, pub) -> tuple | None:
    unit = "ال" + re.sub(r"^ال|^ل", "", g["unit"])
    rel = _rel_kind(g.get("rel"))
    if rel is None and not g.get("this"):
        nxt = _words_after(norm, m.end("t"))
        if not g.get("mod") or (nxt and nxt[0] in UNIT_NOT_NEXT):
            return None  # bare "العام" / "الشهر" is a noun; "نهاية العام الدراسي" a named period
    gran = {"الاسبوع": "week", "الشهر": "month", "العام": "year", "السنه": "year"}[unit]
    if pub is None:
        return None, gran
    step = {"past": -1, "future": 1}.get(rel or "", 0)
    if gran == "week":
        monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step)
        return monday.isoformat(), "week"
    if gran == "month":
        y, mo = divmod(pub.year * 12 + pub.month - 1 + step, 12)
        return f"{y:04d}-{mo + 1:02d}", "month"
    return f"{pub.year + step:04d}", "year"


def _vague(g, m, norm, pub) -> tuple | None:
    """"خلال الأيام الماضية", "قبل أيام", "في وقت لاحق", "هذه الأيام": no value, only a direction."""
    if g.get("these"):
        return None, "vague", None, "present"
    if g.get("last"):
        return None, "vague", None, "past"
    if g.get("when"):
        return None, "vague", None, "past" if g["when"] == "سابق" else "future"
    if g.get("pre"):
        return None, "vague", None, "future" if g["pre"] == "بعد" else "past"
    return None, "vague", None, "past" if g["dir"] in VAGUE_PAST else "future"


def _ago(g, m, norm, pub) -> tuple | None:
    unit, implicit = UNIT_WORDS[g["unit"]]
    nxt = _words_after(norm, m.end("t"), 2)
    if nxt[:1] == ["علي"] or (nxt[:1] == ["من"] and nxt[1:] and (nxt[1] in EVENT_NOUNS or nxt[1][:2] != "ال")):
        # "بعد ست سنوات على انتشارها", "قبل يومين من الانتخابات", "بعد أسبوعين من اتصال": counted from an event
        return None
    n_raw = g.get("n")
    if n_raw:
        n = int(n_raw) if n_raw.isdigit() else NUMBER_WORDS[n_raw]
        if implicit == 2:
            return None  # "3 يومين" is malformed
    elif implicit:
        n = implicit
    else:
        return None  # "قبل أيام": vague (see _vague)
    sign = 1 if g["dir"] == "بعد" else -1
    if pub is None:
        return None, unit
    if unit == "day":
        return (pub + timedelta(days=sign * n)).isoformat(), "day"
    if unit == "week":
        return (pub + timedelta(weeks=sign * n)).isoformat(), "week"
    if unit == "month":
        y, mo = divmod(pub.year * 12 + pub.month - 1 + sign * n, 12)
        return f"{y:04d}-{mo + 1:02d}", "month"
    return f"{pub.year + sign * n:04d}", "year"


_RELDAY_OFFSETS = {"امس": -1, "الامس": -1, "البارحه": -1, "غدا": 1, "الغد": 1, "غد": 1, "اليوم": 0, "الليله": 0}
_NOT_TODAY_PREV = {"هذا", "ذلك", "ذات", "نفس", "مثل"}
_PRONOUNS = [["انا"], ["نحن"], ["انت"], ["انتم"]]  # not هو/هي: "أهمها اليوم هو أنه" is copular
_GHAD_PREV = {"من", "حتي", "الي", "يوم", "مساء", "صباح", "ظهر", "عصر", "فجر", "ليل", "ليله", "منتصف"}


def _relday(g, m, norm, pub) -> tuple | None:
    rd = re.sub(r"\s+", " ", g["rd"])
    has_wd = g.get("wd") or g.get("wd2")
    prev = _words_before(norm, m.start())
    if rd == "اليوم" and not has_wd:
        nxt = norm[m.end("t"):m.end("t") + 20].split()
        if nxt and nxt[0] in NOT_TODAY_NEXT or (prev and prev[0] in _NOT_TODAY_PREV):
            return None
        around = norm[max(0, m.start() - 1):m.start()] + norm[m.end("t"):m.end("t") + 1]
        if len(around) == 2 and all(c in "\"“”«»'" for c in around):
            return None  # «اليوم» the newspaper
    if rd == "اليوم" and not (has_wd or g.get("part")) and _words_after(norm, m.end("t"))[:1] in _PRONOUNS:
        return None, "vague", None, "present"  # "اليوم أنا مدرب": nowadays
    if rd == "غد" and not (has_wd or g.get("part") or (prev and prev[0] in _GHAD_PREV)):
        return None  # bare "غد" without its alif is rare as a time word on its own
    if rd.startswith("اول") or rd == "امس الاول":
        off = -2
    elif rd.startswith("بعد"):
        off = 2
    elif rd in ("الليله الماضيه", "ليله امس"):
        off = -1
    else:
        off = _RELDAY_OFFSETS[rd]
    if pub is None:
        return None, "day"
    return (pub + timedelta(days=off)).isoformat(), "day"


def _weekday(g, m, norm, pub) -> tuple | None:
    wd_word = g["wd"]
    rel = _rel_kind(g.get("rel"))
    if wd_word in ("الاثنين", "الاتنين") and not (g.get("part") or rel) and _means_both(norm, m):
        return None
    if pub is None:
        return None, "day"
    target = WEEKDAYS[wd_word]
    delta = (target - pub.weekday()) % 7
    if rel == "past" or (rel is None and _clause_tense(norm, m.start("t"), m.end("t")) != "future"):
        back = (pub.weekday() - target) % 7
        if rel == "past" and back == 0:
            back = 7
        return (pub - timedelta(days=back)).isoformat(), "day"
    if rel == "future" and delta == 0:
        delta = 7
    return (pub + timedelta(days=delta)).isoformat(), "day"


_BOTH_PREV = {"بين", "كلا", "كلتا", "علي", "الي", "مع", "هذين", "لهذين", "من"}
_BOTH_NEXT = {"فقط", "فحسب", "معا", "كليهما", "منهما"}
_WD_NEXT = {"ان", "انه", "انها", "عن", "في", "علي"}


def _means_both(norm: str, m: re.Match[str]) -> bool:
    """Bare الاثنين: "Monday" after a comma, a verb or a name, "both" after a dual noun or before فقط."""
    before = norm[:m.start()].rstrip(" ")
    after = norm[m.end("t"):].lstrip(" ")
    if before[-1:] in "،,:(" or after[:1] in "،,.:)؛" or not after:
        return False
    nxt = _words_after(norm, m.end("t"))
    if nxt and nxt[0] in _BOTH_NEXT:
        return True
    if nxt and nxt[0] in _WD_NEXT:
        return False
    prev = _words_before(norm, m.start())
    return not prev or prev[0] in _BOTH_PREV or prev[0].endswith(("ين", "ينا"))


def _clause_tense(norm: str, start: int, end: int) -> str | None:
    """"future" or "past" when the clause of an expression says so, else None.

    The nearest cue to the left within the sentence decides (commas do not stop it: news style puts one
    before a weekday, "ومن المقرر أن ...، يوم الأحد"): a reporting/past verb, an attribution or الماضي means
    past; سـ + verb, مرتقب, المقرر, a conditional or قد + present tense means future. A future word right
    after also counts.
    """
    left = norm[max(0, start - 200):start]
    cut = max(left.rfind("."), left.rfind("\n"), left.rfind("؟"), left.rfind("!"))
    words = [w.strip("،,.:؛\"“”«»()") for w in left[cut + 1:].split()]
    right = re.split(r"[،,.؛]", norm[end:end + 40], maxsplit=1)[0].split()[:4]
    if any(w in FUTURE_CUES for w in right):
        return "future"
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        core = w[1:] if w[:1] in "وف" and len(w) > 2 else w
        if w in PAST_CUES or core in PAST_VERBS or core in ATTRIBUTION or _strip_pronoun(core) in PAST_VERBS:
            return "past"
        if w in FUTURE_CUES or core in FUTURE_CUES:
            return "future"
        if core in FUTURE_MARKERS:
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if core != "قد" or nxt[:1] in "يتن":
                return "future"
        if re.match(r"س[يتن]\w{3,}", core) and not core.startswith(NOT_FUTURE_PREFIXES):
            return "future"
    return None


def _strip_pronoun(word: str) -> str:
    """"ذكره", "أعلنها", "قالوا" -> the verb without its object/subject suffix."""
    return re.sub(r"(?:ها|هم|ه|وا)$", "", word) if len(word) > 3 else word


def _relation(value: str | None, gran: str, pub: date | None) -> str:
    if value is None or pub is None:
        return "unknown"
    if gran == "week":
        ref = (pub - timedelta(days=pub.weekday())).isoformat()
    elif gran in ("month", "quarter", "half", "season") or len(value) == 7:
        ref = pub.isoformat()[:7]
    elif gran == "year" or len(value) == 4:
        ref = pub.isoformat()[:4]
    else:
        ref = pub.isoformat()
    value = value[:len(ref)]
    if value < ref:
        return "past"
    if value > ref:
        return "future"
    return "present"


_RESOLVERS = {
    "hijri": _hijri, "hyear": _hyear, "drange": _gregorian, "full": _gregorian, "month": _gregorian,
    "dayrel": _dayrel, "quarter": _quarter, "season": _season, "yrange": _yrange, "relunit": _relunit,
    "year": _year, "vague": _vague, "ago": _ago, "relday": _relday, "weekday": _weekday,
}
