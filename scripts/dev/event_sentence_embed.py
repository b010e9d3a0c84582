"""Would a sentence-embedding classifier help the event coder? (issue #18, round fourteen; not shipped)

Why: the learned coder reads words around a trigger; the USE sentence encoder (already a dependency of the story
stage) reads the whole sentence. On the coder's dev split (``scripts/train_event_coder.py --dev``: the
dev_split documents of train.jsonl and train_snn.jsonl held out, the shipped recipe fit on the rest) this prints
sentence detection and micro (sentence, type) numbers for: the coder; a one-vs-rest logistic regression on the
USE vector alone; the coder's types kept only where the USE model gives them at least a probability
(``filter``); the coder's types plus the USE model's confident ones (``union``, sentence-level types without a
trigger or roles).

Usage: python scripts/dev/event_sentence_embed.py [--data ../shared/data] [--cache /tmp/ev_rows.pkl]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import train_event_coder as T  # noqa: E402
from _shared import use_encoder  # noqa: E402
from eval_events_blind import dev_split, prf  # noqa: E402

from rasid.extract.events.learned import Featurizer, LearnedCoder  # noqa: E402
from rasid.extract.events.lexicon import EventLexicon  # noqa: E402

CS = {"trigger": 1.0, "pos_weight": 3.0, "mode": 1.0, "status": 1.0, "background": 0.5, "role": 0.5, "sentence": 1.0}


def score(rows: list[dict], preds: list[set[str]]) -> str:
    det = {"tp": 0, "fp": 0, "fn": 0}
    pairs = {"tp": 0, "fp": 0, "fn": 0}
    for r, p in zip(rows, preds, strict=True):
        g = {e["type"] for e in r["events"]}
        if g or p:
            det["tp" if g and p else "fp" if p else "fn"] += 1
        for t in g | p:
            pairs["tp" if t in g and t in p else "fp" if t in p else "fn"] += 1
    dp, dr, _ = prf(det["tp"], det["fp"], det["fn"])
    mp, mr, mf = prf(pairs["tp"], pairs["fp"], pairs["fn"])
    return f"detection P {dp:.2f} R {dr:.2f} | micro P {mp:.2f} R {mr:.2f} F1 {mf:.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=T.DEFAULT_DATA)
    ap.add_argument("--cache", type=Path, default=None, help="pickle of the prepared rows (train_event_coder.prepare)")
    args = ap.parse_args()
    if not (args.data / "ant_multisource" / "jsonl").is_dir():
        print(f"skipped: {args.data / 'ant_multisource'} not found")
        return 0
    emb = use_encoder()
    if emb is None:
        return 0
    rows = T.prepare(args.data, args.cache, tuple(p for p in T.LABELS if p.exists()))
    is_dev = [r["labels_file"] in T.DEV_FILES and dev_split(r["doc_id"]) for r in rows]
    fit_rows = [r for r, d in zip(rows, is_dev, strict=True) if not d]
    dev_rows = [r for r, d in zip(rows, is_dev, strict=True) if d]
    feat = Featurizer(EventLexicon.load(), EventLexicon.load(include_up=True), None)
    raw = T.train(fit_rows, feat, CS)
    raw.update(threshold=0.3, sentence_gate=0.2, role_threshold=0.3)
    coder = LearnedCoder(raw)
    pred = [{e.type for e in coder.code(r["text"], r["mentions"])} for r in dev_rows]
    vec = emb.encode([r["text"] for r in rows])
    ef, ed = vec[[not d for d in is_dev]], vec[is_dev]
    print(f"fit {len(fit_rows)} sentences, dev {len(dev_rows)}")
    print(f"coder                 {score(dev_rows, pred)}")
    for c in (0.3, 1.0, 3.0):
        prob = {t: clf.predict_proba(ed)[:, 1] for t, clf in T.fit_type_models(ef, fit_rows, c).items()}
        n = range(len(dev_rows))
        for th in (0.7, 0.85):
            print(f"C={c} USE alone >= {th}  {score(dev_rows, [{t for t in prob if prob[t][i] > th} for i in n])}")
        for th in (0.2, 0.3, 0.5):
            kept = [{t for t in pred[i] if t not in prob or prob[t][i] >= th} for i in n]
            print(f"C={c} filter {th}        {score(dev_rows, kept)}")
            for hi in (0.8, 0.95):
                both = [kept[i] | {t for t in prob if prob[t][i] > hi} for i in n]
                print(f"C={c} filter {th} union {hi} {score(dev_rows, both)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
