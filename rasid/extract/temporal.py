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

from hijridate import Gregorian, Hijri

from rasid.extract.temporal_lexicon import (
    AMBIGUOUS_MONTHS,
    CURRENT_REL,
    DAY_PARTS,
    FUTURE_CUES,
    FUTURE_REL,
    HIJRI_MONTHS,
    MONTH_MODS,
    MONTHS,
    NOT_FUTURE_PREFIXES,
    NOT_TODAY_NEXT,
    NUMBER_WORDS,
    ORDINAL_DAYS,
    PAST_CUES,
    PAST_REL,
    UNIT_WORDS,
    WEEKDAYS,
)
from rasid.models import TimeExpression
from rasid.text.normalize import normalize_with_offsets


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_MONTH = _alt(MONTHS)
_HMONTH = _alt(HIJRI_MONTHS)
_WD = _alt(WEEKDAYS)
_REL = _alt(PAST_REL | FUTURE_REL | CURRENT_REL)
_DAY = rf"(?:ال\s*)?\d{{1,2}}(?!\d)|{_alt(ORDINAL_DAYS)}"
_YEARW = r"(?:عام|العام|سنه|السنه)"
_B = r"(?<![\w])(?:[وفب](?=\w))?"  # word start, one optional conjunction/preposition outside the span
_E = r"(?![\w])"
_MOD = _alt(MONTH_MODS)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("numeric", re.compile(rf"{_B}(?P<t>(?P<d>\d{{1,2}})[/.\-](?P<m>\d{{1,2}})[/.\-](?P<y>\d{{4}})){_E}")),
    ("iso", re.compile(rf"{_B}(?P<t>(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})){_E}")),
    ("hijri", re.compile(
        rf"{_B}(?P<t>(?:(?P<d>{_DAY})\s+(?:من\s+)?)?(?:شهر\s+)?(?P<hm>{_HMONTH})"
        rf"(?:\s+(?:من\s+)?(?:{_YEARW}\s+)?(?P<y>1[34]\d\d)(?:\s*(?:ه|هجريه|للهجره)(?![\w]))?)?){_E}")),
    ("full", re.compile(
        rf"{_B}(?P<t>(?:(?:اليوم|امس|غدا|الغد)\s+)?(?:(?:يوم\s+)?(?P<wd>{_WD})\s*[،,]?\s*)?(?P<d>{_DAY})\s+(?:من\s+)?(?:شهر\s+)?"
        rf"(?P<mon>{_MONTH})(?:\s*[/\-–(]\s*(?:{_MONTH})\s*\)?)?"
        rf"(?:\s*[،,]?\s*(?:من\s+)?(?:{_YEARW}\s+)?(?P<y>\d{{4}})(?:\s*م(?![\w]))?"
        rf"|\s+(?P<rel>{_REL}|من\s+(?:هذا\s+)?(?:{_YEARW})(?:\s+(?:{_REL}))?))?){_E}")),
    ("month", re.compile(
        rf"{_B}(?P<t>(?:(?P<mod>{_MOD})\s+)?(?P<shahr>شهر\s+)?(?P<mon>{_MONTH})"
        rf"(?:\s*[/\-–(]\s*(?:{_MONTH})\s*\)?)?"
        rf"(?:\s*[،,]?\s*(?:من\s+)?(?:{_YEARW}\s+)?(?P<y>\d{{4}})(?:\s*م(?![\w]))?"
        rf"|\s+(?P<rel>{_REL}|من\s+(?:هذا\s+)?(?:{_YEARW})(?:\s+(?:{_REL}))?))?){_E}")),
    ("relunit", re.compile(
        rf"{_B}(?P<t>(?:(?P<mod>{_MOD})\s+)?(?:(?P<this>هذا|هذه)\s+)?"
        rf"(?P<unit>الاسبوع|الشهر|العام|السنه)(?:\s+(?P<rel>{_REL}))?){_E}")),
    ("year", re.compile(
        rf"{_B}(?P<t>(?:(?P<mod>{_MOD})\s+)?(?:{_YEARW}\s+)?(?P<y>(?:1[5-9]|20)\d\d)(?P<m_suffix>\s*م(?![\w]))?){_E}")),
    ("ago", re.compile(
        rf"{_B}(?P<t>(?P<dir>قبل|منذ|بعد)\s+(?:(?P<n>\d{{1,3}}|{_alt(NUMBER_WORDS)})\s+)?"
        rf"(?P<unit>{_alt(UNIT_WORDS)})){_E}")),
    ("relday", re.compile(
        rf"{_B}(?P<t>(?:(?:{_alt(DAY_PARTS)})\s+)?"
        rf"(?P<rd>اول\s+(?:من\s+)?امس|امس\s+الاول|بعد\s+غد|البارحه|الامس|امس|غدا|الغد|اليوم|الليله)"
        rf"(?:\s*\(\s*(?P<wd2>{_WD})\s*\)|\s+(?:{_alt(DAY_PARTS)}\s+)?(?P<wd>{_WD}))?)(?![\w])")),
    ("weekday", re.compile(
        rf"{_B}(?P<t>(?:(?P<part>{_alt(DAY_PARTS)})\s+)?(?P<wd>{_WD})(?:\s+(?P<rel>{_REL}))?){_E}")),
]

_YEAR_CONTEXT_RE = re.compile(
    rf"(?:(?:{_YEARW}|عامي|العامين|سنتي|خلال|منذ|في|حتى|مطلع|نهايه|بدايه|اواخر|اوائل|منتصف)\s+"
    r"|\(\s*|[-–]\s*|\d{4}\s+و\s*)$"
)


@dataclass
class _Hit:
    start: int  # normalised offsets
    end: int
    value: str | None
    granularity: str
    rank: int


def find_dates(doc_id: str, text: str, published: datetime | None,
               normalized: tuple[str, list[int]] | None = None) -> list[TimeExpression]:
    """Temporal expressions in ``text`` with ISO values; relative ones need ``published``.

    ``normalized``: ``normalize_with_offsets(text)`` when the caller already has it (``AnalyzedDoc``).
    """
    norm, offs = normalize_with_offsets(text) if normalized is None else normalized
    pub = published.date() if published else None
    hits: list[_Hit] = []
    for rank, (kind, pat) in enumerate(_PATTERNS):
        for m in pat.finditer(norm):
            resolved = _resolve(kind, m, norm, pub)
            if resolved is None:
                continue
            value, gran = resolved
            hits.append(_Hit(m.start("t"), m.end("t"), value, gran, rank))
    out: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.rank, h.start)):
        if any(h.start < e and s < h.end for s, e in taken):
            continue
        taken.append((h.start, h.end))
        start, end = offs[h.start], offs[h.end - 1] + 1
        while end < len(text) and (text[end] == "\u0640" or "\u064b" <= text[end] <= "\u0652"):
            end += 1  # keep a trailing tatweel/diacritic (هـ, غداً) inside the span
        out.append(TimeExpression(
            doc_id=doc_id, start=start, end=end, text=text[start:end], value=h.value,
            granularity=h.granularity, relation=_relation(h.value, h.granularity, pub),
        ))
    return sorted(out, key=lambda t: t.start)


# ---------------------------------------------------------------- resolution


def _resolve(kind: str, m: re.Match[str], norm: str, pub: date | None) -> tuple[str | None, str] | None:
    """(value, granularity) for a match, or None to reject it as not temporal."""
    g = m.groupdict()
    if kind in ("numeric", "iso"):
        return _iso(int(g["y"]), int(g["m"]), int(g["d"])), "day"
    if kind == "hijri":
        return _hijri(g, pub)
    if kind in ("full", "month"):
        return _gregorian(kind, g, m, norm, pub)
    if kind == "year":
        before = norm[max(0, m.start("t") - 12):m.start("t")]
        anchored = g["m_suffix"] or g["mod"] or re.match(_YEARW, g["t"]) or _YEAR_CONTEXT_RE.search(before)
        return (g["y"], "year") if anchored else None
    if kind == "relunit":
        return _relunit(g, pub)
    if kind == "ago":
        return _ago(g, pub)
    if kind == "relday":
        return _relday(g, m, norm, pub)
    if kind == "weekday":
        return _weekday(g, m, norm, pub)
    return None


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


def _gregorian(kind, g, m, norm, pub) -> tuple[str | None, str] | None:
    mon_word = re.sub(r"\s+", " ", g["mon"])
    month = MONTHS[mon_word]
    has_anchor = g.get("y") or g.get("rel") or g.get("d") or g.get("shahr") or g.get("mod")
    if mon_word in AMBIGUOUS_MONTHS and not has_anchor:  # bare "مارس" is usually "practised"
        return None
    day = _day_number(g["d"]) if g.get("d") else None
    if day is not None and not 1 <= day <= 31:
        return None
    rel = _rel_kind(g.get("rel"))
    if g.get("y"):
        year = int(g["y"])
    elif pub is None:
        return (None, "day" if day else "month")
    else:
        year = _infer_year(month, day or 1, rel, pub, _future_context(norm, m.start("t"), m.end("t")))
        if re.search(_YEARW, g.get("rel") or ""):
            year = pub.year + {"past": -1, "future": 1}.get(rel or "", 0)
    if day:
        return _iso(year, month, day), "day"
    return f"{year:04d}-{month:02d}", "month"


def _infer_year(month: int, day: int, rel: str | None, pub: date, future_ctx: bool) -> int:
    """Year of a day/month given without one: the relation word, else the nearest sensible year."""
    this = (month, day)
    now = (pub.month, pub.day)
    if rel == "past":
        return pub.year if this < now else pub.year - 1
    if rel == "future":
        return pub.year if this > now else pub.year + 1
    if rel == "current":
        return pub.year
    if future_ctx and this < now and (pub.month - month) % 12 >= 1:
        return pub.year + 1 if (month - pub.month) % 12 <= 6 else pub.year
    # no cue: the occurrence closest to publication
    candidates = [pub.year - 1, pub.year, pub.year + 1]
    return min(candidates, key=lambda y: abs((date(y, month, min(day, 28)) - pub).days))


def _hijri(g, pub) -> tuple[str | None, str] | None:
    month = _month_number(g["hm"], HIJRI_MONTHS)
    day = _day_number(g["d"]) if g.get("d") else None
    if not g.get("y") and not day:
        return None  # "رمضان" alone is a season/name, not a date
    if g.get("y"):
        hyear = int(g["y"])
    elif pub is None:
        return None, "day"
    else:
        hyear = Gregorian(pub.year, pub.month, pub.day).to_hijri().year
    try:
        if day:
            return Hijri(hyear, month, day).to_gregorian().isoformat(), "day"
        return Hijri(hyear, month, 1).to_gregorian().isoformat()[:7], "month"
    except (ValueError, OverflowError):
        return None


def _relunit(g, pub) -> tuple[str | None, str] | None:
    unit = g["unit"]
    rel = _rel_kind(g.get("rel"))
    if rel is None and not g.get("this"):
        return None  # bare "العام" / "الشهر" is a noun
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


def _ago(g, pub) -> tuple[str | None, str] | None:
    unit, implicit = UNIT_WORDS[g["unit"]]
    n_raw = g.get("n")
    if n_raw:
        n = int(n_raw) if n_raw.isdigit() else NUMBER_WORDS[n_raw]
        if implicit == 2:
            return None  # "3 يومين" is malformed
    elif implicit:
        n = implicit
    else:
        return None  # "قبل أيام": vague
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


_RELDAY_OFFSETS = {"امس": -1, "الامس": -1, "البارحه": -1, "غدا": 1, "الغد": 1, "اليوم": 0, "الليله": 0}


def _relday(g, m, norm, pub) -> tuple[str | None, str] | None:
    rd = re.sub(r"\s+", " ", g["rd"])
    if rd == "اليوم" and not (g.get("wd") or g.get("wd2")):
        nxt = norm[m.end("t"):m.end("t") + 20].split()
        if nxt and nxt[0] in NOT_TODAY_NEXT:
            return None
    if rd.startswith("اول") or rd == "امس الاول":
        off = -2
    elif rd.startswith("بعد"):
        off = 2
    else:
        off = _RELDAY_OFFSETS[rd]
    if pub is None:
        return None, "day"
    return (pub + timedelta(days=off)).isoformat(), "day"


def _weekday(g, m, norm, pub) -> tuple[str | None, str] | None:
    wd_word = g["wd"]
    rel = _rel_kind(g.get("rel"))
    if wd_word in ("الاثنين", "الاتنين") and not (g.get("part") or rel):
        return None  # bare الاثنين is usually "the two"
    if pub is None:
        return None, "day"
    target = WEEKDAYS[wd_word]
    delta = (target - pub.weekday()) % 7
    if rel == "past" or (rel is None and not _future_context(norm, m.start("t"), m.end("t"))):
        back = (pub.weekday() - target) % 7
        if rel == "past" and back == 0:
            back = 7
        return (pub - timedelta(days=back)).isoformat(), "day"
    if rel == "future" and delta == 0:
        delta = 7
    return (pub + timedelta(days=delta)).isoformat(), "day"


def _future_context(norm: str, start: int, end: int) -> bool:
    """True when the clause around an expression speaks of the future (سـ + verb, مرتقب, المقرر...)."""
    left = norm[max(0, start - 60):start]
    cut = max(left.rfind("."), left.rfind("،"), left.rfind("\n"))
    left_words = left[cut + 1:].split()[-6:]
    right_words = norm[end:end + 25].split()[:2]
    for w in left_words + right_words:
        w = w.strip("،,.:؛")
        if w in PAST_CUES:
            return False
        if w in FUTURE_CUES or w.lstrip("و") in FUTURE_CUES:
            return True
        core = w[1:] if w[:1] in "وف" and len(w) > 4 else w
        if (re.match(r"س[يتن]\w{3,}", core) and not core.startswith(NOT_FUTURE_PREFIXES)):
            return True
    return False


def _relation(value: str | None, gran: str, pub: date | None) -> str:
    if value is None or pub is None:
        return "unknown"
    if gran == "week":
        ref = (pub - timedelta(days=pub.weekday())).isoformat()
    elif gran == "month" or len(value) == 7:
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
