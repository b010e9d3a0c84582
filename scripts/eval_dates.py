"""Evaluate ``rasid.extract.temporal.find_dates``.

1. Our own gold set (tests/fixtures/dates_gold.jsonl, 120+ expressions, each with a
   publication date): an expression counts as correct when a timex with exactly
   that surface and that value is found.
2. Arabic TimeML (../shared/data/timeml_ar): TIMEX3 type=DATE with a calendar value.
   The files have no document date; their values imply 2015-12-24 ("اليوم"), so that
   is used as anchor. Values are silver (HeidelTime-like output, some self-contradictory)
   so we report absolute dates (year written in the text) apart from relative ones.

Usage: python scripts/eval_dates.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.extract.temporal import find_dates  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
_TIMEX_RE = re.compile(r"<TIMEX3([^>]*)>(.*?)</TIMEX3>", re.S)
_VALUE_RE = re.compile(r'value="([^"]*)"')
_TYPE_RE = re.compile(r'type="([^"]*)"')
_CAL_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$|^\d{4}-W\d{2}$")


def eval_own(path: Path) -> None:
    ok = found = n = 0
    misses = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        n += 1
        ts = find_dates(r["id"], r["sentence"], datetime.fromisoformat(r["published"]))
        hit = [t for t in ts if t.text == r["surface"]]
        found += bool(hit)
        if hit and hit[0].value == r["value"]:
            ok += 1
        else:
            misses.append((r["id"], r["surface"], r["value"], [(t.text, t.value) for t in ts]))
    print(f"own gold set: {n} expressions; exact extent {found / n:.3f}; extent+value accuracy {ok / n:.3f}")
    for m in misses:
        print("  miss:", *m)


def load_demo_docs(corpus: Path) -> dict[str, tuple[str, datetime | None]]:
    """doc id -> (raw text, date) for the demo corpus (.txt headers, .html meta, wire.jsonl)."""
    docs: dict[str, tuple[str, datetime | None]] = {}
    for f in sorted(corpus.rglob("*")):
        if f.suffix in (".txt", ".html"):
            raw = f.read_text(encoding="utf-8")
            m = re.search(r"^date (\d{4}-\d{2}-\d{2})|published_time\" content=\"(\d{4}-\d{2}-\d{2})", raw, re.M)
            pub = datetime.fromisoformat(m.group(1) or m.group(2)) if m else None
            docs[f.stem] = (raw, pub)
        elif f.suffix == ".jsonl":
            for line in f.read_text(encoding="utf-8").splitlines():
                r = json.loads(line)
                pub = datetime.fromisoformat(r["date"][:10]) if r.get("date") else None
                docs[r["id"]] = (r["text"], pub)
    return docs


def eval_demo(root: Path) -> float:
    gold = json.loads((root / "demo" / "gold" / "dates.json").read_text(encoding="utf-8"))
    docs = load_demo_docs(root / "demo" / "corpus")
    ok = loose = 0
    for g in gold:
        text, pub = docs[g["doc"]]
        found = find_dates(g["doc"], text, pub)
        want = _iso_week(g["value"])
        if any(t.text == g["text"] and t.value == want for t in found):
            ok += 1
            loose += 1
            continue
        spans = [(m.start(), m.end()) for m in re.finditer(re.escape(g["text"]), text)]
        if any(t.value == want and t.start < e and s < t.end for t in found for s, e in spans):
            loose += 1
        print("  extent/value miss:", g["doc"], g["text"], g["value"],
              [(t.text, t.value) for t in found if any(t.start < e and s < t.end for s, e in spans)])
    print(f"demo gold (demo/gold/dates.json): {len(gold)} expressions; exact extent+value accuracy "
          f"{ok / len(gold):.3f}; value accuracy with overlapping extent {loose / len(gold):.3f}")
    return ok / len(gold)


def _iso_week(value: str) -> str:
    if "-W" not in value:
        return value
    y, w = value.split("-W")
    return datetime.fromisocalendar(int(y), int(w), 1).date().isoformat()


def eval_timeml(folder: Path) -> None:
    anchor = datetime(2015, 12, 24)
    stats = {"absolute": [0, 0, 0], "relative": [0, 0, 0]}  # gold, overlap-found, value-correct
    pred_total = pred_matched = 0
    for f in sorted(folder.glob("*.tml")):
        raw = f.read_text(encoding="utf-8").replace("\ufeff", "")
        body = raw.replace("<TimeML>", "").replace("</TimeML>", "")
        text, gold = [], []
        pos = 0
        for m in _TIMEX_RE.finditer(body):
            text.append(body[pos:m.start()])
            start = sum(len(t) for t in text)
            text.append(m.group(2))
            gold.append((start, start + len(m.group(2)), m.group(1), m.group(2)))
            pos = m.end()
        text.append(body[pos:])
        plain = "".join(text)
        preds = find_dates(f.stem, plain, anchor)
        pred_total += len(preds)
        dates = []
        for s, e, attrs, surface in gold:
            typ = _TYPE_RE.search(attrs).group(1)
            value = _VALUE_RE.search(attrs).group(1)
            if typ != "DATE" or not _CAL_RE.match(value):
                continue
            dates.append((s, e))
            kind = "absolute" if re.search(r"[0-9٠-٩]{4}", surface) else "relative"
            stats[kind][0] += 1
            over = [p for p in preds if p.start < e and s < p.end]
            if over:
                stats[kind][1] += 1
                if any(_iso_week(value) in (p.value, p.value_end) for p in over if p.value):  # a range covers both ends
                    stats[kind][2] += 1
        pred_matched += sum(1 for p in preds if any(p.start < e and s < p.end for s, e in dates))
    for kind, (n, found, correct) in stats.items():
        print(f"timeml_ar {kind} DATE timexes: {n}; detected (overlap) {found / n:.3f}; value accuracy {correct / n:.3f}")
    print(f"timeml_ar predictions overlapping a gold calendar DATE: {pred_matched}/{pred_total} "
          "(the rest are mostly unannotated or non-calendar, so this is a lower bound on precision)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    eval_own(ROOT / "tests" / "fixtures" / "dates_gold.jsonl")
    if (ROOT / "demo" / "gold" / "dates.json").exists():
        eval_demo(ROOT)
    folder = args.data / "timeml_ar"
    if not folder.is_dir():
        print(f"{folder} not found: skipping the TimeML evaluation")
        return
    eval_timeml(folder)


if __name__ == "__main__":
    main()
