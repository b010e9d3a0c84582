"""Score the current EventCoder on the frozen blind test set (eval/events/test.jsonl).

Texts are re-read from /work/shared/data (ANT multi-source); each labelled sentence is checked against its
``sha``. Each test article is coded whole (NER mentions from the committed CRF tagger, dates from find_dates,
publication date from the article), and the events whose sentence span equals a labelled sentence are scored:

- sentence-level detection P/R/F1 (any event vs none),
- micro P/R/F1 over (sentence, PLOVER type) pairs, and a per-type table,
- role accuracy: for (sentence, type) pairs found by both, a gold actor (target) counts as right when a mention the
  coder chose as actor (target) overlaps the gold span; pairs where gold has an actor (target) are the denominator,
- status accuracy over the gold events of correctly detected (sentence, type) pairs: the predicted event of that
  type whose trigger overlaps the gold trigger (else the first of that type) must have the gold ``status``; the
  all-``occurred`` baseline is printed next to it,
- background accuracy over the same pairs (``Event.background``).

Roles count a mention as chosen when an entity id of ``Event.actors`` (``targets``) is that mention's, or when
it overlaps one of ``Event.actor_spans`` (``target_spans``: common-noun mentions such as «السلطات»).
``--dev`` scores the dev documents of eval/events/train.jsonl instead (``dev_split``, the part used for tuning);
``--test2`` the second, fresh test part (SaudiNewsNet, August 2015; see eval/events/README.md).

Skips cleanly (exit 0, message) when /work/shared/data is absent.

Usage: python scripts/eval_events_blind.py [--data /work/shared/data] [--labels eval/events/test.jsonl | --dev | --test2]
       [--no-ner] [--lexicon] [--no-classifier] [--show N]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import sys
from collections import Counter, defaultdict
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.config import EventsConfig  # noqa: E402
from rasid.extract.events.coder import EventCoder  # noqa: E402
from rasid.models import Document  # noqa: E402

DEFAULT_DATA = Path("/work/shared/data")
DEFAULT_LABELS = ROOT / "eval" / "events" / "test.jsonl"
TRAIN_LABELS = ROOT / "eval" / "events" / "train.jsonl"
TEST2_LABELS = ROOT / "eval" / "events" / "test2.jsonl"


def dev_split(doc_id: str) -> bool:
    """True for the ~20 % of train documents held out for tuning (by document, so no article straddles)."""
    return int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 5 == 0


def sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_labels(path: Path) -> list[dict]:
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def load_articles(data: Path, ids: set[str]) -> dict[str, dict]:
    """The labelled articles by id: ANT records (``docno``) and SaudiNewsNet ones (``snn:<url>``, the second
    test part), the latter with ANT's keys (``text``, ``title``, ``src``) and ``published`` from
    ``date_extracted``."""
    out: dict[str, dict] = {}
    for f in sorted(glob.glob(str(data / "ant_multisource" / "jsonl" / "*.jsonl"))):
        for line in open(f, encoding="utf-8"):
            d = json.loads(line)
            if d["docno"] in ids and d["docno"] not in out:
                out[d["docno"]] = d
    if any(i.startswith("snn:") for i in ids):
        for f in sorted(glob.glob(str(data / "saudinewsnet" / "jsonl" / "*.jsonl"))):
            for line in open(f, encoding="utf-8"):
                d = json.loads(line)
                key = "snn:" + d.get("url", "")
                if key in ids and key not in out:
                    try:
                        published = datetime.fromisoformat(d.get("date_extracted", ""))
                    except ValueError:
                        published = None
                    out[key] = {"docno": key, "text": d.get("content") or "", "title": d.get("title"),
                                "src": d.get("source"), "time": None, "published": published}
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def overlaps(a: tuple[int, int], b: list[int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def code_articles(articles: dict[str, dict], use_ner: bool, use_classifier: bool,
                  learned: bool = True, sentence_filter: float = 0.0) -> dict[tuple[str, int], list]:
    """(doc_id, sent_start) -> [(event, {entity_id: [(start, end) relative to the sentence]})]."""
    coder = EventCoder.load(classifier=use_classifier, learned=learned,
                            config=EventsConfig(sentence_filter=sentence_filter))
    tagger = None
    if use_ner:
        from rasid.extract.ner import NerTagger
        tagger = NerTagger.load()
    from rasid.extract.temporal import find_dates
    out: dict[tuple[str, int], list] = defaultdict(list)
    for doc_id, a in articles.items():
        published = a.get("published")
        if published is None:
            try:
                published = parsedate_to_datetime(a["time"])
            except (TypeError, ValueError):
                published = None
        doc = Document(id=doc_id, text=a["text"], raw_text=a["text"], source_path="ant", fmt="jsonl",
                       title=a.get("title"), outlet=a.get("src"), published=published)
        mentions = tagger.tag(doc_id, doc.text) if tagger is not None else []
        for m in mentions:
            m.entity_id = f"m{m.start}"
        spans = {f"m{m.start}": (m.start, m.end) for m in mentions}
        timexes = find_dates(doc_id, doc.text, published)
        for ev in coder.code(doc, mentions, timexes):
            rel = {k: (s - ev.sent_start, e - ev.sent_start) for k, (s, e) in spans.items()
                   if ev.sent_start <= s < ev.sent_end}
            at = doc.text.find(ev.trigger, ev.sent_start, ev.sent_end) if ev.trigger else -1
            rel["trigger"] = (at - ev.sent_start, at - ev.sent_start + len(ev.trigger)) if at >= 0 else (-1, -1)
            for role in ("actor", "target"):  # span-only mentions, keyed by role and offsets
                for s, e in getattr(ev, f"{role}_spans"):
                    rel[f"{role}@{s}"] = (s - ev.sent_start, e - ev.sent_start)
            out[(doc_id, ev.sent_start)].append((ev, rel))
    return out


def rel_trigger(ev, rel: dict) -> tuple[int, int]:
    """The event's trigger offsets relative to its sentence (the first occurrence of its text there)."""
    return rel.get("trigger", (-1, -1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    ap.add_argument("--no-ner", action="store_true", help="code without NER mentions (roles then stay empty)")
    ap.add_argument("--no-classifier", action="store_true", help="lexicon path without its sentence classifier")
    ap.add_argument("--lexicon", action="store_true", help="the lexicon path (the coder before the learned one)")
    ap.add_argument("--dev", action="store_true", help="score the dev documents of train.jsonl (tuning split)")
    ap.add_argument("--test2", action="store_true",
                    help="the second, fresh test part (eval/events/test2.jsonl, SaudiNewsNet August 2015)")
    ap.add_argument("--sentence-filter", type=float, default=0.0,
                    help="[extraction.events] sentence_filter: the optional whole-sentence type check (0: off)")
    ap.add_argument("--show", type=int, default=0, help="print N false positives / negatives (ids and types only)")
    args = ap.parse_args()
    if not (args.data / "ant_multisource" / "jsonl").is_dir():
        print(f"skipped: {args.data / 'ant_multisource'} not found")
        return
    if args.dev:
        args.labels = TRAIN_LABELS
    elif args.test2:
        args.labels = TEST2_LABELS
    gold = load_labels(args.labels)
    if args.dev:
        gold = [g for g in gold if dev_split(g["doc_id"])]
    articles = load_articles(args.data, {g["doc_id"] for g in gold})
    usable = []
    for g in gold:
        a = articles.get(g["doc_id"])
        if a is None or sha(a["text"][g["sent_start"]:g["sent_end"]]) != g["sha"]:
            print(f"warning: {g['sid']} text missing or changed, left out", file=sys.stderr)
            continue
        usable.append(g)
    pred = code_articles({g["doc_id"]: articles[g["doc_id"]] for g in usable}, not args.no_ner,
                         not args.no_classifier, learned=not (args.lexicon or args.no_classifier),
                         sentence_filter=args.sentence_filter)

    det = Counter()
    pairs = Counter()
    halves: dict[str, Counter] = defaultdict(Counter)
    per_type: dict[str, Counter] = defaultdict(Counter)
    roles = Counter()
    status = Counter()
    bg = Counter()
    errors: list[str] = []
    for g in usable:
        evs = pred.get((g["doc_id"], g["sent_start"]), [])
        g_types = {e["type"] for e in g["events"]}
        p_types = {ev.type for ev, _ in evs}
        det["tp" if g_types and p_types else "fp" if p_types else "fn" if g_types else "tn"] += 1
        for t in g_types | p_types:
            k = "tp" if t in g_types and t in p_types else "fp" if t in p_types else "fn"
            pairs[k] += 1
            halves[g["sampled"]][k] += 1
            per_type[t][k] += 1
            if k != "tp" and len(errors) < 10_000:
                errors.append(f"{g['sid']} {g['doc_id']}@{g['sent_start']} {k} {t}")
        for t in g_types & p_types:
            g_evs = [e for e in g["events"] if e["type"] == t]
            p_evs = [(ev, rel) for ev, rel in evs if ev.type == t]
            for role, attr in (("actor", "actors"), ("target", "targets")):
                g_spans = [s for e in g_evs for s in e[attr]]
                if not g_spans:
                    continue
                p_spans = [rel[i] for ev, rel in p_evs for i in getattr(ev, attr) if i in rel]
                p_spans += [rel[f"{role}@{s}"] for ev, rel in p_evs for s, _ in getattr(ev, f"{role}_spans")]
                roles[f"{role}_n"] += 1
                roles[f"{role}_pred"] += bool(p_spans)
                roles[f"{role}_ok"] += any(overlaps(p, s) for p in p_spans for s in g_spans)
            for e in g_evs:
                trig = [rel_trigger(ev, rel) for ev, rel in p_evs]
                match = next((ev for (ev, _), t in zip(p_evs, trig, strict=True) if overlaps(t, e["trigger"])),
                             p_evs[0][0])
                status["n"] += 1
                status["ok"] += e["status"] == match.status
                status["base"] += e["status"] == "occurred"
                bg["n"] += 1
                bg["ok"] += e["background"] == match.background
    all_gold = [e for g in usable for e in g["events"]]

    print(f"{args.labels.name}: {len(usable)} sentences ({sum(1 for g in usable if not g['events'])} with no event), "
          f"{len(all_gold)} gold events, {len({g['doc_id'] for g in usable})} articles; "
          f"ner={'off' if args.no_ner else 'on'} classifier={'off' if args.no_classifier else 'on'}")
    p, r, f = prf(det["tp"], det["fp"], det["fn"])
    print(f"sentence detection: P {p:.2f} R {r:.2f} F1 {f:.2f} (tp {det['tp']} fp {det['fp']} fn {det['fn']} "
          f"tn {det['tn']})")
    p, r, f = prf(pairs["tp"], pairs["fp"], pairs["fn"])
    print(f"(sentence, type) micro: P {p:.2f} R {r:.2f} F1 {f:.2f} (tp {pairs['tp']} fp {pairs['fp']} "
          f"fn {pairs['fn']})")
    for half, c in sorted(halves.items()):
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        print(f"  {half} half: P {p:.2f} R {r:.2f} F1 {f:.2f} (tp {c['tp']} fp {c['fp']} fn {c['fn']})")
    print("\n| type | gold | pred | tp | P | R | F1 |\n|---|---|---|---|---|---|---|")
    for t in sorted(per_type, key=lambda t: -(per_type[t]["tp"] + per_type[t]["fn"])):
        c = per_type[t]
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        print(f"| {t} | {c['tp'] + c['fn']} | {c['tp'] + c['fp']} | {c['tp']} | {p:.2f} | {r:.2f} | {f:.2f} |")
    print()
    for role in ("actor", "target"):
        n = roles[f"{role}_n"]
        print(f"{role}: right in {roles[f'{role}_ok']} of {n} detected pairs with a gold {role} "
              f"({roles[f'{role}_ok'] / n if n else 0:.2f}); coder gave one in {roles[f'{role}_pred']}")
    gs = Counter(e["status"] for e in all_gold)
    print(f"status: {status['ok']} of {status['n']} gold events of detected pairs "
          f"({status['ok'] / status['n'] if status['n'] else 0:.2f}; everything 'occurred' "
          f"{status['base'] / status['n'] if status['n'] else 0:.2f}); 'occurred' over all gold events "
          f"{gs['occurred'] / len(all_gold) if all_gold else 0:.2f} ({dict(gs)})")
    print(f"background flag: {bg['ok']} of {bg['n']} ({bg['ok'] / bg['n'] if bg['n'] else 0:.2f}); "
          f"gold background events {sum(e['background'] for e in all_gold)} of {len(all_gold)}")
    for line in errors[:args.show]:
        print(line)


if __name__ == "__main__":
    main()
