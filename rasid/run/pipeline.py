"""The rasid pipeline, top to bottom: ingest → clean → dedup → store → extract → cluster → compare.

Each stage reads what the previous one committed and commits its own results
per batch, so a killed run resumes without losing or duplicating anything.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from datasketch import MinHash

from rasid.clean.boilerplate import LineStats
from rasid.clean.lines import clean_page
from rasid.config import CleanConfig, ExtractionConfig, RunConfig, StoriesConfig
from rasid.dedup.detector import Deduplicator, content_hash
from rasid.ingest.readers import read_inputs
from rasid.models import Document, RawArticle, Skip
from rasid.store import STAGE_EXTRACTED, STAGE_STORED, Store
from rasid.text.langid import detect_language
from rasid.text.normalize import words

if TYPE_CHECKING:
    import numpy as np

    from rasid.extract.entities import EntityResolver
    from rasid.stories.cluster import StoryClusterer

log = logging.getLogger("rasid")


@dataclass
class RunReport:
    read: int = 0
    added: int = 0
    already_present: int = 0
    duplicates: int = 0
    skipped: list[Skip] = field(default_factory=list)
    extracted: int = 0
    clustered: int = 0
    stories_updated: int = 0
    notes: list[str] = field(default_factory=list)


ProgressFactory = Callable[[str, int | None], "ProgressLike"]


class ProgressLike:
    """Minimal progress interface (the CLI supplies a rich-based one)."""

    def advance(self, n: int = 1) -> None: ...

    def __enter__(self) -> ProgressLike:
        return self

    def __exit__(self, *exc: object) -> None: ...


def _no_progress(_label: str, _total: int | None) -> ProgressLike:
    return ProgressLike()


def raw_hash(raw: RawArticle) -> str:
    return hashlib.sha1(("\x1f".join([raw.title or "", raw.text])).encode("utf-8")).hexdigest()


# ---- stage 1: learn boilerplate lines --------------------------------------------------------
def learn_line_stats(paths: list[str | Path], store: Store, cfg: RunConfig,
                     progress: ProgressFactory = _no_progress) -> tuple[LineStats, int]:
    """First pass over the inputs: count lines per outlet (new documents only), merged with stored counts."""
    stats = LineStats.from_config(cfg.clean)
    for outlet, key, count in store.load_line_stats():
        stats.merge(outlet, key, count)
    increments: dict[tuple[str, str], int] = {}
    counted: dict[str, str] = {}  # doc id -> raw hash, recorded with the counts so a killed run never recounts
    n = 0
    with progress("learning boilerplate", None) as bar:
        for batch in _batched(read_inputs(paths, cfg.outlet or None), cfg.batch_size):
            raws = [r for r in batch if isinstance(r, RawArticle)]
            known = store.raw_hashes(r.doc_id for r in raws)
            before = store.line_counted(r.doc_id for r in raws)
            for r in raws:
                n += 1
                h = raw_hash(r)
                if h in (known.get(r.doc_id), before.get(r.doc_id)) or counted.get(r.doc_id) == h:
                    continue
                counted[r.doc_id] = h
                for key in stats.observe(r.outlet, r.text):
                    k = (r.outlet or "", key)
                    increments[k] = increments.get(k, 0) + 1
            bar.advance(len(batch))
    store.add_line_stats(increments, counted)
    return stats, n


# ---- stage 2: clean, dedup, store ------------------------------------------------------------
def clean_article(raw: RawArticle, stats: LineStats | None, config: CleanConfig | None = None) -> Document:
    """Raw article → Document with boilerplate removed and language detected (pure: safe to parallelise)."""
    res = clean_page(raw.text, raw.outlet, stats, config or CleanConfig(), title=raw.title, url=raw.url)
    text = res.text
    toks = words(text)
    return Document(
        id=raw.doc_id, text=text, raw_text=raw.text, source_path=raw.source_path, fmt=raw.fmt,
        title=raw.title, url=raw.url, outlet=raw.outlet, published=raw.published, date_source=raw.date_source,
        language=detect_language((raw.title or "") + "\n" + text), content_hash=content_hash(text, toks),
        raw_hash=raw_hash(raw), removed_lines=[f"{i}\t{why}\t{line}" for i, why, line in res.removed],
    )


def load_deduplicator(store: Store, cfg: RunConfig) -> Deduplicator:
    dd = Deduplicator(cfg.dedup)
    for doc_id, chash, sig in store.iter_signatures():
        dd.add_signature(doc_id, chash, sig)
    return dd


def ingest(paths: list[str | Path], store: Store, cfg: RunConfig, report: RunReport,
           stats: LineStats, total: int | None = None, progress: ProgressFactory = _no_progress) -> list[str]:
    """Second pass: clean, link duplicates to originals, store. Returns ids of newly stored documents."""
    dd = load_deduplicator(store, cfg)
    new_ids: list[str] = []
    with progress("ingesting", total) as bar:
        for batch in _batched(read_inputs(paths, cfg.outlet or None), cfg.batch_size):
            skips = [x for x in batch if isinstance(x, Skip)]
            raws = [x for x in batch if isinstance(x, RawArticle)]
            report.read += len(batch)
            docs = _resolve_ids([clean_article(r, stats, cfg.clean) for r in raws], store, report, skips)
            docs = dedup_and_store(docs, skips, dd, store, report)
            new_ids.extend(d.id for d in docs)
            bar.advance(len(batch))
    return new_ids


def dedup_and_store(docs: list[Document], skips: list[Skip], dd: Deduplicator, store: Store, report: RunReport,
                    make_minhash: Callable[[Document], MinHash] | None = None) -> list[Document]:
    """The sequential part of ingest, shared by every engine: link duplicates in a stable order
    (publication date, then id), then write the batch and its skips in one transaction each."""
    make_minhash = make_minhash or (lambda d: dd.minhash(d.text))
    docs = sorted(docs, key=lambda d: (d.published is None, d.published or 0, d.id))
    sigs = {}
    kept: list[Document] = []
    for d in docs:
        if not d.text.strip():
            skips.append(Skip(d.source_path, "nothing left after boilerplate removal", d.id))
            continue
        mh = make_minhash(d)
        match = dd.check(d.id, d.text, d.content_hash, mh)
        if match is not None:
            d.duplicate_of, d.duplicate_score = match.original, round(match.score, 4)
            report.duplicates += 1
        else:
            dd.add(d.id, d.text, d.content_hash, mh)
            sigs[d.id] = mh.hashvalues
        kept.append(d)
    report.added += store.add_documents(kept, sigs)
    store.add_skips(skips)
    report.skipped.extend(skips)
    return kept


def _resolve_ids(docs: list[Document], store: Store, report: RunReport, skips: list[Skip]) -> list[Document]:
    """Drop documents already stored from the same input; rename true id collisions instead of losing them."""
    known = store.raw_hashes(d.id for d in docs)
    seen: dict[str, str] = {}
    out: list[Document] = []
    for d in docs:
        if known.get(d.id) == d.raw_hash or seen.get(d.id) == d.raw_hash:
            report.already_present += 1
            continue
        if d.id in known or d.id in seen:
            new_id = f"{d.id}~{d.raw_hash[:8]}"
            if known.get(new_id) == d.raw_hash or new_id in seen:
                report.already_present += 1
                continue
            report.notes.append(f"id collision: {d.source_path} stored as {new_id}")
            d.id = new_id
        seen[d.id] = d.raw_hash
        out.append(d)
    return out


# ---- stage 3: extract entities, dates, events, claims ---------------------------------------
@dataclass
class Analyzers:
    """Models loaded once per run and passed explicitly (no module-level state)."""

    tagger: object | None = None
    geocoder: object | None = None
    coder: object | None = None
    missing: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, config: ExtractionConfig | None = None) -> Analyzers:
        config = config or ExtractionConfig()
        a = cls()
        try:
            from rasid.extract.ner import NerTagger

            a.tagger = NerTagger.load(config=config.ner)
        except (ImportError, FileNotFoundError) as exc:
            a.missing.append(f"NER unavailable: {exc}")
        try:
            from rasid.extract.geocode import Geocoder

            a.geocoder = Geocoder.load(config=config.geocode)
        except (ImportError, FileNotFoundError) as exc:
            a.missing.append(f"geocoder unavailable: {exc}")
        try:
            from rasid.extract.events.coder import EventCoder

            a.coder = EventCoder.load(config=config.events)
        except (ImportError, FileNotFoundError) as exc:
            a.missing.append(f"event coder unavailable: {exc}")
        return a


def load_resolver(store: Store, analyzers: Analyzers) -> EntityResolver | None:
    """The entity resolver seeded with every stored entity (so ids stay stable across runs); None without NER."""
    if analyzers.tagger is None:
        return None
    from rasid.extract.entities import EntityResolver

    return EntityResolver(geocoder=analyzers.geocoder, existing=store.entities())


def extract(store: Store, cfg: RunConfig, report: RunReport, analyzers: Analyzers | None = None,
            progress: ProgressFactory = _no_progress) -> None:
    """Entities, dates, events and claims for every stored original not yet extracted."""
    ids = store.ids_at_stage(STAGE_STORED)
    if not ids:
        return
    analyzers = analyzers or Analyzers.load(cfg.extraction)
    report.notes.extend(analyzers.missing)
    resolver = load_resolver(store, analyzers)
    find_dates = _optional("rasid.extract.temporal", "find_dates", report)
    find_claims = _optional("rasid.extract.attribution", "find_claims", report)
    with progress("extracting", len(ids)) as bar:
        for chunk in _batched(iter(ids), cfg.batch_size):
            docs = store.documents(chunk)
            mentions, timexes, events, claims = [], [], [], []
            entities: dict[str, object] = {}
            for d in docs:
                if d.language != "ar":
                    continue
                m = analyzers.tagger.tag(d.id, d.text) if analyzers.tagger is not None else []
                t = find_dates(d.id, d.text, d.published) if find_dates else []
                if resolver is not None and m:
                    for e in resolver.resolve(m, texts={d.id: d.text}):
                        entities[e.id] = e
                if analyzers.coder is not None:
                    events.extend(analyzers.coder.code(d, m, t))
                if find_claims:
                    claims.extend(find_claims(d, m, t if find_dates else None))  # reuse this doc's dates
                mentions.extend(m)
                timexes.extend(t)
            store.save_extraction([d.id for d in docs], mentions, timexes, list(entities.values()), events, claims)
            report.extracted += len(docs)
            bar.advance(len(docs))


def _optional(module: str, name: str, report: RunReport):  # noqa: ANN202
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        report.notes.append(f"{module}.{name} unavailable: {exc}")
        return None


# ---- stage 4: stories ------------------------------------------------------------------------
def cluster(store: Store, cfg: RunConfig, report: RunReport) -> set[str]:
    """Assign extracted originals to stories incrementally; returns the ids of stories that changed."""
    ids = store.ids_at_stage(STAGE_EXTRACTED)
    clusterer = load_clusterer(store, report, cfg) if ids else None
    if clusterer is None:
        return set()
    changed: set[str] = set()
    for chunk in _batched(iter(ids), max(cfg.batch_size, 2000)):
        changed |= assign_chunk(store, clusterer, *cluster_inputs(store, chunk), report)
    return changed


def load_clusterer(store: Store, report: RunReport, cfg: RunConfig | None = None) -> StoryClusterer | None:
    """The story clusterer in its stored state under ``cfg.stories``; None (with a note) when its
    dependencies are missing or the stored stories were built with another stories config (mixing two
    configs in one archive is refused: the documents wait, extracted, for a run with ``--reconfigure``)."""
    try:
        from rasid.stories.cluster import StoryClusterer, config_mismatch
    except ImportError as exc:
        report.notes.append(f"clustering unavailable: {exc}")
        return None
    settings = (cfg or RunConfig()).stories
    state = store.get_state("clusterer")
    if (problem := config_mismatch(state, settings)) is not None:
        report.notes.append(problem)
        return None
    return StoryClusterer.load(state, config=settings.cluster, settings=settings)


def cluster_inputs(store: Store, chunk_ids: list[str]) -> tuple[list[Document], dict[str, list], dict[str, list]]:
    """What the clusterer reads for a chunk: documents, and their mentions and dates by doc id."""
    return store.documents(chunk_ids), _by_doc(store.mentions(chunk_ids)), _by_doc(store.timexes(chunk_ids))


def assign_chunk(store: Store, clusterer: StoryClusterer, docs: list[Document], mentions: dict[str, list],
                 timexes: dict[str, list], report: RunReport, vectors: np.ndarray | None = None) -> set[str]:
    """Assign one chunk and store the assignments with the clusterer state; returns the stories touched."""
    assignments = clusterer.add(docs, mentions, timexes, vectors=vectors)
    store.assign_stories(assignments, clusterer.dump())
    report.clustered += len(assignments)
    return set(assignments.values())


def _by_doc(items: Iterable, doc_ids: Iterable[str] = ()) -> dict[str, list]:
    """Group mentions/timexes/... by ``doc_id`` (``doc_ids`` get an entry even when they have none)."""
    out: dict[str, list] = {d: [] for d in doc_ids}
    for x in items:
        out.setdefault(x.doc_id, []).append(x)
    return out


# ---- stage 5: compare sources, summarise, timeline -------------------------------------------
@dataclass
class StoryTools:
    """The optional per-story analysers, resolved once per run (picklable: module functions + IdF table)."""

    summarize_story: Callable | None = None
    compare_story: Callable | None = None
    build_timeline: Callable | None = None
    infer_range: Callable | None = None
    idf: object | None = None
    settings: StoriesConfig = field(default_factory=StoriesConfig)

    @classmethod
    def load(cls, report: RunReport, settings: StoriesConfig | None = None) -> StoryTools:
        t = cls(_optional("rasid.stories.summarize", "summarize_story", report),
                _optional("rasid.stories.compare", "compare_story", report),
                _optional("rasid.stories.timeline", "build_timeline", report),
                _optional("rasid.stories.timeline", "infer_publication_range", report),
                settings=settings or StoriesConfig())
        if t.summarize_story:
            from rasid.stories.features import IdfTable

            t.idf = IdfTable.load()  # once per run: loading it per story dominated the whole pipeline
        return t


@dataclass
class StoryInput:
    """What the analysis of one story reads from the store."""

    sid: str
    doc_ids: list[str]
    all_docs: list[Document]
    claims: list = field(default_factory=list)
    timexes: dict[str, list] = field(default_factory=dict)
    events: list = field(default_factory=list)


def story_input(store: Store, sid: str, doc_ids: list[str], tools: StoryTools) -> StoryInput | None:
    all_docs = store.documents(doc_ids)
    originals = [d.id for d in all_docs if d.duplicate_of is None]
    if not originals:
        return None
    inp = StoryInput(sid, doc_ids, all_docs, store.claims(doc_ids=originals))
    if tools.compare_story:
        inp.timexes = _by_doc(store.timexes(originals), originals)  # stored at extraction: not found again
    if tools.build_timeline:
        inp.events = store.events(originals)
    return inp


def analyse_story(inp: StoryInput, tools: StoryTools) -> tuple:
    """Pure part of stage 5 (no store access, so an engine may run it anywhere):
    returns (story, claims, conflicts, inferred date ranges, outlets, size)."""
    from rasid.models import Story

    originals = [d for d in inp.all_docs if d.duplicate_of is None]
    docs = {d.id: d for d in originals}
    dates = [d.published for d in inp.all_docs if d.published]
    story = Story(id=inp.sid, doc_ids=inp.doc_ids, first_date=min(dates) if dates else None,
                  last_date=max(dates) if dates else None)
    if tools.summarize_story:
        story.title, story.summary = tools.summarize_story(originals, idf=tools.idf,
                                                           config=tools.settings.summary)
    else:
        story.title = originals[0].title or originals[0].text[:80]
    claims, conflicts = inp.claims, []
    if tools.compare_story:
        claims, conflicts = tools.compare_story(inp.sid, claims, docs, inp.timexes,
                                                config=tools.settings.compare)
    if tools.build_timeline:
        story.timeline = tools.build_timeline(story, inp.events, docs, config=tools.settings.timeline)
    ranges = {}
    if tools.infer_range:
        for d in originals:
            rng = tools.infer_range(d, originals, config=tools.settings.timeline) if d.published is None else None
            if rng:
                ranges[d.id] = rng
    outlets = sorted({d.outlet for d in inp.all_docs if d.outlet})
    return story, claims, conflicts, ranges, outlets, len(inp.all_docs)


def analyse_story_safely(inp: StoryInput, tools: StoryTools) -> tuple[tuple, str | None]:
    """``analyse_story``, falling back to a bare story (title, dates, outlets) if an analyser fails:
    one odd story must not stop a run of thousands. Returns (result, note about the failure or None)."""
    try:
        return analyse_story(inp, tools), None
    except Exception as exc:  # noqa: BLE001 - any analyser bug; reported, never silent
        note = f"story {inp.sid}: analysis failed ({type(exc).__name__}: {exc}); stored without summary/claims"
        log.warning(note)
        return analyse_story(inp, StoryTools(settings=tools.settings)), note


def save_analysis(store: Store, result: tuple, report: RunReport, note: str | None = None) -> None:
    if note:
        report.notes.append(note)
    story, claims, conflicts, ranges, outlets, size = result
    store.set_inferred_dates(ranges)
    store.save_story(story, claims, conflicts, outlets, size)
    report.stories_updated += 1


def compare(store: Store, story_ids: Iterable[str], report: RunReport,
            settings: StoriesConfig | None = None) -> None:
    tools = StoryTools.load(report, settings)
    members = store.story_doc_ids()
    for sid in sorted(story_ids):
        inp = story_input(store, sid, members.get(sid, []), tools)
        if inp is not None:
            result, note = analyse_story_safely(inp, tools)
            save_analysis(store, result, report, note)


# ---- the whole run ---------------------------------------------------------------------------
def run(paths: list[str | Path], store: Store, cfg: RunConfig | None = None,
        progress: ProgressFactory = _no_progress, analyzers: Analyzers | None = None) -> RunReport:
    cfg = cfg or RunConfig()
    report = RunReport()
    stats, total = learn_line_stats(paths, store, cfg, progress)
    ingest(paths, store, cfg, report, stats, total, progress)
    if cfg.extract:
        extract(store, cfg, report, analyzers, progress)
    if cfg.cluster:
        changed = cluster(store, cfg, report)
        compare(store, changed, report, cfg.stories)
    return report


def _batched(items: Iterator | Iterable, n: int) -> Iterator[list]:
    batch: list = []
    for x in items:
        batch.append(x)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


