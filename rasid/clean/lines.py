"""Cleaning one page line by line: metadata lines, the headline, furniture that appears once, teaser lists.

``clean_page`` runs what ``clean_text`` runs (rules from ``boilerplate.tsv``, lines learned to repeat within
an outlet, see-also runs) and adds, for a single page with no help from other pages:

- the lines ``rasid.ingest.page.read_page`` finds to carry only metadata (date lines, bylines, a dateline
  alone) and the headline itself (it is the title, not a claim); an inline metadata prefix
  (``date 2026-01-27 …``, ``تاريخ النشر: … ``, an agency dateline) is cut from its body line;
- a line classifier (``rasid.clean.furniture``) for furniture, captions with credits and comment
  disclaimers that appear once;
- trailing lists of other articles' headlines and leads after the end of the article.

Removal stays by whole line (apart from the inline prefix), and every removed line is returned.
"""

from __future__ import annotations

from rasid.clean.boilerplate import (
    CleanResult,
    LineStats,
    clean_text,
    line_key,
    line_keys,
    remove_lines,
    rule_for_key,
)
from rasid.config import CleanConfig
from rasid.ingest.page import read_page

_DEFAULT = CleanConfig()


def clean_page(text: str, outlet: str | None = None, stats: LineStats | None = None,
               config: CleanConfig = _DEFAULT, title: str | None = None, url: str | None = None) -> CleanResult:
    """Drop metadata lines, the headline, boilerplate and furniture; keep every other line verbatim."""
    from rasid.clean.furniture import furniture_scores

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    page = read_page(lines, url=url, title=title)
    pre: dict[int, str] = dict(page.meta_lines)
    if page.title_line is not None:
        pre[page.title_line] = "headline"
    keys = line_keys(lines)  # one normalisation of the page, not one per line and per reader
    repeated = {i for i, ln in enumerate(lines)  # on the lines as read (the statistics counted them so)
                if ln.strip() and stats is not None and stats.is_repeated_key(outlet, keys[i])}
    for i, prefix in page.prefixes.items():
        lines[i] = lines[i][len(prefix):]
        keys[i] = line_key(lines[i])
    scores = furniture_scores(lines, page, repeated, keys=keys)
    res = remove_lines(
        lines, lambda i, line: pre.get(i) or rule_for_key(keys[i], config.short_line)
        or ("repeated-in-outlet" if i in repeated else None),
        after_related=lambda i: scores.get(i) or None,
        continues_related=frozenset({"repeated-in-outlet", "teaser-list"}),
        shown=lambda i, line: page.prefixes[i] + line if i in page.prefixes else line)
    removed = res.removed
    if not res.text and any(ln.strip() for ln in lines):  # never clean a page away: fall back to the rules alone
        return clean_text(text, outlet, stats, config)
    if page.prefixes:  # the prefix is gone from the kept line: say so
        removed += [(i, "inline-metadata", p) for i, p in page.prefixes.items()]
        removed.sort(key=lambda r: r[0])
    return CleanResult(text=res.text, removed=removed)
