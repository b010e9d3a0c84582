"""Pearson correlation of rasid's similarity signals with human judgements.

* SemEval-2022 task 8, ar-ar pairs that come with text (hfl_sample_ar_ar_with_text.jsonl,
  110 rows; gold "Overall" 1 = very similar .. 4 = very dissimilar, so we correlate with -Overall).
* STS-2017 track 1 ar-ar (250 sentence pairs, gold 0..5).

Signals: lexical TF-IDF cosine (rasid.stories.features), dense cosine (rasid.stories.embed backends on the
article lead), and the clusterer's combined lexical+dense score.

  python scripts/eval_similarity.py [--data ../shared/data] [--backends use,e5]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dev.cluster_corpus import DEFAULT_DATA  # noqa: E402

from rasid.stories.cluster import ClusterConfig  # noqa: E402
from rasid.stories.embed import Embedder  # noqa: E402
from rasid.stories.features import IdfTable, cosine  # noqa: E402


def pearson(x: list[float], y: list[float]) -> float:
    return float(np.corrcoef(np.asarray(x, float), np.asarray(y, float))[0, 1])


def load_semeval(data: Path) -> tuple[list[tuple[str, str]], list[float]]:
    pairs, gold = [], []
    path = data / "semeval2022_task8" / "hfl_sample_ar_ar_with_text.jsonl"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            pairs.append((r["text1"] or "", r["text2"] or ""))
            gold.append(-float(r["Overall"]))
    return pairs, gold


def load_sts(data: Path) -> tuple[list[tuple[str, str]], list[float]]:
    base = data / "sts2017_ar"
    sents = (base / "STS.input.track1.ar-ar.txt").read_text(encoding="utf-8").splitlines()
    gold = [float(x) for x in (base / "STS.gs.track1.ar-ar.txt").read_text().split()]
    pairs = [tuple(s.split("\t")[:2]) for s in sents if s.strip()]
    return pairs, gold  # type: ignore[return-value]


def lead(text: str, chars: int = 400) -> str:
    return text[:chars]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--backends", default="use,e5")
    args = ap.parse_args()
    if not (args.data / "semeval2022_task8").is_dir():
        print(f"no data at {args.data}; skipping")
        return 0
    idf = IdfTable.load()
    cfg = ClusterConfig()
    sets = {"SemEval-2022 T8 ar-ar (110 pairs with text)": load_semeval(args.data),
            "STS-2017 ar-ar (250 pairs)": load_sts(args.data)}
    print("| signal | " + " | ".join(sets) + " |")
    print("|---|" + "---|" * len(sets))
    lex = {name: [cosine(idf.vector(a, 200), idf.vector(b, 200)) for a, b in pairs]
           for name, (pairs, _) in sets.items()}
    print("| lexical TF-IDF cosine | " + " | ".join(f"{pearson(lex[n], g):.3f}" for n, (_, g) in sets.items()) + " |")
    for backend in args.backends.split(","):
        emb = Embedder.load(backend)
        if not emb.available:
            print(f"| dense {backend} | not installed |")
            continue
        dense, combo = {}, {}
        for name, (pairs, _) in sets.items():
            va = emb.encode([lead(a) for a, _ in pairs])
            vb = emb.encode([lead(b) for _, b in pairs])
            dense[name] = list((va * vb).sum(axis=1))
            scaled = np.clip((np.asarray(dense[name]) - cfg.dense_floor) / (1 - cfg.dense_floor), 0, 1)
            combo[name] = list(cfg.w_lex * np.asarray(lex[name]) + cfg.w_dense * scaled)
        print(f"| dense {backend} (lead 400 chars) | "
              + " | ".join(f"{pearson(dense[n], g):.3f}" for n, (_, g) in sets.items()) + " |")
        print(f"| clusterer score (lexical + {backend}) | "
              + " | ".join(f"{pearson(combo[n], g):.3f}" for n, (_, g) in sets.items()) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
