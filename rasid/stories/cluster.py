"""Online event-level story clustering.

Each new article is compared only with articles published within a few days of
it that share one of its most distinctive terms (an inverted index over the
top TF-IDF stems, i.e. sparse candidate retrieval): cost per article depends on
how much news falls in the window, not on the size of the archive, so the whole
run is sub-quadratic. The pair score mixes lexical TF-IDF cosine, dense
sentence-embedding cosine, shared entities, and event cues: publication-date
distance, the interaction mode of the headline (a phone call vs an in-person
visit between the same leaders are different events) and explicit event dates
in the lead. An article joins the story of its best-scoring neighbour above a
threshold, otherwise it founds a new story ``"s-" + its id``; assigned
articles never move, so story ids are stable across runs.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

import numpy as np

from rasid.config import ClusterConfig, StoriesConfig
from rasid.models import Document, Mention, TimeExpression
from rasid.stories.embed import Embedder, lead_text
from rasid.stories.features import IdfTable, cosine, event_modes
from rasid.text.normalize import normalize

_STATE_VERSION = 1
_EPOCH = datetime(1970, 1, 1)

__all__ = ["ClusterConfig", "StoryClusterer", "cluster_all", "config_mismatch", "group"]


@dataclass
class _Row:
    doc_id: str
    day: float | None
    story: str
    lex: dict[str, float]
    title: dict[str, float]
    ents: frozenset[str]
    modes: frozenset[str]
    dates: frozenset[str]


@dataclass
class StoryStats:
    """What the clusterer remembers about a story (all sizes, including pruned rows)."""

    size: int = 0
    first_day: float | None = None
    last_day: float | None = None
    outlets: list[str] = field(default_factory=list)


def _day(doc: Document) -> float | None:
    if doc.published is None:
        return None
    return (doc.published.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400.0


def _sort_key(doc: Document) -> tuple[float, str]:
    d = _day(doc)
    return (d if d is not None else float("inf"), doc.id)


class StoryClusterer:
    """Incremental clusterer; persist with :meth:`dump`, restore with :meth:`load`."""

    def __init__(self, config: ClusterConfig | None = None, embedder: Embedder | None = None,
                 idf: IdfTable | None = None, settings: StoriesConfig | None = None) -> None:
        """``settings``: the whole stories section the stored stories are built with, recorded by :meth:`dump`;
        ``config``, when given, replaces its ``cluster`` part (so what is recorded is what clusters)."""
        settings = settings or StoriesConfig()
        if config is not None and config != settings.cluster:
            settings = replace(settings, cluster=config)
        self.settings = settings
        self.config = settings.cluster
        self.embedder = embedder if embedder is not None else Embedder.load(self.settings.embed.backend)
        self.idf = idf if idf is not None else IdfTable.load()
        self.assignments: dict[str, str] = {}
        self.stories: dict[str, StoryStats] = {}
        self._rows: list[_Row] = []
        self._dense = np.zeros((0, self.embedder.dim), dtype=np.float32)
        self._n_dense = 0
        self._postings: dict[str, list[int]] = {}
        self.candidates_scored = 0  # for benchmarks: pair scores computed so far

    # ---- persistence -------------------------------------------------------------------------

    @classmethod
    def load(cls, state: bytes | None = None, config: ClusterConfig | None = None,
             embedder: Embedder | None = None, settings: StoriesConfig | None = None) -> StoryClusterer:
        """Restore from :meth:`dump` bytes (``None`` = empty). The embedder must match the one dumped.

        The config the state was built with is not checked here: see :func:`config_mismatch`.
        """
        self = cls(config=config, embedder=embedder, settings=settings)
        if not state:
            return self
        meta, dense = _read_state(state)
        if meta["version"] != _STATE_VERSION:
            raise ValueError(f"unsupported cluster state version {meta['version']}")
        if meta["backend"] != self.embedder.backend or dense.shape != (len(meta["rows"]), self.embedder.dim):
            dense = np.zeros((len(meta["rows"]), self.embedder.dim), dtype=np.float32)
        self.assignments = meta["assignments"]
        self.stories = {k: StoryStats(**v) for k, v in meta["stories"].items()}
        for r in meta["rows"]:
            self._append(_Row(r[0], r[1], r[2], dict(r[3]), dict(r[4]), frozenset(r[5]), frozenset(r[6]),
                              frozenset(r[7])))
        self._dense = dense
        self._n_dense = len(dense) if self.embedder.dim else 0
        return self

    def dump(self) -> bytes:
        """Opaque state: assignments, story stats, and the recent rows of the candidate index."""
        keep = self._retained()
        rows = [[r.doc_id, r.day, r.story, [[t, round(w, 4)] for t, w in r.lex.items()],
                 [[t, round(w, 4)] for t, w in r.title.items()], sorted(r.ents), sorted(r.modes), sorted(r.dates)]
                for r in (self._rows[i] for i in keep)]
        meta = {
            "version": _STATE_VERSION, "backend": self.embedder.backend, "assignments": self.assignments,
            "stories": {k: asdict(v) for k, v in self.stories.items()}, "rows": rows,
            "config": {"hash": self.settings.digest(), "stories": asdict(self.settings)},
        }
        dense = self._dense[keep].astype(np.float16) if self._n_dense else np.zeros((0, 0), np.float16)
        buf = io.BytesIO()
        np.savez_compressed(buf, meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8),
                            dense=dense)
        return buf.getvalue()

    def _retained(self) -> list[int]:
        days = [r.day for r in self._rows if r.day is not None]
        if not days:
            return list(range(len(self._rows)))
        cutoff = max(days) - self.config.retain_days
        return [i for i, r in enumerate(self._rows) if r.day is None or r.day >= cutoff]

    # ---- clustering --------------------------------------------------------------------------

    def pending(self, docs: list[Document]) -> list[Document]:
        """The docs :meth:`add` would assign, in its order (date, id); embed them in this order."""
        ordered = sorted({d.id: d for d in docs}.values(), key=_sort_key)
        return [d for d in ordered if d.id not in self.assignments]

    def add(self, docs: list[Document], mentions: dict[str, list[Mention]] | None = None,
            timexes: dict[str, list[TimeExpression]] | None = None,
            vectors: np.ndarray | None = None) -> dict[str, str]:
        """Assign every doc to a story (existing or new); returns doc id -> story id.

        ``vectors``: ``embedder.encode_docs(self.pending(docs), lead_chars)`` computed elsewhere (e.g. on Dask
        workers), so the sequential part here does no embedding; ``None`` = embed here.
        """
        mentions = mentions or {}
        timexes = timexes or {}
        new = self.pending(docs)
        if not self.embedder.available:
            vecs = None
        elif vectors is not None:
            if vectors.shape != (len(new), self.embedder.dim):
                raise ValueError(f"vectors shape {vectors.shape} != {(len(new), self.embedder.dim)}")
            vecs = vectors
        else:
            vecs = self.embedder.encode_docs(new, self.settings.embed.lead_chars)
        for i, doc in enumerate(new):
            row = self._featurize(doc, mentions.get(doc.id, []), timexes.get(doc.id, []))
            emb = vecs[i] if vecs is not None else None
            story, _ = self.best_story(row, emb)
            row.story = story or "s-" + doc.id
            self._insert(row, emb, doc.outlet)
        return {d.id: self.assignments[d.id] for d in docs}

    def _featurize(self, doc: Document, mentions: list[Mention], timexes: list[TimeExpression]) -> _Row:
        cfg = self.config
        chars = self.settings.embed.lead_chars
        text = (doc.title or "") + "\n" + doc.text[: cfg.feature_chars]
        head = doc.title or lead_text(doc, n_sentences=1, max_chars=chars)
        modes = event_modes(head) or event_modes(lead_text(doc, max_chars=chars))
        lead_end = len(lead_text(doc, n_sentences=2, max_chars=chars)) + 50
        dates = frozenset(t.value for t in timexes
                          if t.value and t.granularity == "day" and len(t.value) == 10 and t.start < lead_end)
        ents = frozenset(m.entity_id or normalize(m.text) for m in mentions)
        title = self.idf.vector(doc.title or lead_text(doc, n_sentences=1, max_chars=chars), 20)
        return _Row(doc.id, _day(doc), "", self.idf.vector(text, cfg.vector_terms), title, ents, modes, dates)

    def _candidates(self, row: _Row) -> list[int]:
        cfg = self.config
        top = sorted(row.lex.items(), key=lambda kv: (-kv[1], kv[0]))[: cfg.index_terms]
        found: set[int] = set()
        for term, _ in top:
            plist = self._postings.get(term)
            if not plist:
                continue
            seen = 0
            for idx in reversed(plist):
                other = self._rows[idx].day
                if row.day is not None and other is not None:
                    gap = row.day - other
                    if gap > cfg.window_days + 30:  # postings are (mostly) in date order: stop early
                        break
                    if abs(gap) > cfg.window_days:
                        continue
                found.add(idx)
                seen += 1
                if seen >= cfg.max_scan:
                    break
        return sorted(found)

    def pair_scores(self, row: _Row, emb: np.ndarray | None, cand: list[int]) -> np.ndarray:
        """Combined similarity of ``row`` with each candidate row (higher = same event)."""
        cfg = self.config
        lex = np.array([cosine(row.lex, self._rows[i].lex) for i in cand], dtype=np.float32)
        if emb is not None and self._n_dense:
            dense = self._dense[cand] @ emb
            dense = np.clip((dense - cfg.dense_floor) / (1 - cfg.dense_floor), 0, 1)
            score = cfg.w_lex * lex + cfg.w_dense * dense
        else:
            score = lex.copy()
        if cfg.w_title:
            score = (1 - cfg.w_title) * score + cfg.w_title * np.array(
                [cosine(row.title, self._rows[i].title) for i in cand], dtype=np.float32)
        for k, i in enumerate(cand):
            other = self._rows[i]
            if row.ents and other.ents:
                score[k] += cfg.w_ent * len(row.ents & other.ents) / len(row.ents | other.ents)
            if row.day is not None and other.day is not None:
                score[k] -= cfg.date_decay * max(0.0, abs(row.day - other.day) - 1.0)
            if row.modes and other.modes and not (row.modes & other.modes):
                score[k] -= cfg.mode_penalty
            if row.dates and other.dates and not (row.dates & other.dates):
                score[k] -= cfg.event_date_penalty
        return score

    def best_story(self, row: _Row, emb: np.ndarray | None) -> tuple[str | None, float]:
        """Best existing story for ``row`` if its score reaches the threshold."""
        cand = self._candidates(row)
        if not cand:
            return None, 0.0
        scores = self.pair_scores(row, emb, cand)
        self.candidates_scored += len(cand)
        per_story: dict[str, list[float]] = {}
        for i, s in zip(cand, scores, strict=True):
            per_story.setdefault(self._rows[i].story, []).append(float(s))
        mix = self.config.link_mix
        best: dict[str, float] = {}
        for sid, vals in per_story.items():
            vals.sort(reverse=True)
            top = vals[:3] + [0.0] * max(0, min(3, self.stories[sid].size) - len(vals))
            best[sid] = (1 - mix) * vals[0] + mix * sum(top) / len(top)
        sid, score = max(best.items(), key=lambda kv: (kv[1], kv[0]))
        return (sid, score) if score >= self.config.threshold else (None, score)

    def _append(self, row: _Row) -> int:
        idx = len(self._rows)
        self._rows.append(row)
        for term, _ in sorted(row.lex.items(), key=lambda kv: (-kv[1], kv[0]))[: self.config.index_terms]:
            self._postings.setdefault(term, []).append(idx)
        return idx

    def _insert(self, row: _Row, emb: np.ndarray | None, outlet: str | None) -> None:
        idx = self._append(row)
        if emb is not None:
            if self._dense.shape[0] <= idx:
                grown = np.zeros((max(64, 2 * (idx + 1)), emb.shape[0]), dtype=np.float32)
                grown[: self._n_dense] = self._dense[: self._n_dense]
                self._dense = grown
            self._dense[idx] = emb
            self._n_dense = idx + 1
        self.assignments[row.doc_id] = row.story
        st = self.stories.setdefault(row.story, StoryStats())
        st.size += 1
        if row.day is not None:
            st.first_day = row.day if st.first_day is None else min(st.first_day, row.day)
            st.last_day = row.day if st.last_day is None else max(st.last_day, row.day)
        if outlet and outlet not in st.outlets:
            st.outlets.append(outlet)

    def members(self, story_id: str) -> list[str]:
        return sorted(d for d, s in self.assignments.items() if s == story_id)


def _read_state(state: bytes) -> tuple[dict, np.ndarray]:
    with np.load(io.BytesIO(state), allow_pickle=False) as z:
        return json.loads(bytes(z["meta"]).decode("utf-8")), z["dense"].astype(np.float32)


def config_mismatch(state: bytes | None, settings: StoriesConfig) -> str | None:
    """Why stories stored with ``state`` must not be extended under ``settings`` (None: they may).

    Stories built under one config and extended under another would mix two definitions of a story
    in one archive, so the caller refuses (or rebuilds them all). A state from before configs were
    recorded counts as built with the defaults, which were the only possible config then.
    """
    if not state:
        return None
    recorded = _read_state(state)[0].get("config") or {"hash": StoriesConfig().digest(),
                                                        "stories": asdict(StoriesConfig())}
    if recorded["hash"] == settings.digest():
        return None
    changed = _diff(recorded["stories"], asdict(settings), "stories.")
    return (f"the stored stories were built with another stories config (hash {recorded['hash']}, now "
            f"{settings.digest()}; changed: {', '.join(changed) or 'unknown'}). Stories were not updated: "
            "rerun with --reconfigure to rebuild every story with the new config, or run with the old values.")


def _diff(old: dict, new: dict, prefix: str) -> list[str]:
    """``key old -> new`` for each differing leaf of two nested config dicts."""
    out: list[str] = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out.extend(_diff(a, b, f"{prefix}{key}."))
        elif a != b:
            out.append(f"{prefix}{key} {a!r} -> {b!r}")
    return out


def group(assignments: dict[str, str]) -> dict[str, list[str]]:
    """Story id -> sorted doc ids."""
    out: dict[str, list[str]] = {}
    for doc, story in sorted(assignments.items()):
        out.setdefault(story, []).append(doc)
    return out


def cluster_all(docs: Iterable[Document], config: ClusterConfig | None = None,
                embedder: Embedder | None = None) -> dict[str, str]:
    """One-shot convenience: cluster ``docs`` from an empty state."""
    return StoryClusterer(config=config, embedder=embedder).add(list(docs), {}, {})
