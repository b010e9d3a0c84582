"""Blind raw-page set (eval/raw): does rasid read a scraped page the way a person does?

Usage: python scripts/eval_raw.py [--split dev|test|all] [--batch 1|2] [--site-folders] [--details]

Each page goes through what ``rasid run`` does to it: ``read_file`` (reader), line statistics learned
over the whole set (``LineStats`` fed every article, as ``learn_line_stats`` does), then ``clean_article``.
Scored against eval/raw/gold.jsonl (rule: eval/raw/ANNOTATION.md): title, publication day and outlet
accuracy; for .txt line-level furniture precision/recall and body recall; for .html body-paragraph recall
and furniture leak; and trafilatura alone (``trafilatura.extract`` with default options) on the .html
pages. A page the reader skips counts as wrong on every measure; nothing is left out.

The pages are copied into one folder named ``input`` first (rasid does not take that name for an outlet),
because a folder per site would hand rasid the outlet: a scraper dump carries no such field.
``--site-folders`` reads them in place instead, to show what the folder alone gives.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rasid.clean.boilerplate import LineStats
from rasid.config import RunConfig
from rasid.ingest.readers import read_file
from rasid.models import Document, RawArticle
from rasid.run.stages import clean_article
from rasid.text.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "eval" / "raw"
NON_BODY = {"furniture", "caption", "meta"}
KINDS = ("txt", "html", "html b2")  # batch 2 (older HTML layouts, added after the first run) is reported apart


def same_text(a: str | None, b: str | None) -> bool:
    """Equal after rasid's normalisation and whitespace collapsing (the annotation rule's comparison)."""
    if a is None or b is None:
        return a is b
    return " ".join(normalize(a).split()) == " ".join(normalize(b).split())


def flat(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Tally:
    """Sums for one group of pages (a split × format)."""

    docs: int = 0
    skipped: int = 0
    title: int = 0
    date: int = 0
    dated: int = 0  # pages whose gold has a date, and how many of those rasid got right
    dated_right: int = 0
    outlet: int = 0
    removed_nonbody: int = 0  # txt: removed lines the gold calls furniture/caption/meta
    removed_body: int = 0  # txt: removed lines the gold calls body/subhead (false positives)
    nonbody: int = 0
    body_chars: int = 0
    body_chars_kept: int = 0
    keys: int = 0  # html: body paragraph keys
    keys_found: int = 0
    furn: int = 0  # html: furniture strings
    furn_leaked: int = 0
    traf_keys_found: int = 0
    traf_furn_leaked: int = 0
    errors: list[str] = field(default_factory=list)


def raw_offset(file_lines: list[str], raw: RawArticle) -> int:
    """File line index where the reader's body starts (lines before it were taken as metadata)."""
    body = raw.text.split("\n")
    for off in range(len(file_lines)):
        if file_lines[off:off + len(body)] == body:
            return off
    raise ValueError(f"{raw.doc_id}: reader text is not a run of file lines")


def kept_lines(file_lines: list[str], raw: RawArticle, doc: Document) -> set[int]:
    """1-based file line numbers whose text survives into the cleaned document."""
    off = raw_offset(file_lines, raw)
    # an inline metadata prefix cut from a kept body line is recorded as "inline-metadata": the line stays
    removed = {int(r.split("\t", 1)[0]) for r in doc.removed_lines if r.split("\t")[1] != "inline-metadata"}
    body = raw.text.split("\n")
    kept = {off + i + 1 for i, line in enumerate(body) if line.strip() and i not in removed}
    got = doc.text.split("\n") if doc.text else []
    assert len(got) == len(kept) and all(file_lines[n - 1].strip().endswith(t) for n, t in zip(sorted(kept), got,
                                                                                               strict=True)), raw.doc_id
    return kept


def score_txt(t: Tally, g: dict, file_lines: list[str], raw: RawArticle | None, doc: Document | None) -> None:
    kept = kept_lines(file_lines, raw, doc) if raw and doc else set()
    for n, label in g["lines"].items():
        n_i = int(n)
        gone = n_i not in kept
        if label in NON_BODY:
            t.nonbody += 1
            t.removed_nonbody += gone
            if not gone:
                t.errors.append(f"kept {label} {g['id']}:{n}: {file_lines[n_i - 1][:70]}")
        elif label in {"body", "subhead"}:
            t.removed_body += gone
            if gone:
                t.errors.append(f"removed {label} {g['id']}:{n}: {file_lines[n_i - 1][:70]}")
        if label == "body":
            chars = len(file_lines[n_i - 1]) - len(g["inline_meta"].get(n, ""))
            t.body_chars += chars
            t.body_chars_kept += 0 if gone else chars


def score_html(g: dict, text: str) -> tuple[list[str], list[str]]:
    """Body keys missing from the extracted text, and furniture strings found in it."""
    body = flat(text)
    return [k for k in g["body_keys"] if k not in body], [f for f in g["furniture"] if flat(f) in body]


def trafilatura_alone(page: str) -> str:
    import trafilatura

    return trafilatura.extract(page) or ""


def read_all(gold: list[dict], site_folders: bool, work: Path) -> dict[str, RawArticle | None]:
    raws: dict[str, RawArticle | None] = {}
    for g in gold:
        src = RAW / g["path"]
        path = src if site_folders else work / "input" / src.name
        if not site_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, path)
        got = [r for r in read_file(path) if isinstance(r, RawArticle)]
        raws[g["id"]] = got[0] if got else None
    return raws


def evaluate(gold: list[dict], site_folders: bool) -> dict[tuple[str, str], Tally]:
    with tempfile.TemporaryDirectory() as tmp:
        raws = read_all(gold, site_folders, Path(tmp))
    stats = LineStats(min_docs=RunConfig().clean.min_repeat_docs)
    for raw in raws.values():  # learned over the whole set, as `rasid run` learns over its inputs
        if raw is not None:
            stats.observe(raw.outlet, raw.text)
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for g in gold:
        raw = raws[g["id"]]
        doc = clean_article(raw, stats) if raw is not None else None
        kind = g["format"] if g.get("batch", 1) == 1 else f"{g['format']} b{g['batch']}"
        for t in (tallies[(g["split"], kind)], tallies[("all", kind)]):
            t.docs += 1
            if doc is None:
                t.skipped += 1
                t.errors.append(f"skipped {g['id']}")
            else:
                t.title += same_text(doc.title, g["title"])
                day = doc.published.date().isoformat() if doc.published else None
                t.date += day == g["date"]
                t.dated_right += g["date"] is not None and day == g["date"]
                t.outlet += (doc.outlet or "").strip().lower() == g["outlet"]
                if not same_text(doc.title, g["title"]):
                    t.errors.append(f"title {g['id']}: {doc.title!r}")
                if day != g["date"]:
                    t.errors.append(f"date {g['id']}: {day} (gold {g['date']})")
            t.dated += g["date"] is not None
            path = RAW / g["path"]
            if g["format"] == "txt":
                score_txt(t, g, path.read_text(encoding="utf-8").split("\n"), raw, doc)
            else:
                page = path.read_text(encoding="utf-8")
                missing, leaked = score_html(g, doc.text if doc else "")
                t_missing, t_leaked = score_html(g, trafilatura_alone(page))
                t.keys += len(g["body_keys"])
                t.furn += len(g["furniture"])
                t.keys_found += len(g["body_keys"]) - len(missing)
                t.furn_leaked += len(leaked)
                t.traf_keys_found += len(g["body_keys"]) - len(t_missing)
                t.traf_furn_leaked += len(t_leaked)
                t.errors += [f"missing body {g['id']}: {k}" for k in missing]
                t.errors += [f"kept furniture {g['id']}: {f[:70]}" for f in leaked]
    return tallies


def ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "n/a"


def report(tallies: dict[tuple[str, str], Tally], splits: list[str], details: bool) -> None:
    print("| split | pages | skipped | title acc | date acc (exact day) | date acc, dated pages | outlet acc "
          "| furniture P | furniture R | body recall |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for split in splits:
        for fmt_ in KINDS:
            t = tallies.get((split, fmt_))
            if t is None:
                continue
            if fmt_ == "txt":
                p = ratio(t.removed_nonbody, t.removed_nonbody + t.removed_body)
                r = ratio(t.removed_nonbody, t.nonbody)
                body = ratio(t.body_chars_kept, t.body_chars) + " (chars)"
            else:
                p = "n/a"
                r = ratio(t.furn - t.furn_leaked, t.furn) + " (1 − leak)"
                body = ratio(t.keys_found, t.keys) + " (paragraphs)"
            print(f"| {split} {fmt_} | {t.docs} | {t.skipped} | {ratio(t.title, t.docs)} | {ratio(t.date, t.docs)} "
                  f"| {t.dated_right}/{t.dated} | {ratio(t.outlet, t.docs)} | {p} | {r} | {body} |")
    print()
    print("trafilatura.extract alone (default options), .html pages:")
    print()
    print("| split | pages | body recall (paragraphs) | furniture R (1 − leak) |")
    print("|---|---|---|---|")
    for split in splits:
        for kind in KINDS[1:]:
            t = tallies.get((split, kind))
            if t:
                print(f"| {split} {kind} | {t.docs} | {ratio(t.traf_keys_found, t.keys)} "
                      f"| {ratio(t.furn - t.traf_furn_leaked, t.furn)} |")
    if details:
        for split in splits:
            for fmt_ in KINDS:
                t = tallies.get((split, fmt_))
                for err in (t.errors if t else []):
                    print(f"  [{split} {fmt_}] {err}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["dev", "test", "all"], default=None, help="default: dev, test and all")
    ap.add_argument("--batch", type=int, choices=[1, 2], default=None,
                    help="only this batch (line statistics then learned on it alone); --batch 1 = the first run")
    ap.add_argument("--site-folders", action="store_true", help="read pages in their site folders (leaks outlet)")
    ap.add_argument("--details", action="store_true", help="list every miss (dev only unless --split says)")
    args = ap.parse_args()
    gold = [json.loads(line) for line in (RAW / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    if args.batch:
        gold = [g for g in gold if g.get("batch", 1) == args.batch]
    tallies = evaluate(gold, args.site_folders)
    splits = [args.split] if args.split else ["dev", "test", "all"]
    report(tallies, splits, args.details)


if __name__ == "__main__":
    main()
