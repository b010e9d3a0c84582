"""Would sentence embeddings help the headline main-event classifier? (issue #14, round fourteen; not shipped)

Why: the story stage already embeds every headline with the multilingual USE encoder, so its vector would cost
nothing as features. Same protocol as scripts/train_headline_events.py: TRAIN 5-fold cross-validation (two fold
seeds) with DEV added to every training fold, then the model fit on TRAIN alone scored on DEV; printed for the
shipped sparse features (s=0), sparse + USE scaled by s, and USE alone (s=-1), per override t.

Usage: python scripts/dev/headline_embed_features.py [--data ../shared/data]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import train_headline_events as H  # noqa: E402
from _shared import require_data, use_encoder  # noqa: E402

from rasid.stories.headline_clf import _act_type, headline_features  # noqa: E402
from rasid.stories.mainevent import headline_act  # noqa: E402


def fit_predict(xr, xe, er, ee, y, c: float, s: float) -> tuple[list[str], np.ndarray]:
    """Fit on (sparse rows ``xr``, embeddings ``er``), predict ``xe``/``ee``: s>0 appends s*embedding, s<0 uses it alone."""
    df = Counter(f for r in xr for f in r)
    vec = DictVectorizer()
    a = vec.fit_transform([{f: v for f, v in r.items() if df[f] >= H.MIN_DF} for r in xr])
    b = vec.transform(xe)
    if s > 0:
        a, b = sp.hstack([a, sp.csr_matrix(er * s)]).tocsr(), sp.hstack([b, sp.csr_matrix(ee * s)]).tocsr()
    elif s < 0:
        a, b = er, ee
    clf = LogisticRegression(C=c, max_iter=5000).fit(a, y)
    p = clf.predict_proba(b)
    k = p.argmax(axis=1)
    return [str(clf.classes_[i]) for i in k], p[np.arange(len(k)), k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None)
    data = require_data(ap.parse_args().data, "ant_multisource").parent  # exits 0 with a message when absent
    emb = use_encoder()
    if emb is None:
        return 0
    train, dev, titles = H.labelled_titles(data)
    et, ed = emb.encode([titles[d] for d, _ in train]), emb.encode([titles[d] for d, _ in dev])
    tf, ty = [H.valued(headline_features(titles[d]), 3.0) for d, _ in train], [y for _, y in train]
    df, dy = [H.valued(headline_features(titles[d]), 3.0) for d, _ in dev], [y for _, y in dev]
    tc = [_act_type((headline_act(titles[d]) or (None, 0))[0]) for d, _ in train]
    dc = [_act_type((headline_act(titles[d]) or (None, 0))[0]) for d, _ in dev]
    print(f"train {len(train)}, dev {len(dev)}; cues alone: train {H.accuracy(tc, ty):.3f}, dev {H.accuracy(dc, dy):.3f}")
    print("| C | s | TRAIN CV by override t (" + ", ".join(map(str, H.OVERRIDES)) + ") | DEV by override t |")
    for c in (1.0, 3.0):
        for s in (0.0, 1.0, 3.0, -1.0):
            res: dict[float, list[float]] = {t: [] for t in H.OVERRIDES}
            for seed in H.SEEDS:
                types, conf = [""] * len(ty), np.zeros(len(ty))
                for tr, te in KFold(5, shuffle=True, random_state=seed).split(tf):
                    t_, p_ = fit_predict([tf[i] for i in tr] + df, [tf[i] for i in te], np.vstack([et[tr], ed]), et[te],
                                         [ty[i] for i in tr] + dy, c, s)
                    for j, i in enumerate(te):
                        types[i], conf[i] = t_[j], p_[j]
                for t in H.OVERRIDES:
                    res[t].append(H.accuracy(H.combined(types, conf, tc, t), ty))
            dm, dp = fit_predict(tf, df, et, ed, ty, c, s)
            cv = " ".join(f"{np.mean(v):.3f}" for v in res.values())
            dv = " ".join(f"{H.accuracy(H.combined(dm, dp, dc, t), dy):.3f}" for t in H.OVERRIDES)
            print(f"| {c} | {s} | {cv} | {dv} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
