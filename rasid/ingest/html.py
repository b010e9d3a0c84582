"""Main text and metadata from an HTML page, via trafilatura (boilerplate-aware)."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass


@dataclass
class HtmlContent:
    text: str
    title: str | None
    date: str | None
    url: str | None
    sitename: str | None
    headline: str | None = None  # the page's <h1>: the headline as the reader sees it
    recall_text: str = ""  # a recall-oriented extraction, to recover a lead paragraph precision dropped
    markup_date: str | None = None  # article:published_time / datePublished / <time datetime>
    page_title: str | None = None  # the <title> element as written (site name included)
    visible_lines: list[str] | None = None  # the whole page as a reader sees it, one block per line


_H1_RE = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S | re.I)
_TAG_RE = re.compile(r"<[^>]+>")
_MARKUP_DATE_RES = [
    re.compile(r"<meta[^>]+(?:property|name|itemprop)=[\"'](?:article:published_time|datePublished|pubdate|"
               r"publishdate|publish-date|date|DC\.date\.issued|og:published_time)[\"'][^>]*content=[\"']([^\"']+)", re.I),
    re.compile(r"<meta[^>]+content=[\"']([^\"']+)[\"'][^>]*(?:property|name|itemprop)=[\"'](?:article:published_time|"
               r"datePublished|pubdate)[\"']", re.I),
    re.compile(r"[\"']datePublished[\"']\s*:\s*[\"']([^\"']+)", re.I),
    re.compile(r"<time[^>]+datetime=[\"']([^\"']+)", re.I),
]


_BLOCK_RE = re.compile(r"<(?:br|/?(?:p|div|h[1-6]|li|ul|ol|tr|td|th|table|section|article|header|footer|aside|nav|"
                       r"figure|figcaption|blockquote|span class=[\"'][^\"']*date[^\"']*[\"']|time))\b[^>]*>", re.I)
_DROP_RE = re.compile(r"<(script|style|noscript|template)\b.*?</\1>", re.S | re.I)
_TITLE_RE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.S | re.I)


def visible_lines(html: str) -> list[str]:
    """The page's visible text, one block element per line (menus, date lines, copyright included)."""
    body = _DROP_RE.sub(" ", html)
    body = re.sub(r"<head\b.*?</head>", " ", body, flags=re.S | re.I)
    body = re.sub(r"<img\b[^>]*\balt=[\"']([^\"']+)[\"'][^>]*>", "\n\\1\n", body, flags=re.I)
    text = _BLOCK_RE.sub("\n", body)
    lines = [" ".join(html_lib.unescape(_TAG_RE.sub(" ", ln)).split()) for ln in text.split("\n")]
    return [ln for ln in lines if ln]


def _visible(fragment: str) -> str:
    return " ".join(html_lib.unescape(_TAG_RE.sub(" ", fragment)).split())


def extract_html(html: str) -> HtmlContent:
    """Extract the article body; raise ``ValueError`` when the page cannot be parsed at all."""
    import trafilatura

    if "<" not in html:
        raise ValueError("no HTML markup")
    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True, deduplicate=False,
    )
    if not text:
        text = trafilatura.extract(html, include_comments=False, favor_recall=True) or ""
    recall = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True,
                                 deduplicate=False) or ""
    meta = trafilatura.extract_metadata(html)
    title = date = url = sitename = None
    if meta is not None:
        title, date, url, sitename = meta.title, meta.date, meta.url, meta.sitename
    h1 = _H1_RE.search(html)
    markup = next((m.group(1) for rx in _MARKUP_DATE_RES if (m := rx.search(html))), None)
    return HtmlContent(text=text, title=title, date=date, url=url, sitename=sitename,
                       headline=_visible(h1.group(1)) if h1 else None, recall_text=recall, markup_date=markup,
                       page_title=_visible(t.group(1)) if (t := _TITLE_RE.search(html)) else None,
                       visible_lines=visible_lines(html))
