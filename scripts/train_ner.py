"""Train the CRF NER model shipped as rasid/data/ner.crfsuite (+ ner_lexicon.txt.gz).

Recipe: ANERcorp train (minus its last 10% of sentences, kept as a dev set), AQMAR
(all articles but every 4th, which are held out), Wojood sample train+val; features from
rasid.extract.ner.features; L-BFGS with L1+L2 (c1 prunes features so the model stays small).

Usage: nice python scripts/train_ner.py [--data ../shared/data] [--iterations 150]
Skips cleanly (exit 0) when the data folder is absent.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

try:
    import pycrfsuite  # noqa: E402
except ImportError:  # rasid itself decodes the model with numpy; only training needs crfsuite
    sys.exit("scripts/train_ner.py needs python-crfsuite: pip install -e '.[train-crf]'")
from dev.corpora import (  # noqa: E402
    NEWS_SETS,
    Sentence,
    add_news_gold_args,
    aqmar_split,
    news_first_words,
    news_gold_records,
    news_gold_sentences,
    read_anercorp,
    read_aqmar,
    read_wojood,
    record_docs,
    snn_bodies,
    spans,
)

from rasid.extract.gazetteer import Gazetteer  # noqa: E402
from rasid.extract.ner.clusters import WordClusters  # noqa: E402
from rasid.extract.ner.features import token_features  # noqa: E402
from rasid.extract.ner.morph import clitic_variants  # noqa: E402
from rasid.text.normalize import normalize  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def training_sentences(data: Path, sources: tuple[str, ...] = ("anercorp", "aqmar", "wojood")) -> list[Sentence]:
    sents: list[Sentence] = []
    if "anercorp" in sources:
        aner = read_anercorp(data / "anercorp" / "ANERcorp_train_sequential_CSabty.txt")
        sents.extend(aner[: int(len(aner) * 0.9)])
    if "aqmar" in sources:
        train_files, _ = aqmar_split(data / "aqmar")
        for f in train_files:
            sents.extend(read_aqmar(f))
    if "wojood" in sources:
        sents.extend(read_wojood(data / "wojood_sample" / "train.txt"))
        sents.extend(read_wojood(data / "wojood_sample" / "val.txt"))
    return sents


def entity_lexicon(sents: list[Sentence], first_words: list[str] = ()) -> list[str]:
    """Normalised first words of training entities, minus clitic-prefixed forms of known words.

    The tagger uses it to decide whether a leading و/ب/ل is part of the name (وليد) or not (وموسكو).
    ``first_words``: further first words read from character offsets (the news records, whose tokens keep
    the clitic: «ومجدي» as a first word would stop the tagger from trimming «و» off «مجدي»).
    """
    counts: Counter[str] = Counter(normalize(w) for w in first_words)
    for toks, tags in sents:
        for s, _e, _t in spans(tags):
            counts[normalize(toks[s])] += 1
    keep = []
    for form in counts:
        stripped = [f for f, _cut in clitic_variants(form)[1:] if counts[f] >= counts[form]]
        if not stripped:
            keep.append(form)
    return sorted(keep)


def entity_shares(sents: list[Sentence], counts: tuple[Counter[str], Counter[str]] | None = None,
                  ) -> tuple[Counter[str], Counter[str]]:
    """(occurrences, occurrences inside a name) of each normalised word and its clitic-stripped readings,
    added to ``counts`` when given."""
    seen, in_entity = counts or (Counter(), Counter())
    for toks, tags in sents:
        for tok, tag in zip(toks, tags, strict=True):
            for form, _cut in clitic_variants(normalize(tok)):
                seen[form] += 1
                if tag != "O":
                    in_entity[form] += 1
    return seen, in_entity


def common_words(sents: list[Sentence], min_count: int = 3, max_entity_share: float = 0.2,
                 counts: tuple[Counter[str], Counter[str]] | None = None) -> list[str]:
    """Normalised words (and their clitic-stripped readings) that are usually not part of a name.

    Stops the gazetteer rules from turning أن / بيان / المدينة (also GeoNames place names) into places.
    ``counts``: further (occurrences, inside a name) counts, from ``news_label_counts``.
    """
    seen, in_entity = entity_shares(sents, counts)
    return sorted(w for w, n in seen.items() if n >= min_count and in_entity[w] / n < max_entity_share)


def news_label_counts(model: Path, data: Path, articles: int) -> tuple[Counter[str], Counter[str]]:
    """Word counts over ``articles`` unlabelled SaudiNewsNet articles labelled by the CRF alone.

    Why: 187k gold tokens leave most everyday words unseen, so a plain word that GeoNames also lists as a
    place («هزة», a town in China) was never "common" and the gazetteer rules made it a place after «في»/«ب».
    The CRF's own labels, before those rules, say how often a word is a name in news. Articles of the news
    test and training sets (eval/ner/news_*.jsonl) are left out.
    """
    from itertools import islice

    from rasid.extract.ner.tagger import NerTagger
    from rasid.text.spans import sentences, tokens

    tagger = NerTagger.load(model)
    counts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    done = 0
    bodies = islice(snn_bodies(data, record_docs(*NEWS_SETS)), articles)
    while chunk := list(islice(bodies, 1000)):  # labelled a thousand articles at a time (one CRF batch call)
        batch = [toks for body in chunk for s in sentences(body)
                 if 3 <= len(toks := [t.text for t in tokens(s.text)]) <= 120]
        entity_shares(list(zip(batch, tagger.crf_labels(batch), strict=True)), counts)
        done += len(chunk)
    print(f"common words: {done} news articles labelled by {model.name} (CRF alone), {sum(counts[0].values())} words")
    return counts


def write_lines(path: Path, lines: list[str]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def build_clusters(data: Path, out: Path, max_docs: int = 12000, vocab: int = 60000, n_ctx: int = 3000) -> None:
    """Word classes from SaudiNewsNet article bodies: left/right context counts -> PPMI -> SVD -> k-means.

    Only the word -> class table is written (no text). Takes a few minutes on one core.
    """
    import json
    import re

    import numpy as np
    from scipy import sparse
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize as l2

    word_re = re.compile(r"[\u0621-\u064a]+|[0-9]+|[^\s\w]")
    docs = []
    for f in sorted((data / "saudinewsnet" / "jsonl").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            docs.append(json.loads(line).get("content") or "")
            if len(docs) >= max_docs:
                break
        if len(docs) >= max_docs:
            break
    table: dict[int, str] = {}
    for ch in set("".join(docs)):
        table[ord(ch)] = normalize(ch)  # same mapping as rasid.text.normalize, applied with str.translate
    seqs = [word_re.findall(d.translate(table)) for d in docs]
    counts = Counter(w for s in seqs for w in s)
    words = [w for w, c in counts.most_common(vocab) if c >= 5]
    wid = {w: i for i, w in enumerate(words)}
    flat = [w for s in seqs for w in (*s, "")]  # "" separates documents
    ids = np.array([wid.get(w, -1) for w in flat], dtype=np.int64)
    cids = np.where(ids < n_ctx, ids, -1)
    rows_l, cols_l = [], []
    for block, off in enumerate((-2, -1, 1, 2)):
        a = ids[max(0, -off): len(ids) - max(0, off)]
        c = cids[max(0, off): len(ids) - max(0, -off)]
        ok = (a >= 0) & (c >= 0)
        rows_l.append(a[ok])
        cols_l.append(c[ok] + block * n_ctx)
    rows, cols = np.concatenate(rows_l), np.concatenate(cols_l)
    m = sparse.coo_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)),
                          shape=(len(words), 4 * n_ctx)).tocsr()
    total = m.sum()
    pw = np.asarray(m.sum(axis=1)).ravel()
    pc = np.asarray(m.sum(axis=0)).ravel()
    m = m.tocoo()
    pmi = np.log(m.data * total / (pw[m.row] * pc[m.col] + 1e-9))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)
    vecs = l2(TruncatedSVD(n_components=100, random_state=0).fit_transform(ppmi))
    coarse = MiniBatchKMeans(n_clusters=128, random_state=0, n_init=3, batch_size=4096).fit_predict(vecs)
    fine = MiniBatchKMeans(n_clusters=800, random_state=0, n_init=1, batch_size=4096).fit_predict(vecs)
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        for w, a, b in zip(words, coarse, fine, strict=True):
            fh.write(f"{w}\t{a}\t{b}\n")
    print(f"clusters: {len(words)} words from {len(docs)} documents -> {out}")


def write_lists(args: argparse.Namespace, corpora: list[Sentence], news: list[Sentence], first_words: list[str]) -> None:
    """The word lists stored next to the model ``args.out``: the entity lexicon (first words of gold names:
    the corpora's, and ``first_words``: the news records' read from their offsets) and the common words (gold counts, plus
    news counts with --common-news). Word lists from gold only: silver labels keep clitics on names
    ("وطرطوس"), which would stop the trimming."""
    lex = entity_lexicon(corpora, first_words)
    write_lines(args.out.with_name(args.out.name.replace(".crfsuite", "_lexicon.txt.gz")), lex)
    counts = news_label_counts(args.out, args.data, args.common_news) if args.common_news else None
    words = common_words(corpora + news, counts=counts)
    write_lines(args.out.with_name(args.out.name.replace(".crfsuite", "_common.txt.gz")), words)
    print(f"lexicon {len(lex)} words, common words {len(words)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--c1", type=float, default=0.15)
    ap.add_argument("--c2", type=float, default=0.02)
    ap.add_argument("--out", type=Path, default=ROOT / "rasid" / "data" / "ner.crfsuite")
    ap.add_argument("--sources", default="anercorp,aqmar,wojood", help="comma-separated training corpora")
    ap.add_argument("--build-clusters", action="store_true", help="rebuild rasid/data/ner_clusters.tsv.gz first")
    ap.add_argument("--silver", type=Path, default=None,
                    help="JSONL of teacher-labelled sentences ({tokens, tags}; scripts/label_silver_ner.py) added "
                         "to the gold training data (distillation)")
    ap.add_argument("--common-news", type=int, default=0, metavar="N",
                    help="count words over N unlabelled news articles tagged by the new CRF too (the common-word list)")
    ap.add_argument("--lists-only", action="store_true",
                    help="rebuild only the word lists (entity lexicon, common words) of the existing --out model")
    add_news_gold_args(ap)
    args = ap.parse_args()
    if not (args.data / "anercorp").exists():
        print(f"data folder {args.data} not found; skipping training")
        return 0
    if args.build_clusters:
        build_clusters(args.data, ROOT / "rasid" / "data" / "ner_clusters.tsv.gz")
    t0 = time.time()
    gaz = Gazetteer.load()
    clusters = WordClusters.load(ROOT / "rasid" / "data" / "ner_clusters.tsv.gz")
    corpora = training_sentences(args.data, tuple(args.sources.split(",")))
    gold_news = news_gold_records(args, args.data)
    news = news_gold_sentences(args, args.data, gold_news)
    first_words = news_first_words(*gold_news)
    sents = corpora + news
    if args.lists_only:
        write_lists(args, corpora, news, first_words)
        return 0
    if args.silver:
        import json

        silver = [(r["tokens"], r["tags"]) for r in map(json.loads, args.silver.open(encoding="utf-8"))
                  if len(r["tokens"]) == len(r["tags"])]
        print(f"+ {len(silver)} silver sentences from {args.silver}")
    else:
        silver = []
    gold = sents
    sents = gold + silver
    trainer = pycrfsuite.Trainer(verbose=False)
    n_tok = 0
    for toks, tags in sents:
        trainer.append(token_features(toks, gaz, clusters), tags)
        n_tok += len(toks)
    print(f"{len(sents)} sentences, {n_tok} tokens; features built in {time.time() - t0:.0f}s")
    trainer.set_params({
        "c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
        "feature.possible_transitions": True,
    })
    trainer.train(str(args.out))
    write_lists(args, corpora, news, first_words)
    print(f"model {args.out} ({args.out.stat().st_size / 1e6:.1f} MB); {time.time() - t0:.0f}s total")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
