"""Run the pipeline on a Dask cluster with the same results as the local engine.

Workers do the per-document pure work: reading+decoding, boilerplate-line
observation, cleaning, MinHash signatures, NER tagging, dates, events, claims and
the dense embeddings the clusterer needs, and the per-story pure work (summary,
claim comparison, timeline). The client keeps every order-dependent decision (id
resolution, dedup, entity resolution, story assignment) and every store write, in
exactly the order of ``rasid.run.pipeline``, so the stored result is identical to
``pipeline.run``.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
from distributed.diagnostics.plugin import WorkerPlugin

from rasid.clean.boilerplate import LineStats
from rasid.config import CleanConfig, DedupConfig, ExtractionConfig, StoriesConfig
from rasid.dedup.detector import minhash
from rasid.ingest.readers import iter_paths, read_file
from rasid.models import Document, Event, Mention, RawArticle, Skip, TimeExpression
from rasid.run.pipeline import (
    Analyzers,
    ProgressFactory,
    RunConfig,
    RunReport,
    StoryInput,
    StoryTools,
    _batched,
    _no_progress,
    _optional,
    _resolve_ids,
    analyse_story_safely,
    assign_chunk,
    cluster_inputs,
    dedup_and_store,
    load_clusterer,
    load_deduplicator,
    load_resolver,
    raw_hash,
    save_analysis,
    story_input,
    update_storylines,
)
from rasid.store import STAGE_EXTRACTED, STAGE_STORED, Store

PLUGIN_NAME = "rasid-analyzers"
EMBED_PLUGIN_NAME = "rasid-embedder"
STORY_PLUGIN_NAME = "rasid-story-tools"
STORIES_PER_TASK = 16
CHUNK_BYTES = 4 * 1024 * 1024  # small files are grouped into tasks of about this many input bytes
CHUNK_DOCS = 64  # documents per extraction task


# ---- worker side -----------------------------------------------------------------------------
class AnalyzersPlugin(WorkerPlugin):
    """Worker plugin: each worker loads the models itself (crfsuite taggers cannot be pickled)."""

    name = PLUGIN_NAME

    def __init__(self, config: ExtractionConfig | None = None) -> None:
        self.config = config
        self.analyzers: Analyzers | None = None
        self.find_dates: Callable | None = None
        self.find_claims: Callable | None = None

    def setup(self, worker: object) -> None:
        notes = RunReport()
        self.analyzers = Analyzers.load(self.config)
        self.find_dates = _optional("rasid.extract.temporal", "find_dates", notes)
        self.find_claims = _optional("rasid.extract.attribution", "find_claims", notes)

    def teardown(self, worker: object) -> None:
        self.analyzers = None


class EmbedderPlugin(WorkerPlugin):
    """Worker plugin holding the sentence embedder, so workers embed documents for the clusterer."""

    name = EMBED_PLUGIN_NAME

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.embedder = None

    def setup(self, worker: object) -> None:
        from rasid.stories.embed import Embedder

        self.embedder = Embedder.load(self.backend)

    def teardown(self, worker: object) -> None:
        self.embedder = None


class StoryToolsPlugin(WorkerPlugin):
    """Worker plugin holding the stage-5 analysers (summary, claim comparison, timeline, IDF table)."""

    name = STORY_PLUGIN_NAME

    def __init__(self, settings: StoriesConfig | None = None) -> None:
        self.settings = settings
        self.tools: StoryTools | None = None

    def setup(self, worker: object) -> None:
        self.tools = StoryTools.load(RunReport(), self.settings)

    def teardown(self, worker: object) -> None:
        self.tools = None


def _analyse_stories(inputs: list[StoryInput]) -> list[tuple]:
    """``pipeline.analyse_story`` for a group of stories (pure: reads nothing from the store)."""
    tools = _plugin(STORY_PLUGIN_NAME).tools
    return [analyse_story_safely(inp, tools) for inp in inputs]


def _plugin(name: str = PLUGIN_NAME) -> WorkerPlugin:
    from distributed import get_worker

    return get_worker().plugins[name]


def _embed_texts(texts: list[str]) -> np.ndarray:
    """Dense vectors of at most ``ENCODE_BATCH`` lead texts: one backend call, as on the client."""
    return _plugin(EMBED_PLUGIN_NAME).embedder.encode(texts)


def _is_url(p: str | Path) -> bool:
    return str(p).lower().startswith(("http://", "https://"))


def _read_any(f: str) -> Iterator[RawArticle | Skip]:
    """A file, or a feed URL (the local engine should dispatch URLs the same way)."""
    if _is_url(f):
        from rasid.ingest.feeds import read_feed_url

        return read_feed_url(f)
    return read_file(Path(f))


def _read_files(files: list[str]) -> list[Skip | tuple[str, str, str | None, str]]:
    """Stage 1 on a worker: read and decode; (doc id, raw hash, outlet, text) per article, skips as they come.

    Counting lines stays on the client (``LineStats.observe`` is stateful: it counts a repeated body once).
    """
    out: list[Skip | tuple[str, str, str | None, str]] = []
    for f in files:
        for r in _read_any(f):
            out.append(r if isinstance(r, Skip) else (r.doc_id, raw_hash(r), r.outlet, r.text))
    return out


def _clean_files(files: list[str], stats: LineStats, clean: CleanConfig,
                 dedup: DedupConfig) -> list[Skip | tuple[Document, np.ndarray | None]]:
    """Stage 2 on a worker: cleaned documents with their MinHash values (None when nothing is left)."""
    from rasid.run.pipeline import clean_article

    out: list[Skip | tuple[Document, np.ndarray | None]] = []
    for f in files:
        for r in _read_any(f):
            if isinstance(r, Skip):
                out.append(r)
                continue
            d = clean_article(r, stats, clean)
            sig = minhash(d.text, dedup.num_perm, shingle=dedup.shingle) if d.text.strip() else None
            out.append((d, None if sig is None else sig.hashvalues))
    return out


def _tag_docs(docs: list[Document]) -> list[tuple[list[Mention], list[TimeExpression]]]:
    """Per-document NER and dates (the same calls as ``pipeline.extract``)."""
    p = _plugin()
    a = p.analyzers
    return [(a.tagger.tag(d.id, d.text) if a is not None and a.tagger is not None else [],
             p.find_dates(d.id, d.text, d.published) if p.find_dates else []) for d in docs]


def _code_docs(items: list[tuple[Document, list[Mention], list[TimeExpression]]]) -> list[tuple[list[Event], list]]:
    """Per-document events and claims, after the client resolved entity ids on the mentions."""
    p = _plugin()
    a = p.analyzers
    return [(a.coder.code(d, m, t) if a is not None and a.coder is not None else [],
             p.find_claims(d, m, t if p.find_dates else None) if p.find_claims else []) for d, m, t in items]


# ---- client side -----------------------------------------------------------------------------
def _inputs(paths: Iterable[str | Path]) -> Iterator[str | Path]:
    """Input files in the local engine's order; feed URLs pass through as they are."""
    for p in paths:
        if _is_url(p):
            yield str(p)
        else:
            yield from iter_paths([p])


def file_chunks(paths: Iterable[str | Path], max_bytes: int = CHUNK_BYTES) -> list[list[str]]:
    """Consecutive input files grouped into tasks, keeping the local engine's file order (a URL is its own task)."""
    chunks: list[list[str]] = []
    cur: list[str] = []
    size = 0
    for p in _inputs(paths):
        n = max_bytes if _is_url(p) else _size(Path(p))
        if cur and size + n > max_bytes:
            chunks.append(cur)
            cur, size = [], 0
        cur.append(str(p))
        size += n
    if cur:
        chunks.append(cur)
    return chunks


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


def _ordered(client: object, fn: Callable, items: Iterable, *args: object, window: int = 6) -> Iterator:
    """Map ``fn`` over ``items`` on the cluster, yielding results in input order with bounded memory."""
    pending: deque = deque()
    for item in items:
        pending.append(client.submit(fn, item, *args, pure=False))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _stream(chunk_results: Iterable[list]) -> Iterator:
    for res in chunk_results:
        yield from res


def learn_line_stats_dask(client: object, chunks: list[list[str]], store: Store, cfg: RunConfig,
                          progress: ProgressFactory) -> tuple[LineStats, int]:
    """Same counts as ``pipeline.learn_line_stats``: new documents only, merged with stored counts.

    A document is counted once ever (``Store.line_counted``), also when a run was killed after
    counting it but before storing it.
    """
    stats = LineStats.from_config(cfg.clean)
    for outlet, key, count in store.load_line_stats():
        stats.merge(outlet, key, count)
    increments: dict[tuple[str, str], int] = {}
    counted: dict[str, str] = {}
    n = 0
    with progress("learning boilerplate", None) as bar:
        items = _stream(_ordered(client, _read_files, chunks, window=_window(client)))
        for batch in _batched(items, cfg.batch_size):
            raws = [x for x in batch if not isinstance(x, Skip)]
            known = store.raw_hashes(x[0] for x in raws)
            counted_before = store.line_counted(x[0] for x in raws)
            for doc_id, rhash, outlet, text in raws:
                n += 1
                if rhash in (known.get(doc_id), counted_before.get(doc_id)) or counted.get(doc_id) == rhash:
                    continue
                counted[doc_id] = rhash
                for key in stats.observe(outlet, text):
                    k = (outlet or "", key)
                    increments[k] = increments.get(k, 0) + 1
            bar.advance(len(batch))
    store.add_line_stats(increments, counted)
    return stats, n


def ingest_dask(client: object, chunks: list[list[str]], store: Store, cfg: RunConfig, report: RunReport,
                stats: LineStats, total: int | None, progress: ProgressFactory) -> list[str]:
    """Clean on workers; resolve ids, dedup and store on the client in ``pipeline.ingest`` order."""
    dd = load_deduplicator(store, cfg)
    stats_f = client.scatter(stats, broadcast=True)
    new_ids: list[str] = []
    with progress("ingesting", total) as bar:
        items = _stream(_ordered(client, _clean_files, chunks, stats_f, cfg.clean, cfg.dedup,
                                 window=_window(client)))
        for batch in _batched(items, cfg.batch_size):
            skips = [x for x in batch if isinstance(x, Skip)]
            cleaned = [x for x in batch if not isinstance(x, Skip)]
            report.read += len(batch)
            hv = {id(d): h for d, h in cleaned}
            docs = _resolve_ids([d for d, _ in cleaned], store, report, skips)
            docs = dedup_and_store(docs, skips, dd, store, report, lambda d, hv=hv: dd.restore(hv[id(d)]))
            new_ids.extend(d.id for d in docs)
            bar.advance(len(batch))
    return new_ids


def _light(d: Document) -> Document:
    """What extraction needs of a document, without the raw text (less to ship)."""
    return dataclasses.replace(d, raw_text="", removed_lines=[])


def extract_dask(client: object, store: Store, cfg: RunConfig, report: RunReport,
                 analyzers: Analyzers | None, progress: ProgressFactory) -> None:
    """``pipeline.extract`` with tagging/dates and events/claims mapped over workers."""
    ids = store.ids_at_stage(STAGE_STORED)
    if not ids:
        return
    analyzers = analyzers or Analyzers.load(cfg.extraction)
    report.notes.extend(analyzers.missing)
    resolver = load_resolver(store, analyzers)
    _optional("rasid.extract.temporal", "find_dates", report)
    has_claims = _optional("rasid.extract.attribution", "find_claims", report) is not None
    second_round = analyzers.coder is not None or has_claims
    client.register_plugin(AnalyzersPlugin(cfg.extraction), name=PLUGIN_NAME)

    def tagged(chunk_ids: list[str]) -> tuple[list[Document], list]:
        docs = store.documents(chunk_ids)
        ar = [_light(d) for d in docs if d.language == "ar"]
        futs = [client.submit(_tag_docs, ar[i:i + CHUNK_DOCS], pure=False) for i in range(0, len(ar), CHUNK_DOCS)]
        return docs, list(zip(ar, _stream(f.result() for f in futs), strict=True))

    with progress("extracting", len(ids)) as bar:
        for docs, tags in _prefetch(tagged, _batched(iter(ids), cfg.batch_size)):
            mentions, timexes, events, claims = [], [], [], []
            entities: dict[str, object] = {}
            for d, (m, _t) in tags:
                if resolver is not None and m:
                    for e in resolver.resolve(m, texts={d.id: d.text}):
                        entities[e.id] = e
            if second_round:
                items = [(d, m, t) for d, (m, t) in tags]
                futs = [client.submit(_code_docs, items[i:i + CHUNK_DOCS], pure=False)
                        for i in range(0, len(items), CHUNK_DOCS)]
                coded = list(_stream(f.result() for f in futs))
            else:
                coded = [([], [])] * len(tags)
            for (_d, (m, t)), (ev, cl) in zip(tags, coded, strict=True):
                events.extend(ev)
                claims.extend(cl)
                mentions.extend(m)
                timexes.extend(t)
            store.save_extraction([d.id for d in docs], mentions, timexes, list(entities.values()), events, claims)
            report.extracted += len(docs)
            bar.advance(len(docs))


def cluster_dask(client: object, store: Store, cfg: RunConfig, report: RunReport) -> set[str]:
    """``pipeline.cluster`` with the document embeddings computed on workers, one chunk ahead.

    Vectors are computed in the same groups of ``ENCODE_BATCH`` texts as ``Embedder.encode`` uses
    on the client, so they are bit-identical and the stories are the local engine's.
    """
    ids = store.ids_at_stage(STAGE_EXTRACTED)
    clusterer = load_clusterer(store, report, cfg) if ids else None
    if clusterer is None:
        return set()
    from rasid.stories.embed import ENCODE_BATCH

    embed = clusterer.embedder.available
    if embed:
        client.register_plugin(EmbedderPlugin(clusterer.embedder.backend), name=EMBED_PLUGIN_NAME)

    def load(chunk_ids: list[str]) -> tuple[list[Document], dict, dict, list[str], np.ndarray | None]:
        docs, mentions, timexes = cluster_inputs(store, chunk_ids)
        new = clusterer.pending(docs)
        chars = clusterer.settings.embed.lead_chars
        futs = [client.submit(_embed_texts, clusterer.embedder.leads(new[i:i + ENCODE_BATCH], chars), pure=False)
                for i in range(0, len(new), ENCODE_BATCH)] if embed else []
        vecs = np.vstack([f.result() for f in futs]) if futs else None
        return docs, mentions, timexes, [d.id for d in new], vecs

    changed: set[str] = set()
    for docs, mentions, timexes, new_ids, vecs in _prefetch(load, _batched(iter(ids), max(cfg.batch_size, 2000))):
        if vecs is not None and (vecs.shape[1] != clusterer.embedder.dim
                                 or [d.id for d in clusterer.pending(docs)] != new_ids):
            vecs = None  # a worker without the backend, or prefetched against an older state: embed here
        changed |= assign_chunk(store, clusterer, docs, mentions, timexes, report, vectors=vecs)
    return changed


def compare_dask(client: object, store: Store, story_ids: Iterable[str], report: RunReport,
                 settings: StoriesConfig | None = None) -> None:
    """``pipeline.compare`` with the per-story analysis on workers; the client reads and writes in the same order."""
    tools = StoryTools.load(report, settings)
    client.register_plugin(StoryToolsPlugin(settings), name=STORY_PLUGIN_NAME)
    members = store.story_doc_ids()

    def inputs() -> Iterator[StoryInput]:
        for sid in sorted(story_ids):
            inp = story_input(store, sid, members.get(sid, []), tools)
            if inp is not None:
                inp.all_docs = [_light(d) for d in inp.all_docs]
                yield inp

    groups = _batched(inputs(), STORIES_PER_TASK)
    for results in _ordered(client, _analyse_stories, groups, window=_window(client)):
        for res, note in results:
            save_analysis(store, res, report, note)


def _prefetch(fn: Callable, items: Iterable) -> Iterator:
    """Compute ``fn(item)`` one step ahead in a thread, so workers tag the next chunk while the client writes."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as ex:
        it = iter(items)
        nxt = None
        first = next(it, None)
        if first is None:
            return
        nxt = ex.submit(fn, first)
        for item in it:
            cur, nxt = nxt, ex.submit(fn, item)
            yield cur.result()
        yield nxt.result()


def _window(client: object) -> int:
    try:
        n = len(client.scheduler_info()["workers"])
    except (KeyError, AttributeError):
        n = 2
    return max(2, 2 * n + 1)


def make_client(scheduler: str | None = None, n_workers: int = 2):  # noqa: ANN201
    """A client on ``scheduler``, or on a new LocalCluster of single-threaded worker processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client._rasid_owned_cluster = cluster
    return client


def run_dask(paths: list[str | Path], store: Store, cfg: RunConfig | None = None, scheduler: str | None = None,
             progress: ProgressFactory = _no_progress, analyzers: Analyzers | None = None,
             client: object | None = None) -> RunReport:
    """``pipeline.run`` on Dask: same stages, same store writes, same results."""
    cfg = cfg or RunConfig()
    report = RunReport()
    own = client is None
    client = client or make_client(scheduler)
    try:
        chunks = file_chunks(paths)
        stats, total = learn_line_stats_dask(client, chunks, store, cfg, progress)
        ingest_dask(client, chunks, store, cfg, report, stats, total, progress)
        if cfg.extract:
            extract_dask(client, store, cfg, report, analyzers, progress)
        if cfg.cluster:
            changed = cluster_dask(client, store, cfg, report)
            compare_dask(client, store, changed, report, cfg.stories)
            update_storylines(store, changed, report)
    finally:
        if own:
            cluster_obj = getattr(client, "_rasid_owned_cluster", None)
            client.close()
            if cluster_obj is not None:
                cluster_obj.close()
    return report


__all__ = ["AnalyzersPlugin", "EmbedderPlugin", "StoryToolsPlugin", "cluster_dask", "compare_dask", "file_chunks", "make_client", "run_dask"]
