"""Train the sentence-level event classifier (rasid/data/event_classifier.json).

Data: the DEV half of the Arabic event GSR only (same hash split as scripts/eval_events.py);
the test half is never read here. For each PLOVER type with GSR labels (PROTEST, ASSAULT) a
logistic regression over ``rasid.extract.events.classifier.sentence_features`` is cross-validated
(5-fold, out-of-fold probabilities), the regularisation and the decision threshold are picked
on those out-of-fold scores *as a filter on the lexicon's proposals* (that is how EventCoder
uses it), and the final model is refit on the whole dev half and written as JSON weights.

Usage: nice python scripts/train_event_classifier.py [--data ../shared/data] [--out rasid/data/event_classifier.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_events import DEFAULT_DATA, FILES, predicts, prf, read_rows  # noqa: E402

from rasid.extract.events.classifier import sentence_features  # noqa: E402
from rasid.extract.events.coder import EventCoder  # noqa: E402
from rasid.extract.events.lexicon import EventLexicon  # noqa: E402

C_GRID = (0.03, 0.1, 0.3)
SEEDS = (0, 1)


def _fit(feats: list[list[str]], y, c):
    """``feats``: precomputed ``sentence_features`` lists (the analyzer just passes them through)."""
    vec = CountVectorizer(analyzer=list, binary=True, min_df=2)
    x = vec.fit_transform(feats)
    clf = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=0)
    clf.fit(x, y)
    return vec, clf


def oof_probs(feats, y, c, seed) -> np.ndarray:
    out = np.zeros(len(y))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=seed).split(feats, y):
        vec, clf = _fit([feats[i] for i in tr], y[tr], c)
        out[te] = clf.predict_proba(vec.transform([feats[i] for i in te]))[:, 1]
    return out


def best_threshold(probs: np.ndarray, y: np.ndarray, gate: np.ndarray) -> tuple[float, tuple]:
    best = (-1.0, 0.5, (0, 0, 0))
    for t in np.arange(0.05, 0.96, 0.025):
        pred = gate & (probs >= t)
        scores = prf(int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum()))
        if scores[2] > best[0]:
            best = (scores[2], float(t), scores)
    return best[1], best[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=ROOT / "rasid" / "data" / "event_classifier.json")
    ap.add_argument("--min-weight", type=float, default=1e-3, help="drop features with |weight| below this")
    args = ap.parse_args()
    folder = args.data / "event_coding" / "arabic_event_gsr"
    if not folder.is_dir():
        print(f"{folder} not found: skipping classifier training")
        return
    lexicon = EventLexicon.load()
    gate_coder = EventCoder.load(classifier=False)
    loose = {"loose": EventCoder(lexicon, None, lexicon), "loose_up": EventCoder(lexicon, None, EventLexicon.load(True))}
    data, results = {}, {}  # results[plover][(gate, C)] = (cv F1, threshold)
    for plover in FILES:
        rows = read_rows(folder, plover, "dev")
        feats = [sentence_features(r["text"], lexicon, plover) for r in rows]
        y = np.array([r["label"] == "yes" for r in rows])
        gates = {"strict": np.array([predicts(gate_coder, r) for r in rows])}
        for name, coder in loose.items():
            gates[name] = np.array([bool(coder.candidates(r["text"], {plover})) for r in rows])
        strict = gates["strict"]
        lex = prf(int((strict & y).sum()), int((strict & ~y).sum()), int((~strict & y).sum()))
        print(f"{plover}: dev n={len(y)} positives={int(y.sum())}; lexicon alone P/R/F1 = "
              + " / ".join(f"{v:.3f}" for v in lex), flush=True)
        data[plover], results[plover] = (feats, y), {}
        for c in C_GRID:
            probs = [oof_probs(feats, y, c, seed) for seed in SEEDS]
            for name, g in [*gates.items(), ("none (classifier alone)", np.ones_like(strict))]:
                runs = [best_threshold(p, y, g) for p in probs]
                p_, r_, f_ = (float(np.mean([r[1][k] for r in runs])) for k in range(3))
                t = float(np.median([r[0] for r in runs]))
                print(f"  C={c} gate={name}: CV P/R/F1 = {p_:.3f} / {r_:.3f} / {f_:.3f} (threshold {t:.3f})"
                      f"  [mean of {len(SEEDS)} seeds]", flush=True)
                if name in gates:
                    results[plover][(name, c)] = (f_, t)
    # One gate for all types (EventCoder has one candidate lexicon): the best summed CV F1.
    gate = max(("strict", *loose), key=lambda g: sum(max(f for (n, _), (f, _) in res.items() if n == g)
                                                      for res in results.values()))
    models = {}
    for plover, (feats, y) in data.items():
        (_, c), (f1, threshold) = max(((k, v) for k, v in results[plover].items() if k[0] == gate),
                                      key=lambda kv: kv[1][0])
        vec, clf = _fit(feats, y, c)
        weights = {str(n): round(float(w), 4) for n, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
                   if abs(w) >= args.min_weight}
        models[plover] = {"bias": round(float(clf.intercept_[0]), 4), "threshold": round(threshold, 3), "C": c,
                          "cv_f1": round(f1, 3), "train_rows": len(y), "weights": dict(sorted(weights.items()))}
        print(f"{plover}: gate={gate} C={c} threshold={threshold:.3f} (CV F1 {f1:.3f}); {len(weights)} features kept")
    meta = {"source": "openeventdata/arabic_event_gsr, dev half (sha1(id) even)",
            "script": "scripts/train_event_classifier.py", "features": "rasid.extract.events.classifier.sentence_features"}
    args.out.write_text(json.dumps({"meta": meta, "gate": gate, "models": models}, ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
