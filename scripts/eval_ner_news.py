"""Blind NER evaluation (round 2): the independent news test set and the frozen split.

* News test set (eval/ner/news_test.jsonl, rule eval/ner/ANNOTATION.md): 330 sentences from 19 outlets of
  SaudiNewsNet (2015) and ANT (2018), annotated with PER/ORG/LOC character spans. Only ids and offsets are
  stored; the text is re-read from the corpora in --data. Exact span (character offsets) + type; per-type and
  micro P/R/F1, and recall per error family (gold spans of the sentences the seeded sampler put in a family).
* Frozen split (eval/ner/splits.json via scripts/dev/corpora.frozen_split): token-level BIO, exact span + type,
  per corpus and pooled. ``--split dev`` by default. ``--split test`` is the FROZEN TEST PART: run it once per
  model, at the end of the NER work (the CRF "first-run" baseline is recorded in docs/results/entities.md).

Usage: python scripts/eval_ner_news.py [--data /work/shared/data] [--model M] [--context sentence|doc]
                                        [--split dev|test|none] [--json out.json]
Skips cleanly (exit 0) when the data folder is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from _shared import DEFAULT_DATA  # noqa: E402
from dev.corpora import frozen_split, read_bodies  # noqa: E402
from eval_ner import evaluate  # noqa: E402

from rasid.extract.ner import load_tagger  # noqa: E402
from rasid.extract.ner.tagger import NerTagger  # noqa: E402

NEWS_FILE = ROOT / "eval" / "ner" / "news_test.jsonl"
TYPES = ("PER", "ORG", "LOC")
FAMILIES = ("foreign_surname", "proclitic_org", "sports", "gov_body", "nationality_title", "prep_place",
            "long_name", "random")


def load_news(path: Path = NEWS_FILE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def score_news(tagger: NerTagger, recs: list[dict], bodies: dict[str, str], context: str = "sentence") -> dict:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    fam_hit: Counter[str] = Counter()
    fam_all: Counter[str] = Counter()
    doc_cache: dict[str, list] = {}
    errors = []
    for r in recs:
        body = bodies[r["doc"]]
        s0, e0 = r["sent"]
        if context == "doc":
            if r["doc"] not in doc_cache:
                doc_cache[r["doc"]] = tagger.tag(r["doc"], body)
            pred = {(m.start, m.end, m.type) for m in doc_cache[r["doc"]] if s0 <= m.start and m.end <= e0}
        else:
            pred = {(m.start + s0, m.end + s0, m.type) for m in tagger.tag(r["doc"], body[s0:e0])}
        gold = {tuple(e) for e in r["ents"]}
        for s in pred:
            (tp if s in gold else fp)[s[2]] += 1
        for s in gold - pred:
            fn[s[2]] += 1
        fams = set(r["fam"])
        for g in gold:
            for f in fams:
                fam_all[f] += 1
                fam_hit[f] += g in pred
        if gold != pred:
            errors.append({"id": r["id"], "missed": sorted([body[a:b], t] for a, b, t in gold - pred),
                           "spurious": sorted([body[a:b], t] for a, b, t in pred - gold)})
    res = {t: (*prf(tp[t], fp[t], fn[t]), tp[t] + fn[t]) for t in TYPES}
    res["micro"] = (*prf(sum(tp.values()), sum(fp.values()), sum(fn.values())), sum(tp.values()) + sum(fn.values()))
    fam = {f: (fam_hit[f] / fam_all[f] if fam_all[f] else 0.0, fam_all[f]) for f in FAMILIES}
    return {"types": res, "families": fam, "errors": errors}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--tagger", choices=("fast", "accurate"), default="fast", help="CRF (fast) or fine-tuned e5")
    ap.add_argument("--no-rules", action="store_true", help="accurate tagger: network labels only (no gazetteer rules)")
    ap.add_argument("--context", choices=("sentence", "doc"), default="sentence",
                    help="tag the sentence alone (default) or the whole article and keep the sentence's mentions")
    ap.add_argument("--split", choices=("dev", "test", "none"), default="dev",
                    help="frozen split part to score too; 'test' = the frozen test part, report once")
    ap.add_argument("--json", type=Path, default=None, help="write numbers and per-sentence errors here")
    ap.add_argument("--news", type=Path, default=NEWS_FILE,
                    help="news records to score (default the news test set; eval/ner/news_train.jsonl with "
                         "--news-part dev is the hand-labelled news dev part of round thirteen)")
    ap.add_argument("--news-part", choices=("train", "dev"), default=None, help="score only this part of --news")
    args = ap.parse_args()
    data = args.data or DEFAULT_DATA
    if not (data / "saudinewsnet").exists() or not (data / "ant_multisource").exists():
        print(f"data folder {data} not found; skipping evaluation")
        return 0
    tagger = load_tagger(args.tagger, args.model)
    if args.no_rules and hasattr(tagger, "rules"):
        tagger.rules = False
    recs = [r for r in load_news(args.news) if args.news_part is None or r.get("part") == args.news_part]
    bodies = read_bodies(data, {r["doc"] for r in recs})
    missing = [r["doc"] for r in recs if r["doc"] not in bodies]
    if missing:
        print(f"{len(missing)} documents of the news test set not found in {data}; skipping")
        return 0
    news = score_news(tagger, recs, bodies, args.context)
    print(f"## News set {args.news.name}{' part ' + args.news_part if args.news_part else ''} ({len(recs)} sentences, {len({r['outlet'] for r in recs})} outlets, "
          f"context={args.context})\n")
    print("| type | P | R | F1 | gold |\n|---|---|---|---|---|")
    for t, (p, r, f, n) in news["types"].items():
        print(f"| {t} | {100 * p:.1f} | {100 * r:.1f} | {100 * f:.1f} | {n} |")
    print("\n| error family | recall | gold spans |\n|---|---|---|")
    for fam, (r, n) in news["families"].items():
        print(f"| {fam} | {100 * r:.1f} | {n} |")
    out = {"news": {k: v for k, v in news.items()}}
    if args.split != "none" and (data / "anercorp").exists():
        label = "FROZEN TEST (first run, report once)" if args.split == "test" else "frozen dev"
        print(f"\n## {label} split (eval/ner/splits.json)\n")
        print("| corpus | type | P | R | F1 | gold |\n|---|---|---|---|---|---|")
        parts = frozen_split(data, args.split)
        parts["pooled"] = [s for v in list(parts.values()) for s in v]
        out[args.split] = {}
        for name, sents in parts.items():
            res = evaluate(tagger, sents)
            out[args.split][name] = res
            for t, (p, r, f, n) in res.items():
                if t != "macro":
                    print(f"| {name} | {t} | {100 * p:.1f} | {100 * r:.1f} | {100 * f:.1f} | {n} |")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
