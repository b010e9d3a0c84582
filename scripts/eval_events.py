"""Evaluate event detection on the Arabic event GSR (openeventdata/arabic_event_gsr).

Each sentence in protest_gsr.csv / assault_gsr.csv is labelled yes / easy no /
difficult no / ambiguous for one PLOVER type. A sentence is predicted positive
when EventCoder emits an event of that type. Ambiguous sentences are left out.
Sentences are split in two halves by a hash of their id: ``dev`` (used while
writing the lexicon) and ``test`` (kept unseen until the end).

Usage: python scripts/eval_events.py [--data ../shared/data] [--split dev|test] [--include-up]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.events import EventCoder  # noqa: E402
from rasid.models import Document  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"


def split_of(sent_id: str) -> str:
    return "dev" if int(hashlib.sha1(sent_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--split", choices=["dev", "test"], default="dev")
    ap.add_argument("--include-up", action="store_true", help="add the UniversalPetrarch dictionary layer")
    ap.add_argument("--show-errors", type=int, default=0)
    args = ap.parse_args()
    folder = args.data / "event_coding" / "arabic_event_gsr"
    if not folder.is_dir():
        print(f"{folder} not found: skipping the event evaluation")
        return
    coder = EventCoder.load(include_up=args.include_up)
    print(f"lexicon entries: {len(coder.lexicon)} (include_up={args.include_up}); split={args.split}")
    for name in ("protest_gsr.csv", "assault_gsr.csv"):
        tp = fp = fn = tn = 0
        errors = []
        with open(folder / name, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["label"] == "ambiguous" or split_of(row["id"]) != args.split:
                    continue
                gold = row["label"] == "yes"
                doc = Document(id=row["id"], text=row["text"], raw_text=row["text"], source_path=name, fmt="csv")
                pred = any(e.type == row["event_type"] for e in coder.code(doc, [], []))
                tp += gold and pred
                fp += pred and not gold
                fn += gold and not pred
                tn += not gold and not pred
                if gold != pred and len(errors) < args.show_errors:
                    errors.append(("FP" if pred else "FN", row["label"], row["text"][:160]))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name}: n={tp + fp + fn + tn} positives={tp + fn} P={p:.3f} R={r:.3f} F1={f1:.3f} "
              f"(tp={tp} fp={fp} fn={fn})")
        for e in errors:
            print("  ", *e)


if __name__ == "__main__":
    main()
