"""Train the single-page furniture line classifier (rasid/clean/furniture.py) → rasid/data/furniture_weights.json.

Usage: python scripts/train_furniture.py [--check]

Examples: every line of the **dev** pages of eval/raw (never the test split), labelled by the set's gold
(`.txt`: furniture/caption/meta = 1, body/subhead/title = 0; `.html`: extracted lines holding a gold
furniture string = 1, lines holding a body paragraph key = 0), plus the CMS-theme furniture lines of
rasid/data/lexicons/furniture_lines.txt (written for rasid) inserted into dev pages at seeded positions
(before the headline or after the body) as more furniture. Lines rasid already takes as the headline or a
metadata line are left out (the classifier never sees them). Features are computed exactly as cleaning
computes them (line statistics learned over the dev pages as `rasid run` does).

A logistic regression (scikit-learn, class-balanced) is fitted; the threshold is the lowest that keeps
precision >= 0.995 under leave-one-site-out cross-validation on dev, so it is not chosen on the lines it
was fitted on. ``--check`` retrains and fails when the committed weights differ (reproducibility).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid import resources  # noqa: E402
from rasid.clean.boilerplate import LineStats  # noqa: E402
from rasid.clean.furniture import FEATURES, WEIGHTS, line_features  # noqa: E402
from rasid.config import RunConfig  # noqa: E402
from rasid.ingest.page import read_page  # noqa: E402
from rasid.ingest.readers import read_file  # noqa: E402
from rasid.models import RawArticle  # noqa: E402

RAW = ROOT / "eval" / "raw"
POS = {"furniture", "caption", "meta"}
SEED = 20260204
PRECISION = 0.995


def _flat(s: str) -> str:
    return " ".join(s.split())


def examples() -> tuple[np.ndarray, np.ndarray, list[str]]:
    gold = [json.loads(x) for x in (RAW / "gold.jsonl").read_text(encoding="utf-8").splitlines() if x]
    gold = [g for g in gold if g["split"] == "dev"]
    raws: dict[str, RawArticle] = {}
    for g in gold:
        got = [r for r in read_file(RAW / g["path"]) if isinstance(r, RawArticle)]
        if got:
            raws[g["id"]] = got[0]
    stats = LineStats(min_docs=RunConfig().clean.min_repeat_docs)
    for r in raws.values():
        stats.observe(r.outlet, r.text)
    known = list(resources.data_lines(resources.path("lexicons/furniture_lines.txt")))
    rng = random.Random(SEED)
    X: list[list[float]] = []
    y: list[int] = []
    groups: list[str] = []

    def add(lines: list[str], raw: RawArticle, label_of) -> None:
        page = read_page(lines, url=raw.url, title=raw.title)
        rep = {i for i, ln in enumerate(lines) if ln.strip() and stats.is_repeated(raw.outlet, ln)}
        for i, x in line_features(lines, page, rep).items():
            if i == page.title_line or i in page.meta_lines:
                continue
            lab = label_of(i)
            if lab is not None:
                X.append(x)
                y.append(lab)
                groups.append(g["site"])

    for g in gold:
        raw = raws.get(g["id"])
        if raw is None:
            continue
        lines = raw.text.split("\n")
        if g["format"] == "txt":
            file_lines = (RAW / g["path"]).read_text(encoding="utf-8").split("\n")
            off = next(o for o in range(len(file_lines)) if file_lines[o:o + len(lines)] == lines)

            def label_txt(i: int, g=g, off=off):
                lab = g["lines"].get(str(off + i + 1))
                return None if lab is None else int(lab in POS)
            add(lines, raw, label_txt)
        else:
            def label_html(i: int, g=g, lines=lines):
                flat = _flat(lines[i])
                if any(_flat(f) in flat for f in g["furniture"]):
                    return 1
                if any(k in flat for k in g["body_keys"] + g["subhead_keys"]):
                    return 0
                return None
            add(lines, raw, label_html)
        # CMS-theme furniture, inserted before the headline or after the body of this page
        for line in rng.sample(known, k=min(6, len(known))):
            page = read_page(lines, url=raw.url, title=raw.title)
            top = page.title_line if page.title_line is not None else 0
            at = rng.choice([rng.randint(0, top), len(lines)])
            new = lines[:at] + [line] + lines[at:]
            add(new, raw, lambda i, at=at: 1 if i == at else None)
    return np.array(X), np.array(y), groups


def fit(X: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, fit_intercept=False)
    m.fit(X, y)
    return m


def threshold(X: np.ndarray, y: np.ndarray, groups: list[str]) -> tuple[float, dict]:
    probs = np.zeros(len(y))
    g = np.array(groups)
    for site in sorted(set(groups)):
        test = g == site
        m = fit(X[~test], y[~test])
        probs[test] = m.predict_proba(X[test])[:, 1]
    best = (0.99, {})
    for t in np.arange(0.50, 0.995, 0.01):
        pred = probs >= t
        tp = int((pred & (y == 1)).sum())
        fp = int((pred & (y == 0)).sum())
        prec = tp / max(1, tp + fp)
        rec = tp / max(1, int((y == 1).sum()))
        if prec >= PRECISION:
            best = (round(float(t), 2), {"cv_precision": round(prec, 4), "cv_recall": round(rec, 4)})
            break
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    X, y, groups = examples()
    thr, cv = threshold(X, y, groups)
    m = fit(X, y)
    out = {"features": FEATURES, "weights": [round(float(w), 5) for w in m.coef_[0]], "threshold": thr,
           "trained_on": f"eval/raw dev split ({len(set(groups))} sites, {len(y)} lines, {int(y.sum())} furniture) "
                         "+ rasid/data/lexicons/furniture_lines.txt",
           "leave_one_site_out": cv}
    text = json.dumps(out, ensure_ascii=False, indent=1) + "\n"
    dest = resources.path(WEIGHTS)
    if args.check:
        same = dest.exists() and dest.read_text(encoding="utf-8") == text
        print("weights reproduce" if same else "weights differ")
        sys.exit(0 if same else 1)
    dest.write_text(text, encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k != "weights"}, ensure_ascii=False))
    for f, w in zip(FEATURES, out["weights"], strict=True):
        print(f"  {f:16} {w:+.3f}")


if __name__ == "__main__":
    main()
