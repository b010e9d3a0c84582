"""Dates as written in real news: a blind sample from ANT and SaudiNewsNet, and its evaluation.

The gold file (eval/dates/real_gold.jsonl) holds ids, offsets, anchor dates and labels only; the
article text is re-read from /work/shared/data, so this script skips cleanly when the data is absent.
Labelling rule: eval/dates/LABELLING.md.

  sample  draw sentences with a temporal cue word (seeded, round-robin over outlets) -> work file
  label   join a hand-written label file (sid | surface[#k] | value | family) to the sample -> gold
  eval    score rasid (or --system dateparser) on --split dev|test|all

Usage:
  python scripts/eval_dates_real.py sample --out /tmp/dates_work/sample.jsonl
  python scripts/eval_dates_real.py label --sample ... --labels ... --out eval/dates/real_gold.jsonl
  python scripts/eval_dates_real.py eval --split dev [--system rasid|dateparser] [--errors]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.text.normalize import normalize  # noqa: E402

DATA_CANDIDATES = [ROOT.parent / "shared" / "data", Path("/work/shared/data")]
GOLD = ROOT / "eval" / "dates" / "real_gold.jsonl"
SEED = 20261204
SNN_FROM = "2015-08-01"  # before this, date_extracted is not the publication date

# Cue words for drawing sentences, independent of the module's own lexicon (normalised forms).
_CUES = [
    "يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر", "اكتوبر", "نوفمبر",
    "ديسمبر", "كانون", "شباط", "اذار", "نيسان", "ايار", "حزيران", "تموز", "ايلول", "تشرين",
    "محرم", "صفر", "ربيع", "جمادي", "رجب", "شعبان", "رمضان", "شوال", "القعده", "الحجه",
    "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "الاحد",
    "اليوم", "امس", "الامس", "غدا", "الغد", "الليله", "البارحه", "الماضي", "الماضيه", "المقبل",
    "المقبله", "القادم", "القادمه", "الجاري", "الحالي", "المنصرم", "عام", "العام", "الشهر", "الاسبوع",
    "الساعات", "الايام", "منتصف", "مطلع", "اواخر", "اوايل", "نهايه", "بدايه", "منذ", "سنوات", "اعوام",
]
_CUE_RE = re.compile(r"(?<!\w)[وفبل]?(?:" + "|".join(_CUES) + r")(?!\w)|(?<!\d)(?:19|20|14)\d\d(?!\d)")
_SENT_RE = re.compile(r"[^.!?؟\n]+[.!?؟]?")


def data_root(arg: Path | None) -> Path | None:
    for p in ([arg] if arg else DATA_CANDIDATES):
        if p and (p / "ant_multisource").is_dir() and (p / "saudinewsnet").is_dir():
            return p
    return None


def load_docs(root: Path) -> dict[str, dict]:
    """doc id -> {corpus, outlet, anchor, text}; ANT by docno, SaudiNewsNet by url."""
    docs: dict[str, dict] = {}
    for f in sorted((root / "ant_multisource" / "jsonl").glob("*.jsonl")):
        for line in f.open(encoding="utf-8"):
            r = json.loads(line)
            if r["docno"] in docs or not r.get("time"):
                continue
            try:
                anchor = datetime.strptime(r["time"][5:16], "%d %b %Y").date()
            except ValueError:
                continue
            docs[r["docno"]] = {"corpus": "ant", "outlet": r["src"], "anchor": anchor.isoformat(), "text": r["text"]}
    for f in sorted((root / "saudinewsnet" / "jsonl").glob("*.jsonl")):
        for line in f.open(encoding="utf-8"):
            r = json.loads(line)
            if r["url"] in docs:
                continue
            docs[r["url"]] = {"corpus": "snn", "outlet": r["source"], "anchor": r["date_extracted"][:10],
                              "text": r["content"]}
    return docs


def split_of(doc_id: str, seed: int = SEED) -> str:
    """dev (~60 %) / test (~40 %) by a seeded hash of the document id (each labelled set has its own seed)."""
    h = int(hashlib.sha1(f"{seed}:{doc_id}".encode()).hexdigest(), 16) % 100
    return "dev" if h < 60 else "test"


def _cue_sentences(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _SENT_RE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        if 25 <= e - s <= 320 and _CUE_RE.search(normalize(text[s:e])):
            out.append((s, e))
    return out


def _draw(docs: dict[str, dict], rng: random.Random, per_corpus: int, nodetect: int,
          exclude: set[str]) -> list[dict]:
    """Round-robin over outlets; each drawn document gives one random cue sentence.

    The first ``per_corpus`` sentences of a corpus are taken as drawn; then ``nodetect`` more are
    kept only where today's module finds nothing, so that recall is measured on its blind spots.
    """
    from rasid.extract.temporal import find_dates

    by_outlet: dict[tuple[str, str], list[str]] = defaultdict(list)
    for did, d in docs.items():
        if did in exclude or (d["corpus"] == "snn" and d["anchor"] < SNN_FROM):
            continue
        by_outlet[(d["corpus"], d["outlet"])].append(did)
    for ids in by_outlet.values():
        rng.shuffle(ids)
    picked: list[dict] = []
    for corpus in ("ant", "snn"):
        outlets = sorted(k for k in by_outlet if k[0] == corpus)
        cursor = dict.fromkeys(outlets, 0)
        n_cue = n_nod = 0
        while n_cue < per_corpus or n_nod < nodetect:
            progressed = False
            for key in outlets:
                ids = by_outlet[key]
                if cursor[key] >= len(ids):
                    continue
                did = ids[cursor[key]]
                cursor[key] += 1
                progressed = True
                d = docs[did]
                sents = _cue_sentences(d["text"])
                if not sents:
                    continue
                s, e = rng.choice(sents)
                found = find_dates(did, d["text"][s:e], datetime.fromisoformat(d["anchor"]))
                if n_cue < per_corpus:
                    pool = "cue"
                    n_cue += 1
                elif not found and n_nod < nodetect:
                    pool = "nodetect"
                    n_nod += 1
                else:
                    continue
                picked.append({"doc": did, "corpus": corpus, "outlet": d["outlet"], "anchor": d["anchor"],
                               "sent_start": s, "sent_end": e, "pool": pool, "split": split_of(did)})
            if not progressed:
                break
    return picked


# (per-corpus cue sentences, per-corpus no-detection sentences) for each batch; batch k uses SEED + k
# and never redraws a document of an earlier batch, so adding a batch leaves earlier ids unchanged.
BATCHES = [(150, 20), (75, 8)]


def cmd_sample(args: argparse.Namespace) -> None:
    root = data_root(args.data)
    if root is None:
        print("skip: /work/shared/data not found")
        return
    docs = load_docs(root)
    picked: list[dict] = []
    for k, (per_corpus, nodetect) in enumerate(BATCHES):
        picked += _draw(docs, random.Random(SEED + k), per_corpus, nodetect, {p["doc"] for p in picked})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for i, p in enumerate(picked):
            p["sid"] = f"S{i:03d}"
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"{len(picked)} sentences -> {args.out}")
    if args.show:
        for p in picked:
            d = docs[p["doc"]]
            wd = date.fromisoformat(p["anchor"]).strftime("%a")
            print(f"{p['sid']} [{p['anchor']} {wd}] {d['text'][p['sent_start']:p['sent_end']]}")


_WD = {"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}


def _hijri_span(y1: int, m1: int, y2: int, m2: int) -> str:
    """Gregorian day range from the 1st of Hijri (y1, m1) to the last day of Hijri (y2, m2)."""
    from hijridate import Hijri

    start = Hijri(y1, m1, 1).to_gregorian()
    ny, nm = (y2 + 1, 1) if m2 == 12 else (y2, m2 + 1)
    end = Hijri(ny, nm, 1).to_gregorian() - timedelta(days=1)
    return f"{start.isoformat()}/{end.isoformat()}"


def expand_label(v: str, anchor: date) -> str:
    """Labeller's shorthand -> value, so the arithmetic of a decided reading is never done by hand.

    P:Fri / P<:Fri  most recent Friday on or before / strictly before the anchor
    F:Fri / F<:Fri  next Friday on or after / strictly after the anchor
    D+1, D0, D-2    anchor plus days;  W-1, W0, W+1  ISO week of the anchor plus weeks
    H:1436-10-26    Hijri day;  HM:1436-09 Hijri month;  HY:1436 Hijri year;  HYR:1435-1436 years
    Anything else is already a value.
    """
    from hijridate import Hijri

    m = re.fullmatch(r"([PF])(<?):(\w{3})", v)
    if m:
        target = _WD[m.group(3)]
        if m.group(1) == "P":
            back = (anchor.weekday() - target) % 7 or (7 if m.group(2) else 0)
            return (anchor - timedelta(days=back)).isoformat()
        ahead = (target - anchor.weekday()) % 7 or (7 if m.group(2) else 0)
        return (anchor + timedelta(days=ahead)).isoformat()
    m = re.fullmatch(r"D([+-]\d+|0)", v)
    if m:
        return (anchor + timedelta(days=int(m.group(1)))).isoformat()
    m = re.fullmatch(r"W([+-]\d+|0)", v)
    if m:
        y, w, _ = (anchor + timedelta(weeks=int(m.group(1)))).isocalendar()
        return f"{y}-W{w:02d}"
    m = re.fullmatch(r"H:(\d{4})-(\d\d)-(\d\d)", v)
    if m:
        return Hijri(*map(int, m.groups())).to_gregorian().isoformat()
    m = re.fullmatch(r"HM:(\d{4})-(\d\d)", v)
    if m:
        y, mo = map(int, m.groups())
        return _hijri_span(y, mo, y, mo)
    m = re.fullmatch(r"HY:(\d{4})", v)
    if m:
        return _hijri_span(int(m.group(1)), 1, int(m.group(1)), 12)
    m = re.fullmatch(r"HYR:(\d{4})-(\d{4})", v)
    if m:
        return _hijri_span(int(m.group(1)), 1, int(m.group(2)), 12)
    return v


def cmd_label(args: argparse.Namespace) -> None:
    """Turn `sid | surface[#k] | value | family` lines into offset records (no text kept)."""
    root = data_root(args.data)
    docs = load_docs(root)
    sample = {json.loads(x)["sid"]: json.loads(x) for x in args.sample.read_text(encoding="utf-8").splitlines()}
    labelled: dict[str, list[dict]] = defaultdict(list)
    for line in args.labels.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sid, surface, value, family = (x.strip() for x in line.split("|"))
        p = sample[sid]
        sent = docs[p["doc"]]["text"][p["sent_start"]:p["sent_end"]]
        k = 1
        if "#" in surface:
            surface, ks = surface.rsplit("#", 1)
            k = int(ks)
        # spaces in the label match any run of whitespace (the articles use no-break spaces too)
        found = list(re.finditer(r"\s+".join(map(re.escape, surface.split())), sent))
        if len(found) < k:
            sys.exit(f"{sid}: surface {surface!r} not in sentence")
        m = found[k - 1]
        value = None if value == "-" else expand_label(value, date.fromisoformat(p["anchor"]))
        labelled[sid].append({"start": p["sent_start"] + m.start(), "end": p["sent_start"] + m.end(),
                              "value": value, "family": family})
    n = 0
    with args.out.open("w", encoding="utf-8") as fh:
        for sid, p in sample.items():
            base = {k: p[k] for k in ("sid", "doc", "corpus", "outlet", "anchor", "split", "pool",
                                      "sent_start", "sent_end")}
            exprs = [x for x in labelled.get(sid, []) if x["value"] is not None]
            if not exprs:
                fh.write(json.dumps({**base, "start": None, "end": None, "value": None, "family": "none"},
                                    ensure_ascii=False) + "\n")
            for x in sorted(exprs, key=lambda x: x["start"]):
                fh.write(json.dumps({**base, **x}, ensure_ascii=False) + "\n")
                n += 1
    print(f"{n} expressions in {len(sample)} sentences -> {args.out}")


# ---------------------------------------------------------------- scoring


_SEASON_CODE = {"03": "SP", "06": "SU", "09": "FA", "12": "WI"}


def _rasid_value(t) -> str | None:
    """A TimeExpression in the LABELLING.md formats: ISO weeks, YYYY-Qn/Hn/season codes, START/END, *_REF."""
    gran, v, end = t.granularity, t.value, getattr(t, "value_end", None)
    if gran == "vague":
        return {"past": "PAST_REF", "future": "FUTURE_REF", "present": "PRESENT_REF"}.get(t.relation)
    if v is None:
        return None
    if gran == "week" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        y, w, _ = date.fromisoformat(v).isocalendar()
        return f"{y}-W{w:02d}"
    if gran == "quarter":
        return f"{v[:4]}-Q{(int(v[5:7]) - 1) // 3 + 1}"
    if gran == "half":
        return f"{v[:4]}-H{(int(v[5:7]) - 1) // 6 + 1}"
    if gran == "season":
        return f"{v[:4]}-{_SEASON_CODE.get(v[5:7], '?')}"
    return f"{v}/{end}" if end else v


def predict_rasid(text: str, anchor: date) -> list[tuple[int, int, str | None, str]]:
    from rasid.extract.temporal import find_dates

    return [(t.start, t.end, _rasid_value(t), t.text) for t in find_dates("x", text, datetime(*anchor.timetuple()[:3]))]


def predict_dateparser(text: str, anchor: date) -> list[tuple[int, int, str | None, str]]:
    """dateparser.search: no offsets, so the surface is located in the sentence; day granularity."""
    from dateparser.search import search_dates

    base = datetime(*anchor.timetuple()[:3])
    try:
        found = search_dates(text, languages=["ar"], settings={"RELATIVE_BASE": base}) or []
    except Exception:  # noqa: BLE001 - the baseline's failures count as misses, not crashes
        found = []
    out, pos = [], 0
    for surface, dt in found:
        i = text.find(surface, pos)
        if i < 0:
            i = text.find(surface)
        if i < 0:
            continue
        pos = i + len(surface)
        out.append((i, i + len(surface), dt.date().isoformat(), surface))
    return out


def cmd_eval(args: argparse.Namespace) -> None:
    root = data_root(args.data)
    if root is None or not GOLD.exists():
        print("skip: /work/shared/data or eval/dates/real_gold.jsonl not found")
        return
    docs = load_docs(root)
    rows = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if args.split == "all" or r["split"] == args.split]
    predict = predict_dateparser if args.system == "dateparser" else predict_rasid
    by_sent: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_sent[r["sid"]].append(r)
    n_gold = n_found = n_ok = n_pred = n_pred_ok = 0
    fam: dict[str, Counter] = defaultdict(Counter)
    errors = []
    for sid, rs in by_sent.items():
        r0 = rs[0]
        text = docs[r0["doc"]]["text"]
        s0, e0 = r0["sent_start"], r0["sent_end"]
        sent = text[s0:e0]
        preds = [(s + s0, e + s0, v, surf) for s, e, v, surf in predict(sent, date.fromisoformat(r0["anchor"]))]
        gold = [r for r in rs if r["value"] is not None]
        n_pred += len(preds)
        n_pred_ok += sum(any(p[0] < g["end"] and g["start"] < p[1] for g in gold) for p in preds)
        for g in gold:
            n_gold += 1
            over = [p for p in preds if p[0] < g["end"] and g["start"] < p[1]]
            ok = any(p[2] == g["value"] for p in over)
            n_found += bool(over)
            n_ok += ok
            fam[g["family"]]["n"] += 1
            fam[g["family"]]["ok"] += ok
            if not ok:
                errors.append((sid, r0["anchor"], text[g["start"]:g["end"]], g["value"], g["family"],
                               [(p[3], p[2]) for p in over], sent))
        for p in preds:
            if not any(p[0] < g["end"] and g["start"] < p[1] for g in gold):
                errors.append((sid, r0["anchor"], p[3], "FALSE-POSITIVE", p[2], [], sent))
    docs_n = len({r["doc"] for r in rows})
    outlets = len({(r["corpus"], r["outlet"]) for r in rows})
    print(f"{args.system} on real news, split={args.split}: {n_gold} expressions, {len(by_sent)} sentences, "
          f"{docs_n} documents, {outlets} outlets")
    print(f"  exact (overlap + value) {n_ok / max(n_gold, 1):.3f} ({n_ok}/{n_gold}); detection recall "
          f"{n_found / max(n_gold, 1):.3f}; detection precision {n_pred_ok / max(n_pred, 1):.3f} ({n_pred_ok}/{n_pred})")
    for f, c in sorted(fam.items(), key=lambda x: -x[1]["n"]):
        print(f"    {f:12s} {c['ok']:4d}/{c['n']:<4d} {c['ok'] / c['n']:.3f}")
    if args.errors:
        for e in errors:
            print("ERR", *e[:6], "||", e[6].strip())


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
    e.add_argument("--system", choices=["rasid", "dateparser"], default="rasid")
    e.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    {"sample": cmd_sample, "label": cmd_label, "eval": cmd_eval}[args.cmd](args)


if __name__ == "__main__":
    main()
