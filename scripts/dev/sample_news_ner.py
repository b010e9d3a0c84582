"""Seeded sampler of the blind news NER test sentences (SaudiNewsNet 2015 + ANT 2018).

Writes candidate sentences (doc id, offsets, family tags, text) to a scratch file OUTSIDE the repository
for annotation; only ids and offsets end up in eval/ner/news_test.jsonl. Reproducible: same data + seed
-> same sample. Families over-represent the CRF error families (eval/ner/ANNOTATION.md); "random" is a
plain random draw. eval/ner/news_test.jsonl record ``id`` = line index of this output (seed 2026
reproduces it exactly; checked).

A training / news-dev sample (round thirteen, ``eval/ner/news_train.jsonl``) is drawn with
``--pool-offset 4000 --seed 2027 --per-family 60 --random 120 --exclude eval/ner/news_test.jsonl``: the pool starts
after the 4,000 shuffled articles the test set was drawn from, and no article of the test set is used.

The fifth batch (round fifteen, part ``train5``, aimed at organisation recall): ``--pool-offset 20000 --seed 2031
--families org --per-family 110 --random 90 --exclude <news_test + news_train records>``.

Usage: python scripts/dev/sample_news_ner.py [--data ../shared/data] [--seed 2026] --out /tmp/x.jsonl
       [--pool-offset N] [--per-family N] [--random N] [--families errors|org] [--exclude eval/ner/news_test.jsonl]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rasid.text.spans import sentences  # noqa: E402

FAMILIES: dict[str, re.Pattern[str]] = {
    "proclitic_org": re.compile(r"(?:^|\s)(?:[وف]?(?:لل|بال|ل|ب))(?:حزب|حركة|جماعة|تنظيم|منظمة|شركة|هيئة|جامعة|مجلس|وزارة)"),
    "sports": re.compile(r"(?:نادي|منتخب|المنتخب|فريق|الدوري|مباراة)"),
    "gov_body": re.compile(r"(?:الخارجية|الداخلية|الدفاع|وزارة|مجلس الأمن|مجلس الشورى|البرلمان)\s+ال\S+ي(?:ة)?(?:\s|$)"),
    "nationality_title": re.compile(r"(?:الرئيس|الوزير|وزير|الأمير|الملك|رئيس الوزراء|السفير|المتحدث)\s+(?:\S+\s+)?ال\S+ي(?:ة)?\s+\S+"),
    "prep_place": re.compile(r"(?:في|إلى|من|قرب|نحو|ب)\s*(?:مدينة|بلدة|قرية|محافظة|ريف|منطقة)\s+\S+"),
    "long_name": re.compile(r"\S+\s+بن\s+\S+\s+(?:بن|آل)\s+\S+|عبد\s?\S+\s+\S+\s+\S+\s+ال\S+"),
    "foreign_surname": re.compile(r"(?:قال|أعلن|أكد|صرح|أضاف)\s+\S+\s+\S+"),
}
# Round fifteen's ORG-recall batch (``--families org``): the organisation misses left on news dev were national
# teams named by their country in match reports, Latin-script company names, descriptive bodies («لجنة الحكام»,
# «كلية التربية»), and organisations introduced by a head word; these families over-draw such sentences.
ORG_FAMILIES: dict[str, re.Pattern[str]] = {
    "match_report": re.compile(r"(?:مباراة|الشوط|هدف|أهداف|التعادل|المنتخب|منتخب|الدوري|كأس|بطولة)"),
    "latin_name": re.compile(r"[A-Za-z]{3,}"),
    "desc_body": re.compile(r"(?:لجنة|كلية|هيئة|اتحاد|جمعية|مؤسسة|مركز|معهد|نقابة|صندوق|مستشفى|محكمة)\s+ال\S+"),
    "company_media": re.compile(r"(?:شركة|مجموعة|بنك|مصرف|صحيفة|قناة|وكالة|موقع)\s+\S+"),
    "party_movement": re.compile(r"(?:حزب|حركة|جماعة|تنظيم|تحالف|جبهة|ائتلاف)\s+\S+"),
}
PER_FAMILY = 40
RANDOM_N = 50


def load(data: Path) -> list[tuple[str, str, str, str]]:
    """(doc id, outlet, category, body) for every article."""
    docs = []
    for f in sorted((data / "saudinewsnet" / "jsonl").glob("*.jsonl")):
        for line in f.open(encoding="utf-8"):
            d = json.loads(line)
            docs.append((f"snn:{d['url']}", d["source"], "", d.get("content") or ""))
    for f in sorted((data / "ant_multisource" / "jsonl").glob("*.jsonl")):
        for line in f.open(encoding="utf-8"):
            d = json.loads(line)
            docs.append((f"ant:{d['docno']}", d["src"], d["cat"], d.get("text") or ""))
    return docs


def candidates(docs, rng: random.Random, per_doc: int = 3):
    for doc, src, cat, body in docs:
        sents = [s for s in sentences(body) if 8 <= len(s.text.split()) <= 32]
        for s in rng.sample(sents, min(per_doc, len(sents))):
            yield doc, src, cat, s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--pool-offset", type=int, default=0, help="skip this many shuffled articles first")
    ap.add_argument("--per-family", type=int, default=PER_FAMILY)
    ap.add_argument("--random", type=int, default=RANDOM_N)
    ap.add_argument("--families", choices=("errors", "org"), default="errors",
                    help="errors: the CRF error families (test set, batches 1-4); org: ORG_FAMILIES (batch 5)")
    ap.add_argument("--exclude", type=Path, default=None, help="a JSONL of records whose `doc`s are not used")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    docs = load(args.data)
    seen_bodies: set[int] = set()
    uniq = []
    for d in docs:
        if d[3] and hash(d[3]) not in seen_bodies:
            seen_bodies.add(hash(d[3]))
            uniq.append(d)
    rng.shuffle(uniq)
    if args.exclude:
        banned = {json.loads(line)["doc"] for line in args.exclude.read_text(encoding="utf-8").splitlines() if line}
        uniq = [d for d in uniq if d[0] not in banned]
    pool = list(candidates(uniq[args.pool_offset:args.pool_offset + 4000], rng))
    rng.shuffle(pool)
    families = ORG_FAMILIES if args.families == "org" else FAMILIES
    tagged = [(doc, src, s, sorted(f for f, rx in families.items() if rx.search(s.text))) for doc, src, _c, s in pool]
    picked: list[dict] = []
    used_docs: set[str] = set()
    outlets = sorted({t[1] for t in tagged})
    for fam, n in [*((f, args.per_family) for f in families), ("random", args.random)]:
        by_outlet = {o: [t for t in tagged if t[1] == o and (fam == "random" or fam in t[3])] for o in outlets}
        got, r = 0, 0
        while got < n and any(by_outlet.values()):
            o = outlets[r % len(outlets)]  # round-robin over outlets
            r += 1
            while by_outlet[o]:
                doc, src, s, fams = by_outlet[o].pop(0)
                if doc not in used_docs:
                    used_docs.add(doc)
                    picked.append({"doc": doc, "outlet": src, "sent": [s.start, s.end],
                                   "fam": sorted(set(fams) | {fam}), "text": s.text})
                    got += 1
                    break
    with args.out.open("w", encoding="utf-8") as fh:
        for p in picked:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"{len(picked)} sentences, {len({p['outlet'] for p in picked})} outlets -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
