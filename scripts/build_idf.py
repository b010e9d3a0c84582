"""Rebuild rasid/data/idf_ar.tsv.gz: stem document frequencies over ANT + SaudiNewsNet.

Only counts are written (no text). Usage: python scripts/build_idf.py [--data PATH] [--min-df 3]
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dev.cluster_corpus import DEFAULT_DATA, iter_ant, iter_snn  # noqa: E402

from rasid.stories.features import terms  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "rasid" / "data" / "idf_ar.tsv.gz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--max-terms", type=int, default=80000)
    args = ap.parse_args()
    if not (args.data / "ant_multisource").is_dir():
        print(f"no data at {args.data}; skipping")
        return 0
    df: Counter[str] = Counter()
    n = 0
    for it in (iter_ant(args.data), iter_snn(args.data)):
        for doc in it:
            df.update(set(terms((doc.title or "") + "\n" + doc.text[:3000])))
            n += 1
    kept = [(t, c) for t, c in df.most_common(args.max_terms) if c >= args.min_df]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(f"#n_docs\t{n}\n")
        for t, c in sorted(kept):
            fh.write(f"{t}\t{c}\n")
    print(f"{n} docs, {len(kept)} terms -> {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
