"""Read a scraped page the way a person does: headline, publication date, outlet, and metadata lines.

A scraper's ``.txt`` dump (or the text trafilatura takes from a page) starts with the site's header (site
name, menus, ticker, breadcrumb), then the headline, often a deck, a date line and a byline, then the body
— and nothing says which line is which. ``read_page`` finds:

- the **headline**: the headline-shaped line (short, no final full stop) right above the first body
  paragraph, skipping date lines and bylines; when a ticker ("عاجل", "آخر الأخبار") runs straight into it,
  the last line of that run; never an id or a metadata line;
- the **publication date**: a date line between the headline and the body, an ``تاريخ النشر`` / ``نشر في``
  label (the publication date wins over ``آخر تحديث``), an inline ``date 2026-01-27 …`` prefix, or an
  agency dateline with a day (``الكويت - 12 - 2 (كونا) --``; the year then comes from the page); month
  names in every regional form (the tables in ``rasid.extract.temporal_lexicon``) and Latin ones; a year
  alone (URL, ``© 2026``) is never a day;
- the **outlet**: the site name printed in the page header or copyright line, or the agency a dateline /
  ``المصدر:`` credit names (``rasid/data/outlets.tsv``); never a folder name;
- which lines only carry metadata (date lines, bylines, a dateline alone) and which body lines start with
  an inline metadata prefix, so cleaning takes them out of the body.
"""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlparse

from rasid import resources
from rasid.extract.temporal_lexicon import MONTHS, WEEKDAYS
from rasid.text.normalize import letter_count, normalize, normalize_with_offsets

_LATIN_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_LATIN_MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_ALL_MONTHS = {**MONTHS, **_LATIN_MONTHS}


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_MON = _alt(_ALL_MONTHS)
_W = r"(?![^\W\d_])"  # end of a word
_DATE_RES = [  # (kind, pattern) on the normalised line (ASCII digits); first match in the line wins
    ("iso", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?!\d)")),
    ("dmy", re.compile(r"(?<!\d)(?P<d>\d{1,2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>(?:19|20)\d\d)(?!\d)")),
    ("dMy", re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:من\s+)?(?:شهر\s+)?[-/]?\s*(?P<mon>{_MON}){_W}"
                       rf"(?:\s*[(/]\s*(?:{_MON})\s*\)?)?\s*[-/,،]?\s*(?P<y>(?:19|20)\d\d)(?!\d)", re.I)),
    ("Mdy", re.compile(rf"(?<![^\W\d_])(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<y>(?:19|20)\d\d)(?!\d)",
                       re.I)),
]
_DM_RE = re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\s*(?:(?P<mon>{_MON}){_W}|-\s*(?P<m>\d{{1,2}})(?!\d))", re.I)
_UPDATED_RE = re.compile(r"اخر\s+تحديث|تم\s+التحديث|تحديث\s*:|updated|mis\s+a\s+jour", re.I)
_LABEL_RE = re.compile(r"^\s*(?:تاريخ\s+النشر|نشر\s+في|نشر\s+بتاريخ|تاريخ\s+الخبر|بتاريخ|التاريخ|نشر|"
                       r"اخر\s+تحديث|تم\s+التحديث|تحديث|published(?:\s+on)?|updated(?:\s+on)?|posted(?:\s+on)?|date)"
                       r"\s*[:：-]?\s*", re.I)
_WEEKDAY_RE = re.compile(rf"(?:يوم\s+)?(?:{_alt(WEEKDAYS)}|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                         rf"{_W}", re.I)
_TIME_RE = re.compile(r"(?<!\d)\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*(?:ص|م|am|pm|مساء|صباحا)(?![^\W\d_]))?", re.I)
_HIJRI_RE = re.compile(r"(?<!\d)\d{1,2}\s+[^\W\d_]+(?:\s+[^\W\d_]+)?\s+1[34]\d\d\s*ه(?:ـ|جري(?:ه)?)?(?![^\W\d_])")
_FILLER_RE = re.compile(r"(?:الموافق|الساعه|في|م(?![^\W\d_])|gmt|utc|\+\d{2}:?\d{2}|توقيت\s+\S+)", re.I)
_BYLINE_RE = re.compile(r"^\s*(?:بقلم|كتب|كتبت|كتبه|اعداد|اعدته|تقرير|تحرير|حوار|تصوير|مراسل|by|par)(?![^\W\d_])"
                        r"|^\s*(?:المحرر|محرر)\s", re.I)
# Of those, the nouns that also open headlines («تقرير: هجمات إلكترونية روسية خلال أولمبياد الشتاء»): a byline
# only when the line is short («تقرير: أحمد علي», «إعداد وتصوير: سامي الورتاني»).
_BYLINE_NOUN_RE = re.compile(r"^\s*(?:اعداد|اعدته|تقرير|تحرير|حوار|تصوير)(?![^\W\d_])", re.I)
# A reporter's or desk's name and the city it files from, joined by a dash or a tatweel: «طلال عبدالله ـ جدة»,
# «الرياضي - وكالات» (no colon, no sentence end, at most five words, one word after the dash: «إيران وسايكس ـ
# بيكو الأقليات» is a headline).
_NAME_CITY_RE = re.compile(r"^\s*[^\W\d_][^:|.!?؟،]{1,40}?\s[ـ\-–—]\s*[^\W\d_]\S*\s*$")  # one word after the dash
# A headline may end with an exclamation or trailing dots («عطل مطار الملك خالد!», «تحرير عدن..»)
_EXCLAIM_END_RE = re.compile(r"(?:!+|\.\.+|…)['\"»”’)\]]*\s*$")
_READ_TIME_RE = re.compile(r"(?:دقيقه|دقائق|دقيقتان|دقيقتين)\s+(?:لل)?قراءه|(?:min|minute)s?\s+read|وقت\s+القراءه", re.I)
_SENT_END_RE = re.compile(r"[.!…]['\"»”’)\]]*\s*$")
_NO_HEADLINE_END_RE = re.compile(r"[.!:،,؛;…]\s*$")
# a breadcrumb (Home › World › …) or a menu bar (الرئيسية | أخبار | رياضة: two or more " | "); one " | " is
# still a headline («عاجل | …», «headline | site»). Matched on the line as written (ة, not its normal form ه).
_CRUMB_RE = re.compile(r"\s(?:/|›|»|>|\\|»)\s|^\s*(?:الرئيسي[هة]|home)\s*[/›»>|]|\s\|\s.*\s\|\s", re.I)
_TICKER_RE = re.compile(r"^\s*(?:عاجل|اخر\s+الاخبار|الاخبار\s+العاجله|اخبار\s+عاجله|شريط\s+الاخبار|الاكثر\s+قراءه(?:\s+\S+)?|"
                        r"الاخبار\s+الاكثر\s+قراءه|الاكثر\s+مشاهده|الان|مباشر|breaking(?:\s+news)?|latest(?:\s+news)?)"
                        r"\s*[:|]?\s*$", re.I)
# A ticker's item: its label, a colon or bar, then the news («عاجل: ارتفاع أسعار النفط»), on normalised text
_TICKER_ITEM_RE = re.compile(r"^\s*(?:عاجل|الان|مباشر|breaking(?:\s+news)?)\s*[:|]\s*\S", re.I)
# Inline prefixes on a body line: "date 2026-01-27 ", "تاريخ النشر: 3 افريل 2026 ", datelines.
_DATE_PREFIX_RE = re.compile(r"^\s*(?:date|published|التاريخ|تاريخ\s+النشر|نشر\s+في|نشر\s+بتاريخ|بتاريخ)\s*[:=]?\s*", re.I)
_DATELINE_RE = re.compile(
    r"^(?P<dl>[^\W\d_][^.!?؟\n]{0,70}?(?:\((?P<ag1>[^()]{2,40})\)\s*(?:--?|–|—|:)?|(?P<sep>--|–|—|:|/))\s*)(?=\S)")
_DATELINE_HEAD_RE = re.compile(r"^(?P<place>[^\W\d_][^\s\d:()«»]*(?:\s+[^\W\d_][^\s\d:()«»]*){0,2})\s*(?:-|–|—|,|،)?\s*")
_COPYRIGHT_RE = re.compile(r"©|\(c\)|copyright|جميع\s+الحقوق|كل\s+الحقوق|حقوق\s+النشر|الحقوق\s+محفوظه", re.I)
_SOURCE_RE = re.compile(r"^\s*(?:المصدر|مصدر\s+الخبر|source)\s*[:：]\s*(?P<src>.+)$", re.I)
_WORD_RE = re.compile(r"[^\W_]+")


@dataclass
class PageInfo:
    """What ``read_page`` found; line numbers are 0-based indices into the lines it was given."""

    title: str | None = None
    title_line: int | None = None
    published: datetime | None = None
    date_source: str | None = None
    outlet: str | None = None
    outlet_source: str | None = None
    body_start: int | None = None
    meta_lines: dict[int, str] = field(default_factory=dict)  # line -> reason ("date-line", "byline", ...)
    prefixes: dict[int, str] = field(default_factory=dict)  # line -> inline metadata prefix (original chars)


@lru_cache(maxsize=1 << 14)
def _nwords(s: str) -> int:
    """Words in a line (memoised: the page reader, the cleaner and the furniture classifier count each
    line's words several times)."""
    return len(_WORD_RE.findall(s))


def is_body_line(line: str) -> bool:
    """A sentence-bearing paragraph: ends like a sentence and has some length, or is long."""
    n = _nwords(line)
    return (n >= 6 and bool(_SENT_END_RE.search(line))) or n >= 25


def is_headline_shaped(line: str) -> bool:
    """Short line without a final full stop/colon: a headline, a deck, a crosshead or a link."""
    s = line.strip()
    n = _nwords(s)
    return 3 <= n <= 30 and not _NO_HEADLINE_END_RE.search(s) and not _CRUMB_RE.search(s)


# ---------------------------------------------------------------- dates
def _mk(y: int, m: int, d: int) -> datetime | None:
    try:
        dt = datetime(y, m, d)
    except ValueError:
        return None
    return dt if 1900 <= y <= 2100 else None


def _month(s: str) -> int | None:
    return _ALL_MONTHS.get(" ".join(s.lower().split()))


def find_date(norm: str) -> tuple[datetime, re.Match[str]] | None:
    """The first full (day, month, year) date in a normalised line, with its match."""
    best = None
    for kind, rx in _DATE_RES:
        for m in rx.finditer(norm):
            mo = int(m["m"]) if "m" in rx.groupindex and m["m"] else _month(m["mon"]) if m.groupdict().get("mon") else None
            if mo is None:
                continue
            dt = _mk(int(m["y"]), mo, int(m["d"]))
            if dt is not None and (best is None or m.start() < best[1].start()):
                best = (dt, m)
            break
        del kind
    return best


def date_line(line: str) -> datetime | None:
    """The date when the line carries only a date (with weekday, time, labels, a Hijri twin); else None."""
    norm = normalize(line)
    if len(norm) > 120:
        return None
    hit = find_date(norm)
    if hit is None:
        return None
    rest = norm[:hit[1].start()] + " " + norm[hit[1].end():]
    for rx in (_HIJRI_RE, _LABEL_RE, _UPDATED_RE, _WEEKDAY_RE, _TIME_RE, _FILLER_RE):
        rest = rx.sub(" ", rest)
    return hit[0] if _nwords(rest) <= 1 else None


def _dateline_day(norm: str, year: int | None) -> datetime | None:
    """Day and month of an agency dateline in the first words of a body line (``الكويت - 12 - 2 (كونا)``)."""
    if year is None:
        return None
    head = norm[:60]
    m = _DM_RE.search(head)
    if not m or m.start() > 30:
        return None
    mo = int(m["m"]) if m["m"] else _month(m["mon"])
    return _mk(year, mo, int(m["d"])) if mo else None


# ---------------------------------------------------------------- outlets
@lru_cache(maxsize=1)
def _outlet_names() -> tuple[dict[str, str], re.Pattern[str]]:
    names: dict[str, str] = {}
    for row in resources.rows(resources.path("outlets.tsv")):
        canon, variants = row[0], row[1]
        for v in variants.split("|"):
            key = " ".join(normalize(v).replace(".", " ").split())
            if key:
                names.setdefault(key, canon)
    pattern = re.compile(rf"(?<![^\W_])(?:{_alt(names)})(?![^\W_])")
    return names, pattern


def _name_key(s: str) -> str:
    return " ".join(normalize(s).replace(".", " ").split())


_NAME_SUFFIXES = ("نت", "نيوز", "اونلاين", "الاخباري", "الالكترونيه", "net", "news", "online")
_NAME_SUFFIX_RE = re.compile(rf"\s*(?:{'|'.join(_NAME_SUFFIXES)}|\d+(?:\.\d+)?)$")


@lru_cache(maxsize=1)
def _longest_name() -> int:
    return max(map(len, _outlet_names()[0]), default=0)


def _too_long_for_a_name(text: str) -> bool:
    """True when ``text`` cannot be an outlet name even after its suffix is cut: normalising keeps every
    letter but tatweel, and the cut removes at most one suffix word's letters, so more letters than that
    plus the longest name rule it out (exact, and far cheaper than normalising a body line)."""
    letters = letter_count(text) - text.count("\u0640")
    return letters - max(map(len, _NAME_SUFFIXES)) > _longest_name()


_HOST_RE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.I)


# a longer outlet field is no name (the store refuses outlets over 200 characters, with a reason): it is
# passed on as written, and never held by the memo below
_MAX_NAME_FIELD = 1000


def canonical_outlet(name: str | None) -> str | None:
    """The outlet id a scraper's outlet field stands for, so one outlet is one outlet across inputs: a URL or
    a host gives its domain's name part («https://aawsat.com/…», «www.aawsat.com» → ``aawsat``), a name
    ``rasid/data/outlets.tsv`` knows gives its canonical id («الشرق الأوسط», «Asharq Al-Awsat» → ``aawsat``);
    any other name is kept as written (None for none)."""
    if name is None or not name.strip():
        return None
    name = name.strip()
    return name if len(name) > _MAX_NAME_FIELD else _canonical_outlet(name)


@lru_cache(maxsize=4096)  # a feed or a dump repeats a handful of outlet fields
def _canonical_outlet(name: str) -> str:
    # trafilatura's «source» is the page's URL, news-please's «source_domain» a host (www.aljazeera.net)
    if re.match(r"https?://", name, re.I) or _HOST_RE.match(name):
        return outlet_from_host(name) or name
    return outlet_named(name, whole=True) or name


def outlet_named(text: str, whole: bool = False) -> str | None:
    """The canonical outlet a name in ``text`` stands for (``whole``: the text is the name, nothing else)."""
    names, pattern = _outlet_names()
    if whole and _too_long_for_a_name(text):
        return None
    key = _name_key(re.sub(r"[«»\"“”()|]", " ", text))
    if whole:
        if key in names:
            return names[key]
        key = _NAME_SUFFIX_RE.sub("", key).strip() or key
        if key in names:
            return names[key]
        # the header line may carry the name and a slogan ("Mosaique FM 94.9", "كونا | KUNA")
        return None
    m = pattern.search(key)
    return names[m.group()] if m else None


_SECOND_LEVEL = {"com", "net", "org", "co", "gov", "edu", "ac", "info", "news", "tv", "biz", "press", "media"}


def outlet_from_host(url: str | None) -> str | None:
    """The name part of a site's domain: ``www.okaz.com.sa`` → ``okaz``, ``gate.ahram.org.eg`` → ``ahram``,
    ``www.echoroukonline.com`` → ``echorouk``."""
    if not url:
        return None
    try:
        host = urlparse(url if "//" in url else "//" + url).netloc.lower().split(":")[0].split("@")[-1]
    except ValueError:
        return None
    parts = [p for p in host.split(".") if p]
    if len(parts) < 2:
        return None
    parts = parts[:-1]  # the top-level domain
    while len(parts) > 1 and parts[-1] in _SECOND_LEVEL:
        parts = parts[:-1]
    name = parts[-1]
    if name.endswith("online") and len(name) > 8:
        name = name[: -len("online")]
    return name or None


# ---------------------------------------------------------------- the page
def _is_meta(line: str) -> str | None:
    """Why a line between headline and body is metadata, or None."""
    norm = normalize(line)
    if date_line(line) is not None:
        return "date-line"
    if _READ_TIME_RE.search(norm) and _nwords(norm) <= 8:
        return "reading-time"
    noun = _BYLINE_NOUN_RE.search(norm)
    if _BYLINE_RE.search(norm) and _nwords(norm) <= (5 if noun else 8) and not (noun and _SENT_END_RE.search(norm)):
        return "byline"  # «تحرير عدن..» is a headline
    if _UPDATED_RE.search(norm) and _nwords(norm) <= 10:
        return "date-line"
    if re.search(r"\s[-–]\s[^:]{2,40}:", norm) and _nwords(norm) <= 8 and not _SENT_END_RE.search(norm):
        return "dateline"
    if _nwords(norm) <= 5 and _NAME_CITY_RE.match(line):
        return "dateline"
    if _short_unmarked(norm):
        return "byline"
    return None


def _headline_candidate(line: str) -> bool:
    """``is_headline_shaped``, or a headline that ends with an exclamation or trailing dots (the cleaner's
    notion of a headline-shaped line stays as it is; this one only picks a page's title)."""
    if is_headline_shaped(line):
        return True
    s = line.strip()
    if "&" in s and s.endswith(";"):  # «… &#8220;موجة حر&#8221;»: a character reference, not a final «;»
        return is_headline_shaped(html.unescape(s))
    return 2 <= _nwords(s) <= 30 and bool(_EXCLAIM_END_RE.search(s)) and not _CRUMB_RE.search(s)


def _title_candidate(line: str, norm: str | None = None) -> bool:
    """A line that may be the page's title: headline-shaped (``_headline_candidate``), not a ticker label, not
    a date line (``norm``: the line's normal form, when the caller has it)."""
    return (_headline_candidate(line) and not _TICKER_RE.search(normalize(line) if norm is None else norm)
            and date_line(line) is None)


def _exclaimed_headline(lines: list[str], idx: list[int], k: int) -> bool:
    """Whether body-shaped line ``idx[k]`` is rather the page's headline: at most 15 words, no comma, ending
    with an exclamation or trailing dots, with a body line right after it and nothing headline-shaped right
    before it («مسؤولو الأندية يرمون إخفاقاتهم على الحكام لصرف نظر الجماهير!!»)."""
    ln = lines[idx[k]].strip()
    if not (_EXCLAIM_END_RE.search(ln) and _nwords(ln) <= 15 and not re.search(r"[،,]", ln)):
        return False
    if not any(is_body_line(lines[i]) for i in idx[k + 1:k + 4]):  # a date or byline line may come between
        return False
    return k == 0 or not is_headline_shaped(lines[idx[k - 1]])


def _short_unmarked(norm: str) -> bool:
    """A line of at most four words with no sentence end: an author's name ("أحمد علي") when a headline
    stands above it, but the headline itself ("اشتباكات في حلب") when nothing headline-shaped does."""
    return _nwords(norm) <= 4 and not _SENT_END_RE.search(norm)


def _inline_prefix(line: str, year_hint: int | None) -> tuple[str, datetime | None, str | None] | None:
    """(prefix, its date, its agency) when a body line opens with inline metadata; None otherwise."""
    norm, offs = normalize_with_offsets(line)
    m = _DATE_PREFIX_RE.match(norm)
    if m:
        hit = find_date(norm[m.end():m.end() + 60])
        if hit and hit[1].start() <= 3:
            end = m.end() + hit[1].end()
            t = _TIME_RE.match(norm, end) or re.match(r"\s*[-–,،]?\s*" + _TIME_RE.pattern, norm[end:], re.I)
            if t is not None and t.re is not _TIME_RE:
                end += t.end()
            elif t is not None:
                end = t.end()
            tail = re.match(r"\s*(?:[-–—:،,|]\s*)?", norm[end:])
            end += tail.end() if tail else 0
            if _nwords(norm[end:]) >= 3:
                return line[:offs[end]], hit[0], None
    d = _DATELINE_RE.match(norm)
    if d and _nwords(d["dl"]) <= 7 and _nwords(norm[d.end():]) >= 4:
        dl = d["dl"]
        agency = None
        if d["ag1"]:
            agency = outlet_named(d["ag1"])
            if agency is None and not re.fullmatch(r"\s*[a-z][a-z .]{1,15}\s*", d["ag1"]):
                return None  # "(الاثنين)", "(63 عاما)": a parenthesis in a sentence, not an agency credit
        if agency is None:
            inner = re.findall(r"«([^»]{2,30})»", dl)
            for name in inner:
                agency = agency or outlet_named(name)
        if agency is None:
            parts = re.split(r"\s[-–—]\s|/|:", dl)
            for p in parts:
                agency = agency or outlet_named(p.strip(), whole=True)
        hit = find_date(dl)
        day = hit[0] if hit else _dateline_day(dl, year_hint)
        looks_dateline = bool(agency) or bool(d["ag1"]) or (d["sep"] in {"--", "–", "—"}) or bool(hit) or bool(
            re.search(r"\s[-–]\s", dl)) or "«" in dl
        if looks_dateline and (agency or hit or d["ag1"] or re.search(r"\s[-–]\s", dl) or "«" in dl):
            return line[:offs[d.end()]], day, agency
    return None


def read_page(lines: list[str], url: str | None = None, title: str | None = None) -> PageInfo:
    """Headline, date, outlet and metadata lines of one page's text lines (see the module docstring)."""
    info = PageInfo()
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    if not idx:
        return info
    body = next((k for k, i in enumerate(idx) if is_body_line(lines[i]) and date_line(lines[i]) is None
                 and not _COPYRIGHT_RE.search(lines[i])), None)
    if body is not None and title is None and _exclaimed_headline(lines, idx, body):
        body += 1
    body = idx[body] if body is not None else None
    info.body_start = body
    # ---- headline
    title_line = None
    if title:
        key = _name_key(title)
        ends = bool(_SENT_END_RE.search(title))  # «عطل مطار الملك خالد!»: the headline itself ends so
        title_line = next((i for i in idx if _name_key(lines[i]) == key and (body is None or i <= body)
                           and _nwords(lines[i]) <= 20 and (ends or not _SENT_END_RE.search(lines[i]))), None)
        info.title, info.title_line = title.strip(), title_line
    if title is None and body is not None:
        group: list[int] = []
        before = [i for i in idx if i < body]
        k = len(before) - 1
        short: int | None = None  # the topmost short unmarked line skipped as a byline (see _short_unmarked)
        while k >= 0:
            ln = lines[before[k]]
            norm = normalize(ln)
            why = _is_meta(ln)
            # a byline only by the weak rule (short, unmarked): the headline itself when none stands above it
            weak = why == "byline" and _short_unmarked(norm) and not _BYLINE_RE.search(norm)
            if group and why and not weak:
                # a date, dateline or marked byline above a headline-shaped line ends the group; when a headline
                # stands above that metadata, the group was the deck or an unpunctuated first paragraph
                up = k - 1
                while up >= 0 and (_is_meta(lines[before[up]]) or _inline_only_dateline(lines[before[up]])):
                    up -= 1
                if up >= 0 and _title_candidate(lines[before[up]]):
                    group, k = [before[up]], up - 1
                break
            if not group and (why or _inline_only_dateline(ln)):
                two = (_nwords(ln) == 2 and not _CRUMB_RE.search(ln) and not _TICKER_RE.search(norm)
                       and date_line(ln) is None)  # «فارس العيد»: a column's two-word headline
                if weak and (two or _title_candidate(ln, norm)):
                    short = k  # the topmost wins: a headline stands above its author's name
                k -= 1
                continue
            if _title_candidate(ln, norm):
                group.insert(0, before[k])
                k -= 1
                continue
            break
        if not group and short is not None:  # nothing headline-shaped above it: the short line is the headline
            group, k = [before[short]], short - 1
        while len(group) > 1 and _TICKER_ITEM_RE.search(normalize(lines[group[0]])):
            del group[0]  # «عاجل: …» above the headline is the ticker's latest item, not this page's headline
        if group:
            prev = normalize(lines[before[k]]) if k >= 0 else ""
            pick = group[-1] if (_TICKER_RE.search(prev) or len(group) >= 3) else group[0]
            title_line = pick
            if not title:
                info.title = lines[pick].strip()
            info.title_line = pick
    top = info.title_line if info.title_line is not None else (body if body is not None else 0)
    # ---- metadata lines between the headline and the body
    if body is not None:
        for i in idx:
            if top < i < body and (why := _is_meta(lines[i])):
                info.meta_lines[i] = why
            elif top < i < body and _inline_only_dateline(lines[i]):
                info.meta_lines[i] = "dateline"
    # ---- publication date
    pub = upd = None
    for i in idx:
        if i < top - 1 or (body is not None and i > body):
            continue
        if i in info.meta_lines or (i == top - 1 and date_line(lines[i])):
            d = date_line(lines[i])
            if d is None:
                continue
            if i == top - 1:
                info.meta_lines[i] = "date-line"
            if _UPDATED_RE.search(normalize(lines[i])) and not re.search(r"نشر|publi", normalize(lines[i]), re.I):
                upd = upd or d
            else:
                pub = pub or d
    year_hint = pub.year if pub else _page_year(lines, url)
    agency = None
    if body is not None:
        got = _inline_prefix(lines[body], year_hint)
        if got:
            prefix, day, agency = got
            info.prefixes[body] = prefix
            if pub is None and day is not None:
                pub, info.date_source = day, "inline-metadata"
    if pub is not None and info.date_source is None:
        info.date_source = "date-line"
    if pub is None and url:
        from rasid.ingest.common import date_from_url

        if (d := date_from_url(url)) is not None:
            pub, info.date_source = d, "url"
    if pub is None and upd is not None:
        pub, info.date_source = upd, "date-line (last update)"
    if pub is None and body is not None:
        got = infer_from_text([lines[i] for i in idx if i >= body][:6])
        if got is not None:
            pub, info.date_source = got
    info.published = pub
    # ---- outlet
    head_end = info.title_line if info.title_line is not None else (body if body is not None else len(lines))
    for i in idx:
        if i >= head_end or i > 15:
            break
        if (o := outlet_named(lines[i], whole=True)):
            info.outlet, info.outlet_source = o, "site name"
            break
    if info.outlet is None:
        for i in reversed(idx[-8:]):
            if _COPYRIGHT_RE.search(lines[i]) and (o := outlet_named(lines[i])):
                info.outlet, info.outlet_source = o, "copyright line"
                break
    if info.outlet is None and agency:
        info.outlet, info.outlet_source = agency, "dateline"
    if info.outlet is None:
        for i in idx:
            m = _SOURCE_RE.match(normalize(lines[i]))
            if m and _nwords(m["src"]) <= 6 and (o := outlet_named(m["src"].split("+")[0].split(" و")[0].strip(),
                                                                   whole=True)):
                info.outlet, info.outlet_source = o, "source credit"
                break
    return info


_TODAY_RE = re.compile(rf"(?<![^\W\d_])(?P<rel>اول\s+امس|امس\s+الاول|اليوم|امس|الامس|غدا|غد|مساء\s+اليوم|"
                       rf"مساء\s+امس|صباح\s+اليوم|صباح\s+امس|مساء\s+غد|صباح\s+غد)\s+"
                       rf"(?P<wd>{_alt(WEEKDAYS)}){_W}\s*[،,(]?\s*")
_AFTER_RE = re.compile(r"^[\s،,(]*(?:الموافق\s+)?")


# how many days the named day lies before the publication day: «أمس الثلاثاء 27 يناير» → published the 28th;
# «أول أمس» (the day before yesterday) → +2; «غداً الأحد 1 فبراير» → published the day before
_DAYS_FROM_PUBLICATION = {"اليوم": 0, "امس": 1, "اول امس": 2, "غد": -1}


def _rel_word(rel: str) -> str:
    words = rel.split()
    if words[0] in ("مساء", "صباح"):
        words = words[1:]
    key = " ".join(words)
    if key in ("امس الاول", "اول امس"):
        return "اول امس"
    return {"الامس": "امس", "غدا": "غد"}.get(key, key)


def infer_from_text(lines: list[str]) -> tuple[datetime, str] | None:
    """The publication day when the text pins it down: "اليوم"/"أمس"/"أول أمس"/"غداً" with a weekday *and* an
    absolute date that the weekday agrees with (``أعلنت الوزارة اليوم الأربعاء 28 يناير 2026``), counted back
    or forward from that day. Returns the day and the
    evidence with a confidence (stored as ``date_source``); a weekday alone, or a date alone (it may be
    background: ``في 15 يناير 2025``), pins nothing."""
    for line in lines:
        if not _TODAY_RE.search(normalize(line)):  # the usual case: no «اليوم»/«أمس» + weekday, no offsets needed
            continue
        norm, offs = normalize_with_offsets(line)
        for m in _TODAY_RE.finditer(norm):
            rest = norm[m.end():m.end() + 40]
            hit = find_date(rest)
            if hit is None or hit[1].start() > len(_AFTER_RE.match(rest).group()) + 1:
                continue
            day = hit[0]
            if day.weekday() != WEEKDAYS[m["wd"]]:
                continue  # the weekday does not agree with the date: nothing is pinned down
            pub = day + timedelta(days=_DAYS_FROM_PUBLICATION[_rel_word(m["rel"])])
            quote = line[offs[m.start()]:offs[min(len(norm), m.end() + hit[1].end())]].strip()
            return pub, f"inferred from the text (confidence 0.9): '{quote[:120]}'"
    return None


def _inline_only_dateline(line: str) -> bool:
    """A dateline alone on its line: ``عمان - بترا:``."""
    norm = normalize(line).strip()
    return _nwords(norm) <= 5 and bool(re.search(r"[:\-–/]\s*$|\)\s*$", norm)) and bool(
        outlet_named(re.sub(r"[-–:/()]", " ", norm)))


def _page_year(lines: list[str], url: str | None) -> int | None:
    """A year printed on the page (URL, copyright line): only ever used to complete a dateline's day."""
    if url and (m := re.search(r"/(20\d\d)/", url)):
        return int(m[1])
    for ln in lines[-10:]:
        if _COPYRIGHT_RE.search(ln) and (m := re.search(r"(?<!\d)(20\d\d)(?!\d)", normalize(ln))):
            return int(m[1])
    return None


def stamp_correction(text: str, local_day: date, lede_chars: int = 800) -> tuple[int, str] | None:
    """Days to move a feed/metadata stamp by when the article's own «اليوم»/«أمس» + weekday says its
    calendar day is the one before (outlets whose feeds carry the next day's stamp), with the quote.

    Only the lede is read (a later «أمس الاثنين» may be a quoted earlier report); every such phrase there
    must agree on the same shift, and only a one-day-ahead stamp is corrected: a phrase that fits the stamp
    leaves it alone, any other disagreement is not a stamp problem."""
    if not _TODAY_RE.search(normalize(text[:lede_chars])):  # the usual case: nothing to check, no offsets needed
        return None
    norm, offs = normalize_with_offsets(text[:lede_chars])
    shifts: set[int] = set()
    quote = ""
    for m in _TODAY_RE.finditer(norm):
        wd = WEEKDAYS[m["wd"]]
        said = local_day - timedelta(days=1) if "امس" in m["rel"] else local_day  # what the stamp implies
        if said.weekday() == wd:
            shifts.add(0)
        elif (said - timedelta(days=1)).weekday() == wd:
            shifts.add(-1)
            quote = quote or text[offs[m.start()]:offs[min(len(norm) - 1, m.end() - 1)] + 1].strip()
        else:
            return None
    if shifts != {-1}:
        return None
    return -1, quote
