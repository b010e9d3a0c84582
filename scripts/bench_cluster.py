"""How clustering time grows with corpus size (ANT + SaudiNewsNet, date order).

For each size N the first N articles in publication order are clustered from an
empty state in one ``add`` call (lexical + event features; the inverted-index
candidate retrieval is what keeps this sub-quadratic). Dense embedding cost is
linear in N and measured separately as documents per second, so the full cost is
clustering time + N / embed rate.

  python scripts/bench_cluster.py [--data ../shared/data] [--sizes 10000,20000,40000,60000] [--embed-sample 1000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import datetime
from itertools import chain
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dev.cluster_corpus import DEFAULT_DATA, iter_ant, iter_snn  # noqa: E402

from rasid.stories.cluster import StoryClusterer  # noqa: E402
from rasid.stories.embed import Embedder  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--sizes", default="10000,20000,40000,60000")
    ap.add_argument("--embed-sample", type=int, default=1000)
    args = ap.parse_args()
    if not (args.data / "ant_multisource").is_dir():
        print(f"no data at {args.data}; skipping")
        return 0
    docs = [d for d in chain(iter_snn(args.data), iter_ant(args.data)) if d.published]
    docs.sort(key=lambda d: (d.published or datetime.max, d.id))
    print(f"{len(docs)} dated articles available")
    print("| articles | days spanned | clustering s | articles/s | pair scores per article | stories | "
          "state MB | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|")
    for n in (int(x) for x in args.sizes.split(",")):
        batch = docs[:n]
        c = StoryClusterer(embedder=Embedder.load("none"))
        t = time.perf_counter()
        c.add(batch, {}, {})
        secs = time.perf_counter() - t
        state = c.dump()
        span = (batch[-1].published - batch[0].published).days  # type: ignore[operator]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"| {len(batch)} | {span} | {secs:.1f} | {len(batch) / secs:.0f} | "
              f"{c.candidates_scored / len(batch):.1f} | {len(c.stories)} | {len(state) / 1e6:.1f} | {rss:.0f} |",
              flush=True)
    for backend in ("use", "e5"):
        emb = Embedder.load(backend)
        if not emb.available:
            continue
        sample = docs[: args.embed_sample]
        emb.encode_docs(sample[:8])  # load weights outside the timing
        t = time.perf_counter()
        emb.encode_docs(sample)
        secs = time.perf_counter() - t
        print(f"dense {backend}: {len(sample) / secs:.0f} articles/s on title+lead "
              f"({len(sample)} articles, {secs:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
