"""Each pipeline stage, written once: learn line stats → ingest → extract → cluster → compare.

A stage takes an ``Executor`` (``rasid.run.executors``) for its pure per-item work and keeps,
in the driver and in exactly this order, every order-dependent decision (id resolution, dedup,
entity resolution, story assignment) and every store write. So the stored result does not
depend on where the work ran, and a killed run resumes the same way under every executor.

Adding a stage: write ``def my_stage(ctx: RunContext) -> None`` and list it once in ``STAGES``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rasid.clean.boilerplate import LineStats, document_line_keys
from rasid.clean.lines import clean_page
from rasid.config import CleanConfig, DedupConfig, ExtractionConfig, RunConfig, StoriesConfig
from rasid.dedup.detector import Deduplicator, content_hash, minhash_values
from rasid.extract.base import AnalyzedDoc, annotate_many
from rasid.extract.components import build_components
from rasid.ingest.common import WARNING
from rasid.ingest.page import stamp_correction
from rasid.ingest.readers import JsonlPart, iter_paths, jsonl_parts, read_inputs
from rasid.models import Document, Entity, RawArticle, Skip
from rasid.run.executors import Executor, resource, warm_up
from rasid.run.faults import checkpoint
from rasid.text.langid import detect_language
from rasid.text.normalize import words

# The store (SQLAlchemy) and datasketch are imported where the driver uses them, not here: every worker
# process imports this module, and those two imports were most of the time a process pool took to start.
if TYPE_CHECKING:
    import numpy as np
    from datasketch import MinHash

    from rasid.extract.entities import EntityResolver
    from rasid.store import Store
    from rasid.stories.cluster import StoryClusterer

log = logging.getLogger("rasid")

CHUNK_BYTES = 4 * 1024 * 1024  # small input files are grouped into tasks of about this many bytes
CHUNK_DOCS = 64  # documents per cleaning or extraction task
# Inputs up to this many characters of text are kept from the first pass (learning line statistics) for the
# second (cleaning), instead of being read and decoded again; larger inputs are read twice.
KEEP_READ_CHARS = 200_000_000
STORIES_PER_TASK = 16
# Analysed stories the driver saves per transaction: a few tasks' worth, so a run commits a quarter as often
# (each transaction writes the change counter and the claims' pages again). Same rows whatever the number:
# each story takes the next change number in turn.
STORIES_PER_SAVE = 64
STORY_READ_IDS = 500  # documents read per group of stories in the compare stage (one IN list)
# Extraction components in order; entity resolution runs in the driver between the two rounds.
EXTRACT_ROUNDS: tuple[tuple[str, ...], tuple[str, ...]] = (("ner", "dates"), ("events", "claims"))


@dataclass
class RunReport:
    """What a run did, for the CLI and for callers that accumulate several runs."""

    read: int = 0
    added: int = 0
    already_present: int = 0
    duplicates: int = 0
    skipped: list[Skip] = field(default_factory=list)
    extracted: int = 0
    clustered: int = 0
    stories_updated: int = 0
    storylines_updated: int = 0
    notes: list[str] = field(default_factory=list)
    run_id: int | None = None  # the row this run wrote in the store's ``runs`` table (None: read-only store)
    changes: tuple[int, int] | None = None  # the store's change counter before and after the run

    def counts(self) -> dict[str, int]:
        """The numbers of this report, as the ``runs`` table records them."""
        return {"read": self.read, "added": self.added, "already_present": self.already_present,
                "duplicates": self.duplicates, "skipped": len(self.skipped), "extracted": self.extracted,
                "clustered": self.clustered, "stories_updated": self.stories_updated,
                "storylines_updated": self.storylines_updated}


class ProgressLike:
    """Minimal progress interface (the CLI supplies a rich-based one)."""

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more items done."""

    def __enter__(self) -> ProgressLike:
        """Start showing progress."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop showing progress."""


ProgressFactory = Callable[[str, int | None], ProgressLike]


def no_progress(_label: str, _total: int | None) -> ProgressLike:
    """A progress factory that shows nothing."""
    return ProgressLike()


@dataclass
class RunContext:
    """Everything a stage reads, and what one stage hands to the next (line stats; stories to analyse are
    pending marks in the store, so they survive a killed run)."""

    paths: list[str | Path]
    store: Store
    cfg: RunConfig
    executor: Executor
    report: RunReport = field(default_factory=RunReport)
    progress: ProgressFactory = no_progress
    analyzers: Analyzers | None = None
    stats: LineStats | None = None
    total: int | None = None
    analysed: set[str] = field(default_factory=set)  # stories the compare stage wrote in this run
    read: list[RawArticle | Skip] | None = None  # the inputs as the first pass read them (when they fit)
    cleaning: Iterator[list] | None = None  # the second pass's cleaning, started by the first pass

    @functools.cached_property
    def chunks(self) -> list[list[str | JsonlPart]]:
        """The input files grouped into tasks (computed once, shared by both passes over the inputs)."""
        return file_chunks(self.paths)


def raw_hash(raw: RawArticle) -> str:
    """Identity of an input article (title + text): unchanged input is recognised as already stored."""
    return hashlib.sha1(("\x1f".join([raw.title or "", raw.text])).encode("utf-8")).hexdigest()


# ---- reading the inputs ----------------------------------------------------------------------
def _is_url(p: str | Path) -> bool:
    return str(p).lower().startswith(("http://", "https://"))


def file_chunks(paths: Iterable[str | Path], max_bytes: int = CHUNK_BYTES) -> list[list[str | JsonlPart]]:
    """Consecutive input files grouped into tasks in ``read_inputs`` order (a feed URL is its own task; a
    JSONL file larger than ``max_bytes`` is cut into parts at line boundaries, one task each, so that every
    worker reads a share of one big dump)."""
    chunks: list[list[str | JsonlPart]] = []
    cur: list[str | JsonlPart] = []
    size = 0
    for p in _inputs(paths):
        parts = None if _is_url(p) else jsonl_parts(Path(p), max_bytes)
        if parts:
            if cur:
                chunks.append(cur)
                cur, size = [], 0
            chunks.extend([part] for part in parts)
            continue
        n = max_bytes if _is_url(p) else _size(Path(p))
        if cur and size + n > max_bytes:
            chunks.append(cur)
            cur, size = [], 0
        cur.append(str(p))
        size += n
    if cur:
        chunks.append(cur)
    return chunks


def _inputs(paths: Iterable[str | Path]) -> Iterator[str | Path]:
    for p in paths:
        if _is_url(p):
            yield str(p)
        else:
            yield from iter_paths([p])


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


def _read_files(files: list[str | JsonlPart]) -> list[Skip | tuple[RawArticle, str, tuple[str, set[str]]]]:
    """Task: read and decode; (article, raw hash, (body hash, line-key hashes)) per article, skips as they
    come.

    Hashing the lines runs here, in the worker; counting them stays in the driver
    (``LineStats.observe_keys`` is stateful: it counts a repeated body once).
    """
    return [r if isinstance(r, Skip) else (r, raw_hash(r), document_line_keys(r.text)) for r in read_inputs(files)]


def _read_raw(files: list[str | JsonlPart]) -> list[RawArticle | Skip]:
    """Task: read and decode a few input files (parsing HTML/WARC is the costly part)."""
    return list(read_inputs(files))


def _clean_raws(raws: list[RawArticle | Skip], clean: CleanConfig,
                dedup: DedupConfig) -> list[Skip | tuple[Document, np.ndarray | None]]:
    """Task: cleaned documents with their MinHash values (None when nothing is left to hash).

    Cleaning is mapped over groups of articles, not files, so one large JSONL file still uses every worker.
    """
    stats = resource("line_stats")
    out: list[Skip | tuple[Document, np.ndarray | None]] = []
    for r in raws:
        if isinstance(r, Skip):
            out.append(r)
            continue
        d, toks = _clean_article(r, stats, clean)
        out.append((d, minhash_values(toks, dedup.num_perm, dedup.shingle) if d.text.strip() else None))
    return out


def _with_outlet(items: Iterable[RawArticle | Skip], outlet: str) -> Iterator[RawArticle | Skip]:
    """Every article with ``outlet`` set on purpose (``rasid run --outlet NAME``); unchanged when empty."""
    for x in items:
        yield dataclasses.replace(x, outlet=outlet) if outlet and isinstance(x, RawArticle) else x


def _drain(items: list) -> Iterator:
    """The items in order, each dropped from the list as it is yielded (so a long list is freed as it goes)."""
    items.reverse()
    while items:
        yield items.pop()


def _flatten(chunk_results: Iterable[list]) -> Iterator:
    for res in chunk_results:
        yield from res


# ---- stage: learn boilerplate lines ----------------------------------------------------------
def learn_line_stats(ctx: RunContext) -> None:
    """First pass over the inputs: count lines per outlet (new documents only), merged with stored counts.

    A document is counted once ever (``Store.line_counted``), also when a run was killed after
    counting it but before storing it.
    """
    store, cfg = ctx.store, ctx.cfg
    stats = LineStats.from_config(cfg.clean)
    for outlet, key, count in store.load_line_stats():
        stats.merge(outlet, key, count)
    per_doc: dict[str, tuple[str, str, list[str]]] = {}  # doc id -> (raw hash, outlet, line keys)
    n = 0
    kept: list[RawArticle | Skip] | None = []  # the inputs as read, for the ingest pass while they fit
    kept_chars = 0
    ctx.executor.setup({})
    with ctx.progress("learning boilerplate", None) as bar:
        items = _flatten(ctx.executor.map_ordered(_read_files, ctx.chunks))
        for batch in batched(items, cfg.batch_size):
            raws = [x for x in batch if not isinstance(x, Skip)]
            n += len(batch) - len(raws)  # the ingest bar counts skips too (it showed «6/5»)
            if kept is not None:
                kept.extend(x if isinstance(x, Skip) else x[0] for x in batch)
                kept_chars += sum(len(x[0].text) for x in raws)
                if kept_chars > KEEP_READ_CHARS:
                    kept = None  # too large to hold: the ingest pass reads the inputs again
            known = store.raw_hashes(x[0].doc_id for x in raws)
            before = store.line_counted(x[0].doc_id for x in raws)
            for raw, rhash, line_keys in raws:
                doc_id = raw.doc_id
                outlet = cfg.outlet or raw.outlet  # rasid run --outlet NAME
                n += 1
                if rhash in (known.get(doc_id), before.get(doc_id)) or per_doc.get(doc_id, ("",))[0] == rhash:
                    continue
                per_doc[doc_id] = (rhash, outlet or "", list(stats.observe_keys(outlet, *line_keys)))
            bar.advance(len(batch))
    ctx.stats, ctx.total, ctx.read = stats, n, kept
    # the workers start cleaning with the new counts while the driver stores them (the counts are still
    # committed before any document, so a killed run resumes as before)
    ctx.cleaning = _start_cleaning(ctx)
    store.add_line_stats(per_doc)
    checkpoint("learn.done")


# ---- stage: clean, dedup, store --------------------------------------------------------------
def clean_article(raw: RawArticle, stats: LineStats | None, config: CleanConfig | None = None) -> Document:
    """Raw article → Document with boilerplate removed and language detected (pure: safe to parallelise)."""
    return _clean_article(raw, stats, config)[0]


def _clean_article(raw: RawArticle, stats: LineStats | None,
                   config: CleanConfig | None = None) -> tuple[Document, list[str]]:
    """``clean_article`` and the cleaned text's normalised words (the MinHash shingles them too)."""
    res = clean_page(raw.text, raw.outlet, stats, config or CleanConfig(), title=raw.title, url=raw.url)
    text = res.text
    toks = words(text)
    doc = Document(
        id=raw.doc_id, text=text, raw_text=raw.text, source_path=raw.source_path, fmt=raw.fmt,
        title=plain_title(raw.title), url=raw.url, outlet=raw.outlet, published=raw.published,
        date_source=raw.date_source,
        published_offset_minutes=raw.published_offset_minutes,
        language=detect_language((raw.title or "") + "\n" + text), content_hash=content_hash(text, toks),
        raw_hash=raw_hash(raw), removed_lines=[f"{i}\t{why}\t{line}" for i, why, line in res.removed],
    )
    _check_stamp(doc)
    return doc, toks


_ENTITY_RE = re.compile(r"&(?:#\d{2,7}|#[xX][0-9a-fA-F]{2,6}|[a-zA-Z][a-zA-Z0-9]{1,30});")


def plain_title(title: str | None) -> str | None:
    """The title as a reader sees it: HTML character references left by a scraper or a feed decoded
    («&quot;موجة حر&quot;», «&#8220;») and whitespace runs collapsed. The body stays verbatim (mention offsets
    point into it); a title is metadata."""
    if not title or "&" not in title or not _ENTITY_RE.search(title):
        return title
    return " ".join(html.unescape(title).split()) or title


_STAMPED = ("metadata", "html-meta", "header-line")  # stamps from the outlet's metadata, not the text


def _check_stamp(doc: Document) -> None:
    """A metadata stamp one day ahead of what the article itself says («اليوم الثلاثاء» under a Wednesday
    stamp): move it back a day, saying so in ``date_source``."""
    if doc.published is None or doc.date_source not in _STAMPED:
        return
    fix = stamp_correction(doc.text, doc.published_local.date())
    if fix is None:
        return
    days, quote = fix
    doc.published += timedelta(days=days)
    doc.date_source = f"{doc.date_source}, corrected {days:+d} day: the text says '{quote[:80]}'"


def load_deduplicator(store: Store, cfg: RunConfig) -> Deduplicator:
    """The near-duplicate index seeded with every stored signature; ``dd.seq`` is the last sequence it holds."""
    dd = Deduplicator(cfg.dedup)
    for seq, doc_id, chash, sig in store.iter_signatures():
        dd.add_signature(doc_id, chash, sig)
        dd.seq = max(dd.seq, seq)
    return dd


def _given(value: object) -> object:
    """A resource factory returning a value the driver computed (picklable with ``functools.partial``)."""
    return value


def _start_cleaning(ctx: RunContext) -> Iterator[list]:
    """The second pass's cleaning tasks over the inputs, with the learned ``ctx.stats``, submitted now (an
    executor with workers starts on them at once); their results come back in input order."""
    cfg = ctx.cfg
    ctx.executor.setup({"line_stats": functools.partial(_given, ctx.stats)}, local={"line_stats": ctx.stats})
    read = _drain(ctx.read) if ctx.read is not None else _flatten(ctx.executor.map_ordered(_read_raw, ctx.chunks))
    ctx.read = None  # handed over: freed as the batches go
    raws = batched(_with_outlet(read, cfg.outlet), CHUNK_DOCS)
    return ctx.executor.map_ordered(_clean_raws, raws, cfg.clean, cfg.dedup)


def ingest(ctx: RunContext) -> None:
    """Second pass: clean (on the executor, started by the first pass); resolve ids, link duplicates and
    store (in the driver)."""
    store, cfg, report = ctx.store, ctx.cfg, ctx.report
    cleaned_batches, ctx.cleaning = ctx.cleaning or _start_cleaning(ctx), None
    with ctx.progress("ingesting", ctx.total) as bar:
        dd = load_deduplicator(store, cfg)  # while the workers clean
        for batch in batched(_flatten(cleaned_batches), cfg.batch_size):
            skips = [x for x in batch if isinstance(x, Skip)]
            cleaned = [x for x in batch if not isinstance(x, Skip)]
            # inputs read: articles and inputs skipped whole; a warning is a note on an article already counted
            report.read += len(batch) - sum(s.reason.startswith(WARNING) for s in skips)
            hv = {id(d): h for d, h in cleaned}
            docs = _resolve_ids([d for d, _ in cleaned], store, report, skips)
            dedup_and_store(docs, skips, dd, store, report, lambda d, hv=hv: dd.restore(hv[id(d)]))
            bar.advance(len(batch))
            checkpoint("ingest.batch")
    checkpoint("ingest.done")


def dedup_and_store(docs: list[Document], skips: list[Skip], dd: Deduplicator, store: Store, report: RunReport,
                    make_minhash: Callable[[Document], MinHash] | None = None) -> list[Document]:
    """Link duplicates in a stable order (publication date, then id), then write the batch and its skips
    in one transaction each. Returns the documents stored.

    The linking runs inside the store's write lock, after indexing the originals another process stored
    since ``dd`` last looked: concurrent runs on different inputs link near-duplicates across each other.
    """
    make_minhash = make_minhash or (lambda d: dd.minhash(d.text))
    docs = sorted(docs, key=lambda d: (d.published is None, d.published or 0, d.id))
    for d in docs:
        if not d.text.strip():
            skips.append(Skip(d.source_path, "nothing left after boilerplate removal", d.id))
    docs = [d for d in docs if d.text.strip()]
    mhs = {id(d): make_minhash(d) for d in docs}  # outside the lock
    kept: list[Document] = []

    def link(fresh: list) -> tuple[list[Document], dict]:
        for _seq, doc_id, chash, sig in fresh:
            dd.add_signature(doc_id, chash, sig)
        sigs = {}
        dups = 0
        for d in docs:
            mh = mhs[id(d)]
            match = dd.check(d.id, d.text, d.content_hash, mh)
            if match is not None:
                d.duplicate_of, d.duplicate_score = match.original, round(match.score, 4)
                dups += 1
            else:
                dd.add(d.id, d.text, d.content_hash, mh)
                sigs[d.id] = mh.hashvalues
            kept.append(d)
        report.duplicates += dups
        return kept, sigs

    if docs:
        added, dd.seq = store.add_documents_linked(dd.seq, link)
        report.added += added
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


# ---- stage: extract entities, dates, events, claims -----------------------------------------
@dataclass
class Analyzers:
    """Models loaded once per run (per worker) and passed explicitly (no module-level state)."""

    tagger: object | None = None
    geocoder: object | None = None
    coder: object | None = None
    missing: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, config: ExtractionConfig | None = None, geocoder: bool = True) -> Analyzers:
        """Load every model that is installed; what is missing is listed in ``missing``. ``geocoder=False``:
        not the geocoder, which only entity resolution (in the driver) reads."""
        config = config or ExtractionConfig()
        a = cls()
        try:
            from rasid.extract.ner import load_tagger

            a.tagger = load_tagger(config.ner.tagger, config=config.ner)
        except (ImportError, FileNotFoundError) as exc:
            a.missing.append(f"NER unavailable: {exc}")
        try:
            from rasid.extract.geocode import Geocoder

            a.geocoder = Geocoder.load(config=config.geocode) if geocoder else None
        except (ImportError, FileNotFoundError) as exc:
            a.missing.append(f"geocoder unavailable: {exc}")
        if not config.events.enabled:  # switched off by the run's config, not missing: no note
            return a
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


def extract_rounds(analyzers: Analyzers, notes: list[str] | None = None) -> list[list]:
    """The extraction components per round (before and after entity resolution), built from the models."""
    return [build_components(list(names), analyzers, notes) for names in EXTRACT_ROUNDS]


def load_extract_rounds(config: ExtractionConfig | None = None) -> list[list]:
    """Worker-side resource factory: load the models and build the components once per worker (the
    components read no geocoder: entity resolution, the driver's, does)."""
    return extract_rounds(Analyzers.load(config, geocoder=False))


def _annotate(adocs: list[AnalyzedDoc], round_no: int) -> list[dict[str, list]]:
    """Task: run one round of components over a few documents; returns what each component found per document
    (the driver has the documents and the earlier rounds' results: sending them back doubled what a task
    pickled and piped)."""
    components = resource("extract")[round_no]
    annotate_many(adocs, components)
    return [{c.name: a.results[c.name] for c in components} for a in adocs]


def _light(d: Document) -> Document:
    """What analysis needs of a document, without the raw text (less to ship to workers)."""
    return dataclasses.replace(d, raw_text="", removed_lines=[])


def _annotate_later(executor: Executor, adocs: list[AnalyzedDoc], round_no: int) -> Iterator[AnalyzedDoc]:
    """One round over the documents, in tasks of ``CHUNK_DOCS``, handed to the executor now (a pool
    starts on them at once); the documents, with this round's results added, come back in order as the
    returned iterator is read."""
    groups = [adocs[i:i + CHUNK_DOCS] for i in range(0, len(adocs), CHUNK_DOCS)]
    return _with_results(groups, executor.map_ordered(_annotate, groups, round_no))


def _with_results(groups: list[list[AnalyzedDoc]], found: Iterable[list[dict[str, list]]]) -> Iterator[AnalyzedDoc]:
    for group, results in zip(groups, found, strict=True):
        for adoc, new in zip(group, results, strict=True):
            adoc.results.update(new)
            yield adoc


def _annotate_all(executor: Executor, adocs: list[AnalyzedDoc], round_no: int) -> list[AnalyzedDoc]:
    return list(_annotate_later(executor, adocs, round_no))


def extract(ctx: RunContext) -> None:
    """Entities, dates, events and claims for every stored original not yet extracted.

    Per batch: tag and find dates (executor), resolve entities in document order (driver), code
    events and claims (executor), save the batch in one transaction (driver).
    """
    from rasid.store import STAGE_STORED
    store, cfg, report, executor = ctx.store, ctx.cfg, ctx.report, ctx.executor
    ids = store.ids_at_stage(STAGE_STORED)
    if not ids:
        return
    factories = {"extract": functools.partial(load_extract_rounds, cfg.extraction)}
    if executor.workers > 1:  # the workers load their models while the driver loads its own
        executor.setup(factories)
        warm_up(executor, "extract")
    analyzers = ctx.analyzers or Analyzers.load(cfg.extraction)
    report.notes.extend(analyzers.missing)
    resolver = load_resolver(store, analyzers)
    rounds = extract_rounds(analyzers, report.notes)
    executor.setup(factories, local={"extract": rounds})  # the same factories: a pool's workers keep theirs

    def tagged(chunk_ids: list[str]) -> tuple[list[Document], list[AnalyzedDoc]]:
        docs = store.documents(chunk_ids)
        adocs = [AnalyzedDoc(_light(d)) for d in docs if d.language == "ar"]
        return docs, _annotate_all(executor, adocs, 0)

    def save(docs: list[Document], adocs: Iterable[AnalyzedDoc], entities: list[Entity]) -> None:
        adocs = list(adocs)
        found = {name: [x for a in adocs for x in a.results.get(name, [])]
                 for name in ("ner", "dates", "events", "claims")}
        store.save_extraction([d.id for d in docs], found["ner"], found["dates"], entities,
                              found["events"], found["claims"])
        report.extracted += len(docs)
        bar.advance(len(docs))
        checkpoint("extract.batch")

    with ctx.progress("extracting", len(ids)) as bar:
        behind: tuple | None = None  # the previous batch, saved once this one's second round is under way
        for docs, adocs in prefetch(tagged, batched(iter(ids), cfg.batch_size), executor.workers > 1):
            entities: dict[str, Entity] = {}
            for a in adocs:
                m = a.results.get("ner", [])
                if resolver is not None and m:
                    for e in resolver.resolve(m, texts={a.id: a.text}):
                        entities[e.id] = e
            # as resolved now: a later batch's resolution changes these same objects before they are saved
            snapshot = [dataclasses.replace(e, aliases=list(e.aliases), titles=list(e.titles), mentions=[])
                        for e in entities.values()]
            later = _annotate_later(executor, adocs, 1) if rounds[1] else adocs
            if behind is not None:  # the workers code this batch's events while the driver stores the last one
                save(*behind)
            behind = (docs, later, snapshot)
        if behind is not None:
            save(*behind)
    checkpoint("extract.done")


def optional(module: str, name: str, report: RunReport):  # noqa: ANN201
    """``module.name``, or None with a note in ``report`` when it cannot be imported."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        report.notes.append(f"{module}.{name} unavailable: {exc}")
        return None


# ---- stage: stories --------------------------------------------------------------------------
def _load_preparer(settings: StoriesConfig) -> object:
    """Worker-side resource: a clusterer with no stories, for :meth:`StoryClusterer.prepare` (which reads only
    the configuration, the IDF table and the embedder)."""
    from rasid.stories.cluster import StoryClusterer

    return StoryClusterer(settings=settings)


def _prepare_group(task: tuple[list[Document], dict, dict, dict]) -> object:
    """Task: lead vectors and feature rows of one group of documents (``ENCODE_BATCH`` at most)."""
    docs, mentions, timexes, events = task
    return resource("cluster_prep").prepare(docs, mentions, timexes, events)


def cluster(ctx: RunContext) -> None:
    """Assign extracted originals to stories incrementally (stories that change are marked pending).

    The per-document half (lead vectors, feature rows) runs on the executor in the same groups of
    ``ENCODE_BATCH`` documents as ``Embedder.encode`` uses, so vectors are bit-identical and the stories
    the same everywhere; the driver places each group's documents as soon as the group arrives.
    """
    from rasid.store import STAGE_EXTRACTED
    store, cfg, report, executor = ctx.store, ctx.cfg, ctx.report, ctx.executor
    ids = store.ids_at_stage(STAGE_EXTRACTED)
    clusterer = load_clusterer(store, report, cfg) if ids else None
    if clusterer is None:
        store.adopt_late_duplicates()
        return
    executor.setup({"cluster_prep": functools.partial(_load_preparer, clusterer.settings)},
                   local={"cluster_prep": clusterer})
    warm_up(executor, "cluster_prep")  # the workers load the embedder while the driver reads the first chunk

    def load(chunk_ids: list[str]) -> tuple[list[Document], dict, dict, dict]:
        docs, mentions, timexes = cluster_inputs(store, chunk_ids)
        return docs, mentions, timexes, _by_doc(store.events([d.id for d in docs]))

    chunks = batched(iter(ids), max(cfg.batch_size, 2000))
    for docs, mentions, timexes, events in prefetch(load, chunks, executor.workers > 1):
        assign_chunk(store, clusterer, docs, mentions, timexes, report, events=events, executor=executor)
        checkpoint("stories.chunk")
    store.adopt_late_duplicates()
    checkpoint("stories.done")


def load_clusterer(store: Store, report: RunReport, cfg: RunConfig | None = None) -> StoryClusterer | None:
    """The story clusterer in its stored state under ``cfg.stories``; None (with a note) when its
    dependencies are missing or the stored stories were built with another stories config (mixing two
    configs in one archive is refused: the documents wait, extracted, for a run with ``--reconfigure``)."""
    from rasid.store import state_digest
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
    clusterer = StoryClusterer.load(state, config=settings.cluster, settings=settings)
    clusterer.stored_digest = state_digest(state)
    return clusterer


def cluster_inputs(store: Store, chunk_ids: list[str]) -> tuple[list[Document], dict[str, list], dict[str, list]]:
    """What the clusterer reads for a chunk: documents, and their mentions and dates by doc id."""
    return store.documents(chunk_ids), _by_doc(store.mentions(chunk_ids)), _by_doc(store.timexes(chunk_ids))


def assign_chunk(store: Store, clusterer: StoryClusterer, docs: list[Document], mentions: dict[str, list],
                 timexes: dict[str, list], report: RunReport, events: dict[str, list] | None = None,
                 executor: Executor | None = None) -> set[str]:
    """Assign one chunk and store the assignments with the clusterer state; returns the stories touched.

    The chunk's coded events (read here unless given) give each article's main event. ``executor``
    prepares the documents' vectors and feature rows group by group while the clusterer places them. If
    another process stored a newer clusterer state meanwhile (a concurrent run), the clusterer reloads it
    and the chunk is assigned again, so neither run overwrites the other's stories.
    """
    from rasid.store import StaleStateError, state_digest
    from rasid.stories.embed import ENCODE_BATCH

    events = _by_doc(store.events([d.id for d in docs])) if events is None else events
    for attempt in range(20):
        prepared = None
        if executor is not None and attempt == 0:  # after a reload the pending documents may differ: here
            new = clusterer.pending(docs)
            groups = [[_light(d) for d in new[i:i + ENCODE_BATCH]] for i in range(0, len(new), ENCODE_BATCH)]
            prepared = executor.map_ordered(_prepare_group, [
                (g, *({d.id: part[d.id] for d in g if d.id in part} for part in (mentions, timexes, events)))
                for g in groups])
        assignments = clusterer.add(docs, mentions, timexes, events=events, prepared=prepared)
        state = clusterer.dump()
        try:
            store.assign_stories(assignments, state, based_on=getattr(clusterer, "stored_digest", None))
        except StaleStateError:
            clusterer.restore(store.get_state("clusterer"))
            clusterer.stored_digest = state_digest(store.get_state("clusterer"))
            continue
        clusterer.stored_digest = state_digest(state)
        report.clustered += len(assignments)
        return set(assignments.values())
    raise StaleStateError("the clusterer state kept changing under this run; run again")


def _by_doc(items: Iterable, doc_ids: Iterable[str] = ()) -> dict[str, list]:
    """Group mentions/timexes/... by ``doc_id`` (``doc_ids`` get an entry even when they have none)."""
    out: dict[str, list] = {d: [] for d in doc_ids}
    for x in items:
        out.setdefault(x.doc_id, []).append(x)
    return out


# ---- stage: compare sources, summarise, timeline ---------------------------------------------
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
    def load(cls, report: RunReport | None = None, settings: StoriesConfig | None = None) -> StoryTools:
        """Import the analysers that are installed (notes in ``report`` for the rest) and the IDF table."""
        report = report or RunReport()
        t = cls(optional("rasid.stories.summarize", "summarize_story", report),
                optional("rasid.stories.compare", "compare_story", report),
                optional("rasid.stories.timeline", "build_timeline", report),
                optional("rasid.stories.timeline", "infer_publication_range", report),
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


def story_inputs(store: Store, stories: Iterable[tuple[str, list[str]]], tools: StoryTools,
                 max_ids: int = STORY_READ_IDS) -> Iterator[StoryInput]:
    """Each story's documents, claims, dates and events, for (story id, member ids) in order; a story with no
    original left is skipped.

    Stories are read in groups of at most ``max_ids`` documents (a bigger story alone), four queries per
    group instead of four per story. Each story gets exactly what its own queries would return: the rows
    of its documents are picked out of the group's rows in the database's order.
    """
    group: list[tuple[str, list[str]]] = []
    size = 0
    for sid, ids in stories:
        if group and size + len(ids) > max_ids:
            yield from _read_story_group(store, group, tools)
            group, size = [], 0
        group.append((sid, ids))
        size += len(ids)
    if group:
        yield from _read_story_group(store, group, tools)


def _read_story_group(store: Store, group: list[tuple[str, list[str]]], tools: StoryTools) -> Iterator[StoryInput]:
    """The inputs of a group of stories from one query per table (rows dealt to stories in database order)."""
    owner = {doc_id: k for k, (_sid, ids) in enumerate(group) for doc_id in ids}

    def deal(rows: Iterable, key: str = "doc_id") -> list[list]:
        out: list[list] = [[] for _ in group]
        for r in rows:
            out[owner[getattr(r, key)]].append(r)
        return out

    docs = deal(store.documents(list(owner)), "id")
    originals = [d.id for ds in docs for d in ds if d.duplicate_of is None]
    claims = deal(store.claims(doc_ids=originals) if originals else [])
    timexes = deal(store.timexes(originals) if originals and tools.compare_story else [])
    events = deal(store.events(originals) if originals and tools.build_timeline else [])
    for k, (sid, ids) in enumerate(group):
        own = [d.id for d in docs[k] if d.duplicate_of is None]
        if not own:
            continue
        inp = StoryInput(sid, ids, [_light(d) for d in docs[k]], claims[k])
        if tools.compare_story:
            inp.timexes = _by_doc(timexes[k], own)
        if tools.build_timeline:
            inp.events = events[k]
        yield inp


def analyse_story(inp: StoryInput, tools: StoryTools) -> tuple:
    """Pure part of the compare stage (no store access, so it may run anywhere):
    returns (story, claims, conflicts, inferred date ranges, outlets, size)."""
    from rasid.models import Story

    originals = [d for d in inp.all_docs if d.duplicate_of is None]
    docs = {d.id: d for d in originals}
    # the days readers saw: a page stamped 23:30 in Cairo belongs to that local day, not to UTC's
    dates = [d.published_local for d in inp.all_docs if d.published_local]
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


def _analyse_stories(inputs: list[StoryInput]) -> list[tuple]:
    """Task: ``analyse_story_safely`` for a group of stories."""
    tools = resource("story_tools")
    return [analyse_story_safely(inp, tools) for inp in inputs]


def save_analyses(store: Store, results: list[tuple[tuple, str | None]], report: RunReport) -> None:
    """Write analysed stories (and the publication ranges they inferred) in one transaction, in order."""
    from rasid.store import StoryAnalysis

    report.notes += [note for _, note in results if note]
    store.save_stories([StoryAnalysis(*res) for res, _ in results])
    report.stories_updated += len(results)


def compare(ctx: RunContext) -> None:
    """Summary, claim comparison and timeline for every story whose members changed (the pending marks
    the cluster stage committed with its assignments, so stories of a killed run are analysed too)."""
    store, report = ctx.store, ctx.report
    tools = StoryTools.load(report, ctx.cfg.stories)
    ctx.executor.setup({"story_tools": functools.partial(StoryTools.load, None, ctx.cfg.stories)},
                       local={"story_tools": tools})
    members = store.story_doc_ids()
    pending = store.pending_stories()
    inputs = story_inputs(store, ((sid, members.get(sid, [])) for sid in pending), tools)
    unsaved: list[tuple[tuple, str | None]] = []
    for results in ctx.executor.map_ordered(_analyse_stories, batched(inputs, STORIES_PER_TASK)):
        # a safe point: a kill here loses only the analyses not saved yet, redone on resume (still pending)
        checkpoint("compare.batch")
        unsaved += results
        if len(unsaved) >= STORIES_PER_SAVE:
            _save_analysed(ctx, unsaved)
            unsaved = []
    _save_analysed(ctx, unsaved)
    store.discard_pending(sid for sid in pending if not members.get(sid))
    checkpoint("compare.done")


def _save_analysed(ctx: RunContext, results: list[tuple[tuple, str | None]]) -> None:
    if results:
        save_analyses(ctx.store, results, ctx.report)  # in one transaction
        ctx.analysed.update(res[0].id for res, _note in results)


def storylines(ctx: RunContext) -> None:
    """Rebuild the storylines of the stories analysed in this run and of every stored story that has none
    yet (a run killed after the story stage, or a store from before storylines)."""
    update_storylines(ctx.store, ctx.analysed | set(ctx.store.stories_without_storyline()), ctx.report)
    checkpoint("storylines.done")


def update_storylines(store: Store, story_ids: Iterable[str], report: RunReport) -> None:
    """Rebuild the storylines of these stories from their stored rows (titles, dates, size, outlets).

    Which storyline a story belongs to was decided by the clusterer when the story was founded and is
    read from its saved state; a storyline is rebuilt from all its stored stories.
    """
    from rasid.stories.cluster import storyline_map
    from rasid.stories.storylines import build_storyline, line_of

    changed = set(story_ids)
    if not changed:
        return
    lines = storyline_map(store.get_state("clusterer"))
    mine = {sid: line_of(lines, sid) for sid in changed}
    by_line: dict[str, list] = {}
    for brief in store.story_briefs(line_ids=set(mine.values()), story_ids=changed):
        by_line.setdefault(mine.get(brief.id) or line_of(lines, brief.id), []).append(brief)
    store.save_storylines(mine, [build_storyline(lid, briefs) for lid, briefs in sorted(by_line.items())])
    report.storylines_updated += len(by_line)


# ---- the registry ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Stage:
    """A named stage and when it runs (from the configuration)."""

    name: str
    fn: Callable[[RunContext], None]
    enabled: Callable[[RunConfig], bool] = lambda _cfg: True


STAGES: list[Stage] = [
    Stage("learn_line_stats", learn_line_stats),
    Stage("ingest", ingest),
    Stage("extract", extract, lambda cfg: cfg.extract),
    Stage("cluster", cluster, lambda cfg: cfg.cluster),
    Stage("compare", compare, lambda cfg: cfg.cluster),
    Stage("storylines", storylines, lambda cfg: cfg.cluster),
]


# ---- helpers ---------------------------------------------------------------------------------
def batched(items: Iterator | Iterable, n: int) -> Iterator[list]:
    """Consecutive lists of ``n`` items (the last may be shorter)."""
    batch: list = []
    for x in items:
        batch.append(x)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def prefetch(fn: Callable, items: Iterable, ahead: bool = True) -> Iterator:
    """``fn(item)`` for each item; with ``ahead``, one step ahead in a thread, so workers compute the
    next chunk while the driver writes this one (pointless in process, so inline runs call it in turn)."""
    if not ahead:
        yield from map(fn, items)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as ex:
        it = iter(items)
        first = next(it, None)
        if first is None:
            return
        nxt = ex.submit(fn, first)
        for item in it:
            cur, nxt = nxt, ex.submit(fn, item)
            yield cur.result()
        yield nxt.result()
