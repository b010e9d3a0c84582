"""WARC archives (as written by news crawlers) via warcio: each HTML response becomes an article.

Only ``response`` records with an HTML body are articles; requests, metadata and
non-HTML resources (CSS, images) are not inputs and are passed over. An HTML
response that yields no text, or has an error status, becomes a ``Skip``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from rasid.ingest.common import (
    MAX_ARTICLE_CHARS,
    date_from_url,
    outlet_from_url,
    parse_date_offset,
    path_text,
    url_doc_id,
)
from rasid.ingest.page import canonical_outlet
from rasid.models import RawArticle, Skip
from rasid.text.decode import DecodeError, decode_bytes

MAX_RECORD_BYTES = 16 * 1024 * 1024  # one HTML page larger than this is refused


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        k, _, v = part.strip().partition("=")
        if k.lower() == "charset" and v:
            return v.strip("\"' ").lower()
    return None


def _decode(data: bytes, content_type: str) -> str:
    cs = _charset(content_type)
    if cs:
        try:
            return data.decode(cs)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data)[0]


def _article(uri: str, html: str, where: str) -> RawArticle | Skip:
    from rasid.ingest.html import extract_html

    doc_id = url_doc_id(uri, "warc")
    try:
        ext = extract_html(html)
    except ValueError as exc:
        return Skip(where, f"malformed HTML: {exc}", doc_id)
    if not ext.text.strip():
        return Skip(where, "no main text found in HTML", doc_id)
    if len(ext.text) > MAX_ARTICLE_CHARS:
        return Skip(where, f"article too long ({len(ext.text)} chars > {MAX_ARTICLE_CHARS})", doc_id)
    published, offset = parse_date_offset(ext.date)
    date_source = "html-meta" if published else None
    if published is None and (d := date_from_url(uri)):
        published, date_source = d, "url"
    return RawArticle(doc_id=doc_id, text=ext.text, source_path=where, fmt="warc", title=ext.title, url=uri,
                      outlet=outlet_from_url(uri) or canonical_outlet(ext.sitename), published=published,
                      date_source=date_source,
                      published_offset_minutes=offset if date_source == "html-meta" else None)


def _truncated(rec: object) -> bool:
    """Drain the record; warcio stops quietly at EOF, so a record shorter than its Content-Length shows here."""
    while rec.raw_stream.read(65536):
        pass
    return getattr(rec.raw_stream, "limit", 0) > 0


def read_warc(path: Path) -> Iterator[RawArticle | Skip]:
    """Articles from a .warc or .warc.gz file, in record order; a truncated record is a ``Skip``."""
    src = path_text(path)
    records = 0
    try:
        with path.open("rb") as fh:
            for n, rec in enumerate(ArchiveIterator(fh), start=1):
                records += 1
                where = f"{src}#{n}"
                if rec.rec_type != "response" or rec.http_headers is None:
                    if _truncated(rec):
                        yield Skip(where, "truncated WARC record")
                    continue
                ctype = rec.http_headers.get_header("Content-Type") or ""
                uri = rec.rec_headers.get_header("WARC-Target-URI") or where
                doc_id = url_doc_id(uri, "warc")
                data = rec.content_stream().read(MAX_RECORD_BYTES + 1) if "html" in ctype.lower() else b""
                if _truncated(rec):
                    yield Skip(where, f"truncated WARC record for {uri}", doc_id)
                    continue
                if "html" not in ctype.lower():
                    continue
                status = rec.http_headers.get_statuscode() or ""
                if not status.startswith("2"):
                    yield Skip(where, f"HTTP status {status} for {uri}", doc_id)
                    continue
                if len(data) > MAX_RECORD_BYTES:
                    yield Skip(where, f"HTML page too large (> {MAX_RECORD_BYTES} bytes)", doc_id)
                    continue
                try:
                    html = _decode(data, ctype)
                except DecodeError as exc:
                    yield Skip(where, str(exc), doc_id)
                    continue
                yield _article(uri, html, where)
    except (ArchiveLoadFailed, EOFError, zlib.error) as exc:
        yield Skip(src, f"not a readable WARC file (or truncated): {exc}")
        return
    except AttributeError as exc:  # warcio on a response record with no WARC-Target-URI header
        yield Skip(src, f"malformed WARC record headers (a response without its target URI?): {exc}")
        return
    if records == 0:
        yield Skip(src, "no complete WARC record (truncated or not a WARC file)")
