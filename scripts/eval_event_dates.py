"""The date of the event, not of the article: a blind set of hard sentences and its evaluation.

Which time expression dates an event is decided by the clause the trigger sits in
(eval/dates/EVENT_LABELLING.md). The set is drawn from real news (ANT 2018, SaudiNewsNet 2015) in
documents, and outlet-days, that eval/dates/real_gold.jsonl does not use, restricted to the hard
cases: the event coder finds an event in the sentence AND the sentence has two or more dated
expressions, or one that a background cue introduces («منذ», «الذي», «عقب»...). The committed gold
(eval/dates/event_gold.jsonl) holds ids, offsets and labels only; the text is re-read from
/work/shared/data, so the script skips cleanly when the data is absent.

  sample  draw one hard sentence per document and one coded event in it -> work file (+ --show)
  label   join hand-written labels (sid | choice | value) to the sample -> gold
  eval    score the coder's event dates on --split dev|test|all

Usage:
  python scripts/eval_event_dates.py sample --out /tmp/evd/sample.jsonl --show
  python scripts/eval_event_dates.py label --sample ... --labels ... [--out eval/dates/event_gold.jsonl]
  python scripts/eval_event_dates.py eval --split dev [--errors]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_dates_real import GOLD as DATES_GOLD  # noqa: E402
from eval_dates_real import SNN_FROM, data_root, expand_label, load_docs, split_of  # noqa: E402

from rasid.text.normalize import normalize  # noqa: E402

GOLD = ROOT / "eval" / "dates" / "event_gold.jsonl"
SEED = 20261215
PER_CORPUS = 135
# A background cue right before an expression: it then dates another clause than the one it sits near.
_BG_CUE_RE = re.compile(r"(?:منذ|الذي|التي|الذين|اللذين|عقب|اثر|بعد ان|قبل ان|سبق|وقع|جري|شهد)\s+(?:\S+\s+){0,3}$")


def make_doc(did: str, d: dict):
    """A Document anchored at noon of the publication day (the corpora give no time of day we trust)."""
    from rasid.models import Document

    pub = datetime.fromisoformat(d["anchor"]).replace(hour=12)
    return Document(id=did, text=d["text"], raw_text=d["text"], source_path=did, fmt="jsonl",
                    outlet=d["outlet"], published=pub)


def analyse(coder, did: str, d: dict):
    """(doc, sentences, timexes, events) of one document, as the pipeline codes it (no NER: roles unused)."""
    from rasid.extract.temporal import find_dates
    from rasid.text.spans import sentences

    doc = make_doc(did, d)
    sents = sentences(doc.text)
    timexes = find_dates(did, doc.text, doc.published_local)
    return doc, sents, timexes, coder.code(doc, [], timexes, sents)


def _hard(text: str, sent, timexes) -> bool:
    dated = [t for t in timexes if t.value and sent.start <= t.start and t.end <= sent.end]
    if len(dated) >= 2:
        return True
    return any(_BG_CUE_RE.search(normalize(text[max(sent.start, t.start - 40):t.start])) for t in dated)


def cmd_sample(args: argparse.Namespace) -> None:
    root = data_root(args.data)
    if root is None:
        print("skip: /work/shared/data not found")
        return
    from rasid.extract.events.coder import EventCoder

    docs = load_docs(root)
    used = [json.loads(x) for x in DATES_GOLD.read_text(encoding="utf-8").splitlines()]
    used_docs = {r["doc"] for r in used}
    used_days = {(r["corpus"], r["outlet"], r["anchor"]) for r in used}
    rng = random.Random(SEED)
    coder = EventCoder.load()
    by_outlet: dict[tuple[str, str], list[str]] = defaultdict(list)
    for did, d in docs.items():
        if did in used_docs or (d["corpus"], d["outlet"], d["anchor"]) in used_days:
            continue  # other documents and other outlet-days than the timex set
        if d["corpus"] == "snn" and d["anchor"] < SNN_FROM:
            continue  # no trustworthy publication date before this
        by_outlet[(d["corpus"], d["outlet"])].append(did)
    for ids in by_outlet.values():
        ids.sort()
        rng.shuffle(ids)
    picked: list[dict] = []
    for corpus in ("ant", "snn"):
        outlets = sorted(k for k in by_outlet if k[0] == corpus)
        cursor = dict.fromkeys(outlets, 0)
        n = 0
        while n < PER_CORPUS:
            progressed = False
            for key in outlets:
                if n >= PER_CORPUS or cursor[key] >= len(by_outlet[key]):
                    continue
                did = by_outlet[key][cursor[key]]
                cursor[key] += 1
                progressed = True
                d = docs[did]
                doc, sents, timexes, events = analyse(coder, did, d)
                cands = []
                for s in sents:
                    evs = [e for e in events if e.sent_start == s.start]
                    if evs and 25 <= s.end - s.start <= 400 and _hard(doc.text, s, timexes):
                        cands.append((s, evs))
                if not cands:
                    continue
                s, evs = rng.choice(cands)
                ev = rng.choice(evs)
                trig = _trigger_offsets(doc.text, s, ev)
                picked.append({"doc": did, "corpus": corpus, "outlet": d["outlet"], "anchor": d["anchor"],
                               "split": split_of(did, SEED), "sent_start": s.start, "sent_end": s.end,
                               "trig_start": trig[0], "trig_end": trig[1], "type": ev.type})
                n += 1
            if not progressed:
                break
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for i, p in enumerate(picked):
            p["sid"] = f"E{i:03d}"
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"{len(picked)} sentences -> {args.out}")
    if args.show:
        for p in picked:
            show(docs, p)


def _trigger_offsets(text: str, sent, ev) -> tuple[int, int]:
    """The trigger token in the sentence (a whole word: «التظاهرات» does not hold the trigger «تظاهرات»)."""
    m = re.compile(r"(?<!\w)" + re.escape(ev.trigger) + r"(?!\w)").search(text, sent.start, sent.end)
    return (m.start(), m.end()) if m else (sent.start, sent.start)


def show(docs: dict, p: dict) -> None:
    """The sentence with [[trigger]] and {k:expression=value} marks, for labelling."""
    from rasid.extract.temporal import find_dates

    d = docs[p["doc"]]
    text = d["text"]
    timexes = [t for t in find_dates(p["doc"], text, datetime.fromisoformat(d["anchor"]))
               if p["sent_start"] <= t.start and t.end <= p["sent_end"]]
    marks = [(p["trig_start"], "[["), (p["trig_end"], "]]")]
    for k, t in enumerate(timexes, 1):
        v = t.value + ("/" + t.value_end if t.value_end else "") if t.value else "-"
        marks += [(t.start, f"{{{k}:"), (t.end, f"={v}}}")]
    out, pos = [], p["sent_start"]
    for at, m in sorted(marks, key=lambda x: x[0]):
        out.append(text[pos:at] + m)
        pos = at
    out.append(text[pos:p["sent_end"]])
    wd = date.fromisoformat(p["anchor"]).strftime("%a")
    print(f"{p['sid']} [{p['anchor']} {wd}] {p['type']} :: {''.join(out)}\n")


def cmd_label(args: argparse.Namespace) -> None:
    """`sid | choice | value` lines -> gold records (no text kept).

    choice: K (the K-th expression rasid finds in the sentence, as shown), ``surface[#k]`` (an
    expression rasid misses), P (no expression attached: the publication day) or X (not an event:
    dropped). value: ``-`` takes rasid's value of expression K; anything else is a shorthand of
    eval_dates_real.expand_label, ``a/b`` for a range.
    """
    from rasid.extract.temporal import find_dates

    root = data_root(args.data)
    docs = load_docs(root)
    sample = {json.loads(x)["sid"]: json.loads(x) for x in args.sample.read_text(encoding="utf-8").splitlines()}
    rows = []
    seen = set()
    for line in args.labels.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sid, choice, value = (x.strip() for x in line.split("|")[:3])
        if sid in seen:
            sys.exit(f"{sid}: labelled twice")
        seen.add(sid)
        p = sample[sid]
        anchor = date.fromisoformat(p["anchor"])
        text = docs[p["doc"]]["text"]
        rec = {k: p[k] for k in ("sid", "doc", "corpus", "outlet", "anchor", "split", "sent_start", "sent_end",
                                 "trig_start", "trig_end", "type")}
        if choice == "X":
            continue
        if choice == "P":
            rows.append({**rec, "start": None, "end": None, "date": "published", "date_end": None})
            continue
        timexes = [t for t in find_dates(p["doc"], text, datetime.fromisoformat(p["anchor"]))
                   if p["sent_start"] <= t.start and t.end <= p["sent_end"]]
        if choice.isdigit():
            t = timexes[int(choice) - 1]
            start, end = t.start, t.end
            if value == "-":
                dv, de = t.value, t.value_end
        else:
            surface, k = (choice.rsplit("#", 1) + ["1"])[:2] if "#" in choice else (choice, "1")
            sent = text[p["sent_start"]:p["sent_end"]]
            found = list(re.finditer(r"\s+".join(map(re.escape, surface.split())), sent))
            if len(found) < int(k):
                sys.exit(f"{sid}: surface {surface!r} not in sentence")
            m = found[int(k) - 1]
            start, end = p["sent_start"] + m.start(), p["sent_start"] + m.end()
            if value == "-":
                sys.exit(f"{sid}: an expression rasid misses needs a value")
        if value != "-":
            a, _, b = value.partition("/")
            dv, de = expand_label(a, anchor), (expand_label(b, anchor) if b else None)
        rows.append({**rec, "start": start, "end": end, "date": dv, "date_end": de})
    missing = set(sample) - seen
    if missing:
        print(f"warning: {len(missing)} sentences unlabelled: {sorted(missing)[:10]}")
    with args.out.open("w", encoding="utf-8") as fh:
        for r in sorted(rows, key=lambda r: r["sid"]):
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} labelled events ({len(seen) - len(rows)} not events) -> {args.out}")


def _category(r: dict) -> str:
    if r["start"] is None:
        return "published"
    return "after" if r["start"] >= r["trig_end"] else "before"


def cmd_eval(args: argparse.Namespace) -> None:
    root = data_root(args.data)
    if root is None or not GOLD.exists():
        print("skip: /work/shared/data or eval/dates/event_gold.jsonl not found")
        return
    from rasid.extract.events.coder import EventCoder

    docs = load_docs(root)
    rows = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if args.split == "all" or r["split"] == args.split]
    coder = EventCoder.load()
    cat: dict[str, Counter] = defaultdict(Counter)
    n_ok = n_lost = 0
    errors = []
    for r in rows:
        d = docs[r["doc"]]
        doc, _, _, events = analyse(coder, r["doc"], d)
        trig = d["text"][r["trig_start"]:r["trig_end"]]
        ev = next((e for e in events if e.sent_start == r["sent_start"] and e.type == r["type"]
                   and e.trigger == trig), None)
        gold = (r["anchor"], None) if r["date"] == "published" else (r["date"], r["date_end"])
        got = (ev.date, ev.date_end) if ev else None
        ok = got == gold
        n_lost += ev is None
        n_ok += ok
        c = _category(r)
        cat[c]["n"] += 1
        cat[c]["ok"] += ok
        if not ok:
            errors.append((r["sid"], r["anchor"], r["type"], trig, "gold", gold, "got", got,
                           d["text"][r["sent_start"]:r["sent_end"]]))
    n = len(rows)
    print(f"event dates on hard real sentences, split={args.split}: {n} events, "
          f"{len({r['doc'] for r in rows})} documents, {len({(r['corpus'], r['outlet']) for r in rows})} outlets")
    print(f"  exact date (value and end) {n_ok / max(n, 1):.3f} ({n_ok}/{n}); events no longer coded: {n_lost}")
    for c in ("after", "before", "published"):
        if cat[c]["n"]:
            print(f"    gold expression {c:10s} {cat[c]['ok']:4d}/{cat[c]['n']:<4d} {cat[c]['ok'] / cat[c]['n']:.3f}")
    if args.errors:
        for e in errors:
            print("ERR", *e[:8], "||", e[8].strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--show", action="store_true")
    la = sub.add_parser("label")
    la.add_argument("--sample", type=Path, required=True)
    la.add_argument("--labels", type=Path, required=True)
    la.add_argument("--out", type=Path, default=GOLD)
    e = sub.add_parser("eval")
    e.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    e.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    {"sample": cmd_sample, "label": cmd_label, "eval": cmd_eval}[args.cmd](args)


if __name__ == "__main__":
    main()
