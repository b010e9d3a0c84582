"""CPU of the default NER tagger per article, and digests that prove a speed lever changed no output.

Two checks on the first ``--n`` ANT multi-source articles (first lines across the sorted JSONL files, as
``bench_pipeline.py`` picks them):

* ``tag``: ``NerTagger.tag`` on each article's text with its sentences split beforehand (as the pipeline's
  ``AnalyzedDoc`` hands them over); prints the CPU seconds of tagging alone (``time.process_time``, so a
  loaded machine does not inflate it) and sha1 digests of every mention and of every sentence's labels and
  full-precision confidences before rounding (``predict_document``);
* ``store``: ``rasid run`` with ``RunConfig(cluster=False)`` in process into a fresh SQLite file, then a sha1
  digest of ``Store.mentions()`` and ``Store.entities()`` in full (what the pipeline keeps).

Usage: python scripts/ner_equiv.py [--n 1000] [--data ../shared/data] [--checks tag store] [--repeat 1]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import require_data  # noqa: E402
from bench_pipeline import write_input  # noqa: E402

from rasid.config import RunConfig  # noqa: E402
from rasid.text.spans import sentences  # noqa: E402


def tag_check(path: Path, repeat: int) -> None:
    """Tag every article (sentences split outside the timer); print CPU seconds and the two digests."""
    from rasid.extract.ner.tagger import NerTagger

    with path.open(encoding="utf-8") as fh:
        texts = [json.loads(line).get("text") or "" for line in fh]
    docs = [(f"d{i}", t, sentences(t)) for i, t in enumerate(texts)]
    for r in range(repeat):
        tagger = NerTagger.load()  # a fresh word cache each round: the pipeline's workers start empty too
        preds: list[object] = []
        inner = tagger.predict_document

        def record(sents: list[list[str]], inner=inner, preds=preds) -> list:
            out = inner(sents)
            preds.append(out)
            return out

        tagger.predict_document = record  # type: ignore[method-assign]
        c0 = time.process_time()
        mentions = [tagger.tag(doc_id, text, sents=sents) for doc_id, text, sents in docs]
        cpu = time.process_time() - c0
        hm = hashlib.sha1(repr(mentions).encode()).hexdigest()
        hp = hashlib.sha1(repr(preds).encode()).hexdigest()
        n_m = sum(map(len, mentions))
        print(f"tag round {r + 1}: {len(docs)} articles, {n_m} mentions, NER CPU {cpu:.2f} s "
              f"({1000 * cpu / len(docs):.2f} ms/article); mentions {hm}; labels+probs {hp}", flush=True)


def store_check(path: Path, tmp: Path) -> None:
    """``rasid run`` without clustering in process; digest of every stored mention and entity."""
    from rasid.run.pipeline import run
    from rasid.store import Store

    store = Store(tmp / "ner.db")
    cfg = RunConfig(cluster=False, workers=1)
    c0 = time.process_time()
    report = run([path], store, cfg)
    cpu = time.process_time() - c0
    mentions, entities = store.mentions(), store.entities()
    hm = hashlib.sha1(repr(mentions).encode()).hexdigest()
    he = hashlib.sha1(repr(entities).encode()).hexdigest()
    print(f"store: extracted {report.extracted}, {len(mentions)} mentions, {len(entities)} entities, "
          f"run CPU {cpu:.2f} s; mentions {hm}; entities {he}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="shared data folder (default ../shared/data)")
    ap.add_argument("--n", type=int, default=1000, help="articles (first lines across the sorted ANT files)")
    ap.add_argument("--checks", nargs="+", choices=("tag", "store"), default=["tag", "store"])
    ap.add_argument("--repeat", type=int, default=1, help="tag rounds (each with a fresh tagger)")
    args = ap.parse_args()
    folder = require_data(args.data, "ant_multisource", "jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ant-subset.jsonl"
        write_input(folder, args.n, path)
        if "tag" in args.checks:
            tag_check(path, args.repeat)
        if "store" in args.checks:
            store_check(path, Path(tmp))


if __name__ == "__main__":
    main()
