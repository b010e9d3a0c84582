"""Train the headline main-event classifier (rasid/data/headline_events.json).

Data: the labelled TRAIN headlines (eval/stories/headline_events_train.jsonl, April and August 2018) and the
DEV headlines (eval/stories/headline_events_dev.jsonl, July 2018); the September TEST set is never read here.
Features: ``rasid.stories.headline_clf.headline_features`` (the cue reader's verdict and flags, the event
coder's trigger types, words, word pairs, character n-grams), kept when seen in at least two training
headlines (no fragment of a single headline is shipped); the reader groups (``CUE_GROUPS``) enter with value
``cue_weight``, the rest with 1. Model: multinomial logistic regression (scikit-learn lbfgs, no randomness).
Combination: the model's type replaces the cue reader's when its probability reaches ``t``.

Steps, all printed:

1. grid over C x cue_weight, scored by 5-fold cross-validation on TRAIN (2 fold seeds) with DEV added to
   every training fold (the shipped model is fit on TRAIN + DEV; held-out folds are TRAIN headlines only):
   type accuracy of the model alone and of each override t. The setting and t are chosen here, not on DEV:
   the cue list was tuned on DEV's errors, so DEV flatters the cues (0.86 there, 0.67-0.68 on the other months);
2. the same cross-validation without DEV in the training folds: does DEV help as training data?
3. the chosen setting fit on TRAIN alone and scored on DEV (the held-out check the issue asks for), for
   every t;
4. the shipped model fit on TRAIN (+ DEV when step 2 says it helps), written as JSON weights with t.

  nice python scripts/train_headline_events.py [--data ../shared/data] [--out rasid/data/headline_events.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from _shared import find_data  # noqa: E402
from dev.cluster_corpus import iter_ant  # noqa: E402

from rasid.stories.headline_clf import CUE_GROUPS, _act_type, headline_features  # noqa: E402
from rasid.stories.mainevent import headline_act  # noqa: E402

TRAIN = ROOT / "eval" / "stories" / "headline_events_train.jsonl"
DEV = ROOT / "eval" / "stories" / "headline_events_dev.jsonl"
C_GRID = (0.3, 1.0, 3.0)
CUE_WEIGHTS = (3.0,)  # value 1 lost to 3 at every C and override in the first run (docs/results/stories.md)
SEEDS = (0, 1)
OVERRIDES = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 0: the model alone; 1.01: the cues alone


def read_labels(path: Path) -> list[tuple[str, str]]:
    return [(r["doc"], r["type"]) for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())]


def valued(feats: list[str], cue_weight: float) -> dict[str, float]:
    return {f: cue_weight if f.partition(":")[0] in CUE_GROUPS else 1.0 for f in feats}


def labelled_titles(data: Path, train_path: Path = TRAIN, dev_path: Path = DEV):  # noqa: ANN201
    """(TRAIN labels, DEV labels, headline by doc id), the labels of headlines found in the ANT data only."""
    train, dev = read_labels(train_path), read_labels(dev_path)
    wanted = {d for d, _ in train + dev}
    titles = {d.id: d.title or "" for d in iter_ant(data) if d.id in wanted}
    return [(d, y) for d, y in train if d in titles], [(d, y) for d, y in dev if d in titles], titles


MIN_DF = 2  # a feature must occur in this many training headlines: none is kept from a single headline


def fit(rows: list[dict[str, float]], labels: list[str], c: float):
    df = Counter(f for row in rows for f in row)
    vec = DictVectorizer()
    clf = LogisticRegression(C=c, max_iter=5000)
    clf.fit(vec.fit_transform([{f: v for f, v in row.items() if df[f] >= MIN_DF} for row in rows]), labels)
    return vec, clf


def predict(model, rows: list[dict[str, float]]) -> tuple[list[str], np.ndarray]:
    """(most probable type, its probability) per headline."""
    vec, clf = model
    p = clf.predict_proba(vec.transform(rows))
    k = p.argmax(axis=1)
    return [str(clf.classes_[i]) for i in k], p[np.arange(len(k)), k]


def combined(model_types: list[str], conf: np.ndarray, cue_types: list[str], t: float) -> list[str]:
    return [m if c >= t else q for m, c, q in zip(model_types, conf, cue_types, strict=True)]


def accuracy(pred: list[str], gold: list[str]) -> float:
    return sum(p == g for p, g in zip(pred, gold, strict=True)) / len(gold)


def cross_val(rows, labels, c, seed, extra=None) -> tuple[list[str], np.ndarray]:
    """Out-of-fold (type, probability) on ``rows``; ``extra`` = (rows, labels) added to every training fold."""
    types, conf = [""] * len(labels), np.zeros(len(labels))
    for tr, te in KFold(5, shuffle=True, random_state=seed).split(rows):
        x = [rows[i] for i in tr] + (extra[0] if extra else [])
        y = [labels[i] for i in tr] + (extra[1] if extra else [])
        t, p = predict(fit(x, y, c), [rows[i] for i in te])
        for j, i in enumerate(te):
            types[i], conf[i] = t[j], p[j]
    return types, conf


def by_override(runs, cues, gold) -> dict[float, float]:
    return {t: float(np.mean([accuracy(combined(m, p, cues, t), gold) for m, p in runs])) for t in OVERRIDES}


MIN_WEIGHT = 0.03  # sparse export: smaller weights are dropped (a few hundred KiB instead of 3 MiB)


def export(model, cue_weight: float, override: float, min_weight: float = MIN_WEIGHT) -> dict:
    """The JSON ``HeadlineClassifier`` loads: reader-group weights times ``cue_weight`` (features are binary
    at inference), rounded to 3 decimals, stored sparse as feature -> [[class index, weight], ...] with
    |weight| >= ``min_weight``."""
    vec, clf = model
    weights = {}
    for name, row in zip(vec.get_feature_names_out(), clf.coef_.T, strict=True):
        row = row * (cue_weight if str(name).partition(":")[0] in CUE_GROUPS else 1.0)
        kept = [[k, round(float(v), 3)] for k, v in enumerate(row) if abs(round(float(v), 3)) >= min_weight]
        if kept:
            weights[str(name)] = kept
    return {"model": {"classes": [str(c) for c in clf.classes_], "bias": [round(float(b), 3) for b in clf.intercept_],
                      "weights": weights}, "override": override}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "rasid" / "data" / "headline_events.json")
    ap.add_argument("--train", type=Path, default=TRAIN)
    ap.add_argument("--dev", type=Path, default=DEV)
    args = ap.parse_args()
    data = args.data or find_data()
    if not (data / "ant_multisource").is_dir():
        print(f"no ANT data at {data}; skipping")
        return 0
    train, dev, titles = labelled_titles(data, args.train, args.dev)
    tf, ty = [headline_features(titles[d]) for d, _ in train], [y for _, y in train]
    df, dy = [headline_features(titles[d]) for d, _ in dev], [y for _, y in dev]
    tc = [_act_type((headline_act(titles[d]) or (None, 0))[0]) for d, _ in train]
    dc = [_act_type((headline_act(titles[d]) or (None, 0))[0]) for d, _ in dev]
    print(f"train {len(train)} headlines, dev {len(dev)}; cues alone: train {accuracy(tc, ty):.3f}, "
          f"dev {accuracy(dc, dy):.3f}\n")

    # 1. the setting and the override, on TRAIN cross-validation with DEV in every training fold
    print("TRAIN 5-fold CV (DEV added to training folds), type accuracy by override t "
          "(t=0: model alone, t=1.01: cues alone)\n")
    print("| C | cue weight | " + " | ".join(f"t={t}" for t in OVERRIDES) + " |")
    print("|---|---|" + "---|" * len(OVERRIDES))
    scores, runs_of = {}, {}
    for c in C_GRID:
        for w in CUE_WEIGHTS:
            tr_rows, dv_rows = [valued(f, w) for f in tf], [valued(f, w) for f in df]
            runs = [cross_val(tr_rows, ty, c, s, extra=(dv_rows, dy)) for s in SEEDS]
            runs_of[c, w] = runs
            acc = by_override(runs, tc, ty)
            for t, a in acc.items():
                scores[c, w, t] = a
            print(f"| {c} | {w} | " + " | ".join(f"{a:.3f}" for a in acc.values()) + " |")
    c, w, t = max(scores, key=lambda k: (round(scores[k], 4), -k[0], -k[1], k[2]))
    print(f"\nchosen: C={c}, cue weight={w}, override t={t} (CV {scores[c, w, t]:.3f})\n")

    # 2. does DEV help as training data?
    tr_rows, dv_rows = [valued(f, w) for f in tf], [valued(f, w) for f in df]
    alone = [cross_val(tr_rows, ty, c, s) for s in SEEDS]
    a0, a1 = by_override(alone, tc, ty)[t], scores[c, w, t]
    add_dev = a1 > a0
    print(f"TRAIN CV at the chosen setting: training folds TRAIN only {a0:.3f}, TRAIN + DEV {a1:.3f} -> "
          f"{'ship TRAIN + DEV' if add_dev else 'ship TRAIN only'}\n")

    # 3. the held-out check on DEV: the setting fit on TRAIN alone
    dm, dp = predict(fit(tr_rows, ty, c), dv_rows)
    print("DEV, model fit on TRAIN only: " + ", ".join(
        f"t={o}: {accuracy(combined(dm, dp, dc, o), dy):.3f}" for o in OVERRIDES) + "\n")

    # 4. the shipped model
    final = fit(tr_rows + dv_rows if add_dev else tr_rows, ty + dy if add_dev else ty, c)
    raw = export(final, w, t)
    raw["trained_on"] = ["eval/stories/headline_events_train.jsonl"] + (
        ["eval/stories/headline_events_dev.jsonl"] if add_dev else [])
    raw["setting"] = {"C": c, "cue_weight": w}
    args.out.write_text(json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                        encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB, {len(raw['model']['weights'])} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
