"""Read articles from files and folders (.txt, .html, .jsonl; .xml/.rss feeds and .warc when available).

Every input yields either a ``RawArticle`` or a ``Skip`` with a reason: a bad
file never stops the run and is never dropped silently.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import logging
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from rasid.ingest.common import (
    MAX_ARTICLE_CHARS,
    MAX_FILE_BYTES,
    MAX_ID_CHARS,
    UNKNOWN_OUTLET,
    WARNING,
    check_limits,
    date_from_url,
    outlet_from_url,
    parse_date,
    parse_date_offset,
    path_text,
    with_safe_urls,
    without_surrogates,
)
from rasid.ingest.page import date_line, is_body_line, outlet_from_host, outlet_named, read_page
from rasid.models import RawArticle, Skip
from rasid.text.decode import Decoded, DecodeError, decode

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
TABLE_SUFFIXES = {".csv", ".tsv"}
MHTML_SUFFIXES = {".mhtml", ".mht"}  # a browser's «save page as a single file»
# What a saved web page or a scraper's output folder also holds (a browser's «page_files» folder, images,
# fonts, the database itself): never an article, each skipped with what it is, not read as text.
_NOT_ARTICLES = {
    **dict.fromkeys((".css", ".scss"), "a stylesheet"),
    **dict.fromkeys((".js", ".mjs", ".map", ".wasm"), "a script"),
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".avif"),
                    "an image"),
    **dict.fromkeys((".woff", ".woff2", ".ttf", ".otf", ".eot"), "a font"),
    **dict.fromkeys((".mp3", ".mp4", ".webm", ".ogg", ".wav", ".mov", ".m4a"), "audio or video"),
    **dict.fromkeys((".db", ".sqlite", ".sqlite3", ".parquet", ".pickle", ".pkl", ".npy", ".npz"), "a data file"),
    **dict.fromkeys((".zip", ".7z", ".rar", ".tar", ".bz2", ".xz", ".exe", ".dll", ".so"), "an archive or program"),
    **dict.fromkeys((".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx"), "an office document (not read: save its text)"),
}
WARC_SUFFIXES = {".warc", ".gz"}

log = logging.getLogger(__name__)

_HEADER_RE = re.compile(r"^(date|title|url|source|outlet)\s*[:=]?\s+(.*\S)\s*$", re.IGNORECASE)
# Arabic labels a scraper writes («العنوان: …», «التاريخ: …»); the colon is required, since a body line may open
# with the same words
_AR_HEADER_RE = re.compile(r"^\s*(العنوان|عنوان|التاريخ|تاريخ النشر|تاريخ|الرابط|رابط|المصدر|الموقع)\s*:\s*(.*\S)\s*$")
_AR_HEADER_KEYS = {"العنوان": "title", "عنوان": "title", "التاريخ": "date", "تاريخ النشر": "date", "تاريخ": "date",
                   "الرابط": "url", "رابط": "url", "المصدر": "source", "الموقع": "source"}


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand folders recursively, in sorted order so runs are reproducible.

    Nothing is dropped silently: an unreadable folder, a link (dangling, looping, or to a folder, which is
    not followed) and a FIFO or other special file are yielded too, and ``read_file`` says why it skips them.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir() and not path.is_symlink():
            yield from _walk(path)
        else:
            yield path


def _walk(folder: Path) -> Iterator[Path]:
    try:
        children = sorted(folder.iterdir())
    except OSError:
        yield folder  # read_file reports the folder as unreadable
        return
    for child in children:
        if child.name.startswith("."):
            continue
        if child.is_dir() and not child.is_symlink():
            yield from _walk(child)
        else:
            yield child


def read_inputs(paths: Iterable[str | Path], outlet: str | None = None) -> Iterator[RawArticle | Skip]:
    """Yield articles (or skips) from every file under ``paths``; ``http(s)://`` items are feed URLs.

    ``outlet`` (``rasid run --outlet NAME``) sets every article's outlet on purpose, whatever the files say.
    """
    if outlet:
        for item in read_inputs(paths):
            yield dataclasses.replace(item, outlet=outlet) if isinstance(item, RawArticle) else item
        return
    for p in paths:
        if isinstance(p, JsonlPart):
            yield from _read_part(p)
            continue
        if isinstance(p, str) and p.startswith(("http://", "https://")):
            from rasid.ingest.feeds import read_feed_url

            yield from (_named(x) for x in with_safe_urls(read_feed_url(p)))
            continue
        for path in iter_paths([p]):
            yield from read_file(path)


@dataclass(frozen=True)
class JsonlPart:
    """The lines of a large JSONL file from byte ``start`` to byte ``end`` (both line starts; ``first_line``
    is the number of the line at ``start``), so that several workers can read one file: the articles, their
    ids and the skips' line numbers are those of reading the whole file, in the same order."""

    path: str
    start: int
    end: int
    first_line: int


PART_SUFFIXES = (".jsonl", ".ndjson")  # one object per line by definition (a .json file may be anything)


def jsonl_parts(path: Path, max_bytes: int) -> list[JsonlPart] | None:
    """``path`` cut at line boundaries into parts of about ``max_bytes``, or None when it is not a plain
    JSONL file larger than that (then it is read whole)."""
    if path.suffix.lower() not in PART_SUFFIXES or _not_a_regular_file(path) is not None:
        return None
    parts: list[JsonlPart] = []
    try:
        if path.stat().st_size <= max_bytes:
            return None
        with path.open("rb") as fh:  # streamed in blocks: memory stays small whatever the file's size
            start, line = 0, 1  # the current part's first byte and that line's number
            pos = newlines = 0  # bytes read before this block, and the line breaks in them
            while block := fh.read(1 << 20):
                i = 0  # block[:i] is counted in ``newlines`` already
                while (want := start + max_bytes - pos) < len(block):
                    cut = block.find(b"\n", max(i, want))
                    if cut < 0:
                        break
                    newlines += block.count(b"\n", i, cut + 1)
                    parts.append(JsonlPart(str(path), start, pos + cut + 1, line))
                    start, line, i = pos + cut + 1, newlines + 1, cut + 1
                newlines += block.count(b"\n", i)
                pos += len(block)
            if start < pos:
                parts.append(JsonlPart(str(path), start, pos, line))
    except OSError:
        return None
    return parts if len(parts) > 1 else None


def _read_part(part: JsonlPart) -> Iterator[RawArticle | Skip]:
    """``read_file`` for one part of a JSONL file (the same checks on each article)."""
    path = Path(part.path)
    return _guarded(path_text(path), _read_jsonl(path, part.start, part.end, part.first_line))


def _named(item: RawArticle | Skip) -> RawArticle | Skip:
    """An article whose outlet nothing identifies (no field, host, site name, credit or dateline) is from
    ``unknown`` — said plainly rather than guessed (never the folder's name) or left blank."""
    if isinstance(item, RawArticle) and not (item.outlet or "").strip():
        return dataclasses.replace(item, outlet=UNKNOWN_OUTLET)
    return item


def read_file(path: Path) -> Iterator[RawArticle | Skip]:
    """Articles (or skips with reasons) from one file; whatever the file holds, this never raises.

    Each article is checked against the store's field limits here, so every backend refuses the same ones.
    """
    src = path_text(path)
    if (why := _not_a_regular_file(path)) is not None:
        yield Skip(src, why)
        return
    yield from _guarded(src, _read_regular(path, src))


def _guarded(src: str, items: Iterator[RawArticle | Skip]) -> Iterator[RawArticle | Skip]:
    """``items`` with safe URLs, each checked (``_checked``); an exception while reading ends the file with a
    Skip that says why (last resort: one odd file must not stop a run of thousands)."""
    try:
        for item in with_safe_urls(items):
            yield _checked(item)
    except Exception as exc:  # noqa: BLE001
        log.warning("could not read %s: %s", src, exc)
        yield Skip(src, f"could not be read ({type(exc).__name__}: {str(exc)[:200]})")


def _checked(item: RawArticle | Skip) -> RawArticle | Skip:
    """An article checked against the store's field limits; a skip made storable (its id or reason may
    quote a damaged value)."""
    if isinstance(item, RawArticle):
        item = check_limits(_named(item)) or _named(item)
    if isinstance(item, Skip):
        item = Skip(*(without_surrogates(v)[0] if v else v for v in (item.source_path, item.reason, item.doc_id)))
    return item


def _not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as an article file, or None when it is a regular file."""
    try:
        st = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if path.is_symlink():
            return "dangling symbolic link (its target does not exist)"
        if exc.errno == errno.ENOENT:
            return "file not found"
        return f"cannot stat file: {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        if path.is_symlink():
            return "symbolic link to a folder (not followed; pass the folder itself)"
        return "folder cannot be read (permission denied?)"
    if not stat.S_ISREG(st.st_mode):
        kind = "FIFO" if stat.S_ISFIFO(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode) else "device"
        return f"not a regular file ({kind})"
    if st.st_size == 0:
        return "empty file"
    return None


def _read_regular(path: Path, src: str) -> Iterator[RawArticle | Skip]:
    """Dispatch on the suffix, or sniff the content for .txt/.html and unknown suffixes."""
    suffix = path.suffix.lower()
    name = path.name.lower()
    size = path.stat().st_size
    if suffix in _NOT_ARTICLES:
        yield Skip(src, f"not an article file: {_NOT_ARTICLES[suffix]} ({suffix})")
        return
    try:
        if name.endswith(".gz") and not name.endswith(".warc.gz"):
            yield from _read_gzip(path, src)
        elif suffix == ".json" and _starts_like_a_document(path):
            yield from _read_json_document(path, src)
        elif suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path)
        elif name.endswith((".warc", ".warc.gz")):
            from rasid.ingest.warc import read_warc

            yield from read_warc(path)
        elif suffix in TABLE_SUFFIXES:
            yield from _read_table(path, src)
        elif suffix in MHTML_SUFFIXES:
            yield _read_mhtml(path, src)
        elif suffix in FEED_SUFFIXES:
            from rasid.ingest.feeds import read_feed

            yield from read_feed(path)
        else:  # .txt/.html and unknown suffixes: sniff the content (binary files are refused with a reason)
            if size > MAX_FILE_BYTES:
                yield Skip(src, f"file too large ({size} bytes > {MAX_FILE_BYTES}); split it or use JSONL")
                return
            dec = decode(path.read_bytes())
            if suffix in HTML_SUFFIXES or _looks_like_html(dec.text):
                art = _from_html(path, dec.text, dec.encoding)
            else:
                art = _from_text(path, dec.text, dec.encoding)
            yield art
            if dec.damaged and isinstance(art, RawArticle):
                yield damage_note(src, art.doc_id, dec)
    except DecodeError as exc:
        yield Skip(src, str(exc))
    except (OSError, ValueError) as exc:
        yield Skip(src, f"unreadable: {exc}")


def _read_gzip(path: Path, src: str) -> Iterator[RawArticle | Skip]:
    """A gzip-compressed dump, read as what its inner name says: ``dump.jsonl.gz`` streamed line by line,
    ``items.json.gz`` / ``dump.csv.gz`` / ``page.txt.gz`` decompressed whole up to the same size limits as
    uncompressed files (a decompression bomb stops at the limit, with a reason)."""
    import gzip
    import io

    inner = path.name[:-3]
    suffix = Path(inner).suffix.lower()
    try:
        if suffix in PART_SUFFIXES:
            with gzip.open(path, "rb") as fh:
                yield from _jsonl_lines(fh, path, src)
            return
        cap = MAX_JSON_DOCUMENT_BYTES if suffix in {".json", *TABLE_SUFFIXES} else MAX_FILE_BYTES
        with gzip.open(path, "rb") as fh:
            data = fh.read(cap + 1)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:  # a cut or corrupt archive
        yield Skip(src, f"unreadable gzip file: {exc}")
        return
    if len(data) > cap:
        yield Skip(src, f"decompressed content too large (> {cap} bytes); split it or use JSONL")
        return
    if suffix == ".json":
        head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if head == b"[" or (head == b"{" and _starts_like_a_document(io.BytesIO(data))):
            yield from _read_json_document(path, src, data)
        else:
            yield from _jsonl_lines(io.BytesIO(data), path, src)
    elif suffix in TABLE_SUFFIXES:
        yield from _read_table(path, src, data, tsv=suffix == ".tsv")
    else:
        dec = decode(data)
        art = (_from_html(path, dec.text, dec.encoding) if suffix in HTML_SUFFIXES or _looks_like_html(dec.text)
               else _from_text(path, dec.text, dec.encoding))
        yield art
        if dec.damaged and isinstance(art, RawArticle):
            yield damage_note(src, art.doc_id, dec)


def damage_note(where: str, doc_id: str, dec: Decoded) -> Skip:
    """The skip-style warning for an article stored after damaged bytes were replaced."""
    return Skip(where, f"{WARNING}{dec.damaged} damaged byte(s) replaced with U+FFFD ({dec.encoding}); "
                       "the article was stored", doc_id)


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def doc_id_for(path: Path) -> str:
    """The file name without its extension (non-UTF-8 bytes of the name as U+FFFD)."""
    return path_text(path.stem)


def metadata_date(value: str | None) -> tuple[datetime | None, int | None]:
    """A metadata field's date and UTC offset: ISO, RFC 822, a Unix time stamp (``parse_date_offset``), else a
    date as people write it («12/06/2018» day first, «الثلاثاء 12 حزيران 2018», «June 12, 2018»: the page
    reader's ``date_line``), with no offset."""
    dt, offset = parse_date_offset(value)
    if dt is None and value and len(str(value)) <= 120:
        dt = date_line(str(value))
    return dt, offset


def _from_text(path: Path, text: str, encoding: str) -> RawArticle | Skip:
    """Plain scraped text; leading ``key value`` lines (date/title/url/source) are metadata."""
    lines = text.splitlines()
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines) and i < 8:
        m = _HEADER_RE.match(lines[i])
        key = m[1].lower() if m else None
        if m is None and (m := _AR_HEADER_RE.match(lines[i])):
            key = _AR_HEADER_KEYS[m[1]]
        if m is None or key is None:
            break
        if key == "date" and metadata_date(m[2])[0] is None and len(m[2].split()) > 3:
            break  # "date 2026-01-27 أعلنت ...": an inline date before the first sentence, read with the body
        meta[key] = m[2]
        i += 1
    body = "\n".join(lines[i:]).strip("\n")
    if not body.strip():
        return Skip(path_text(path), "no text after metadata lines")
    if len(body) > MAX_ARTICLE_CHARS:
        return Skip(path_text(path), f"article too long ({len(body)} chars > {MAX_ARTICLE_CHARS})")
    url = meta.get("url")
    published, offset = metadata_date(meta.get("date"))
    date_source = "header-line" if published else None
    if published is None and "date" in meta:
        date_source = f"invalid date '{meta['date'][:60]}' ignored"
    page = read_page(body.split("\n"), url=url, title=meta.get("title"))
    if published is None and page.published is not None:
        published, date_source, offset = page.published, page.date_source, None
    title = meta.get("title") or page.title
    # the outlet: an explicit field, the URL's host, a site name / agency the page itself prints; never the
    # folder the files happen to be in
    outlet = meta.get("source") or meta.get("outlet") or outlet_from_url(url) or page.outlet
    return RawArticle(
        doc_id=doc_id_for(path), text=body, source_path=path_text(path), fmt="txt", title=title,
        url=url, outlet=outlet, published=published, date_source=date_source, encoding=encoding,
        published_offset_minutes=offset,
    )


def _read_mhtml(path: Path, src: str) -> RawArticle | Skip:
    """A page saved as one MHTML file (a MIME message: the page's HTML part and its assets): the HTML part,
    read as an HTML page; the URL it was saved from when the page names none."""
    import email
    import email.policy

    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return Skip(src, f"file too large ({size} bytes > {MAX_FILE_BYTES})")
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    part = next((p for p in msg.walk() if p.get_content_type() == "text/html"), None)
    if part is None:
        return Skip(src, "MHTML file without an HTML part")
    raw = part.get_payload(decode=True) or b""  # quoted-printable or base64 undone; bytes in the page's charset
    charset = part.get_content_charset()
    try:
        dec = Decoded(raw.decode(charset), charset, 0) if charset else decode(raw)  # Chrome names no charset
    except (LookupError, UnicodeDecodeError):
        dec = decode(raw)
    art = _from_html(path, dec.text, dec.encoding)
    saved_from = msg.get("Snapshot-Content-Location") or part.get("Content-Location")
    if isinstance(art, RawArticle) and art.url is None and saved_from and re.match(r"https?://", saved_from):
        art = dataclasses.replace(art, url=saved_from, outlet=art.outlet or outlet_from_url(saved_from))
        if art.published is None and (d := date_from_url(saved_from)):
            art = dataclasses.replace(art, published=d, date_source="url")
    return art


def _from_html(path: Path, html: str, encoding: str) -> RawArticle | Skip:
    from rasid.ingest.html import extract_html

    try:
        ext = extract_html(html)
    except ValueError as exc:
        return Skip(path_text(path), f"malformed HTML: {exc}")
    if not ext.text.strip():
        return Skip(path_text(path), "no main text found in HTML")
    text = _with_lead(_without_table_copies(ext.text), ext.recall_text)
    lines = text.split("\n")
    title = ext.headline or _without_site_name(ext.title, ext.sitename)
    page = read_page(ext.visible_lines or lines, url=ext.url, title=title)
    (published, offset), date_source = parse_date_offset(ext.markup_date), "html-meta"
    markup = published  # the offset belongs to this stamp only
    if published is None and (d := date_from_url(ext.url)):
        published, date_source = d, "url"
    if published is None and page.published is not None:
        published, date_source = page.published, page.date_source
    if published is None and ext.date and (d := parse_date(ext.date)) and _shown_on_page(d, ext.recall_text):
        published, date_source = d, "html-meta"  # trafilatura's guess, only when the page shows that day
    if published is None:
        date_source = None
    outlet = ((outlet_named(ext.sitename, whole=True) or outlet_named(ext.sitename) if ext.sitename else None)
              or outlet_from_url(ext.url) or _title_site(ext.page_title) or page.outlet
              or _latin_name(ext.sitename))
    return RawArticle(
        doc_id=doc_id_for(path), text=text, source_path=path_text(path), fmt="html", title=title or page.title,
        url=ext.url, outlet=outlet, published=published, date_source=date_source, encoding=encoding,
        published_offset_minutes=offset if published == markup else None,
    )


def _without_table_copies(text: str) -> str:
    """Drop a table row (``| … |``) that repeats other lines of the text (a layout table flattened whole)."""
    lines = text.split("\n")
    others = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("|")]
    keep = [ln for ln in lines if not (ln.lstrip().startswith("|") and sum(o in ln for o in others if len(o) > 20) >= 2)]
    return "\n".join(keep)


def _with_lead(text: str, recall: str) -> str:
    """``text`` with the body paragraphs that a recall-oriented pass finds just before its first line (a
    lead paragraph that precision-oriented extraction sometimes drops)."""
    lines = text.split("\n")
    rlines = recall.split("\n")
    first = next((ln for ln in lines if ln.strip()), None)
    if first is None or first not in rlines:
        return text
    k = rlines.index(first)
    lead: list[str] = []
    for ln in reversed(rlines[:k]):
        if not is_body_line(ln) or ln in lines:
            break
        lead.insert(0, ln)
    return "\n".join(lead + lines) if lead else text


def _without_site_name(title: str | None, sitename: str | None) -> str | None:
    """``<title>`` / og:title without the site name appended (``… - الجزيرة نت``, ``… | Site``)."""
    if not title:
        return None
    parts = re.split(r"\s+[|\-–—]\s+", title)
    if len(parts) > 1:
        last = parts[-1]
        if (sitename and last.strip() == sitename.strip()) or outlet_named(last, whole=True):
            return " - ".join(parts[:-1]).strip()
    return title.strip()


def _title_site(page_title: str | None) -> str | None:
    """The outlet named as the first or last part of ``<title>`` (``الدستور - …``, ``… | المدن``)."""
    if not page_title:
        return None
    parts = re.split(r"\s+[|\-–—]\s+", page_title)
    if len(parts) < 2:
        return None
    return outlet_named(parts[-1], whole=True) or outlet_named(parts[0], whole=True)


def _shown_on_page(day, text: str) -> bool:
    from rasid.ingest.page import find_date
    from rasid.text.normalize import normalize

    for ln in text.split("\n"):
        hit = find_date(normalize(ln))
        if hit and hit[0].date() == day.date():
            return True
    return False


def _latin_name(sitename: str | None) -> str | None:
    if sitename and re.fullmatch(r"[A-Za-z][A-Za-z0-9 .-]{1,40}", sitename.strip()):
        return re.sub(r"[^a-z0-9]", "", sitename.lower()) or None
    return None


# Field names of common scrapers' dumps, most specific first: news-please (maintext, date_publish,
# source_domain), newspaper3k (publish_date), trafilatura's JSON (sitename, hostname), schema.org-shaped
# records (articleBody, datePublished). A crawl time (date_extracted) is the last resort for a date.
_JSON_TEXT_KEYS = ("text", "content", "body", "article", "maintext", "articleBody", "article_body", "full_text")
_JSON_ID_KEYS = ("id", "docno", "doc_id", "guid")
_JSON_DATE_KEYS = ("date", "published", "date_publish", "publish_date", "datePublished", "date_published",
                   "published_at", "publishedAt", "pub_date", "pubDate", "time", "date_extracted")
_JSON_OUTLET_KEYS = ("source", "src", "outlet", "site", "source_domain", "sitename", "hostname")
_JSON_URL_KEYS = ("url", "link", "canonical_url", "source_url")
_HOST_RE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.I)


# A .json file holding one document, not one object per line: an array of articles (Scrapy's ``-o items.json``)
# or an object with the array under one of these keys (NewsAPI's «articles»).
_JSON_LIST_KEYS = ("articles", "items", "data", "results", "documents", "docs")
MAX_JSON_DOCUMENT_BYTES = 4 * MAX_FILE_BYTES  # read whole; beyond this, JSONL (streamed) is the way


def _starts_like_a_document(source: Path | BinaryIO) -> bool:
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


def _read_json_document(path: Path, src: str, data: bytes | None = None) -> Iterator[RawArticle | Skip]:
    """The articles of an array (or of an object's «articles»/«items»/… array), item by item: a broken or
    ill-typed item is skipped with its number (``file.json:K`` is item K), the others still load."""
    size = path.stat().st_size if data is None else len(data)
    if size > MAX_JSON_DOCUMENT_BYTES:
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


def _read_table(path: Path, src: str, data: bytes | None = None, tsv: bool | None = None) -> Iterator[RawArticle | Skip]:
    """A CSV/TSV dump with a header row, one article per row, its columns named as a JSON record's fields
    (``text``/``content``/``maintext``…, ``title``, ``url``, ``date``, ``source``…). ``file.csv:K`` is row K
    (the header is row 1). A bad row is skipped with its number; a broken file stops at the row that breaks."""
    import csv
    import io

    size = path.stat().st_size if data is None else len(data)
    if size > MAX_JSON_DOCUMENT_BYTES:
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


def _read_jsonl(path: Path, start: int = 0, end: int | None = None,
                first_line: int = 1) -> Iterator[RawArticle | Skip]:
    """One article per line; a broken line is skipped with its line number, the rest still load.

    ``start``/``end``/``first_line``: only the lines from byte ``start`` (a line start, which is line number
    ``first_line``) up to byte ``end`` (see ``JsonlPart``)."""
    with path.open("rb") as fh:
        fh.seek(start)
        yield from _jsonl_lines(fh, path, path_text(path), end - start if end is not None else None, first_line)


def _jsonl_lines(fh: BinaryIO, path: Path, src: str, length: int | None = None,
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
    if outlet is not None and re.match(r"https?://", outlet, re.I):  # trafilatura's «source» is the page's URL
        url = url or outlet
        outlet = outlet_from_url(outlet)
    elif outlet is not None and _HOST_RE.match(outlet):  # news-please's «source_domain»: www.aljazeera.net
        outlet = outlet_from_host(outlet) or outlet
    outlet = outlet or outlet_from_url(url)
    if published is None and url != fields["url"] and (d := date_from_url(url)):
        published, date_source = d, "url"
    return RawArticle(
        doc_id=doc_id, text=text.replace("\r\n", "\n"), source_path=where, fmt="jsonl",
        title=fields["title"], url=url, outlet=outlet, published=published, date_source=date_source,
        published_offset_minutes=offset if date_source == "metadata" else None,
    ), repaired
