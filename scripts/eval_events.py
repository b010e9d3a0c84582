"""Evaluate event detection on the Arabic event GSR (openeventdata/arabic_event_gsr).

Each sentence in protest_gsr.csv / assault_gsr.csv is labelled yes / easy no /
difficult no / ambiguous for one PLOVER type. A sentence is predicted positive
when EventCoder emits an event of that type. Ambiguous sentences are left out.
Sentences are split in two halves by a hash of their id: ``dev`` (used while
writing the lexicon and training the classifier) and ``test`` (kept unseen until the end).

Usage: python scripts/eval_events.py [--data ../shared/data] [--split dev|test] [--include-up] [--no-classifier]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.extract.events.coder import EventCoder  # noqa: E402
from rasid.models import Document  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
FILES = {"PROTEST": "protest_gsr.csv", "ASSAULT": "assault_gsr.csv"}


def split_of(sent_id: str) -> str:
    return "dev" if int(hashlib.sha1(sent_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def read_rows(folder: Path, plover: str, split: str) -> list[dict]:
    """Non-ambiguous GSR rows of one type and split, in file order."""
    with open(folder / FILES[plover], encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["label"] != "ambiguous" and split_of(r["id"]) == split]


def predicts(coder: EventCoder, row: dict) -> bool:
    doc = Document(id=row["id"], text=row["text"], raw_text=row["text"], source_path="gsr", fmt="csv")
    return any(e.type == row["event_type"] for e in coder.code(doc, [], []))


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--split", choices=["dev", "test"], default="dev")
    ap.add_argument("--include-up", action="store_true", help="add the UniversalPetrarch dictionary layer")
    ap.add_argument("--no-classifier", action="store_true", help="lexicon only (the pre-classifier coder)")
    ap.add_argument("--show-errors", type=int, default=0)
    args = ap.parse_args()
    folder = args.data / "event_coding" / "arabic_event_gsr"
    if not folder.is_dir():
        print(f"{folder} not found: skipping the event evaluation")
        return
    coder = EventCoder.load(include_up=args.include_up, classifier=not args.no_classifier)
    print(f"lexicon entries: {len(coder.lexicon)} (include_up={args.include_up}); "
          f"classifier={coder.classifier is not None}; split={args.split}")
    if args.split == "dev" and coder.classifier is not None:
        print("note: the classifier was trained on the whole dev half, so dev numbers here are training-set "
              "numbers; the cross-validated dev numbers come from scripts/train_event_classifier.py")
    for plover in FILES:
        tp = fp = fn = tn = 0
        errors = []
        for row in read_rows(folder, plover, args.split):
            gold, pred = row["label"] == "yes", predicts(coder, row)
            tp += gold and pred
            fp += pred and not gold
            fn += gold and not pred
            tn += not gold and not pred
            if gold != pred and len(errors) < args.show_errors:
                errors.append(("FP" if pred else "FN", row["label"], row["text"][:160]))
        p, r, f1 = prf(tp, fp, fn)
        print(f"{plover}: n={tp + fp + fn + tn} positives={tp + fn} P={p:.3f} R={r:.3f} F1={f1:.3f} "
              f"(tp={tp} fp={fp} fn={fn})")
        for e in errors:
            print("  ", *e)


if __name__ == "__main__":
    main()
