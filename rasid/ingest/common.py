"""What every reader shares: input limits, outlet names from URLs, metadata dates, ids for URL-known articles.

Readers import from here (never from each other), so the ingest package has no import cycle.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlparse

from rasid.models import RawArticle, Skip
from rasid.text.decode import Decoded
from rasid.text.normalize import to_ascii_digits

MAX_FILE_BYTES = 64 * 1024 * 1024  # a single article file beyond this is refused (JSONL dumps are streamed)
MAX_ARTICLE_CHARS = 2_000_000  # one article longer than this is refused, not truncated
MAX_ID_CHARS = 300  # the store's id columns: checked here so SQLite and PostgreSQL refuse the same records
MAX_OUTLET_CHARS = 200
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
WARNING = "warning: "
UNKNOWN_OUTLET = "unknown"  # the outlet of an article that names none (see readers._named)  # a Skip whose reason starts so is a note about a stored article, not a refusal


def path_text(path: str | Path) -> str:
    """A path as text that any database accepts: bytes of a non-UTF-8 file name become U+FFFD."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def without_surrogates(text: str) -> tuple[str, int]:
    """``text`` with lone surrogates (from JSON ``\\ud800`` escapes or odd file names) as U+FFFD, and their count."""
    if text.isascii():
        return text, 0
    return _SURROGATE_RE.subn("\ufffd", text)


def check_limits(raw: RawArticle) -> Skip | None:
    """A Skip naming the field when a value would not fit the store (the same on every backend)."""
    for field, value, limit in (("id", raw.doc_id, MAX_ID_CHARS), ("outlet", raw.outlet, MAX_OUTLET_CHARS)):
        if value is not None and len(value) > limit:
            return Skip(raw.source_path, f"field '{field}' too long ({len(value)} characters > {limit})",
                        raw.doc_id[:MAX_ID_CHARS])
    if len(raw.text) > MAX_ARTICLE_CHARS:
        return Skip(raw.source_path, f"article too long ({len(raw.text)} chars > {MAX_ARTICLE_CHARS})", raw.doc_id)
    return None


_URL_JUNK_RE = re.compile(r"[\x00-\x20\x7f]")  # what browsers strip or ignore around and inside a URL
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
MAX_URL_CHARS = 4096


def safe_url(url: str | None) -> str | None:
    """``url`` trimmed, when it is an absolute http(s) URL with a host; None for anything else.

    Why: a document's URL is shown as a link, and a ``javascript:`` (or ``data:``, ``vbscript:``...)
    URL would run in the app's origin when clicked. Browsers ignore letter case, leading spaces and
    control characters, and tabs/newlines inside the scheme, so the scheme is read the same way here.
    """
    if not url or not isinstance(url, str):
        return None
    url = url.strip("\x00\t\n\r\f\v ")
    if not url or len(url) > MAX_URL_CHARS:
        return None
    scheme, sep, _rest = _URL_JUNK_RE.sub("", url).partition(":")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    try:
        parsed = urlparse(url)
    except ValueError:
        return None
    if parsed.scheme.lower() not in ("http", "https") or not parsed.hostname or _CONTROL_RE.search(url):
        return None
    return url


def with_safe_urls(items: Iterable[RawArticle | Skip]) -> Iterator[RawArticle | Skip]:
    """Articles with a non-http(s) ``url`` lose it (the article is still stored), with a warning Skip."""
    for item in items:
        if isinstance(item, RawArticle) and item.url is not None:
            good = safe_url(item.url)
            if good is None:
                shown = _URL_JUNK_RE.sub(" ", item.url).strip()[:80]
                yield dataclasses.replace(item, url=None)
                yield Skip(item.source_path, f"{WARNING}url {shown!r} dropped: only http(s) links are kept; "
                                             "the article was stored", item.doc_id)
                continue
            if good != item.url:
                item = dataclasses.replace(item, url=good)
        yield item


def outlet_from_url(url: str | None) -> str | None:
    """The outlet a URL's host names: the name part of the domain (``gate.ahram.org.eg`` → ``ahram``)."""
    from rasid.ingest.page import outlet_from_host

    if not url or not urlparse(url).netloc:
        return None
    return outlet_from_host(url)


def parse_date(value: str | None) -> datetime | None:
    """Parse metadata dates (ISO, RFC-822, 'YYYY-MM-DD hh:mm:ss') to naive UTC; None when invalid (e.g. year 0)."""
    return parse_date_offset(value)[0]


def parse_date_offset(value: str | None) -> tuple[datetime | None, int | None]:
    """``parse_date`` plus the UTC offset in minutes the value was written with (None when it had no zone),
    so the local calendar day of a late-evening or early-morning stamp is not lost."""
    if not value:
        return None, None
    value = str(value).strip()
    value = to_ascii_digits(value)
    dt: datetime | None = None
    if len(value) > 100:  # no real date is this long; refuse before any parser sees it
        return None, None
    if re.fullmatch(r"\d{10}(?:\.\d+)?|\d{13}", value):  # a Unix time stamp (seconds, or milliseconds)
        seconds = float(value) / (1000 if len(value) == 13 else 1)
        dt = datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
        return (dt, 0) if 1990 <= dt.year <= 2100 else (None, None)
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            m = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value)
            if m:
                try:
                    dt = datetime(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    return None, None
    if dt is None or not (1800 <= dt.year <= 2200):
        return None, None
    offset = None
    if dt.tzinfo is not None:
        try:
            delta = dt.utcoffset()
            offset = int(delta.total_seconds() // 60) if delta is not None else None
            dt = dt.astimezone(UTC).replace(tzinfo=None)
        except (OverflowError, ValueError):  # an absurd zone pushes the instant out of range
            return None, None
        if offset is not None and abs(offset) > 18 * 60:
            offset = None  # no real zone is this far from UTC
    return (dt, offset) if 1800 <= dt.year <= 2200 else (None, None)


def date_from_url(url: str | None) -> datetime | None:
    if not url:
        return None
    m = re.search(r"/(20\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|$|-)", url) or re.search(r"(20\d{2})(\d{2})(\d{2})", url)
    if not m:
        return None
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def url_doc_id(url: str, fallback: str = "doc") -> str:
    """Stable, readable id for an article known by its URL: outlet + short hash of the URL."""
    prefix = outlet_from_url(url) or fallback
    return f"{prefix}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:12]}"


def damage_note(where: str, doc_id: str, dec: Decoded) -> Skip:
    """The skip-style warning for an article stored after damaged bytes were replaced."""
    return Skip(where, f"{WARNING}{dec.damaged} damaged byte(s) replaced with U+FFFD ({dec.encoding}); "
                       "the article was stored", doc_id)
