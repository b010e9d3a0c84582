"""Articles from records: JSON Lines, JSON documents (an array, an API response) and CSV/TSV tables.

A record is a mapping of field names to values; ``_from_json`` turns one into a ``RawArticle`` or a ``Skip``
that names the field at fault. The field names are those of common scrapers' dumps (news-please, newspaper3k,
trafilatura, schema.org), in any case or in Arabic. ``rasid.ingest.readers`` dispatches files here by suffix.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from rasid.ingest.common import (
    MAX_ARTICLE_CHARS,
    MAX_FILE_BYTES,
    MAX_ID_CHARS,
    damage_note,
    date_from_url,
    outlet_from_url,
    parse_date_offset,
    path_text,
    without_surrogates,
)
from rasid.ingest.page import canonical_outlet, date_line
from rasid.models import RawArticle, Skip
from rasid.text.decode import Decoded, DecodeError, decode


def metadata_date(value: str | None) -> tuple[datetime | None, int | None]:
    """A metadata field's date and UTC offset: ISO, RFC 822, a Unix time stamp (``parse_date_offset``), else a
    date as people write it («12/06/2018» day first, «الثلاثاء 12 حزيران 2018», «June 12, 2018»: the page
    reader's ``date_line``), with no offset."""
    dt, offset = parse_date_offset(value)
    if dt is None and value and len(str(value)) <= 120:
        dt = date_line(str(value))
    return dt, offset


# Field names of common scrapers' dumps, most specific first: news-please (maintext, date_publish,
# source_domain), newspaper3k (publish_date), trafilatura's JSON (sitename, hostname), schema.org-shaped
# records (articleBody, datePublished). A crawl time (date_extracted) is the last resort for a date.
_JSON_TEXT_KEYS = ("text", "content", "body", "article", "maintext", "articleBody", "article_body", "full_text")
_JSON_ID_KEYS = ("id", "docno", "doc_id", "guid")
_JSON_DATE_KEYS = ("date", "published", "date_publish", "publish_date", "datePublished", "date_published",
                   "published_at", "publishedAt", "pub_date", "pubDate", "time", "date_extracted")
_JSON_OUTLET_KEYS = ("source", "src", "outlet", "site", "source_domain", "sitename", "hostname")
_JSON_URL_KEYS = ("url", "link", "canonical_url", "source_url")


# A .json file holding one document, not one object per line: an array of articles (Scrapy's ``-o items.json``)
# or an object with the array under one of these keys (NewsAPI's «articles»).
_JSON_LIST_KEYS = ("articles", "items", "data", "results", "documents", "docs")
MAX_JSON_DOCUMENT_BYTES = 4 * MAX_FILE_BYTES  # read whole; beyond this, JSONL (streamed) is the way


def _oversize(path: Path, data: bytes | None) -> int | None:
    """The size of a file (or of ``data``, its decompressed bytes) that is read whole, when over the limit."""
    size = path.stat().st_size if data is None else len(data)
    return size if size > MAX_JSON_DOCUMENT_BYTES else None


def starts_like_a_document(source: Path | BinaryIO) -> bool:
    """Whether a .json file is one JSON document (an array; an object spread over lines; an object holding the
    articles under «articles»/«items»/…) rather than JSON Lines. A JSON Lines file whose first line is broken
    stays JSON Lines: its second line is a whole object."""
    def line_object(raw: bytes) -> dict | None:
        try:
            obj = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            return None
        return obj if isinstance(obj, dict) else None

    with source.open("rb") if isinstance(source, Path) else contextlib.nullcontext(source) as fh:
        first = fh.readline(MAX_ARTICLE_CHARS * 4).lstrip(b"\xef\xbb\xbf \t\r\n")
        while not first and (more := fh.readline(MAX_ARTICLE_CHARS * 4)):
            first = more.strip()
        if first.startswith(b"["):
            return True
        if not first.startswith(b"{"):
            return False
        obj = line_object(first)
        if obj is not None:  # a whole object on the first line: an API response, or the first JSON line
            return (any(isinstance(obj.get(k), list) for k in _JSON_LIST_KEYS)
                    and not any(obj.get(k) for k in _JSON_TEXT_KEYS))
        return line_object(fh.readline(MAX_ARTICLE_CHARS * 4)) is None


def _array_items(text: str, src: str) -> Iterator[object]:
    """The items of the JSON array ``text`` one at a time; a break yields a ``Skip`` naming the item and ends."""
    dec = json.JSONDecoder()
    ws = re.compile(r"[\s,]*")
    pos, k = ws.match(text, 1).end(), 0
    while pos < len(text) and text[pos] != "]":
        k += 1
        try:
            obj, pos = dec.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Skip(f"{src}:{k}", f"malformed JSON at item {k}, the rest of the file is not read: {exc}")
            return
        except RecursionError:
            yield Skip(f"{src}:{k}", f"malformed JSON at item {k}: nested too deeply; the rest of the file is not read")
            return
        yield obj
        pos = ws.match(text, pos).end()
    if pos >= len(text):
        yield Skip(f"{src}:{k + 1}", "malformed JSON: the array is not closed (cut file?); the items before were read")


def read_json_document(path: Path, src: str, data: bytes | None = None) -> Iterator[RawArticle | Skip]:
    """The articles of an array (or of an object's «articles»/«items»/… array), item by item: a broken or
    ill-typed item is skipped with its number (``file.json:K`` is item K), the others still load."""
    if (size := _oversize(path, data)) is not None:
        yield Skip(src, f"JSON document too large ({size} bytes > {MAX_JSON_DOCUMENT_BYTES}); write it as JSONL "
                        "(one article per line), which is streamed")
        return
    dec = decode(path.read_bytes() if data is None else data)
    text = dec.text.lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        items: Iterable = _array_items(text, src)  # item by item: the items before a break still load
    else:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Skip(src, f"malformed JSON: {exc}")
            return
        except RecursionError:
            yield Skip(src, "malformed JSON: nested too deeply")
            return
        items = [doc]
        if isinstance(doc, dict):
            items = next((doc[k] for k in _JSON_LIST_KEYS if isinstance(doc.get(k), list)), [doc])
    for k, obj in enumerate(items, start=1):
        where = f"{src}:{k}"
        if isinstance(obj, Skip):
            yield obj
            return
        yield from _record(obj, path, where, k, dec, "item")


def read_table(path: Path, src: str, data: bytes | None = None, tsv: bool | None = None) -> Iterator[RawArticle | Skip]:
    """A CSV/TSV dump with a header row, one article per row, its columns named as a JSON record's fields
    (``text``/``content``/``maintext``…, ``title``, ``url``, ``date``, ``source``…). ``file.csv:K`` is row K
    (the header is row 1). A bad row is skipped with its number; a broken file stops at the row that breaks."""
    import csv
    import io

    if (size := _oversize(path, data)) is not None:
        yield Skip(src, f"table too large ({size} bytes > {MAX_JSON_DOCUMENT_BYTES}); split it or write JSONL")
        return
    dec = decode(path.read_bytes() if data is None else data)
    text = dec.text
    if tsv if tsv is not None else path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:8192].split("\n", 1)[0], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ARTICLE_CHARS * 4))
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(rows, [])]
    except csv.Error as exc:
        yield Skip(src, f"malformed table header: {exc}")
        return
    if not any(h in _JSON_TEXT_KEYS for h in _canonical_keys(dict.fromkeys(header))):
        yield Skip(src, "table without a text column (one of " + ", ".join(_JSON_TEXT_KEYS) + "); its header: "
                   + ", ".join(h[:40] for h in header[:20]))
        return
    k = 1
    while True:
        k += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Skip(f"{src}:{k}", f"malformed table row, the rest of the file is not read: {exc}")
            return
        if not any(cell.strip() for cell in row):
            continue
        yield from _record(dict(zip(header, row, strict=False)), path, f"{src}:{k}", k, dec, "row")


def read_jsonl(path: Path, start: int = 0, end: int | None = None,
                first_line: int = 1) -> Iterator[RawArticle | Skip]:
    """One article per line; a broken line is skipped with its line number, the rest still load.

    ``start``/``end``/``first_line``: only the lines from byte ``start`` (a line start, which is line number
    ``first_line``) up to byte ``end`` (see ``JsonlPart``)."""
    with path.open("rb") as fh:
        fh.seek(start)
        yield from jsonl_lines(fh, path, path_text(path), end - start if end is not None else None, first_line)


def jsonl_lines(fh: BinaryIO, path: Path, src: str, length: int | None = None,
                 first_line: int = 1) -> Iterator[RawArticle | Skip]:
    """The articles of the JSON lines read from ``fh`` (at most ``length`` bytes when given)."""
    pos = 0
    for lineno, raw in enumerate(fh, start=first_line):
        if length is not None and pos >= length:
            break
        pos += len(raw)
        if not raw.strip():
            continue
        where = f"{src}:{lineno}"
        if len(raw) > MAX_ARTICLE_CHARS * 4:
            yield Skip(where, f"JSON line too long ({len(raw)} bytes)")
            continue
        try:
            dec = decode(raw)
            obj = json.loads(dec.text)
        except (DecodeError, json.JSONDecodeError) as exc:
            yield Skip(where, f"malformed JSON: {exc}")
            continue
        except RecursionError:
            yield Skip(where, "malformed JSON: nested too deeply")
            continue
        yield from _record(obj, path, where, lineno, dec, "line")


def _record(obj: object, path: Path, where: str, n: int, dec: Decoded, kind: str) -> Iterator[RawArticle | Skip]:
    """One record (a JSON line, an array item, a table row) as its article (and a note of repaired characters),
    or a skip that says why."""
    if not isinstance(obj, dict):
        yield Skip(where, f"JSON {kind} is not an object")
        return
    try:
        art, repaired = _from_json(obj, path, n)
    except FieldError as exc:
        yield Skip(where, str(exc), exc.doc_id)
        return
    yield art
    if isinstance(art, RawArticle) and (dec.damaged or repaired):
        yield damage_note(where, art.doc_id, dec._replace(damaged=dec.damaged + repaired))


class FieldError(ValueError):
    """A JSON record whose field has the wrong type: the record becomes a Skip naming the field."""

    def __init__(self, message: str, doc_id: str | None = None) -> None:
        super().__init__(message)
        self.doc_id = doc_id


_TEXT = (str,)
_SCALAR = (str, int, float)


def _first(obj: dict, keys: tuple[str, ...], types: tuple[type, ...] = _TEXT) -> str | None:
    """The first non-empty value among ``keys``, as text; a value of another type is a ``FieldError``."""
    for k in keys:
        v = obj.get(k)
        if v in (None, ""):
            continue
        if isinstance(v, bool) or not isinstance(v, types):
            kinds = " or ".join("a string" if t is str else "a number" for t in types if t is not float)
            raise FieldError(f"field '{k}' must be {kinds}, not {type(v).__name__}")
        return str(v)
    return None


def _outlet_of(obj: dict) -> str | None:
    """The outlet field: a string, or the «name» of an object there (NewsAPI's ``source``)."""
    for k in _JSON_OUTLET_KEYS:
        v = obj.get(k)
        if isinstance(v, dict) and isinstance(v.get("name"), str) and v["name"].strip():
            return v["name"]
    return _first(obj, _JSON_OUTLET_KEYS)


_TITLE_KEYS = ("title", "headline")
_KNOWN_KEYS = frozenset((*_JSON_TEXT_KEYS, *_JSON_ID_KEYS, *_JSON_DATE_KEYS, *_JSON_OUTLET_KEYS, *_JSON_URL_KEYS,
                         *_TITLE_KEYS))
_KEY_BY_LOWER = {k.lower(): k for k in _KNOWN_KEYS}
# Column names an Arabic scraper or spreadsheet uses
_AR_FIELD_KEYS = {"العنوان": "title", "عنوان": "title", "النص": "text", "نص": "text", "المتن": "text",
                  "المحتوى": "content", "التاريخ": "date", "تاريخ النشر": "date", "تاريخ": "date", "الرابط": "url",
                  "رابط": "url", "المصدر": "source", "الموقع": "source", "المعرف": "id"}


def _canonical_keys(obj: dict) -> dict:
    """The record with its field names as rasid knows them: «Title»/«TEXT» in another case, «العنوان»/«النص» in
    Arabic. A name already known as it is wins over a renamed one."""
    if all(k in _KNOWN_KEYS for k in obj):
        return obj
    out = {k: v for k, v in obj.items() if k in _KNOWN_KEYS}
    for k, v in obj.items():
        if k not in _KNOWN_KEYS and isinstance(k, str):
            name = _KEY_BY_LOWER.get(k.strip().lower()) or _AR_FIELD_KEYS.get(k.strip())
            if name is not None:
                out.setdefault(name, v)
    return out


def _from_json(obj: dict, path: Path, lineno: int) -> tuple[RawArticle | Skip, int]:
    """A record → article (or Skip), validated field by field; returns it with the number of repaired chars."""
    obj = _canonical_keys(obj)
    where = f"{path_text(path)}:{lineno}"
    doc_id = _first(obj, _JSON_ID_KEYS, _SCALAR) or f"{path_text(path.stem)}-{lineno}"
    fields = {"doc_id": doc_id}
    try:
        fields |= {"text": _first(obj, _JSON_TEXT_KEYS), "url": _first(obj, _JSON_URL_KEYS),
                   "title": _first(obj, _TITLE_KEYS), "date": _first(obj, _JSON_DATE_KEYS, _SCALAR),
                   "outlet": _outlet_of(obj)}
    except FieldError as exc:
        raise FieldError(str(exc), doc_id[:MAX_ID_CHARS]) from None
    repaired = 0
    for k, v in fields.items():
        if v is not None:
            fields[k], n = without_surrogates(v.replace("\x00", ""))
            repaired += n + v.count("\x00")
    doc_id, text, url, raw_date = fields["doc_id"], fields["text"], fields["url"], fields["date"]
    if not text or not text.strip():
        return Skip(where, "empty text", doc_id=doc_id), 0
    published, offset = metadata_date(raw_date)
    date_source = "metadata" if published else (f"invalid date '{raw_date[:60]}' ignored" if raw_date else None)
    if published is None and (d := date_from_url(url)):
        published, date_source = d, "url"
    outlet = fields["outlet"]
    if outlet is not None and re.match(r"https?://", outlet.strip(), re.I):  # «source» is the page's URL
        url = url or outlet.strip()
    outlet = canonical_outlet(outlet) or outlet_from_url(url)
    if published is None and url != fields["url"] and (d := date_from_url(url)):
        published, date_source = d, "url"
    return RawArticle(
        doc_id=doc_id, text=text.replace("\r\n", "\n"), source_path=where, fmt="jsonl",
        title=fields["title"], url=url, outlet=outlet, published=published, date_source=date_source,
        published_offset_minutes=offset if date_source == "metadata" else None,
    ), repaired
