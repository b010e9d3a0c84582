"""Read articles from files and folders (.txt, .html, .jsonl; .xml/.rss feeds and .warc when available).

Every input yields either a ``RawArticle`` or a ``Skip`` with a reason: a bad
file never stops the run and is never dropped silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rasid.ingest.common import MAX_ARTICLE_CHARS, MAX_FILE_BYTES, date_from_url, outlet_from_url, parse_date
from rasid.models import RawArticle, Skip
from rasid.text.decode import DecodeError, decode_bytes

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
WARC_SUFFIXES = {".warc", ".gz"}

_HEADER_RE = re.compile(r"^(date|title|url|source|outlet)\s*[:=]?\s+(.*\S)\s*$", re.IGNORECASE)


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand folders recursively, in sorted order so runs are reproducible."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    yield child
        else:
            yield path


def read_inputs(paths: Iterable[str | Path]) -> Iterator[RawArticle | Skip]:
    """Yield articles (or skips) from every file under ``paths``; ``http(s)://`` items are feed URLs."""
    for p in paths:
        if isinstance(p, str) and p.startswith(("http://", "https://")):
            from rasid.ingest.feeds import read_feed_url

            yield from read_feed_url(p)
            continue
        for path in iter_paths([p]):
            yield from read_file(path)


def read_file(path: Path) -> Iterator[RawArticle | Skip]:
    src = str(path)
    if not path.exists():
        yield Skip(src, "file not found")
        return
    suffix = path.suffix.lower()
    name = path.name.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Skip(src, f"cannot stat file: {exc}")
        return
    if size == 0:
        yield Skip(src, "empty file")
        return
    try:
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path)
        elif name.endswith((".warc", ".warc.gz")):
            from rasid.ingest.warc import read_warc

            yield from read_warc(path)
        elif suffix in FEED_SUFFIXES:
            from rasid.ingest.feeds import read_feed

            yield from read_feed(path)
        else:  # .txt/.html and unknown suffixes: sniff the content (binary files are refused with a reason)
            if size > MAX_FILE_BYTES:
                yield Skip(src, f"file too large ({size} bytes > {MAX_FILE_BYTES}); split it or use JSONL")
                return
            data = path.read_bytes()
            text, encoding = decode_bytes(data)
            if suffix in HTML_SUFFIXES or _looks_like_html(text):
                yield _from_html(path, text, encoding)
            else:
                yield _from_text(path, text, encoding)
    except DecodeError as exc:
        yield Skip(src, str(exc))
    except (OSError, ValueError) as exc:
        yield Skip(src, f"unreadable: {exc}")


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def doc_id_for(path: Path) -> str:
    return path.stem


def _outlet_from_folder(path: Path) -> str | None:
    parent = path.parent.name
    return parent if parent and parent not in {".", "corpus", "input", "data"} else None


def _from_text(path: Path, text: str, encoding: str) -> RawArticle | Skip:
    """Plain scraped text; leading ``key value`` lines (date/title/url/source) are metadata."""
    if "\x00" in text:
        return Skip(str(path), "binary content (NUL bytes) in text file")
    lines = text.splitlines()
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines) and i < 8:
        m = _HEADER_RE.match(lines[i])
        if not m:
            break
        meta[m[1].lower()] = m[2]
        i += 1
    body = "\n".join(lines[i:]).strip("\n")
    if not body.strip():
        return Skip(str(path), "no text after metadata lines")
    if len(body) > MAX_ARTICLE_CHARS:
        return Skip(str(path), f"article too long ({len(body)} chars > {MAX_ARTICLE_CHARS})")
    url = meta.get("url")
    published = parse_date(meta.get("date"))
    date_source = "header-line" if published else None
    if published is None and "date" in meta:
        date_source = f"invalid date '{meta['date']}' ignored"
    if published is None and (d := date_from_url(url)):
        published, date_source = d, "url"
    outlet = meta.get("source") or meta.get("outlet") or _outlet_from_folder(path) or outlet_from_url(url)
    return RawArticle(
        doc_id=doc_id_for(path), text=body, source_path=str(path), fmt="txt", title=meta.get("title"),
        url=url, outlet=outlet, published=published, date_source=date_source, encoding=encoding,
    )


def _from_html(path: Path, html: str, encoding: str) -> RawArticle | Skip:
    from rasid.ingest.html import extract_html

    try:
        ext = extract_html(html)
    except ValueError as exc:
        return Skip(str(path), f"malformed HTML: {exc}")
    if not ext.text.strip():
        return Skip(str(path), "no main text found in HTML")
    published = parse_date(ext.date)
    date_source = "html-meta" if published else None
    if published is None and (d := date_from_url(ext.url)):
        published, date_source = d, "url"
    outlet = _outlet_from_folder(path) or ext.sitename or outlet_from_url(ext.url)
    return RawArticle(
        doc_id=doc_id_for(path), text=ext.text, source_path=str(path), fmt="html", title=ext.title,
        url=ext.url, outlet=outlet, published=published, date_source=date_source, encoding=encoding,
    )


_JSON_TEXT_KEYS = ("text", "content", "body", "article")
_JSON_ID_KEYS = ("id", "docno", "doc_id", "guid")
_JSON_DATE_KEYS = ("date", "published", "time", "date_extracted", "pubDate")
_JSON_OUTLET_KEYS = ("source", "src", "outlet", "site")


def _read_jsonl(path: Path) -> Iterator[RawArticle | Skip]:
    """One article per line; a broken line is skipped with its line number, the rest still load."""
    src = str(path)
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            where = f"{src}:{lineno}"
            if len(raw) > MAX_ARTICLE_CHARS * 4:
                yield Skip(where, f"JSON line too long ({len(raw)} bytes)")
                continue
            try:
                text_line, _ = decode_bytes(raw)
                obj = json.loads(text_line)
            except (DecodeError, json.JSONDecodeError) as exc:
                yield Skip(where, f"malformed JSON: {exc}")
                continue
            if not isinstance(obj, dict):
                yield Skip(where, "JSON line is not an object")
                continue
            yield _from_json(obj, path, lineno)


def _first(obj: dict, keys: tuple[str, ...]) -> str | None:
    for k in keys:
        v = obj.get(k)
        if v not in (None, ""):
            return str(v)
    return None


def _from_json(obj: dict, path: Path, lineno: int) -> RawArticle | Skip:
    where = f"{path}:{lineno}"
    doc_id = _first(obj, _JSON_ID_KEYS) or f"{path.stem}-{lineno}"
    text = _first(obj, _JSON_TEXT_KEYS)
    if not text or not text.strip():
        return Skip(where, "empty text", doc_id=doc_id)
    if len(text) > MAX_ARTICLE_CHARS:
        return Skip(where, f"article too long ({len(text)} chars)", doc_id=doc_id)
    url = _first(obj, ("url", "link"))
    raw_date = _first(obj, _JSON_DATE_KEYS)
    published = parse_date(raw_date)
    date_source = "metadata" if published else (f"invalid date '{raw_date}' ignored" if raw_date else None)
    if published is None and (d := date_from_url(url)):
        published, date_source = d, "url"
    outlet = _first(obj, _JSON_OUTLET_KEYS) or outlet_from_url(url)
    return RawArticle(
        doc_id=doc_id, text=text.replace("\r\n", "\n"), source_path=where, fmt="jsonl",
        title=_first(obj, ("title", "headline")), url=url, outlet=outlet, published=published,
        date_source=date_source,
    )
