"""Main text and metadata from an HTML page, via trafilatura (boilerplate-aware)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class HtmlContent:
    text: str
    title: str | None
    date: str | None
    url: str | None
    sitename: str | None


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
    meta = trafilatura.extract_metadata(html)
    title = date = url = sitename = None
    if meta is not None:
        title, date, url, sitename = meta.title, meta.date, meta.url, meta.sitename
    return HtmlContent(text=text, title=title, date=date, url=url, sitename=sitename)
