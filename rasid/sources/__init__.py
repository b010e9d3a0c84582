"""Input sources beyond plain files: RSS/Atom feeds (files or URLs) and WARC crawl archives."""

from __future__ import annotations

import hashlib

from rasid.ingest import outlet_from_url


def url_doc_id(url: str, fallback: str = "doc") -> str:
    """Stable, readable id for an article known by its URL: outlet + short hash of the URL."""
    prefix = outlet_from_url(url) or fallback
    return f"{prefix}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:12]}"
