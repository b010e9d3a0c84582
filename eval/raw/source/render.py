"""Render the blind raw-page set (eval/raw/docs) and its gold labels (eval/raw/gold.jsonl).

Run once: ``python eval/raw/source/render.py``. The labels come from construction (each printed line is
emitted together with its label), so the files and the gold cannot drift apart. Deterministic: the same
sources give byte-identical files.
"""

from __future__ import annotations

import html
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from articles_a import ARTICLES_A  # noqa: E402
from articles_b import ARTICLES_B  # noqa: E402
from articles_base import A  # noqa: E402
from articles_c import ARTICLES_C  # noqa: E402
from articles_soup import ARTICLES_SOUP  # noqa: E402
from dates import MONTHS, fmt  # noqa: E402
from sites import SITES, SITES_SOUP, Site  # noqa: E402

ROOT = HERE.parent
SPLIT_SEED = 20260204
DATE_FORMS = {"header", "url_day", "date_line", "label_line", "inline_date", "inline_label"}
HTML_DATE_FORMS = {"og", "jsonld", "time", "visible"}
Line = tuple[str, str, str | None]  # (text, label, inline metadata prefix)


def first_sentence(text: str) -> str:
    cut = text.find(".")
    return text if cut < 0 else text[: cut + 1]


def caption(site: Site, item: str) -> str:
    """``@@ text|Name[|Agency]`` → the caption as the site prints it, credit in Latin script."""
    parts = item[3:].split("|")
    text, name = parts[0], parts[1]
    agency = parts[2] if len(parts) > 2 else "AFP"
    credit = site.credit.format(name=name, agency=agency)
    if len(parts) > 2 and "{agency}" not in site.credit and agency not in credit:
        credit = f"({name} / {agency})"
    return f"{text} {credit}"


def dateline(site: Site, d: date) -> str:
    family = "lev" if site.key in {"petra", "ina"} else "eg"
    return site.dateline.format(d=d.day, m=MONTHS[family][d.month - 1], mn=d.month) + " "


def slug(a: A, n: int) -> str:
    return f"{a.site}-{6_241_000 + 37 * n}"


class Pool:
    """Headlines (and leads) of a site's other articles: what tickers, related and teaser lists show."""

    def __init__(self, articles: list[A]) -> None:
        self.by_site: dict[str, list[tuple[str, str | None]]] = {}
        for s in SITES + SITES_SOUP:
            own = [(a.headline, first_sentence(a.body[0])) for a in articles if a.site == s.key]
            merged: dict[str, str | None] = {}
            for headline, lead in list(s.others) + own:  # one entry per headline, keeping a lead if any
                merged[headline] = merged.get(headline) or lead
            self.by_site[s.key] = list(merged.items())

    def items(self, a: A, k: int, n: int, with_leads: bool = False) -> list[tuple[str, str | None]]:
        pool = [it for it in self.by_site[a.site] if it[0] != a.headline and first_sentence(a.body[0]) != it[1]]
        if with_leads:
            pool = [it for it in pool if it[1]] + [it for it in pool if not it[1]]
            return pool[:n]
        shift = k % max(len(pool), 1)
        return (pool[shift:] + pool[:shift])[:n]


def meta_lines(site: Site, a: A, d: date) -> list[Line]:
    out: list[Line] = []
    for form in a.forms:
        if form == "date_line":
            out.append((fmt(d, site.date_style), "meta", None))
        elif form == "label_line":
            out.append((f"{site.published_label} {fmt(d, site.date_style)}", "meta", None))
        elif form == "updated":
            out.append((f"{site.updated_label} {fmt(d + timedelta(days=1), site.date_style, '08:40')}", "meta", None))
        elif form == "byline":
            out.append(((site.byline or "بقلم: {author}").format(author=a.author), "meta", None))
    return out


def first_prefix(site: Site, a: A, d: date) -> str | None:
    if "inline_date" in a.forms:
        return f"date {d.isoformat()} "
    if "inline_label" in a.forms:
        return f"{site.published_label} {fmt(d, 'dz')} "
    if "dateline" in a.forms and site.dateline:
        return dateline(site, d)
    return None


def body_lines(site: Site, a: A, d: date) -> list[Line]:
    out: list[Line] = []
    prefix = first_prefix(site, a, d)
    for item in a.body:
        if item.startswith("## "):
            out.append((item[3:], "subhead", None))
        elif item.startswith("@@ "):
            out.append((caption(site, item), "caption", None))
        elif item.startswith("@! "):
            out.append((item[3:], "caption", None))
        elif item.startswith(">> "):
            out.append((f"{site.related}: {item[3:]}", "furniture", None))
        elif prefix and not any(lab == "body" for _t, lab, _p in out):
            out.append((prefix + item, "body", prefix))
        else:
            out.append((item, "body", None))
    return out


def render_txt(site: Site, a: A, k: int, n: int, pool: Pool) -> list[Line]:
    d = date.fromisoformat(a.date)
    lines: list[Line] = []
    if "header" in a.forms:
        lines += [(f"date {d.isoformat()}", "meta", None), (f"title {a.headline}", "title", None),
                  (f"url https://{site.domain}/{slug(a, n)}", "meta", None)]
    if "url_day" in a.forms:
        lines.append((f"url https://{site.domain}/{d.year}/{d.month:02d}/{d.day:02d}/{slug(a, n)}/", "meta", None))
    if "url_year" in a.forms:
        lines.append((f"url https://{site.domain}/news/{d.year}/{slug(a, n)}", "meta", None))
    for part in site.order:
        if part == "head":
            lines += [(h, "furniture", None) for h in site.head]
        elif part == "ticker" and site.ticker:
            lines.append((site.ticker, "furniture", None))
            lines += [(h, "furniture", None) for h, _ in pool.items(a, k, 3)]
        elif part == "crumb" and site.crumb:
            lines.append((site.crumb.format(section=a.section), "furniture", None))
        elif part == "title":
            lines.append((a.headline, "title", None))
        elif part == "deck" and a.deck:
            lines.append((a.deck, "subhead", None))
        elif part == "meta":
            lines += meta_lines(site, a, d)
        elif part == "body":
            lines += body_lines(site, a, d)
        elif part == "share":
            lines += [(s, "furniture", None) for s in site.share]
        elif part == "tags" and site.tags:
            lines.append((site.tags.format(tags=f"{a.section}، {site.name}"), "furniture", None))
        elif part == "related":
            lines.append((site.related, "furniture", None))
            lines += [(h, "furniture", None) for h, _ in pool.items(a, k + 1, 3)]
        elif part == "teasers" and a.long and site.teasers:
            lines.append((site.teasers, "furniture", None))
            for h, lead in pool.items(a, k, 3, with_leads=True):
                lines.append((h, "furniture", None))
                if lead:
                    lines.append((lead, "furniture", None))
        elif part == "comments":
            lines += [(c, "furniture", None) for c in site.comments]
        elif part == "top" and site.top:
            lines.append((site.top, "furniture", None))
        elif part == "tail":
            lines += [(t, "furniture", None) for t in site.tail]
    return lines


def write_txt(path: Path, lines: list[Line], blank_between: bool) -> dict:
    """Write the dump; returns the line labels (1-based line numbers, blank lines unlabelled)."""
    out: list[str] = []
    labels: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for text, label, prefix in lines:
        if blank_between and out and label in {"body", "subhead", "caption"}:
            out.append("")
        out.append(text)
        labels[str(len(out))] = label
        if prefix:
            prefixes[str(len(out))] = prefix.strip()
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return {"lines": labels, "inline_meta": prefixes}


# ---- HTML ------------------------------------------------------------------------------------------
THEMES = {
    "jannah": dict(body="jannah-theme", title="post-title entry-title", content="entry-content entry clearfix",
                   meta="post-meta", share="share-links", related="related-posts", teaser="mag-box"),
    "newspaper": dict(body="td-theme", title="tdb-title-text", content="td-post-content tagdiv-type",
                      meta="td-post-date", share="td-post-sharing", related="td-related-title", teaser="td_block_wrap"),
    "drupal": dict(body="path-node page-node-type-article", title="node__title",
                   content="field field--name-body field--type-text-with-summary", meta="field--name-field-published",
                   share="block-social-share", related="block-views-related", teaser="view-content"),
    "custom": dict(body="article-page", title="article-title", content="article-body", meta="article-date",
                   share="share-bar", related="related-news", teaser="more-news"),
    "agency": dict(body="news-page", title="news-title", content="news-text", meta="news-date",
                   share="news-tools", related="news-related", teaser="news-list"),
}


def e(text: str) -> str:
    return html.escape(text, quote=True)


def json_ld(site: Site, a: A, iso: str) -> str:
    """schema.org NewsArticle block, as CMS SEO plugins print it."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.headline,
          "datePublished": iso, "publisher": {"@type": "Organization", "name": site.name}}
    return f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'


def render_html(site: Site, a: A, k: int, n: int, pool: Pool) -> tuple[str, dict]:
    th = THEMES[site.theme]
    d = date.fromisoformat(a.date)
    url = f"https://{site.domain}/news/{slug(a, n)}"
    iso = f"{d.isoformat()}T09:30:00+03:00"
    head = ['<meta charset="utf-8">', f"<title>{e(a.headline)} | {e(site.name)}</title>",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<link rel="canonical" href="{url}">']
    if "og" in a.forms:
        head += [f'<meta property="og:title" content="{e(a.headline)} - {e(site.name)}">',
                 f'<meta property="og:site_name" content="{e(site.name)}">',
                 f'<meta property="og:url" content="{url}">', '<meta property="og:type" content="article">',
                 f'<meta property="article:published_time" content="{iso}">']
    if "jsonld" in a.forms:
        head.append(json_ld(site, a, iso))
    furniture: list[str] = []
    parts: list[str] = []
    nav = "".join(f'<li><a href="/section/{i}">{e(h)}</a></li>' for i, h in enumerate(site.head[1:]))
    parts.append(f'<header class="site-header"><a class="logo" href="/">{e(site.head[0])}</a>'
                 f'<nav class="main-menu"><ul>{nav}</ul></nav></header>')
    if site.ticker:
        items = pool.items(a, k, 3)
        furniture += [h for h, _ in items]
        lis = "".join(f'<li><a href="/n/{i}">{e(h)}</a></li>' for i, (h, _) in enumerate(items))
        parts.append(f'<div class="breaking-news"><span>{e(site.ticker)}</span><ul>{lis}</ul></div>')
    if site.crumb:
        parts.append(f'<div class="breadcrumb">{e(site.crumb.format(section=a.section))}</div>')
    art = [f'<h1 class="{th["title"]}">{e(a.headline)}</h1>']
    if a.deck:
        art.append(f'<p class="article-summary">{e(a.deck)}</p>')
    meta = []
    if "time" in a.forms:
        meta.append(f'<time datetime="{iso}">{e(fmt(d, site.date_style))}</time>')
    elif "visible" in a.forms:
        meta.append(f'<span class="date">{e(fmt(d, site.date_style))}</span>')
    if site.byline and a.author:
        meta.append(f'<span class="author">{e(site.byline.format(author=a.author))}</span>')
    if meta:
        art.append(f'<div class="{th["meta"]}">{" ".join(meta)}</div>')
    share = "".join(f'<a class="share-btn" href="#">{e(s)}</a>' for s in site.share)
    content: list[str] = []
    body_keys: list[str] = []
    subhead_keys: list[str] = []
    prefix = dateline(site, d) if site.dateline and site.theme == "agency" else None
    for item in a.body:
        if item.startswith("## "):
            content.append(f"<h2>{e(item[3:])}</h2>")
            subhead_keys.append(key(item[3:]))
        elif item.startswith(("@@ ", "@! ")):
            cap = caption(site, item) if item.startswith("@@ ") else item[3:]
            furniture.append(cap)
            content.append(f'<figure class="wp-caption"><img src="/img/{n}.jpg" alt="">'
                           f"<figcaption>{e(cap)}</figcaption></figure>")
        elif item.startswith(">> "):
            furniture.append(item[3:])
            content.append(f'<div class="read-also"><strong>{e(site.related)}:</strong> '
                           f'<a href="/n/x">{e(item[3:])}</a></div>')
        else:
            text = (prefix + item) if prefix and not body_keys else item
            body_keys.append(key(item))
            content.append(f"<p>{e(text)}</p>")
    art.append(f'<div class="{th["content"]}">{"".join(content)}</div>')
    if site.tags:
        art.append(f'<div class="post-tags">{e(site.tags.format(tags=a.section))}</div>')
    art.append(f'<div class="{th["share"]}">{share}</div>')
    related = pool.items(a, k + 1, 3)
    furniture += [h for h, _ in related]
    lis = "".join(f'<li><a href="/n/r{i}">{e(h)}</a></li>' for i, (h, _) in enumerate(related))
    art.append(f'<section class="{th["related"]}"><h3>{e(site.related)}</h3><ul>{lis}</ul></section>')
    aside: list[str] = []
    if site.teasers:
        teas = pool.items(a, k, 3, with_leads=True)
        cards = []
        for i, (h, lead) in enumerate(teas):
            furniture.append(h)
            if lead:
                furniture.append(lead)
            cards.append(f'<div class="post-item"><h4><a href="/n/t{i}">{e(h)}</a></h4>'
                         + (f'<p class="excerpt">{e(lead)}</p>' if lead else "") + "</div>")
        aside.append(f'<div class="{th["teaser"]}"><h3>{e(site.teasers)}</h3>{"".join(cards)}</div>')
    if site.comments:
        furniture += [c for c in site.comments if len(c) >= 15]
        rows = "".join(f"<p>{e(c)}</p>" for c in site.comments)
        art.append(f'<div id="respond" class="comment-respond"><form>{rows}<textarea name="comment"></textarea>'
                   f'<input type="submit" value="إرسال"></form></div>')
    if site.top:
        parts_top = f'<a href="#top" class="go-to-top">{e(site.top)}</a>'
    else:
        parts_top = ""
    parts.append(f'<main><article class="post">{"".join(art)}</article>'
                 f'<aside class="sidebar">{"".join(aside)}</aside></main>')
    furniture += [t for t in site.tail if len(t) >= 15]
    parts.append(f'<footer class="site-footer">{"".join(f"<p>{e(t)}</p>" for t in site.tail)}{parts_top}</footer>')
    page = ('<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n' + "\n".join(head) + "\n</head>\n"
            f'<body class="{th["body"]}">\n' + "\n".join(parts) + "\n</body>\n</html>\n")
    own = " ".join([a.headline, a.deck or ""] + a.body)
    furniture = [f for f in dict.fromkeys(furniture) if f not in own]
    return page, {"body_keys": body_keys, "subhead_keys": subhead_keys, "furniture": furniture}


def render_soup(site: Site, a: A, k: int, n: int, pool: Pool) -> tuple[str, dict]:
    """Batch 2: an older CMS page: no article/aside/footer elements; related links, teasers, captions and
    reader notes sit inside the same container as the paragraphs (``table`` sites also use <br> breaks)."""
    d = date.fromisoformat(a.date)
    iso = f"{d.isoformat()}T08:05:00+02:00"
    head = ['<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
            f"<title>{e(site.name)} - {e(a.headline)}</title>"]
    if "og" in a.forms:
        head += [f'<meta property="og:title" content="{e(a.headline)}">',
                 f'<meta property="og:site_name" content="{e(site.name)}">',
                 f'<meta property="article:published_time" content="{iso}">']
    if "jsonld" in a.forms:
        head.append(json_ld(site, a, iso))
    table = site.theme == "table"
    furniture: list[str] = []
    menu = " | ".join(f'<a href="/Section/{i}">{e(h)}</a>' for i, h in enumerate(site.head[1:]))
    top = f'<div id="top"><a href="/"><img src="/logo.gif" alt="{e(site.name)}"></a><div class="menu">{menu}</div></div>'
    main = [f'<h1 class="title">{e(a.headline)}</h1>']
    if "time" in a.forms:
        main.append(f'<div class="date"><time datetime="{iso}">{e(fmt(d, site.date_style))}</time></div>')
    elif "visible" in a.forms:
        main.append(f'<div class="date">{e(fmt(d, site.date_style))}</div>')
    text: list[str] = []
    body_keys: list[str] = []
    subhead_keys: list[str] = []
    for item in a.body:
        if item.startswith("## "):
            text.append(f"<h3>{e(item[3:])}</h3>")
            subhead_keys.append(key(item[3:]))
        elif item.startswith(("@@ ", "@! ")):
            cap = caption(site, item) if item.startswith("@@ ") else item[3:]
            furniture.append(cap)
            text.append(f'<div align="center"><img src="/Media/{n}.jpg"><br>{e(cap)}</div>' if table
                        else f'<p class="caption"><img src="/Media/{n}.jpg"><br>{e(cap)}</p>')
        elif item.startswith(">> "):
            furniture.append(item[3:])
            text.append(f'<p><b>{e(site.related)}:</b> <a href="/News/x.aspx">{e(item[3:])}</a></p>')
        else:
            body_keys.append(key(item))
            text.append(f"{e(item)}<br><br>" if table else f"<p>{e(item)}</p>")
    main.append(f'<div class="text">{"".join(text)}</div>')
    if site.tags:
        tags = site.tags.format(tags=a.section)
        furniture.append(tags)
        main.append(f"<p>{e(tags)}</p>")
    main.append(f'<p>{" | ".join(e(s) for s in site.share)}</p>')
    related = pool.items(a, k + 1, 2)
    furniture += [h for h, _ in related]
    links = "<br>".join(f'<a href="/News/r{i}.aspx">{e(h)}</a>' for i, (h, _) in enumerate(related))
    main.append(f'<div class="box"><b>{e(site.related)}</b><br>{links}</div>')
    cards = []
    for i, (h, lead) in enumerate(pool.items(a, k, 3, with_leads=True)):
        furniture += [h] + ([lead] if lead else [])
        cards.append(f'<div><a href="/News/t{i}.aspx"><b>{e(h)}</b></a>' + (f"<p>{e(lead)}</p>" if lead else "") + "</div>")
    main.append(f'<div class="more"><b>{e(site.teasers)}</b>{"".join(cards)}</div>')
    furniture += [c for c in site.comments if len(c) >= 15]
    main += [f'<p class="note">{e(c)}</p>' for c in site.comments]
    content = "".join(main)
    foot = f'<div id="footer">{"<br>".join(e(t) for t in site.tail)}</div>'
    furniture += [t for t in site.tail if len(t) >= 15]
    if table:
        body = (f'{top}<table width="100%" cellpadding="0"><tr><td class="main" valign="top">{content}</td>'
                f'<td class="side" width="250"></td></tr></table>{foot}')
    else:
        body = f'<div id="wrapper">{top}<div id="content">{content}</div>{foot}</div>'
    page = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">\n<html dir="rtl">\n<head>\n'
            + "\n".join(head) + f"\n</head>\n<body>\n{body}\n</body>\n</html>\n")
    own = " ".join([a.headline, a.deck or ""] + a.body)
    furniture = [f for f in dict.fromkeys(furniture) if f not in own]
    return page, {"body_keys": body_keys, "subhead_keys": subhead_keys, "furniture": furniture}


def key(text: str) -> str:
    """Matching key of a paragraph: its first 40 characters, whitespace collapsed."""
    return " ".join(text.split())[:40]


def split_of(group: list[Site]) -> dict[str, str]:
    """Seeded ~60/40 dev/test split by site; each batch is split on its own so batch 1 never moves."""
    sites = sorted(s.key for s in group)
    random.Random(SPLIT_SEED).shuffle(sites)
    n_dev = round(len(sites) * 0.6)
    return {s: ("dev" if i < n_dev else "test") for i, s in enumerate(sites)}


def main(root: Path = ROOT) -> None:
    """Write ``root/docs`` and ``root/gold.jsonl`` (the test renders into a temporary root and compares)."""
    articles = ARTICLES_A + ARTICLES_B + ARTICLES_C + ARTICLES_SOUP
    pool = Pool(articles)
    splits = split_of(SITES) | split_of(SITES_SOUP)
    by_key = {s.key: s for s in SITES + SITES_SOUP}
    batch2 = {s.key for s in SITES_SOUP}
    docs = root / "docs"
    gold = []
    per_site: dict[str, int] = {}
    for n, a in enumerate(articles):
        site = by_key[a.site]
        k = per_site.get(a.site, 0)
        per_site[a.site] = k + 1
        doc_id = f"{a.site}_{k + 1:02d}"
        path = docs / a.site / f"{doc_id}.{a.fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if a.fmt == "txt":
            has_date = bool(DATE_FORMS & set(a.forms))
            labels = write_txt(path, render_txt(site, a, k, n, pool), blank_between=SITES.index(site) % 3 == 0)
        else:
            has_date = bool(HTML_DATE_FORMS & set(a.forms))
            render = render_soup if a.site in batch2 else render_html
            page, labels = render(site, a, k, n, pool)
            if a.site in batch2:
                labels["batch"] = 2
            path.write_text(page, encoding="utf-8")
        gold.append({"id": doc_id, "path": str(path.relative_to(root)), "site": a.site, "split": splits[a.site],
                     "format": a.fmt, "title": a.headline, "date": a.date if has_date else None,
                     "date_granularity": "day" if has_date else None, "outlet": site.key,
                     "metadata_forms": [f for f in a.forms if f != "none"], **labels})
    with (root / "gold.jsonl").open("w", encoding="utf-8") as fh:
        for g in gold:
            fh.write(json.dumps(g, ensure_ascii=False) + "\n")
    print(f"{len(gold)} pages, {len(per_site)} sites -> {docs}")


if __name__ == "__main__":
    main()
