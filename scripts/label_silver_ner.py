"""Distillation, step 1: the accurate (e5) tagger labels unlabelled news -> silver BIO sentences for the CRF.

Articles: SaudiNewsNet bodies in file order, skipping every article of the news test set
(eval/ner/news_test.jsonl) and of the hand-labelled news training / dev set (eval/ner/news_train.jsonl, round
thirteen; `--skip` names it). The output holds corpus text, so write it outside the repository (it is never
committed); ``scripts/train_ner.py --silver FILE`` trains the CRF student on gold + silver.

Usage: nice python scripts/label_silver_ner.py --articles 800 --out /tmp/silver.jsonl
Skips cleanly (exit 0) when the data folder is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dev.corpora import record_docs, snn_bodies  # noqa: E402

from rasid.extract.ner import load_tagger  # noqa: E402
from rasid.text.spans import sentences, tokens  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--articles", type=int, default=800)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--model", type=Path, default=None, help="the teacher's ONNX file (default: the shipped one)")
    ap.add_argument("--skip", type=Path, nargs="*", default=[ROOT / "eval" / "ner" / "news_train.jsonl"],
                    help="JSONL record files whose articles (`doc`) are not labelled (besides the news test set)")
    args = ap.parse_args()
    folder = args.data / "saudinewsnet" / "jsonl"
    if not folder.exists():
        print(f"{folder} not found; skipping")
        return 0
    if ROOT in args.out.resolve().parents:
        print("refusing to write corpus text inside the repository; choose --out outside it")
        return 2
    skip = record_docs(ROOT / "eval" / "ner" / "news_test.jsonl", *args.skip)
    tagger = load_tagger("accurate", args.model)
    t0 = time.time()
    n_art = n_sent = n_tok = 0
    with args.out.open("w", encoding="utf-8") as out:
        for body in islice(snn_bodies(args.data, skip), args.articles):
            sents = [[t.text for t in tokens(body[s.start:s.end])] for s in sentences(body)]
            sents = [s for s in sents if 3 <= len(s) <= 120]
            for toks, (labels, _p) in zip(sents, tagger.predict_document(sents), strict=True):
                out.write(json.dumps({"tokens": toks, "tags": labels}, ensure_ascii=False) + "\n")
                n_sent += 1
                n_tok += len(toks)
            n_art += 1
    dt = time.time() - t0
    print(f"{n_art} articles, {n_sent} sentences, {n_tok} tokens labelled in {dt:.0f}s ({n_tok / dt:,.0f} tokens/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
