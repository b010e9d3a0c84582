"""Headlines of real articles, laid out as scraped pages: does the page reader find the exact headline?

Why: eval/raw holds 88 hand-read pages; real headlines come in more shapes than that (two words, an exclamation,
trailing dots, «تقرير: …», a reporter's «name ـ city» line under them). Here the publishers' own (title, body)
pairs of SaudiNewsNet (July 2015, 12 outlets) and ANT (the last two files) are written as the text lines of a
page in five layouts (a menu bar, a date line, a «بقلم:» byline, a bare author name, or nothing above the body)
and ``read_page`` must return the exact title. Nothing is labelled by hand: the gold is the publisher's title.

Labelling rule: the title field of the article, verbatim; articles with no title, a title on several lines or no
body are left out. The 3,000 articles are shuffled with a fixed seed and split in halves: ``dev`` (tuned on) and
``test`` (looked at once, at the end).

Also counted: pages whose title came out as the body's first paragraph (that paragraph would then be cut from the
body as a headline).

Usage: python scripts/eval_raw_titles.py [--split dev|test] [--data ../shared/data] [--show N]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import require_data  # noqa: E402

from rasid.ingest.page import read_page  # noqa: E402

MENU = "الرئيسية | أخبار | اقتصاد | رياضة | اتصل بنا"
LAYOUTS: dict[str, Callable[[str, list[str]], list[str]]] = {
    "menu, title, body": lambda t, b: [MENU, t, *b],
    "menu, title, date line, body": lambda t, b: [MENU, t, "الأحد 5 أغسطس 2018 - 10:15", *b],
    "menu, title, «بقلم:» byline, body": lambda t, b: [MENU, t, "بقلم: سامي الورتاني", *b],
    "menu, title, author name, body": lambda t, b: [MENU, t, "سامي الورتاني", *b],
    "title, body": lambda t, b: [t, *b],
}


def articles(data: Path, n: int = 3000, seed: int = 7) -> list[tuple[str, list[str]]]:
    """(title, first six body lines) of ``n`` shuffled articles (see the module docstring)."""
    files = (sorted(require_data(data, "saudinewsnet", "jsonl").glob("*.jsonl"))[:3]
             + sorted(require_data(data, "ant_multisource", "jsonl").glob("*.jsonl"))[-2:])
    rows = []
    for f in files:
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                title = (r.get("title") or "").strip()
                body = [x for x in (r.get("text") or r.get("content") or "").strip().split("\n") if x.strip()][:6]
                if title and body and "\n" not in title:
                    rows.append((title, body))
    random.Random(seed).shuffle(rows)
    return rows[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--show", type=int, default=0, help="print this many misses per layout")
    args = ap.parse_args()
    rows = articles(args.data)
    half = len(rows) // 2
    rows = rows[:half] if args.split == "dev" else rows[half:]
    print(f"{args.split}: {len(rows)} articles\n")
    print("| layout | title exact | no title | first paragraph taken as title |\n|---|---|---|---|")
    for name, layout in LAYOUTS.items():
        ok = none = first_taken = 0
        misses = []
        for title, body in rows:
            got = read_page(layout(title, body)).title
            ok += got == title
            none += got is None
            first_taken += got is not None and got.strip() == body[0].strip() and body[0].strip() != title
            if got != title and len(misses) < args.show:
                misses.append((title, got))
        print(f"| {name} | {ok / len(rows):.3f} | {none} | {first_taken} |")
        for title, got in misses:
            print(f"    title {title[:70]!r} -> {(got or '')[:70]!r}")


if __name__ == "__main__":
    main()
