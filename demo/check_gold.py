#!/usr/bin/env python3
"""Sanity checks for the demo corpus gold files (run: python3 demo/check_gold.py)."""
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS, GOLD = HERE / "corpus", HERE / "gold"
errors = []


def load_docs():
    docs, kinds = {}, {}
    for p in sorted(CORPUS.rglob("*")):
        if p.suffix in (".txt", ".html"):
            docs[p.stem] = p.read_text(encoding="utf-8")
            kinds[p.stem] = p.suffix[1:]
        elif p.suffix == ".jsonl":
            for line in p.read_text(encoding="utf-8").splitlines():
                o = json.loads(line)
                docs[o["id"]] = o["title"] + "\n" + o["text"]
                kinds[o["id"]] = "jsonl"
    return docs, kinds


def body_lines(text):
    """Lines after the header block (first blank line) of a .txt doc."""
    head, _, body = text.partition("\n\n")
    return body.rstrip("\n").split("\n")


def main():
    docs, kinds = load_docs()
    txt_ids = {d for d, k in kinds.items() if k == "txt"}

    # boilerplate
    bp = [json.loads(l) for l in (GOLD / "boilerplate.jsonl").read_text(encoding="utf-8").splitlines()]
    seen = set()
    for r in bp:
        d = r["doc"]
        if d not in txt_ids:
            errors.append(f"boilerplate: unknown txt doc {d}"); continue
        seen.add(d)
        n = len(body_lines(docs[d]))
        bad = [i for i in r["boilerplate"] if not 0 <= i < n]
        if bad or r["boilerplate"] != sorted(set(r["boilerplate"])):
            errors.append(f"boilerplate: bad line numbers in {d}: {bad}")
    for d in txt_ids - seen:
        errors.append(f"boilerplate: no row for {d}")

    # stories
    stories = json.loads((GOLD / "stories.json").read_text(encoding="utf-8"))
    for d in set(docs) - set(stories):
        errors.append(f"stories: unlabelled doc {d}")
    for d in set(stories) - set(docs):
        errors.append(f"stories: unknown doc {d}")

    # duplicates
    dups = json.loads((GOLD / "duplicates.json").read_text(encoding="utf-8"))
    for d, o in dups.items():
        for x in (d, o):
            if x not in docs:
                errors.append(f"duplicates: unknown doc {x}")
        if d in stories and o in stories and stories[d] != stories[o]:
            errors.append(f"duplicates: {d} and {o} in different stories")

    # places / dates
    places = json.loads((GOLD / "places.json").read_text(encoding="utf-8"))
    for p in places:
        if p["doc"] not in docs:
            errors.append(f"places: unknown doc {p['doc']}")
        elif p["text"] not in docs[p["doc"]]:
            errors.append(f"places: {p['text']!r} not in {p['doc']}")
        if not (-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180):
            errors.append(f"places: bad coordinates {p}")
    dates = json.loads((GOLD / "dates.json").read_text(encoding="utf-8"))
    for t in dates:
        if t["doc"] not in docs:
            errors.append(f"dates: unknown doc {t['doc']}")
        elif t["text"] not in docs[t["doc"]]:
            errors.append(f"dates: {t['text']!r} not in {t['doc']}")
        if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?|\d{4}-W\d{2}", t["value"]):
            errors.append(f"dates: bad value {t}")

    # conflicts
    conflicts = json.loads((GOLD / "conflicts.json").read_text(encoding="utf-8"))
    for c in conflicts:
        if c["story"] not in set(stories.values()):
            errors.append(f"conflicts: unknown story {c['story']}")
        for v, ids in c["values"].items():
            for d in ids:
                if d not in docs:
                    errors.append(f"conflicts: unknown doc {d}")
                elif stories.get(d) != c["story"]:
                    errors.append(f"conflicts: {d} not in story {c['story']}")

    outlets = Counter(p.parent.name for p in CORPUS.rglob("*.txt"))
    print("docs:", len(docs), dict(Counter(kinds.values())))
    print("txt per outlet:", dict(sorted(outlets.items())))
    print("stories:", dict(Counter(stories.values())))
    print(f"boilerplate rows: {len(bp)} ({sum(len(r['boilerplate']) for r in bp)} lines)")
    print(f"duplicates: {len(dups)}  places: {len(places)}  dates: {len(dates)}  conflicts: {len(conflicts)}")
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
