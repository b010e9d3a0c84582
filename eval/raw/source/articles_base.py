"""One article of the set: what a newsroom wrote, before a site's layout is put around it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class A:
    site: str
    fmt: str  # "txt" or "html"
    date: str  # publication day (ISO); the gold only when ``forms`` shows it on the page
    forms: list[str]  # metadata forms the page carries; [] = none at all
    headline: str = ""
    body: list[str] = field(default_factory=list)
    deck: str | None = None
    long: bool = False  # long article: the site appends a teaser list of its other articles
    section: str = ""
    author: str = ""
