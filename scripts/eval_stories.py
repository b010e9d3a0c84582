"""Event stories and storylines on the blind June 2018 ANT set (eval/stories/ant_2018_06_labels.json).

Every ANT article of the labelled fortnight is clustered in one run (the unlabelled ones are
distractors, as in a real feed); scores are computed over the labelled articles only, on the dev and
the test storylines of the frozen split (eval/stories/LABELLING.md says how the labels were made):

* stories    - predicted story clusters against the event-story labels;
* storylines - predicted storylines (``StoryClusterer.storyline_of``) against the storyline (affair)
  labels. The TF-IDF baseline has no storyline layer: its story clusters are scored as storylines.

Systems: ``rasid`` = the current default StoryClusterer (ClusterConfig(), USE embeddings, NER
mentions (resolved to entities), dates and coded events from rasid's extractors, as the pipeline feeds
it); ``tfidf`` = the lexical TF-IDF best-neighbour baseline (dev/cluster_eval.TFIDF_BASELINE). Conditions: ``dated`` (publication
dates from the feed) and ``undated`` (the raw-text condition: no publication date, so no date window,
no date decay and no relative-date resolution). Nothing is tuned on this set.

  python scripts/eval_stories.py [--data ../shared/data] [--systems rasid,tfidf] [--no-extract]
                                 [--cache /tmp/june.pkl]

``--cache`` keeps the fortnight's documents, extractor outputs and lead embeddings in a pickle keyed by a
digest of the extraction code, its data files, the corpus files and the labels: a rerun (or
scripts/sweep_stories.py) then only clusters. A stale cache (any of those changed) is rebuilt, never reused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dev.cluster_corpus import DEFAULT_DATA, iter_ant  # noqa: E402
from dev.cluster_eval import TFIDF_BASELINE, CachedEmbedder, Scores, bcubed, pairwise  # noqa: E402

from rasid.models import Document, Event, Mention, TimeExpression  # noqa: E402
from rasid.stories.cluster import ClusterConfig, StoryClusterer  # noqa: E402
from rasid.stories.embed import Embedder  # noqa: E402

LABELS = Path(__file__).resolve().parents[1] / "eval" / "stories" / "ant_2018_06_labels.json"
SYSTEMS: dict[str, tuple[ClusterConfig, str]] = {"rasid": (ClusterConfig(), "use"), "tfidf": (TFIDF_BASELINE, "none")}
LEVELS = ("story", "storyline")
PARTS = ("dev", "test", "all")


@dataclass(frozen=True)
class LabelSet:
    """The frozen labels: doc id -> story and storyline, the period and the dev/test storylines."""

    start: datetime
    end: datetime  # inclusive day
    story: dict[str, str]
    storyline: dict[str, str]
    dev: frozenset[str]
    test: frozenset[str]

    @classmethod
    def load(cls, path: Path) -> LabelSet:
        raw = json.loads(path.read_text(encoding="utf-8"))
        labels = raw["labels"]
        return cls(datetime.fromisoformat(raw["period"]["start"]), datetime.fromisoformat(raw["period"]["end"]),
                   {k: v["story"] for k, v in labels.items()}, {k: v["storyline"] for k, v in labels.items()},
                   frozenset(raw["split"]["dev"]), frozenset(raw["split"]["test"]))

    def gold(self, level: str, part: str) -> dict[str, str]:
        """Doc id -> label at ``level`` ("story"/"storyline") for the ``part`` ("dev"/"test"/"all")."""
        keep = {"dev": self.dev, "test": self.test}.get(part)
        labels = self.story if level == "story" else self.storyline
        return {k: v for k, v in labels.items() if keep is None or self.storyline[k] in keep}

    def restrict(self, ids: set[str]) -> LabelSet:
        """The labels of the articles present in the corpus (a missing id is reported, not scored)."""
        return replace(self, story={k: v for k, v in self.story.items() if k in ids},
                       storyline={k: v for k, v in self.storyline.items() if k in ids})


def fortnight(data: Path, labels: LabelSet) -> list[Document]:
    """All ANT articles published in the labelled period (labelled ones and distractors)."""
    hi = labels.end + timedelta(days=1)
    return [d for d in iter_ant(data) if d.published and labels.start <= d.published < hi]


def undated(docs: list[Document]) -> list[Document]:
    """The raw-text condition: the same articles without their feed publication date."""
    return [replace(d, published=None) for d in docs]


Inputs = tuple[dict[str, list[Mention]], dict[str, list[TimeExpression]], dict[str, list[Event]]]


def extract_inputs(docs: list[Document]) -> Inputs:
    """NER mentions (resolved to entities), dates and coded events per doc, from rasid's own extractors
    (what the pipeline stores and the cluster stage passes)."""
    from rasid.extract.entities import EntityResolver
    from rasid.extract.events.coder import EventCoder
    from rasid.extract.ner import NerTagger
    from rasid.extract.temporal import find_dates

    tagger, coder, resolver = NerTagger.load(), EventCoder.load(), EntityResolver()
    mentions, timexes, events = {}, {}, {}
    for d in docs:
        m = tagger.tag(d.id, d.text)
        resolver.resolve(m, texts={d.id: d.text})
        t = find_dates(d.id, d.text, d.published)
        mentions[d.id], timexes[d.id], events[d.id] = m, t, coder.code(d, m, t)
    return mentions, timexes, events


_ROOT = Path(__file__).resolve().parents[1]
# What the cached inputs depend on: the extractors, their models and lexicons, text handling, the embedder.
# Config defaults count through the extraction and embedding sections only, so re-tuning [stories.cluster]
# keeps the cache.
_CODE = ("rasid/extract", "rasid/text", "rasid/data", "rasid/models.py", "rasid/stories/embed.py",
         "scripts/dev/cluster_corpus.py")


def inputs_key(data: Path, labels: Path) -> str:
    """Digest of everything the cached documents, extractions and embeddings depend on: the code and data
    files in ``_CODE`` (contents), the extraction and embedding config defaults, the ANT corpus files (name,
    size, mtime) and the label file."""
    from rasid.config import RunConfig

    h = hashlib.sha256()
    run = RunConfig()
    h.update(json.dumps([asdict(run.extraction), asdict(run.stories.embed)], sort_keys=True, default=str).encode())
    for rel in _CODE:
        base = _ROOT / rel
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*")
                                                     if p.is_file() and "__pycache__" not in p.parts)
        for p in files:
            h.update(str(p.relative_to(_ROOT)).encode() + b"\0" + p.read_bytes())
    for p in sorted((data / "ant_multisource" / "jsonl").glob("ant_*.jsonl")):
        st = p.stat()
        h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    h.update(labels.read_bytes())
    return h.hexdigest()[:20]


class InputCache:
    """The fortnight's documents, extractor outputs per condition and lead embeddings, pickled at ``path``
    (``None`` = in memory only). Entries are valid only for the :func:`inputs_key` they were built under."""

    def __init__(self, path: Path | None, key: str) -> None:
        self.path, self.key = path, key
        self.docs: list[Document] | None = None
        self.extracted: dict[str, Inputs] = {}
        self.vectors: dict[str, dict[str, np.ndarray]] = {}  # backend -> doc id -> vector
        if path is not None and path.is_file():
            try:
                with path.open("rb") as fh:
                    raw = pickle.load(fh)  # noqa: S301 - our own file, written below
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
                print(f"cache {path} unreadable ({exc}); rebuilding")
                return
            if raw.get("key") != key:
                print(f"cache {path} is stale (key {raw.get('key')} != {key}); rebuilding")
                return
            self.docs, self.extracted, self.vectors = raw["docs"], raw["extracted"], raw["vectors"]
            print(f"cache {path}: {len(self.docs or [])} docs, conditions {sorted(self.extracted)}")

    def save(self) -> None:
        if self.path is None:
            return
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        with tmp.open("wb") as fh:
            pickle.dump({"key": self.key, "docs": self.docs, "extracted": self.extracted, "vectors": self.vectors},
                        fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.path)

    def documents(self, data: Path, labels: LabelSet) -> list[Document]:
        if self.docs is None:
            self.docs = fortnight(data, labels)
            self.save()
        return self.docs

    def inputs(self, cond: str, docs: list[Document], extract: bool) -> Inputs:
        """Extractor outputs for ``docs`` under condition ``cond`` (extracted once per key)."""
        if not extract:
            return {}, {}, {}
        if cond not in self.extracted:
            self.extracted[cond] = extract_inputs(docs)
            self.save()
        return self.extracted[cond]

    def embedder(self, backend: str) -> Embedder:
        """An embedder that encodes each doc once and keeps its vectors in this cache."""
        emb = CachedEmbedder(Embedder.load(backend))
        emb._cache = self.vectors.setdefault(backend, {})
        return emb


def score(assign: dict[str, str], labels: LabelSet,
          lines: dict[str, str] | None = None) -> dict[tuple[str, str], tuple[Scores, Scores]]:
    """(level, part) -> (B-cubed P/R/F1, pairwise P/R/F1); ``lines`` = doc id -> storyline (default: the
    story clusters themselves)."""
    out = {}
    for level in LEVELS:
        pred = lines if level == "storyline" and lines is not None else assign
        for part in PARTS:
            gold = labels.gold(level, part)
            out[level, part] = (bcubed(pred, gold), pairwise(pred, gold))
    return out


def merges(assign: dict[str, str], gold: dict[str, str], top: int) -> list[str]:
    """The predicted clusters that join most gold stories: one line of story labels each (ids only)."""
    by_pred: dict[str, Counter] = {}
    for doc, label in gold.items():
        by_pred.setdefault(assign[doc], Counter())[label] += 1
    worst = sorted(by_pred.values(), key=lambda c: (-len(c), -sum(c.values())))[:top]
    return [", ".join(f"{lab}×{n}" for lab, n in c.most_common()) for c in worst if len(c) > 1]


def _fmt(s: Scores) -> str:
    return "/".join(f"{x:.3f}" for x in s)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--conditions", default="dated,undated")
    ap.add_argument("--no-extract", action="store_true", help="cluster without NER mentions and dates")
    ap.add_argument("--merges", type=int, default=0, help="list the N worst story merges of each run")
    ap.add_argument("--cache", type=Path, default=None,
                    help="pickle of documents, extractions and embeddings reused while the code and data are unchanged")
    args = ap.parse_args()
    if not (args.data / "ant_multisource").is_dir():
        print(f"no data at {args.data}; skipping")
        return 0
    labels = LabelSet.load(args.labels)
    cache = InputCache(args.cache, inputs_key(args.data, args.labels))
    docs = cache.documents(args.data, labels)
    missing = set(labels.story) - {d.id for d in docs}
    if missing:
        print(f"warning: {len(missing)} labelled ids not in the period: {sorted(missing)[:5]}")
        labels = labels.restrict({d.id for d in docs})
    for part in PARTS:
        g = labels.gold("story", part)
        print(f"{part}: {len(g)} labelled articles, {len(set(g.values()))} stories, "
              f"{len(set(labels.gold('storyline', part).values()))} storylines")
    print(f"clustered among {len(docs)} ANT articles, {labels.start:%Y-%m-%d}..{labels.end:%Y-%m-%d}\n")
    inputs = {"dated": docs, "undated": undated(docs)}
    embedders = {"use": cache.embedder("use"), "none": Embedder.load("none")}
    print("| system | dates | level | dev B3 P/R/F1 | dev pairwise P/R/F1 | test B3 P/R/F1 | "
          "test pairwise P/R/F1 | all B3 F1 | clusters (all docs) | s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    notes: list[str] = []
    for cond in args.conditions.split(","):
        run_docs = inputs[cond]
        mentions, timexes, events = cache.inputs(cond, run_docs, not args.no_extract)
        for name in args.systems.split(","):
            cfg, backend = SYSTEMS[name]
            t = time.perf_counter()
            clusterer = StoryClusterer(config=cfg, embedder=embedders[backend])
            assign = clusterer.add(run_docs, mentions, timexes, events=events)
            secs = time.perf_counter() - t
            res = score(assign, labels, {d: clusterer.storyline_of(s) for d, s in assign.items()})
            for level in LEVELS:
                (db, dp), (tb, tp), (ab, _) = (res[level, p] for p in PARTS)
                print(f"| {name} | {cond} | {level} | {_fmt(db)} | {_fmt(dp)} | {_fmt(tb)} | {_fmt(tp)} | "
                      f"{ab[2]:.3f} | {len(set(assign.values()))} | {secs:.1f} |", flush=True)
            if args.merges:
                notes.append(f"\n{name}, {cond}: worst story merges")
                notes.extend("  " + line for line in merges(assign, labels.gold("story", "all"), args.merges))
    # Reference: a perfect event-story layer with no storyline layer (gold stories scored as storylines).
    ref = score(labels.story, labels)
    print("\nperfect stories, no storyline layer (gold stories against storyline labels): "
          + ", ".join(f"{p} B3 {_fmt(ref['storyline', p][0])}" for p in PARTS))
    print("\n".join(notes))
    cache.save()  # the embeddings computed during the runs
    return 0


if __name__ == "__main__":
    sys.exit(main())
