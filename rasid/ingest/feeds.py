"""RSS/Atom feeds (files or URLs) via feedparser: one ``RawArticle`` per entry, or a ``Skip`` saying why not."""

from __future__ import annotations

import calendar
import hashlib
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import feedparser

from rasid.ingest.common import (
    MAX_ARTICLE_CHARS,
    MAX_FILE_BYTES,
    outlet_from_url,
    parse_date_offset,
    path_text,
    url_doc_id,
)
from rasid.ingest.page import canonical_outlet
from rasid.models import RawArticle, Skip

_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")


def html_fragment_text(fragment: str) -> str:
    """Text of an entry's HTML body, one paragraph per line (feed bodies are fragments, not pages)."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return ""
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    for el in root.iter("script", "style"):
        el.drop_tree()
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _published(entry: dict) -> tuple[datetime | None, int | None]:
    """The entry's stamp in naive UTC and the UTC offset it was written with (from the raw string)."""
    for key in ("published", "updated", "created"):
        if entry.get(f"{key}_parsed") and isinstance(entry.get(key), str):
            dt, offset = parse_date_offset(entry[key])
            if dt is not None:
                return dt, offset
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        st = entry.get(key)
        if st:
            try:
                return datetime.fromtimestamp(calendar.timegm(st), UTC).replace(tzinfo=None), None
            except (OverflowError, ValueError, OSError):
                return None, None
    return None, None


def _entry_body(entry: dict) -> str:
    for c in entry.get("content") or []:
        if c.get("value"):
            return c["value"]
    return entry.get("summary") or entry.get("description") or ""


def parse_feed(data: bytes, source: str) -> Iterator[RawArticle | Skip]:
    """Entries of a feed document; a feed that is not XML at all becomes a single ``Skip``."""
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        yield Skip(source, f"malformed feed: {why}" if why else "feed has no entries")
        return
    feed_title = (parsed.get("feed") or {}).get("title")
    feed_link = (parsed.get("feed") or {}).get("link")
    for i, entry in enumerate(entries, start=1):
        where = f"{source}#{i}"
        link = entry.get("link")
        key = entry.get("id") or link or f"{source}#{entry.get('title', '')}"
        doc_id = url_doc_id(link) if link else f"feed-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"
        body = html_fragment_text(_entry_body(entry))
        if not body:
            yield Skip(where, "feed entry has no text", doc_id=doc_id)
            continue
        if len(body) > MAX_ARTICLE_CHARS:
            yield Skip(where, f"article too long ({len(body)} chars > {MAX_ARTICLE_CHARS})", doc_id=doc_id)
            continue
        published, offset = _published(entry)
        title = html_fragment_text(entry.get("title") or "") or None
        yield RawArticle(
            doc_id=doc_id, text=body, source_path=where, fmt="rss", title=title, url=link,
            outlet=outlet_from_url(link) or outlet_from_url(feed_link) or canonical_outlet(feed_title),
            published=published, date_source="metadata" if published else None, published_offset_minutes=offset,
        )


def read_feed(path: Path) -> Iterator[RawArticle | Skip]:
    """A feed file (.rss/.atom/.xml) on disk."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        yield Skip(path_text(path), f"feed file too large ({size} bytes > {MAX_FILE_BYTES})")
        return
    yield from parse_feed(path.read_bytes(), path_text(path))


def read_feed_url(url: str, timeout: float = 30.0, max_bytes: int = MAX_FILE_BYTES) -> Iterator[RawArticle | Skip]:
    """A feed fetched over HTTP(S); network errors and oversized responses become a ``Skip``."""
    if not url.lower().startswith(("http://", "https://")):
        yield Skip(url, "not an http(s) URL")
        return
    req = urllib.request.Request(url, headers={"User-Agent": "rasid/0.1 (+feed reader)"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - scheme checked above
            data = resp.read(max_bytes + 1)
    except (OSError, ValueError) as exc:
        yield Skip(url, f"cannot fetch feed: {exc}")
        return
    if len(data) > max_bytes:
        yield Skip(url, f"feed too large (> {max_bytes} bytes)")
        return
    yield from parse_feed(data, url)
