"""Turn hand annotations (kept outside the repository: they quote the text) into offset-only label records.

Annotation line: ``SID -`` (no event) or ``SID TYPE:mode:status[:b] trig=W [a=X+Y] [t=Z] ;; ...`` where W, X, Y, Z are
exact substrings of the sentence (``@n`` picks the n-th occurrence), mode ``-`` = none, status o/p/d/t/h
(occurred/planned/denied/threatened/hypothetical), ``b`` = background. The sample file (from
scripts/sample_events_blind.py) gives doc_id / offsets / sha and the sentence text.

Usage: python scripts/build_events_labels.py --sample /tmp/sample.jsonl --out eval/events/test.jsonl ANN...
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

STATUS = {"o": "occurred", "p": "planned", "d": "denied", "t": "threatened", "h": "hypothetical"}
_FIELD_RE = re.compile(r"\s(trig|a|t)=")


def locate(sent: str, phrase: str) -> list[int]:
    n = 1
    if re.search(r"@\d+$", phrase):
        phrase, k = phrase.rsplit("@", 1)
        n = int(k)
    pos = -1
    for _ in range(n):
        pos = sent.find(phrase, pos + 1)
        if pos < 0:
            raise ValueError(f"not found: {phrase!r}")
    return [pos, pos + len(phrase)]


def parse_event(sent: str, spec: str) -> dict:
    spec = spec.strip()
    head, _, tail = spec.partition(" ")
    rest = _FIELD_RE.split(" " + tail)[1:]
    parts = head.split(":")
    ev = {"type": parts[0], "mode": None if parts[1] == "-" else parts[1], "status": STATUS[parts[2]],
          "background": len(parts) > 3 and parts[3] == "b", "trigger": None, "actors": [], "targets": []}
    for key, val in zip(rest[0::2], rest[1::2], strict=True):
        val = val.strip()
        if key == "trig":
            ev["trigger"] = locate(sent, val)
        else:
            ev["actors" if key == "a" else "targets"] = [locate(sent, v) for v in val.split("+")]
    return ev


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sample", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("ann", nargs="+", type=Path)
    args = ap.parse_args()
    sample = {d["sid"]: d for d in map(json.loads, open(args.sample, encoding="utf-8"))}
    errors, out = 0, []
    for path in args.ann:
        for line in open(path, encoding="utf-8"):
            if not line.strip():
                continue
            sid, spec = line.rstrip("\n").split(" ", 1)
            s = sample[sid]
            rec = {k: s[k] for k in ("sid", "doc_id", "sent_start", "sent_end", "sha", "sampled")}
            rec["events"] = []
            if spec.strip() != "-":
                for ev_spec in spec.split(";;"):
                    try:
                        rec["events"].append(parse_event(s["_text"], ev_spec))
                    except (ValueError, KeyError, IndexError) as e:
                        errors += 1
                        print(f"{sid}: {e} in {ev_spec.strip()[:60]}", file=sys.stderr)
            out.append(rec)
    out.sort(key=lambda r: r["sid"])
    with open(args.out, "w", encoding="utf-8") as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(out)} sentences, {sum(len(r['events']) for r in out)} events, {errors} errors")
    if errors:
        sys.exit(1)  # a record with a dropped event must not be committed


if __name__ == "__main__":
    main()
