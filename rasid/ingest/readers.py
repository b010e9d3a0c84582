"""Read articles from files and folders: .txt, .html, .mhtml; JSON Lines, JSON documents and CSV/TSV tables
(``records``); .xml/.rss/.atom feeds; .warc crawls; any of them gzip-compressed.

Every input yields either a ``RawArticle`` or a ``Skip`` with a reason: a bad
file never stops the run and is never dropped silently.
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rasid.ingest.common import (
    MAX_ARTICLE_CHARS,
    MAX_FILE_BYTES,
    UNKNOWN_OUTLET,
    check_limits,
    damage_note,
    date_from_url,
    outlet_from_url,
    parse_date,
    parse_date_offset,
    path_text,
    with_safe_urls,
    without_surrogates,
)
from rasid.ingest.page import canonical_outlet, is_body_line, outlet_named, read_page
from rasid.ingest.records import (
    MAX_JSON_DOCUMENT_BYTES,
    jsonl_lines,
    metadata_date,
    read_json_document,
    read_jsonl,
    read_table,
    starts_like_a_document,
)
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

    ``outlet`` (``rasid run --outlet NAME``) sets every article's outlet on purpose, whatever the files say (a
    name rasid knows becomes its id, as in the files: «الشرق الأوسط» is ``aawsat``).
    """
    if outlet and outlet.strip():
        outlet = canonical_outlet(outlet)
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
    return _guarded(path_text(path), read_jsonl(path, part.start, part.end, part.first_line))


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
        elif suffix == ".json" and starts_like_a_document(path):
            yield from read_json_document(path, src)
        elif suffix in JSONL_SUFFIXES:
            yield from read_jsonl(path)
        elif name.endswith((".warc", ".warc.gz")):
            from rasid.ingest.warc import read_warc

            yield from read_warc(path)
        elif suffix in TABLE_SUFFIXES:
            yield from read_table(path, src)
        elif suffix in MHTML_SUFFIXES:
            yield _read_mhtml(path, src)
        elif suffix in FEED_SUFFIXES:
            from rasid.ingest.feeds import read_feed

            yield from read_feed(path)
        else:  # .txt/.html and unknown suffixes: sniff the content (binary files are refused with a reason)
            if size > MAX_FILE_BYTES:
                yield Skip(src, f"file too large ({size} bytes > {MAX_FILE_BYTES}); split it or use JSONL")
                return
            yield from _read_page(path, src, path.read_bytes(), suffix)
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
                yield from jsonl_lines(fh, path, src)
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
    if suffix == ".json" and starts_like_a_document(io.BytesIO(data)):
        yield from read_json_document(path, src, data)
    elif suffix == ".json":
        yield from jsonl_lines(io.BytesIO(data), path, src)
    elif suffix in TABLE_SUFFIXES:
        yield from read_table(path, src, data, tsv=suffix == ".tsv")
    else:
        yield from _read_page(path, src, data, suffix)


def _read_page(path: Path, src: str, data: bytes, suffix: str) -> Iterator[RawArticle | Skip]:
    """One page's bytes (a .txt/.html file, or one decompressed): decoded, then read as HTML when the suffix or
    the content says so, else as scraped text; a note follows when damaged bytes were replaced."""
    dec = decode(data)
    art = (_from_html(path, dec.text, dec.encoding) if suffix in HTML_SUFFIXES or _looks_like_html(dec.text)
           else _from_text(path, dec.text, dec.encoding))
    yield art
    if dec.damaged and isinstance(art, RawArticle):
        yield damage_note(src, art.doc_id, dec)


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def doc_id_for(path: Path) -> str:
    """The file name without its extension (non-UTF-8 bytes of the name as U+FFFD)."""
    return path_text(path.stem)


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
    outlet = canonical_outlet(meta.get("source") or meta.get("outlet")) or outlet_from_url(url) or page.outlet
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
