"""How precise is the entity list when doubted one-off names are left out? Scored on records judged by hand.

Why: the entity list and the map show every entity record, and most wrong records are names the tagger found
once and doubted. ``Store.listed`` leaves out a record named once whose tagger confidence is under
``[lists] entity_confidence``. This script builds (or reuses) the audit's 1,000-article August 2018 run
(scripts/audit_entities.py, same seed), finds the records judged in eval/ner/entity_audit.jsonl's uniform
samples whose name is unchanged in this run, and prints, per split and threshold, the precision of the records
the list keeps, how many judged-correct records it leaves out, and the share of all records listed. Choose
the threshold on ``dev``; ``test`` is for the final report.

Usage: python scripts/dev/entity_listing_eval.py [--db /tmp/aug.db] [--thresholds 0.6,0.7,0.8,0.9] [--split dev]
           [--sample uniform|pins]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import audit_entities as audit  # noqa: E402
from _shared import require_data  # noqa: E402

from rasid.store import Store  # noqa: E402


def judged(recs_index: dict, sample: str = "uniform") -> list[dict]:
    """The judgements of ``sample``'s records (``uniform``: a real name of the right type; ``pins``: the map pin
    within 161 km) whose record (same anchor, type and name) exists in this run, one per record."""
    field = "pin" if sample == "pins" else "label"
    out, seen = [], set()
    for line in audit.LABELS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if not row["sample"].startswith(sample) or row.get(field) is None:
            continue
        hit = recs_index.get((row["doc"], row["start"], row["end"]))
        if hit is None:
            continue
        rec = hit[1]
        if rec["name_hash"] != row["name_hash"] or rec["type"] != row["type"] or rec["entity"] in seen:
            continue
        seen.add(rec["entity"])
        out.append({"entity": rec["entity"], "split": row["split"], "label": row[field]})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--db", type=Path, default=Path("/tmp/rasid_listing_aug.db"))
    ap.add_argument("--thresholds", default="0.6,0.7,0.8,0.9,0.95")
    ap.add_argument("--split", choices=("dev", "test", "both"), default="dev")
    ap.add_argument("--sample", choices=("uniform", "pins"), default="uniform",
                    help="uniform: entity records; pins: geocoded places (all records listed = LOC with a pin)")
    args = ap.parse_args()
    require_data(args.data, "ant_multisource", "jsonl")  # exits 0 with a message when the data is absent
    src = args.db.with_suffix(".input.jsonl")
    if not args.db.exists():
        src = audit.build_run(args.data, "201808", 1000, args.db, "fast")
    recs, index = audit.records(args.db, src)
    rows = judged(index["keys"], args.sample)
    store = Store(args.db, read_only=True)
    print(f"{len(recs)} records in the run; {len(rows)} judged records found with the same name")
    print("| split | threshold | records listed (all) | judged listed | precision listed | judged-correct left out |")
    print("|---|---|---|---|---|---|")
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    everyone = [r["entity"] for r in recs if args.sample == "uniform" or (r["type"] == "LOC" and r["lat"] is not None)]
    for split in splits:
        part = [r for r in rows if r["split"] == split]
        good = sum(r["label"] for r in part)
        print(f"| {split} | none | {len(everyone)} | {len(part)} | {good / len(part):.3f} | 0 |")
        for th in (float(x) for x in args.thresholds.split(",")):
            keep = store.listed([r["entity"] for r in part], th)
            kept = [r for r in part if r["entity"] in keep]
            p = sum(r["label"] for r in kept) / max(1, len(kept))
            lost = good - sum(r["label"] for r in kept)
            share = len(store.listed(everyone, th))
            print(f"| {split} | {th} | {share} ({share / len(everyone):.0%}) | {len(kept)} | {p:.3f} | {lost} of {good} |")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
