"""Online event-level story clustering.

Each new article is compared only with articles published within a few days of
it that share one of its most distinctive terms (an inverted index over the
top TF-IDF stems, i.e. sparse candidate retrieval): cost per article depends on
how much news falls in the window, not on the size of the archive, so the whole
run is sub-quadratic. A story is one event: the pair score is a topical score
(lexical TF-IDF cosine, dense sentence-embedding cosine, shared entities) minus
event penalties from each article's main event (rasid.stories.mainevent): a
different act in the headline (a resignation vs a designation), a different
interaction mode (a phone call vs a visit), distant event days (the day the lead
names, else the publication day; not between reports of one continuing disaster)
and different explicit dates. An article joins the story of its best-scoring
neighbour above a threshold, otherwise it founds a new story ``"s-" + its id``
and that story joins the storyline (affair) of its best related article within a
longer window, by the topical score alone, or founds ``"l-" + the story id``.
Assigned articles and founded stories never move, so story and storyline ids are
stable across runs.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import NamedTuple

import numpy as np

from rasid.config import ClusterConfig, StoriesConfig
from rasid.models import Document, Event, Mention, TimeExpression
from rasid.stories.embed import Embedder, lead_text
from rasid.stories.features import IdfTable, cosine, event_modes
from rasid.stories.mainevent import MainEvent, main_event
from rasid.text.normalize import normalize

_STATE_VERSION = 2  # 2: main-event fields per row and the story -> storyline map
_EPOCH = datetime(1970, 1, 1)


__all__ = ["ClusterConfig", "StoryClusterer", "cluster_all", "config_mismatch", "group", "storyline_map"]


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
    act: str | None = None
    eday: float | None = None  # event day: the day the lead names, else the publication day
    continuing: bool = False
    places: frozenset[str] = frozenset()

    def fields(self) -> list:
        """JSON form for the clusterer state (the order :meth:`from_fields` reads)."""
        return [self.doc_id, self.day, self.story, [[t, round(w, 4)] for t, w in self.lex.items()],
                [[t, round(w, 4)] for t, w in self.title.items()], sorted(self.ents), sorted(self.modes),
                sorted(self.dates), self.act, self.eday, self.continuing, sorted(self.places)]

    @classmethod
    def from_fields(cls, r: list) -> _Row:
        """Inverse of :meth:`fields`; rows of state version 1 lack the main-event fields."""
        extra = r[8:11] if len(r) >= 11 else [None, r[1], False]
        return cls(r[0], r[1], r[2], dict(r[3]), dict(r[4]), frozenset(r[5]), frozenset(r[6]), frozenset(r[7]),
                   *extra, frozenset(r[11] if len(r) >= 12 else ()))


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


def _event_day(named: str | None, published: float | None, span: float) -> float | None:
    """The day of the article's event: a day its lead names when that lies within ``span`` days before
    publication (a later day is a scheduled event, a much earlier one background), else the publication day."""
    day = _iso_day(named)
    if published is None or day is None:
        return day if day is not None else published
    return day if -1.0 <= published - day <= span + 1.0 else published


def _iso_day(value: str | None) -> float | None:
    """Midday of an ISO date as days since the epoch (comparable with :func:`_day`)."""
    if not value:
        return None
    try:
        return (datetime.fromisoformat(value[:10]) - _EPOCH).total_seconds() / 86400.0 + 0.5
    except ValueError:
        return None


def _same_continuing(row: _Row, other: _Row) -> bool:
    """Whether two articles may report one continuing disaster (no date decay between them): both name the
    same continuing act, or one does and the other names no act at all (a follow-up headline such as «a new
    wave of evacuations» or «scenes from hell» names the disaster's consequences, not a new act)."""
    if row.continuing and other.continuing:
        return row.act == other.act
    return (row.continuing and other.act is None) or (other.continuing and row.act is None)


def _sort_key(doc: Document) -> tuple[float, str]:
    d = _day(doc)
    return (d if d is not None else float("inf"), doc.id)


class Prepared(NamedTuple):
    """:meth:`StoryClusterer.prepare` of a group of documents: their lead vectors (None without an
    embedder) and their feature rows, in the order the clusterer places them."""

    vectors: np.ndarray | None
    rows: list[_Row]


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
        self.stored_digest: str | None = None  # digest of the stored state this one continues (see Store)
        self.config = settings.cluster
        self.embedder = embedder if embedder is not None else Embedder.load(self.settings.embed.backend)
        self.idf = idf if idf is not None else IdfTable.load()
        self.assignments: dict[str, str] = {}
        self.stories: dict[str, StoryStats] = {}
        self.lines: dict[str, str] = {}  # story id -> storyline id ("l-" + its first story's id)
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
        if meta["version"] not in (1, _STATE_VERSION):
            raise ValueError(f"unsupported cluster state version {meta['version']}")
        if meta["backend"] != self.embedder.backend or dense.shape != (len(meta["rows"]), self.embedder.dim):
            dense = np.zeros((len(meta["rows"]), self.embedder.dim), dtype=np.float32)
        self.assignments = meta["assignments"]
        self.stories = {k: StoryStats(**v) for k, v in meta["stories"].items()}
        self.lines = meta.get("lines") or {sid: "l-" + sid for sid in self.stories}
        for r in meta["rows"]:
            self._append(_Row.from_fields(r))
        self._dense = dense
        self._n_dense = len(dense) if self.embedder.dim else 0
        return self

    def warm(self) -> None:
        """Load the embedder's weights now (``rasid.run.executors.warm_up``: a worker preparing documents
        loads them before its first group arrives instead of inside it)."""
        self.embedder.warm()

    def restore(self, state: bytes | None) -> None:
        """Replace this clusterer's state in place with ``state`` (same config and embedder), e.g. after a
        concurrent run stored a newer one; code holding this object sees the new state."""
        fresh = type(self).load(state, config=self.config, embedder=self.embedder, settings=self.settings)
        self.__dict__.update(fresh.__dict__)

    def dump(self) -> bytes:
        """Opaque state: assignments, story stats, and the recent rows of the candidate index."""
        keep = self._retained()
        rows = [self._rows[i].fields() for i in keep]
        meta = {
            "version": _STATE_VERSION, "backend": self.embedder.backend, "assignments": self.assignments,
            "stories": {k: asdict(v) for k, v in self.stories.items()}, "lines": self.lines, "rows": rows,
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
            events: dict[str, list[Event]] | None = None,
            prepared: Iterable[Prepared] | None = None) -> dict[str, str]:
        """Assign every doc to a story (existing or new); returns doc id -> story id.

        A doc that founds a story also places that story in a storyline (:attr:`lines`).
        ``events``: the coded events per doc (their lead events give the main event's actors and type).
        ``prepared``: :meth:`prepare` of ``self.pending(docs)`` in consecutive groups, computed elsewhere
        (a process pool, Dask workers) and consumed as they arrive, so placing the first documents overlaps
        preparing the next; ``None`` = prepare here. The assignments are the same either way.
        """
        new = self.pending(docs)
        if prepared is None:
            prepared = [self.prepare(new, mentions, timexes, events)]
        i = 0
        for group in prepared:
            if group.vectors is not None and group.vectors.shape != (len(group.rows), self.embedder.dim):
                raise ValueError(f"vectors shape {group.vectors.shape} != {(len(group.rows), self.embedder.dim)}")
            for k, row in enumerate(group.rows):
                doc = new[i]
                i += 1
                if row.doc_id != doc.id:
                    raise ValueError(f"prepared row {row.doc_id!r} where {doc.id!r} was expected")
                emb = group.vectors[k] if group.vectors is not None else None
                story, line = self.place(row, emb)
                row.story = story or "s-" + doc.id
                if story is None:
                    self.lines[row.story] = line or "l-" + row.story
                self._insert(row, emb, doc.outlet)
        if i != len(new):
            raise ValueError(f"{len(new) - i} of {len(new)} documents were not prepared")
        return {d.id: self.assignments[d.id] for d in docs}

    def prepare(self, docs: list[Document], mentions: dict[str, list[Mention]] | None = None,
                timexes: dict[str, list[TimeExpression]] | None = None,
                events: dict[str, list[Event]] | None = None) -> Prepared:
        """The per-document half of :meth:`add` for ``docs`` (in the order ``pending`` gives them): lead
        vectors and feature rows. It reads only the configuration, the IDF table and the embedder, never the
        stories, so it may run on any worker; groups cut at multiples of ``ENCODE_BATCH`` give the same
        backend calls, hence bit-identical vectors, as preparing all of them at once."""
        mentions, timexes, events = mentions or {}, timexes or {}, events or {}
        embed = self.settings.embed
        vecs = (self.embedder.encode_docs(docs, embed.lead_chars, embed.embed_sentences) if self.embedder.available
                else None)
        return Prepared(vecs, [self.featurize(d, mentions.get(d.id, []), timexes.get(d.id, []), events.get(d.id, []))
                               for d in docs])

    def featurize(self, doc: Document, mentions: list[Mention], timexes: list[TimeExpression],
                  events: list[Event]) -> _Row:
        """One document's feature row: its terms, names, lead dates, modes and main event."""
        return self._featurize(doc, mentions, timexes,
                               main_event(doc, events, timexes, self.settings.embed.lead_chars, mentions,
                                          headline_model=self.config.headline_model))

    def storyline_of(self, story_id: str) -> str:
        """The storyline a story belongs to (a story assigned before storylines existed is its own)."""
        return self.lines.get(story_id) or "l-" + story_id

    def _featurize(self, doc: Document, mentions: list[Mention], timexes: list[TimeExpression],
                   main: MainEvent | None = None) -> _Row:
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
        main = main or MainEvent()
        day = _day(doc)
        eday = _event_day(main.date, day, cfg.event_day_span)
        return _Row(doc.id, day, "", self.idf.vector(text, cfg.vector_terms), title, ents, modes, dates,
                    main.act, eday, main.continuing, main.places)

    def _candidates(self, row: _Row, window: float | None = None) -> list[int]:
        """Indexed rows sharing a top term with ``row`` within ``window`` days (default: the story window)."""
        cfg = self.config
        window = cfg.window_days if window is None else window
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
                    if gap > window + 30:  # postings are (mostly) in date order: stop early
                        break
                    if abs(gap) > window:
                        continue
                found.add(idx)
                seen += 1
                if seen >= cfg.max_scan:
                    break
        return sorted(found)

    def base_scores(self, row: _Row, emb: np.ndarray | None, cand: list[int]) -> np.ndarray:
        """Topical similarity of ``row`` with each candidate (words, meaning, names): same affair or not."""
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
        return score

    def event_penalty(self, row: _Row, other: _Row) -> float:
        """How much two articles' main events disagree (act, interaction mode, event day, named dates)."""
        cfg = self.config
        pen = 0.0
        a, b = row.eday if row.eday is not None else row.day, other.eday if other.eday is not None else other.day
        if a is not None and b is not None and not _same_continuing(row, other):
            pen += cfg.date_decay * max(0.0, abs(a - b) - cfg.day_grace)
        if row.act and other.act and row.act != other.act:
            same_type = row.act.partition("-")[0] == other.act.partition("-")[0]
            pen += cfg.act_penalty * (cfg.type_share if same_type else 1.0)
        elif (row.continuing and other.continuing and row.act == other.act
              and not (row.places and other.places and not (row.places & other.places))):
            pen -= cfg.continuing_bonus  # one disaster's reports: never two quakes in two named places
        if row.modes and other.modes and not (row.modes & other.modes):
            pen += cfg.mode_penalty
        if row.places and other.places and not (row.places & other.places):
            pen += cfg.place_penalty
        if row.dates and other.dates and not (row.dates & other.dates):
            pen += cfg.event_date_penalty
        return pen

    def pair_scores(self, row: _Row, emb: np.ndarray | None, cand: list[int]) -> np.ndarray:
        """Combined similarity of ``row`` with each candidate row (higher = same event)."""
        score = self.base_scores(row, emb, cand)
        for k, i in enumerate(cand):
            score[k] -= self.event_penalty(row, self._rows[i])
        return score

    def place(self, row: _Row, emb: np.ndarray | None) -> tuple[str | None, str | None]:
        """(story, storyline) for ``row``: an existing story above the threshold, else ``None`` and the
        storyline the new story joins (``None`` = a new storyline)."""
        cfg = self.config
        cand = self._candidates(row, max(cfg.window_days, cfg.line_window_days))
        if not cand:
            return None, None
        base = self.base_scores(row, emb, cand)
        self.candidates_scored += len(cand)
        near = [k for k, i in enumerate(cand) if self._within(row, self._rows[i], cfg.window_days)]
        story_scores = [float(base[k]) - self.event_penalty(row, self._rows[cand[k]]) for k in near]
        story, _ = self._best_group([self._rows[cand[k]].story for k in near], story_scores)
        if story is not None:
            return story, self.storyline_of(story)
        line_scores = []
        for k, i in enumerate(cand):
            other = self._rows[i]
            gap = abs(row.day - other.day) if row.day is not None and other.day is not None else 0.0
            apart = bool(row.places and other.places and not (row.places & other.places))
            unnamed = bool(row.ents and other.ents and not (row.ents & other.ents))
            line_scores.append(float(base[k]) - cfg.line_date_decay * gap - cfg.line_place_penalty * apart
                               - cfg.line_entity_penalty * unnamed)
        line, _ = self._best_group([self.storyline_of(self._rows[i].story) for i in cand], line_scores,
                                   cfg.line_threshold, sizes=False)
        return None, line

    @staticmethod
    def _within(row: _Row, other: _Row, window: float) -> bool:
        return row.day is None or other.day is None or abs(row.day - other.day) <= window

    def best_story(self, row: _Row, emb: np.ndarray | None) -> tuple[str | None, float]:
        """Best existing story for ``row`` if its score reaches the threshold."""
        cand = self._candidates(row, self.config.window_days)
        if not cand:
            return None, 0.0
        scores = self.pair_scores(row, emb, cand)
        self.candidates_scored += len(cand)
        return self._best_group([self._rows[i].story for i in cand], [float(x) for x in scores])

    def _best_group(self, groups: list[str], scores: list[float], threshold: float | None = None,
                    sizes: bool = True) -> tuple[str | None, float]:
        """The group (story or storyline) whose members score best: ``link_mix`` blends the best member
        with the mean of the top 3 (a story's size pads missing members with 0: one stray neighbour of a
        big story is weak evidence). ``(None, best)`` below ``threshold`` (default: the story threshold)."""
        if not groups:
            return None, 0.0
        per: dict[str, list[float]] = {}
        for g, sc in zip(groups, scores, strict=True):
            per.setdefault(g, []).append(sc)
        mix = self.config.link_mix
        best: dict[str, float] = {}
        for gid, vals in per.items():
            vals.sort(reverse=True)
            pad = max(0, min(3, self.stories[gid].size) - len(vals)) if sizes else 0
            top = vals[:3] + [0.0] * pad
            best[gid] = (1 - mix) * vals[0] + mix * sum(top) / len(top)
        gid, score = max(best.items(), key=lambda kv: (kv[1], kv[0]))
        limit = self.config.threshold if threshold is None else threshold
        return (gid, score) if score >= limit else (None, score)

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


def storyline_map(state: bytes | None) -> dict[str, str]:
    """story id → storyline id from saved clusterer state, without loading the clusterer (no embedder)."""
    if not state:
        return {}
    meta = _read_state(state)[0]
    return dict(meta.get("lines") or {})


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
