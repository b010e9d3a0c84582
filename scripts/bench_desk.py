"""p50/p95 latency of the analyst's desk endpoints on a ≥60k-article database (issue #16, scale).

How the database is built (once, cached under ``--cache``; reruns reuse it):

1. **base**: every ANT multi-source article (5 outlets: BBC, CNN, Al Arabiya, France 24, Sky News
   Arabia) published in ``--days`` (default 2018-04-01..2018-04-18, ≈3,000 articles) goes through the
   full ``rasid run`` pipeline (ingest, clean, dedup, NER, dates, events, claims, stories, storylines).
2. **scaled**: the base rows are replicated with new ids (suffix ``~k``) and dates shifted by the
   window's length per copy, until ``--target`` documents: documents, mentions, time expressions,
   events, claims, stories, storylines and conflicts are copied; entities are shared (copy k mentions
   the same people and places), so mention counts per entity grow with the copies, as they would for a
   year of news about the same actors. Copies tile the calendar (copy k covers the window shifted by
   k windows), so date filters select a realistic share. The full-text index is built last.

Then each endpoint is requested over real HTTP (uvicorn in a thread, httpx client): 2 warm-up requests,
``--repeat`` timed ones; prints a Markdown table of p50/p95 in milliseconds.

    python scripts/bench_desk.py [--data ../shared/data] [--target 60000] [--repeat 20] [--rebuild]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
import time
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DEFAULT_DATA, require_data  # noqa: E402
from bench_api import Server, measure  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from rasid.serve.search import SearchIndex  # noqa: E402
from rasid.store import Store  # noqa: E402
from rasid.store.schema import (  # noqa: E402
    ConflictRow,
    DocumentRow,
    EntityRow,
    MentionRow,
    StorylineRow,
    StoryRow,
)

DEFAULT_CACHE = Path("/tmp/rasid-desk-bench")
TABLES = ("documents", "stories", "storylines", "entities", "mentions", "events", "claims", "conflicts")


def select_articles(folder: Path, first: date, last: date, out: Path) -> int:
    """Copy the ANT lines published in [first, last] to ``out`` (input of the base run); returns how many."""
    n = 0
    with out.open("w", encoding="utf-8") as dst:
        for f in sorted(folder.glob("*.jsonl")):
            for line in f.open(encoding="utf-8"):
                try:
                    day = parsedate_to_datetime(json.loads(line)["time"]).date()
                except (KeyError, TypeError, ValueError):
                    continue
                if first <= day <= last:
                    dst.write(line)
                    n += 1
    return n


def build_base(data: Path, first: date, last: date, db: Path) -> None:
    """The full pipeline over the ANT articles of the window, into ``db``."""
    from rasid.run.pipeline import run

    folder = require_data(data, "ant_multisource", "jsonl")
    src = db.with_suffix(".jsonl")
    n = select_articles(folder, first, last, src)
    print(f"base: {n} ANT articles from {first} to {last}; running the full pipeline…", flush=True)
    tmp = db.with_suffix(".building")
    for p in tmp.parent.glob(tmp.name + "*"):
        p.unlink()
    t0 = time.perf_counter()
    store = Store(tmp)
    report = run([src], store)
    _checkpoint(store)
    store.close()
    print(f"base built in {time.perf_counter() - t0:.0f} s: {report}", flush=True)
    tmp.rename(db)


def _checkpoint(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def _rid(i: str | None, k: int) -> str | None:
    return None if i is None else f"{i}~{k}"


def _shift(d: datetime | None, delta: timedelta) -> datetime | None:
    return None if d is None else d + delta


def replicate(store: Store, copies: int, delta: timedelta) -> None:
    """Copies 1..copies-1 of every base row (copy 0 is the base itself), ids suffixed ``~k``, dates shifted
    ``k * delta``. Big tables whose only change is the id suffix are copied by ``INSERT … SELECT``."""
    with store.session() as s:
        docs = [dict(r._mapping) for r in s.execute(select(DocumentRow.__table__))]
        stories = [dict(r._mapping) for r in s.execute(select(StoryRow.__table__))]
        lines = [dict(r._mapping) for r in s.execute(select(StorylineRow.__table__))]
        conflicts = [dict(r._mapping) for r in s.execute(select(ConflictRow.__table__))]
        max_seq = s.scalar(select(func.max(DocumentRow.seq))) or 0
        max_ids = {t: s.scalar(text(f"SELECT max(rowid) FROM {t}")) or 0 for t in ("mentions", "timexes", "events", "claims")}
    for k in range(1, copies):
        t0 = time.perf_counter()
        sh = k * delta
        with store.engine.begin() as conn:
            rows = []
            for d in docs:
                r = dict(d)
                r.update(id=_rid(d["id"], k), duplicate_of=_rid(d["duplicate_of"], k), story_id=_rid(d["story_id"], k),
                         content_hash=f"{d['content_hash'][:56]}~{k}", raw_hash=f"{d['raw_hash'][:56]}~{k}",
                         published=_shift(d["published"], sh), inferred_from=_shift(d["inferred_from"], sh),
                         inferred_to=_shift(d["inferred_to"], sh), seq=None if d["seq"] is None else d["seq"] + k * max_seq)
                rows.append(r)
            for i in range(0, len(rows), 500):
                conn.execute(insert(DocumentRow.__table__), rows[i:i + 500])
            suf = f"'~{k}'"
            conn.execute(text('INSERT INTO mentions (doc_id, entity_id, start, "end", text, type, confidence) '
                              f'SELECT doc_id || {suf}, entity_id, start, "end", text, type, confidence FROM mentions '
                              f'WHERE id <= {max_ids["mentions"]}'))
            conn.execute(text('INSERT INTO timexes (doc_id, start, "end", text, value, value_end, granularity, relation) '
                              f'SELECT doc_id || {suf}, start, "end", text, value, value_end, granularity, relation '
                              f'FROM timexes WHERE id <= {max_ids["timexes"]}'))
            ev_cols = [c.name for c in store_table("events").columns if c.name not in ("id", "doc_id")]
            conn.execute(text(f'INSERT INTO events (id, doc_id, {", ".join(_q(c) for c in ev_cols)}) '
                              f'SELECT id || {suf}, doc_id || {suf}, {", ".join(_q(c) for c in ev_cols)} FROM events '
                              f'WHERE rowid <= {max_ids["events"]}'))
            cl_cols = [c.name for c in store_table("claims").columns if c.name not in ("id", "doc_id", "story_id", "group")]
            conn.execute(text(f'INSERT INTO claims (id, doc_id, story_id, "group", {", ".join(_q(c) for c in cl_cols)}) '
                              f'SELECT id || {suf}, doc_id || {suf}, story_id || {suf}, "group" || {suf}, '
                              f'{", ".join(_q(c) for c in cl_cols)} FROM claims WHERE rowid <= {max_ids["claims"]}'))
            srows = []
            for st in stories:
                r = dict(st)
                r.update(id=_rid(st["id"], k), storyline_id=_rid(st["storyline_id"], k),
                         first_date=_shift(st["first_date"], sh), last_date=_shift(st["last_date"], sh),
                         summary=[x | {"doc_id": _rid(x["doc_id"], k)} for x in st["summary"] or []],
                         timeline=[x | {"doc_id": _rid(x["doc_id"], k), "event_id": _rid(x.get("event_id"), k)}
                                   for x in st["timeline"] or []])
                srows.append(r)
            conn.execute(insert(StoryRow.__table__), srows)
            if lines:
                conn.execute(insert(StorylineRow.__table__), [
                    ln | {"id": _rid(ln["id"], k), "story_ids": [_rid(x, k) for x in ln["story_ids"] or []],
                          "first_date": _shift(ln["first_date"], sh), "last_date": _shift(ln["last_date"], sh)}
                    for ln in lines])
            if conflicts:
                conn.execute(insert(ConflictRow.__table__), [
                    c | {"id": _rid(c["id"], k), "story_id": _rid(c["story_id"], k),
                         "values": {v: [_rid(x, k) for x in ids] for v, ids in (c["values"] or {}).items()}}
                    for c in conflicts])
        print(f"  copy {k}/{copies - 1} in {time.perf_counter() - t0:.1f} s", flush=True)
    store.refresh_counters()  # rows were inserted around the Store: refresh its stored counters


def store_table(name: str):  # noqa: ANN201 - a SQLAlchemy Table
    from rasid.store.schema import Base

    return Base.metadata.tables[name]


def _q(c: str) -> str:
    return f'"{c}"'


def build_scaled(base: Path, db: Path, target: int, first: date, last: date) -> None:
    """Replicate the base database up to ``target`` documents into ``db`` and build its full-text index."""
    tmp = db.with_suffix(".building")
    for p in tmp.parent.glob(tmp.name + "*"):
        p.unlink()
    src = sqlite3.connect(base)
    dst = sqlite3.connect(tmp)
    src.backup(dst)  # a consistent copy, WAL included
    src.close()
    dst.close()
    store = Store(tmp)
    n = store.count("documents")
    copies = max(1, math.ceil(target / n))
    t0 = time.perf_counter()
    replicate(store, copies, timedelta(days=(last - first).days + 1))
    print(f"scaled: {copies} copies of {n} documents in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    SearchIndex.load(store)
    print(f"full-text index built in {time.perf_counter() - t0:.0f} s", flush=True)
    with store.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    _checkpoint(store)
    store.close()
    tmp.rename(db)


def desk_cases(store: Store) -> list[tuple[str, dict | None]]:
    """Every main endpoint of the desk, with parameters picked from the data (busiest place, person…)."""
    with store.session() as s:
        top = dict(s.execute(select(MentionRow.entity_id, func.count()).where(MentionRow.entity_id.is_not(None))
                             .group_by(MentionRow.entity_id)).all())
        types = dict(s.execute(select(EntityRow.id, EntityRow.type)).all())
        big_story = s.scalar(select(StoryRow.id).order_by(StoryRow.size.desc(), StoryRow.id).limit(1))
        line = s.scalar(select(StorylineRow.id).order_by(StorylineRow.size.desc(), StorylineRow.id).limit(1))
        outlet = s.scalar(select(DocumentRow.outlet).group_by(DocumentRow.outlet)
                          .order_by(func.count().desc()).limit(1))
        etype = s.scalar(text("SELECT type FROM events GROUP BY type ORDER BY count(*) DESC LIMIT 1"))
        doc = s.scalar(select(DocumentRow.id).where(DocumentRow.story_id == big_story).limit(1))
        span = s.execute(select(func.min(DocumentRow.published), func.max(DocumentRow.published))).one()
    ranked = sorted(top, key=lambda e: -top[e])
    place = next(e for e in ranked if types.get(e) == "LOC")
    person = next(e for e in ranked if types.get(e) == "PER")
    quiet = min((e for e in top if types.get(e) == "PER"), key=lambda e: (top[e], e))
    total = store.count("stories")
    mid = span[0] + (span[1] - span[0]) / 2
    d_from, d_to = mid.date().isoformat(), (mid + timedelta(days=30)).date().isoformat()
    return [
        ("/api/stories", {"limit": 20}),
        ("/api/stories", {"limit": 20, "offset": max(0, total - 20)}),
        ("/api/stories", {"limit": 20, "date_from": d_from, "date_to": d_to}),
        ("/api/stories", {"limit": 20, "outlet": outlet}),
        ("/api/stories", {"limit": 20, "place": place}),
        ("/api/stories", {"limit": 20, "entity": person}),
        ("/api/stories", {"limit": 20, "type": etype}),
        ("/api/stories", {"limit": 20, "min_size": 5}),
        ("/api/stories", {"limit": 20, "has_conflicts": "true"}),
        ("/api/stories", {"limit": 20, "sort": "size"}),
        ("/api/stories", {"limit": 20, "sort": "conflicts"}),
        ("/api/stories", {"limit": 20, "outlet": outlet, "entity": person, "date_from": d_from, "date_to": d_to}),
        (f"/api/stories/{big_story}", None),
        ("/api/storylines", {"limit": 20}),
        *([(f"/api/storylines/{line}", None)] if line else []),
        ("/api/entities", {"limit": 50}),
        ("/api/entities", {"limit": 50, "type": "LOC"}),
        ("/api/entities", {"limit": 50, "q": "ترامب"}),
        (f"/api/entities/{place}", None),
        (f"/api/entities/{person}", None),
        (f"/api/entities/{quiet}", None),
        ("/api/search", {"q": "ترامب"}),
        ("/api/search", {"q": "\"وزير الخارجية\""}),
        ("/api/search", {"q": "سوريا أو العراق"}),
        ("/api/search", {"q": "الرياض -الهلال"}),
        ("/api/search", {"q": "Trump"}),
        ("/api/search", {"q": "روسيا", "outlet": outlet, "date_from": d_from, "date_to": d_to}),
        ("/api/documents", {"limit": 20}),
        ("/api/documents", {"limit": 20, "outlet": outlet}),
        (f"/api/documents/{doc}", None),
        ("/api/stats", None),
        ("/api/outlets", None),
        ("/api/event-types", None),
    ]


def profile_sql(store: Store, cases: list[tuple[str, dict | None]], top: int = 3) -> None:
    """Per request (one in-process call): total time, statements run, and the slowest statements with
    SQLite's query plan, to see where a slow endpoint spends its time."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from rasid.serve.api import create_app

    log: list[tuple[float, str, object]] = []

    def before(conn, cursor, statement, params, context, many):  # noqa: ANN001, ARG001
        conn.info["t0"] = time.perf_counter()

    def after(conn, cursor, statement, params, context, many):  # noqa: ANN001, ARG001
        log.append((time.perf_counter() - conn.info["t0"], statement, params))

    event.listen(store.engine, "before_cursor_execute", before)
    event.listen(store.engine, "after_cursor_execute", after)
    with TestClient(create_app(store), base_url="http://localhost") as client:
        for url, params in cases:
            client.get(url, params=params)
            log.clear()
            t0 = time.perf_counter()
            client.get(url, params=params)
            total = (time.perf_counter() - t0) * 1000
            sql = sum(t for t, *_ in log) * 1000
            print(f"\n## {url} {params or ''}: {total:.0f} ms, {len(log)} statements, {sql:.0f} ms in SQL")
            for t, stmt, prm in sorted(log, key=lambda x: -x[0])[:top]:
                print(f"  {t * 1000:.1f} ms: {' '.join(stmt.split())[:300]}")
                if stmt.lstrip().upper().startswith("SELECT"):
                    with store.engine.connect() as conn:
                        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + stmt, prm).all()
                    for row in plan:
                        print(f"      {row[-1]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="shared data folder (default ../shared/data)")
    ap.add_argument("--days", default="2018-04-01:2018-04-18", help="publication window of the base articles")
    ap.add_argument("--target", type=int, default=60000, help="documents in the scaled database")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--rebuild", action="store_true", help="rebuild the scaled database (the base is kept)")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--only", default="", help="only requests whose URL contains this")
    ap.add_argument("--profile-sql", action="store_true", help="per request: slowest statements and their plans")
    args = ap.parse_args()
    first, last = (date.fromisoformat(x) for x in args.days.split(":"))
    args.cache.mkdir(parents=True, exist_ok=True)
    base = args.cache / f"base-{first}-{last}.db"
    scaled = args.cache / f"desk-{first}-{last}-{args.target}.db"
    if not base.exists():
        build_base(args.data or DEFAULT_DATA, first, last, base)
    if args.rebuild and scaled.exists():
        for p in args.cache.glob(scaled.name + "*"):
            p.unlink()
    if not scaled.exists():
        build_scaled(base, scaled, args.target, first, last)
    store = Store(scaled)
    print("database: " + ", ".join(f"{t} {store.count(t) if t != 'storylines' else _n(store, t)}" for t in TABLES)
          + f"; {sum(p.stat().st_size for p in args.cache.glob(scaled.name + '*')) / 1e6:.0f} MB", flush=True)
    if args.build_only:
        return
    cases = [c for c in desk_cases(store) if args.only in c[0] + json.dumps(c[1], ensure_ascii=False)]
    if args.profile_sql:
        profile_sql(store, cases)
        return
    print("\n| request | status | p50 ms | p95 ms |\n|---|---|---|---|")
    with Server(store) as client:
        for url, params in cases:
            p50, p95, status = measure(client, url, params, args.repeat)
            shown = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
            print(f"| `{shown}` | {status} | {p50:.1f} | {p95:.1f} |", flush=True)


def _n(store: Store, table: str) -> int:
    with store.session() as s:
        return int(s.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


if __name__ == "__main__":
    main()
