"""Actor / target / place accuracy of EventCoder on hand-written demo-style sentences.

The gold (tests/fixtures/event_roles_gold.jsonl, written for this evaluation, 24 sentences)
gives each sentence's PLOVER type, actors, targets and place as entity ids, plus the entity
mentions (standing in for NER, so this measures role assignment, not NER). An item counts as
detected when an event of the gold type is coded; roles are compared as exact lists/sets.

Usage: python scripts/eval_event_roles.py [--gold tests/fixtures/event_roles_gold.jsonl] [--show] [--no-classifier]
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

from rasid.extract.events.coder import EventCoder  # noqa: E402
from rasid.extract.temporal import find_dates  # noqa: E402
from rasid.models import Document, Mention  # noqa: E402


def mentions_for(doc_id: str, text: str, table: dict[str, list[str]]) -> list[Mention]:
    """Longest-first, non-overlapping string matches of the gold entity table."""
    out: list[Mention] = []
    for name, (typ, eid) in sorted(table.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(re.escape(name), text):
            if not any(m.start() < x.end and x.start < m.end() for x in out):
                out.append(Mention(doc_id, m.start(), m.end(), name, typ, eid))
    return sorted(out, key=lambda m: m.start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "event_roles_gold.jsonl")
    ap.add_argument("--show", action="store_true", help="print every item with the system output")
    ap.add_argument("--no-classifier", action="store_true", help="lexicon-only detection")
    args = ap.parse_args()
    coder = EventCoder.load(classifier=not args.no_classifier)
    items = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = actor_ok = target_ok = place_ok = all_ok = 0
    for i, g in enumerate(items):
        doc = Document(id=f"r{i}", text=g["text"], raw_text=g["text"], source_path="gold", fmt="txt",
                       published=datetime(2026, 1, 28))
        evs = coder.code(doc, mentions_for(doc.id, g["text"], g["entities"]), find_dates(doc.id, g["text"], doc.published))
        ev = next((e for e in evs if e.type == g["type"]), None)
        ok = (False, False, False)
        if ev is not None:
            found += 1
            ok = (ev.actors == g["actors"], set(ev.targets) == set(g["targets"]), ev.place == g["place"])
            actor_ok, target_ok, place_ok = actor_ok + ok[0], target_ok + ok[1], place_ok + ok[2]
            all_ok += all(ok)
        if args.show or (ev is not None and not all(ok)):
            got = (ev.actors, ev.targets, ev.place) if ev else [(e.type, e.trigger) for e in evs]
            print(f"{'OK ' if ev and all(ok) else 'ERR'} {g['type']:8} gold={g['actors']}/{g['targets']}/{g['place']} "
                  f"got={got} | {g['text'][:70]}")
    n = len(items)
    print(f"items={n} detected={found} ({found / n:.3f})")
    if found:
        print(f"on detected events: actor={actor_ok / found:.3f} targets={target_ok / found:.3f} "
              f"place={place_ok / found:.3f} all three={all_ok / found:.3f}")
    print(f"on all items: actor={actor_ok / n:.3f} targets={target_ok / n:.3f} place={place_ok / n:.3f} "
          f"all three={all_ok / n:.3f}")


if __name__ == "__main__":
    main()
