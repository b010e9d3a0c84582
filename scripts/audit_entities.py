"""Entity-record precision audit: what an analyst sees in the entity list and on the map (issue 13).

Builds a rasid run on ANT articles of one month that no NER development used (default August 2018),
samples entity records with a fixed seed and writes a labelling file; ``score`` reads the committed
labels and reports precision by type and split. The judging rule is eval/ner/ENTITY_AUDIT.md.

Keys are run-independent: article id (ANT docno) + character offsets of the record's *anchor* mention
(its first mention in document order) in the article's ANT ``text`` field + type. The committed labels
(eval/ner/entity_audit.jsonl) hold keys, labels and error-family codes only (a key judged again after a
fix changed its record has a second row with the new entity id / name hash); the labelling file with
mention contexts is written under /tmp (news text is never committed).

Samples (each seeded, over the records of the run):
  uniform   200 records drawn uniformly (every record counts once, whatever its mentions)
  top       the 50 records with most mentions (what the entity list shows first)
  pins      100 geocoded LOC records drawn uniformly (the map's pins)
Each key gets a split, dev or test, from a hash of the key alone (fixed before anything is read).
Samples of the ``--ner accurate`` run are committed as ``top_accurate``, ``uniform_accurate``, ``pins_accurate``
(the latter two drawn from a run of the round-two code: ``"code": "round2"``). Round two's fresh dev sample
(April 2018, ``--split dev2``) lives in eval/ner/entity_audit_dev2.jsonl.

Usage:
  python scripts/audit_entities.py sample [--db run.db] [--ner fast|accurate] [--out /tmp/audit]
  python scripts/audit_entities.py score --db run.db [--labels eval/ner/entity_audit.jsonl]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import require_data  # noqa: E402

from rasid.text.normalize import normalize  # noqa: E402

LABELS = ROOT / "eval" / "ner" / "entity_audit.jsonl"
SIZES = {"uniform": 200, "top": 50, "pins": 100}
SEED = 13
TYPES = ("PER", "ORG", "LOC")


def split_of(key: str) -> str:
    """dev or test from the key alone: sha1 of the key, even first byte = dev."""
    return "dev" if hashlib.sha1(key.encode()).digest()[0] % 2 == 0 else "test"


def name_hash(name: str) -> str:
    """A short hash of the normalised canonical name: tells a re-run whether the record's name changed
    without committing the name."""
    return hashlib.sha1(" ".join(normalize(name).split()).encode()).hexdigest()[:10]


def month_articles(folder: Path, month: str) -> list[str]:
    """JSONL lines of the ANT articles whose docno ends in a date of ``month`` (YYYYMM), in file order."""
    out = []
    for f in sorted(folder.glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            out.extend(line for line in fh if json.loads(line)["docno"].rsplit("-", 1)[-1][:6] == month)
    return out


def news_test_docnos() -> set[str]:
    """ANT docnos of the independent NER news test set (eval/ner/news_test.jsonl): kept out of a new dev
    draw, so that tuning on the audit never touches a test article."""
    path = ROOT / "eval" / "ner" / "news_test.jsonl"
    return {json.loads(x)["doc"][4:] for x in path.read_text(encoding="utf-8").splitlines()
            if x.strip() and json.loads(x)["doc"].startswith("ant:")}


def build_run(data: Path | None, month: str, n: int, db: Path, ner: str, exclude: set[str] | None = None) -> Path:
    """``n`` seeded articles of ``month`` (minus ``exclude`` docnos) → ``db`` through the whole pipeline
    (the CLI's ``rasid run``). ``month`` may list several months joined by "+" (``201804+201803``)."""
    import dataclasses

    from rasid.config import RunConfig
    from rasid.run.pipeline import run
    from rasid.store import Store

    folder = require_data(data, "ant_multisource", "jsonl")
    lines = [x for m in month.split("+") for x in month_articles(folder, m)]
    if exclude:
        lines = [x for x in lines if json.loads(x)["docno"] not in exclude]
    random.Random(SEED).shuffle(lines)
    src = db.with_suffix(".input.jsonl")
    src.write_text("".join(lines[:n]), encoding="utf-8")
    cfg = RunConfig()
    cfg = dataclasses.replace(cfg, extraction=dataclasses.replace(
        cfg.extraction, ner=dataclasses.replace(cfg.extraction.ner, tagger=ner)))
    store = Store(db)
    report = run([str(src)], store, cfg)
    store.close()
    print(f"run: read {report.read}, added {report.added}, extracted {report.extracted} → {db}", file=sys.stderr)
    return src


def raw_bodies(src: Path) -> dict[str, str]:
    """docno → the ANT ``text`` field (what committed offsets point into)."""
    out = {}
    with src.open(encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            out[obj["docno"]] = obj.get("text") or ""
    return out


def raw_span(raw: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """Offsets of ``text[start:end]`` in the raw body: the same when cleaning kept the prefix, else the
    occurrence of the surface nearest to ``start`` (None when the surface is not in the body, e.g. a title)."""
    surface = text[start:end]
    if raw[start:end] == surface:
        return start, end
    hits, k = [], raw.find(surface)
    while k >= 0:
        hits.append(k)
        k = raw.find(surface, k + 1)
    if not hits:
        return None
    best = min(hits, key=lambda h: abs(h - start))
    return best, best + len(surface)


def records(db: Path, src: Path) -> tuple[list[dict], dict]:
    """One dict per entity record with mentions: id, type, name, mentions (count), anchor key, pin."""
    from rasid.store import Store

    store = Store(db)
    bodies = raw_bodies(src)
    ents = {e.id: e for e in store.entities()}
    by_ent: dict[str, list] = defaultdict(list)
    mentions = store.mentions()
    docs = {d.id: d.text for d in store.documents(sorted({m.doc_id for m in mentions}))}
    for m in mentions:
        if m.entity_id:
            by_ent[m.entity_id].append(m)
    out = []
    key_index = {}
    for eid, ms in by_ent.items():
        e = ents.get(eid)
        if e is None:
            continue
        anchor = None
        for m in ms:  # mentions come in text order; the first one found in a body is the anchor
            sp = raw_span(bodies.get(m.doc_id, ""), docs[m.doc_id], m.start, m.end)
            if sp:
                anchor = (m.doc_id, *sp)
                break
        if anchor is None:
            continue
        key = f"{anchor[0]}:{anchor[1]}-{anchor[2]}:{e.type}"
        rec = {"key": key, "doc": anchor[0], "start": anchor[1], "end": anchor[2], "type": e.type,
               "entity": eid, "name_hash": name_hash(e.name), "mentions": len(ms), "name": e.name,
               "aliases": e.aliases[:6], "titles": e.titles[:3], "lat": e.lat, "lon": e.lon,
               "country": e.country, "geonames_id": e.geonames_id, "_ms": ms}
        out.append(rec)
    # every mention's raw key → its entity record (to re-find labelled anchors in another run)
    for rec in out:
        for m in rec["_ms"]:
            sp = raw_span(bodies.get(m.doc_id, ""), docs[m.doc_id], m.start, m.end)
            if sp:
                key_index[(m.doc_id, *sp)] = (m.type, rec)
    store.close()
    out.sort(key=lambda r: r["key"])
    return out, {"docs": docs, "keys": key_index}


def contexts(rec: dict, docs: dict[str, str], k: int = 2, width: int = 70) -> list[str]:
    """Up to ``k`` mention contexts from different documents, the mention in [[ ]]."""
    seen, out = set(), []
    for m in rec["_ms"]:
        if m.doc_id in seen:
            continue
        seen.add(m.doc_id)
        t = docs[m.doc_id]
        out.append((t[max(0, m.start - width):m.start] + "[[" + t[m.start:m.end] + "]]"
                    + t[m.end:m.end + width]).replace("\n", " / "))
        if len(out) == k:
            break
    return out


def place_names() -> dict[int, str]:
    """GeoNames id → English name, to show what a pin is."""
    from rasid import resources

    return {int(r[0]): f"{r[1]} ({r[6]})" for r in resources.rows(resources.path("places.tsv.gz"))}


def draw(recs: list[dict], sizes: dict[str, int] = SIZES) -> dict[str, list[dict]]:
    """The three seeded samples (see the module docstring); a sample of size 0 is left out."""
    uniform = random.Random(SEED).sample(recs, min(sizes["uniform"], len(recs)))
    top = sorted(recs, key=lambda r: (-r["mentions"], r["key"]))[:sizes["top"]]
    geo = [r for r in recs if r["type"] == "LOC" and r["lat"] is not None]
    pins = random.Random(SEED + 1).sample(geo, min(sizes["pins"], len(geo)))
    return {k: v for k, v in {"uniform": uniform, "top": top, "pins": pins}.items() if sizes[k]}


def cmd_sample(args: argparse.Namespace) -> None:
    db = args.db or args.out / f"{args.tag}_{args.ner}.db"
    src = db.with_suffix(".input.jsonl")
    if not db.exists():
        args.out.mkdir(parents=True, exist_ok=True)
        src = build_run(args.data, args.month, args.n, db, args.ner,
                        news_test_docnos() if args.exclude_news_test else None)
    recs, idx = records(db, src)
    print(f"{len(recs)} entity records: " + ", ".join(f"{t} {sum(r['type'] == t for r in recs)}" for t in TYPES))
    names = place_names()
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = {"uniform": args.uniform, "top": args.top, "pins": args.pins}
    for sample, rows in draw(recs, sizes).items():
        path = args.out / f"label_{sample}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i, r in enumerate(rows):
                row = {k: v for k, v in r.items() if not k.startswith("_")}
                row.update(i=i, sample=sample, split=args.split or split_of(r["key"]), ctx=contexts(r, idx["docs"]),
                           place=names.get(r["geonames_id"]) if r["geonames_id"] else None)
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{sample}: {len(rows)} records → {path}")


def cmd_score(args: argparse.Namespace) -> None:
    src = args.db.with_suffix(".input.jsonl")
    recs, idx = records(args.db, src)
    rows = [json.loads(x) for x in args.labels.read_text(encoding="utf-8").splitlines() if x.strip()]
    # A key may carry several judgements: the first run's and, after a fix changed the record's name or
    # entity, a re-judgement of the new record (same key, other entity/name_hash).
    versions: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        versions[(row["sample"], row["doc"], row["start"], row["end"], row["type"])].append(row)
    stats: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    relabel = []
    names = place_names()
    for judged in versions.values():
        lab = judged[0]
        hit = idx["keys"].get((lab["doc"], lab["start"], lab["end"]))
        if hit is None:  # a fix trimmed the anchor («مدينة طولكرم» → «طولكرم»): the mention inside the old span
            inside = sorted(k for k in idx["keys"] if k[0] == lab["doc"] and lab["start"] <= k[1] and k[2] <= lab["end"])
            hit = idx["keys"][inside[0]] if inside else None
        field = "pin" if lab["sample"].startswith("pins") else "label"
        if lab.get(field) is None:  # a pin record judged for its name only (no pin then: pins_r13)
            continue
        same = [r for r in judged if hit and (r["entity"], r["name_hash"]) == (hit[1]["entity"], hit[1]["name_hash"])]
        if hit is None or hit[0] != lab["type"] or (field == "pin" and hit[1]["lat"] is None):
            state = "gone"  # the anchor mention is no longer a mention of this type (or no longer pinned): the
            # record left the list (the map)
        elif not same:
            state = "changed"
            relabel.append((lab, hit[1]))
        else:
            state = "ok" if same[0][field] else "wrong"
        for split in (lab["split"], "all"):
            for typ in (lab["type"], "all"):
                stats[(lab["sample"], split, typ)][state] += 1
                if state in ("gone",):
                    stats[(lab["sample"], split, typ)]["gone_" + ("ok" if lab[field] else "wrong")] += 1
    print(f"{args.db}: {len(recs)} entity records")
    print(f"{'sample':8s} {'split':5s} {'type':4s} {'kept':>5s} {'right':>5s} {'prec':>6s}  gone(right/wrong) changed")
    for (sample, split, typ), c in sorted(stats.items()):
        kept = c["ok"] + c["wrong"]
        prec = f"{100 * c['ok'] / kept:5.1f}%" if kept else "    -"
        print(f"{sample:8s} {split:5s} {typ:4s} {kept:5d} {c['ok']:5d} {prec}  {c['gone']}({c['gone_ok']}/"
              f"{c['gone_wrong']}) {c['changed']}")
    if relabel and args.show_changed:
        for lab, rec in relabel:
            row = {k: v for k, v in rec.items() if not k.startswith("_")}
            row.update(was=lab, ctx=contexts(rec, idx["docs"]),
                       place=names.get(rec["geonames_id"]) if rec["geonames_id"] else None)
            print(json.dumps(row, ensure_ascii=False))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample", help="build the run (unless --db exists) and write the labelling files")
    s.add_argument("--data", type=Path, default=None, help="shared data folder (default ../shared/data)")
    s.add_argument("--month", default="201808", help="YYYYMM of the ANT docnos (default: August 2018)")
    s.add_argument("--n", type=int, default=1000, help="articles (seeded draw from the month)")
    s.add_argument("--ner", choices=("fast", "accurate"), default="fast")
    s.add_argument("--db", type=Path, default=None, help="existing run (its input must lie beside it as .input.jsonl)")
    s.add_argument("--out", type=Path, default=Path("/tmp/rasid-entity-audit"), help="labelling files (never commit)")
    s.add_argument("--tag", default="aug", help="name of the run's db in --out (default aug → aug_fast.db)")
    s.add_argument("--uniform", type=int, default=SIZES["uniform"], help="uniform sample size (0: none)")
    s.add_argument("--top", type=int, default=SIZES["top"], help="top-by-mentions sample size (0: none)")
    s.add_argument("--pins", type=int, default=SIZES["pins"], help="pin sample size (0: none)")
    s.add_argument("--split", default=None, help="one split name for every key (a fresh dev sample: dev2); "
                   "default: dev/test by key hash")
    s.add_argument("--exclude-news-test", action="store_true",
                   help="leave the articles of eval/ner/news_test.jsonl out of the draw")
    c = sub.add_parser("score", help="precision of the committed labels on a run")
    c.add_argument("--db", type=Path, required=True)
    c.add_argument("--labels", type=Path, default=LABELS)
    c.add_argument("--show-changed", action="store_true", help="print records whose name/entity changed (to re-judge)")
    args = ap.parse_args()
    {"sample": cmd_sample, "score": cmd_score}[args.cmd](args)


if __name__ == "__main__":
    main()
