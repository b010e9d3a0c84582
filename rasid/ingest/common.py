"""What every reader shares: input limits, outlet names from URLs, metadata dates, ids for URL-known articles.

Readers import from here (never from each other), so the ingest package has no import cycle.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlparse

from rasid.text.normalize import to_ascii_digits

MAX_FILE_BYTES = 64 * 1024 * 1024  # a single article file beyond this is refused (JSONL dumps are streamed)
MAX_ARTICLE_CHARS = 2_000_000  # one article longer than this is refused, not truncated


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).netloc.lower().split(":")[0]
    if not host:
        return None
    parts = [p for p in host.split(".") if p not in {"www", "m", "ar", "arabic", "amp"}]
    generic = {"com", "net", "org", "co", "uk", "sa", "sy", "ru", "gov", "info", "news", "tv"}
    core = [p for p in parts if p not in generic]
    return core[0] if core else (parts[0] if parts else None)


def parse_date(value: str | None) -> datetime | None:
    """Parse metadata dates (ISO, RFC-822, 'YYYY-MM-DD hh:mm:ss'); None when invalid (e.g. year 0)."""
    if not value:
        return None
    value = str(value).strip()
    value = to_ascii_digits(value)
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            m = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value)
            if m:
                try:
                    dt = datetime(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    return None
    if dt is None or not (1800 <= dt.year <= 2200):
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


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
