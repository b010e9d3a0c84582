"""Entity-level NER evaluation (exact span + type, PER/ORG/LOC) of the shipped CRF.

Test sets (none used in training): Wojood sample test, AQMAR held-out articles (every 4th),
ANERcorp dev (last 10% of the public train part; the official test is not available here).

Usage: python scripts/eval_ner.py [--data ../shared/data] [--model rasid/data/ner.crfsuite] [--doc-window 10]
Skips cleanly (exit 0) when the data folder is absent.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dev.corpora import Sentence, aqmar_split, read_anercorp, read_aqmar, read_wojood, spans  # noqa: E402

from rasid.extract.ner import load_tagger  # noqa: E402
from rasid.extract.ner.tagger import NerTagger  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TYPES = ("PER", "ORG", "LOC")


def test_sets(data: Path) -> dict[str, list[Sentence]]:
    aner = read_anercorp(data / "anercorp" / "ANERcorp_train_sequential_CSabty.txt")
    _, aq_test = aqmar_split(data / "aqmar")
    return {
        "wojood_test": read_wojood(data / "wojood_sample" / "test.txt"),
        "aqmar_heldout": [s for f in aq_test for s in read_aqmar(f)],
        "anercorp_dev": aner[int(len(aner) * 0.9):],
    }


def predictions(tagger: NerTagger, sents: list[Sentence], window: int = 1) -> list[list[str]]:
    """Predicted tags per sentence; ``window`` > 1 groups consecutive sentences into pseudo-documents
    so the document-level consistency pass can act (the corpora carry no document boundaries)."""
    if window <= 1:  # both taggers decode independent sentences in batches
        return [lab for lab, _ in tagger.predict_sentences([toks for toks, _ in sents])]
    out: list[list[str]] = []
    for k in range(0, len(sents), window):
        out.extend(lab for lab, _ in tagger.predict_document([toks for toks, _ in sents[k:k + window]]))
    return out


def evaluate(tagger: NerTagger, sents: list[Sentence], window: int = 1) -> dict[str, tuple[float, float, float, int]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for (_toks, gold_tags), pred_tags in zip(sents, predictions(tagger, sents, window), strict=True):
        gold, pred = spans(gold_tags), spans(pred_tags)
        for s in pred:
            (tp if s in gold else fp)[s[2]] += 1
        for s in gold - pred:
            fn[s[2]] += 1
    out = {}
    for t in (*TYPES, "micro"):
        a, b, c = (sum(x.values()) for x in (tp, fp, fn)) if t == "micro" else (tp[t], fp[t], fn[t])
        p = a / (a + b) if a + b else 0.0
        r = a / (a + c) if a + c else 0.0
        out[t] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, a + c)
    out["macro"] = (0.0, 0.0, sum(out[t][2] for t in TYPES) / len(TYPES), out["micro"][3])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--tagger", choices=("fast", "accurate"), default="fast", help="CRF (fast) or fine-tuned e5")
    ap.add_argument("--doc-window", type=int, default=1,
                    help="consecutive sentences tagged as one pseudo-document (1 = sentence level)")
    args = ap.parse_args()
    if not (args.data / "anercorp").exists():
        print(f"data folder {args.data} not found; skipping evaluation")
        return 0
    tagger = load_tagger(args.tagger, args.model)
    print("| set | type | P | R | F1 | gold |")
    print("|---|---|---|---|---|---|")
    for name, sents in test_sets(args.data).items():
        res = evaluate(tagger, sents, args.doc_window)
        for t, (p, r, f, n) in res.items():
            if t == "macro":
                print(f"| {name} | macro-F1 | | | {100 * f:.1f} | {n} |")
            else:
                print(f"| {name} | {t} | {100 * p:.1f} | {100 * r:.1f} | {100 * f:.1f} | {n} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
