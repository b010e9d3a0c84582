"""The desk at scale (issue #16): listings are paged by the database, the entity page's single pass gives the
same answers as the three queries it replaces, and an older database gains the new indexes and counters."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from bench_desk import replicate
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import sessionmaker

from rasid.serve.api import create_app
from rasid.store import Store

COPIES = 8  # the demo's 7 stories and 63 entities → 56 stories, 264 documents, ~500 mentions per busy place


class _Counter:
    rows = 0


class CountingCursor(sqlite3.Cursor):
    """A DB-API cursor that counts the rows handed to Python: what "loads the whole table" means."""

    def fetchone(self):  # noqa: ANN201
        row = super().fetchone()
        _Counter.rows += row is not None
        return row

    def fetchmany(self, size: int | None = None):  # noqa: ANN201
        rows = super().fetchmany(size if size is not None else self.arraysize)
        _Counter.rows += len(rows)
        return rows

    def fetchall(self):  # noqa: ANN201
        rows = super().fetchall()
        _Counter.rows += len(rows)
        return rows


class CountingConnection(sqlite3.Connection):
    def cursor(self, factory=CountingCursor):  # noqa: ANN001, ANN201
        return super().cursor(factory)


@pytest.fixture(scope="module")
def big_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store replicated ``COPIES`` times with new ids and dates shifted four weeks per copy."""
    db = tmp_path_factory.mktemp("desk") / "desk.db"
    src, dst = sqlite3.connect(demo_db), sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    store = Store(db)
    replicate(store, COPIES, timedelta(days=28))
    store.close()
    return db


def _counting(db: Path) -> Store:
    store = Store(db)
    engine = create_engine(store.url, connect_args={"factory": CountingConnection, "timeout": 60})
    store.engine, store._session = engine, sessionmaker(engine, expire_on_commit=False)
    return store


def test_listings_read_one_page_not_the_table(big_db: Path) -> None:
    store = _counting(big_db)
    n_stories, n_entities = store.count("stories"), store.count("entities")
    n_lines = len(store.storylines())
    assert n_stories == 7 * COPIES and n_entities >= 60 and n_lines >= 30  # "all of it" is well above a page
    limit, bound = 5, 5 + 10  # one page plus a total and a few lookups
    place = next(e.id for e in store.entities(type="LOC") if e.name == "موسكو")
    with TestClient(create_app(store), base_url="http://localhost") as client:
        for url, params in [
            ("/api/stories", {}), ("/api/stories", {"sort": "conflicts"}), ("/api/stories", {"sort": "size"}),
            ("/api/stories", {"outlet": "sana"}), ("/api/stories", {"place": place}),
            ("/api/stories", {"has_conflicts": "true"}), ("/api/stories", {"date_from": "2026-03-01"}),
            ("/api/storylines", {}), ("/api/storylines", {"offset": 20}),
            ("/api/entities", {}), ("/api/entities", {"type": "PER", "offset": 10}),
            ("/api/documents", {}), ("/api/documents", {"outlet": "sana"}),
        ]:
            _Counter.rows = 0
            r = client.get(url, params={"limit": limit, **params})
            assert r.status_code == 200, (url, params, r.text)
            body = r.json()
            assert len(body["items"]) == min(limit, max(0, body["total"] - body["offset"]))
            assert _Counter.rows <= bound, f"{url} {params} read {_Counter.rows} rows for a page of {limit}"
        # the paged answers are the same slices of the full orderings
        lines = client.get("/api/storylines", params={"limit": 5, "offset": 20}).json()
        assert [x["id"] for x in lines["items"]] == [x.id for x in store.storylines()[20:25]]
        assert lines["total"] == n_lines
        ents = client.get("/api/entities", params={"limit": 100}).json()
        counts = store.mention_counts()
        assert [e["mention_count"] for e in ents["items"]] == [counts.get(e["id"], 0) for e in ents["items"]]
        assert [e["mention_count"] for e in ents["items"]] == sorted((e["mention_count"] for e in ents["items"]),
                                                                     reverse=True)
        assert ents["items"][0]["name"] in {"سوريا", "موسكو", "روسيا", "الشرع", "أحمد الشرع"}


def test_entity_overview_equals_the_three_queries(big_db: Path) -> None:
    store = Store(big_db)
    ents = sorted(store.mention_counts().items(), key=lambda kv: -kv[1])
    busiest = ents[0]
    assert busiest[1] >= 100  # the page really spans many documents and stories
    for eid, _ in [busiest, *ents[1:6], *ents[-3:]]:
        for limit, offset in [(200, 0), (7, 0), (7, 5), (3, busiest[1] - 2), (1000, 13)]:
            total, page, stories, by_day, n_stories = store.entity_overview(eid, limit, offset)
            assert (total, page) == store.entity_mention_page(eid, limit, offset), (eid, limit, offset)
            assert stories == store.entity_stories(eid) and n_stories == len(stories)
            assert by_day == store.entity_mentions_by_day(eid)
            for s_limit, s_offset in [(1, 0), (3, 2), (5, n_stories - 2)]:  # a page of the same list
                paged = store.entity_overview(eid, limit, offset, s_limit, s_offset)
                assert paged.stories == stories[s_offset:s_offset + s_limit] and paged.story_total == n_stories


def test_mention_counts_follow_reextraction(big_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    shutil.copy(big_db, db)
    store = Store(db)
    doc = store.documents()[0]
    mentions = store.mentions([doc.id])
    assert mentions, "the first demo document names someone"
    gone = mentions[0].entity_id
    before = store.entity_page(1000)[1]
    store.save_extraction([doc.id], mentions[1:], store.timexes([doc.id]), [], store.events([doc.id]),
                          store.claims(doc_ids=[doc.id]))
    after = dict((e.id, n) for e, n in store.entity_page(1000)[1])
    assert after == {e.id: n for e, n in before} | {gone: dict((e.id, n) for e, n in before)[gone] - 1}
    assert after == {e.id: store.mention_counts().get(e.id, 0) for e, _ in before}


def test_old_database_gains_indexes_and_counts(big_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(big_db, db)
    con = sqlite3.connect(db)
    for ix in ("ix_documents_outlet_story", "ix_documents_id_story_published_offset", "ix_documents_published_id",
               "ix_documents_outlet_published_id", "ix_mentions_entity_doc", "ix_events_type_doc",
               "ix_entities_mention_count", "ix_stories_newest", "ix_stories_oldest", "ix_stories_by_size",
               "ix_stories_by_conflicts", "ix_stories_id_cover"):
        con.execute(f"DROP INDEX {ix}")
    con.execute("ALTER TABLE entities DROP COLUMN mention_count")  # as a database made before the counters
    con.execute("ALTER TABLE entities DROP COLUMN norm_names")
    con.execute("ALTER TABLE stories DROP COLUMN conflict_count")
    con.commit()
    con.close()
    store = Store(db)  # opening migrates: column added and filled, indexes created
    insp = inspect(store.engine)
    names = {ix["name"] for t in ("documents", "mentions", "events", "entities") for ix in insp.get_indexes(t)}
    assert {"ix_mentions_entity_doc", "ix_documents_id_story_published_offset", "ix_events_type_doc"} <= names
    counts = store.mention_counts()
    assert {e.id: n for e, n in store.entity_page(1000)[1]} == {e.id: counts.get(e.id, 0) for e in store.entities()}
    assert {e.name for e, _ in store.entity_name_matches("موسك")} == {"موسكو"}  # norm_names filled
    with_conflicts = {r["id"]: r["conflicts"] for r in store.story_page(100, 0, sort="conflicts")[1]}
    assert with_conflicts == {sid: len(store.conflicts(sid)) for sid in with_conflicts}  # conflict_count filled
    assert max(with_conflicts.values()) > 0
    with store.engine.connect() as conn:  # the entity filter is answered from the covering index
        plan = " ".join(str(r[-1]) for r in conn.execute(text(
            "EXPLAIN QUERY PLAN SELECT doc_id FROM mentions WHERE entity_id = 'x'")))
    assert "COVERING INDEX ix_mentions_entity_doc" in plan


@pytest.mark.parametrize("q", ["موسكو", "الشرع", "بوتين", "سوري", "ا", "Moscow"])
def test_entity_name_filter_same_as_normalising_every_name(big_db: Path, q: str) -> None:
    from rasid.text.normalize import normalize

    store = Store(big_db)
    key = normalize(q)
    counts = store.mention_counts()
    want = sorted((e for e in store.entities() if any(key in normalize(n) for n in [e.name, *e.aliases])),
                  key=lambda e: (-counts.get(e.id, 0), e.name, e.id))
    with TestClient(create_app(store), base_url="http://localhost") as client:
        got = client.get("/api/entities", params={"q": q, "limit": 100}).json()
    assert got["total"] == len(want)
    assert [(e["id"], e["mention_count"]) for e in got["items"]] == [(e.id, counts.get(e.id, 0)) for e in want[:100]]


def test_stats_are_remembered_until_the_database_changes(big_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    shutil.copy(big_db, db)
    store = _counting(db)
    with TestClient(create_app(store), base_url="http://localhost") as client:
        first = client.get("/api/stats").json()
        assert first["documents"] == 33 * COPIES and first["stories"] == 7 * COPIES
        _Counter.rows = 0
        assert client.get("/api/stats").json() == first
        assert _Counter.rows == 0  # nothing counted again: the database did not change
        # another writer (here a second Store, as another process would be) adds an article
        other = Store(db)
        doc = other.documents()[0]
        other.add_documents([replace(doc, id="new-article", content_hash="new", duplicate_of=None, story_id=None)], {})
        assert client.get("/api/stats").json() == first | {"documents": first["documents"] + 1}
        store.add_documents([replace(doc, id="newer-article", content_hash="newer", duplicate_of=None,
                                     story_id=None)], {})  # and a write through the served store itself
        assert client.get("/api/stats").json()["documents"] == first["documents"] + 2


def test_paged_reads_and_migration_on_each_backend(db_url: str, demo_corpus: Path) -> None:
    """The same answers on SQLite and PostgreSQL: window-counted story filters, stored counters, entity pages,
    and an older database (no counters, no covering indexes) migrated on open."""
    from rasid.run.pipeline import run
    from rasid.store.facade import StoryFilter

    store = Store(db_url)
    run([demo_corpus], store)
    members = store.story_doc_ids()

    def stories_of(entity_id: str) -> set[str]:
        mentioning = {m.doc_id for m in store.mentions(entity_id=entity_id)}
        return {sid for sid, docs in members.items() if mentioning & set(docs)}

    place = max((e.id for e in store.entities(type="LOC")), key=lambda i: (len(stories_of(i)), i))
    want = stories_of(place)
    total, rows = store.story_page(2, 0, StoryFilter(place=place))
    assert total == len(want) >= 3 and {r["id"] for r in rows} <= want and len(rows) == 2
    assert store.story_page(3, 50, StoryFilter(place=place)) == (total, [])  # past the end: total still right
    moscow = next(e.id for e in store.entities(type="LOC") if e.name == "موسكو")
    counts = store.mention_counts()
    assert {e.id: n for e, n in store.entity_page(100)[1]} == {e.id: counts.get(e.id, 0) for e in store.entities()}
    over = store.entity_overview(moscow, 5, 2)
    assert (over.mention_total, over.mentions) == store.entity_mention_page(moscow, 5, 2)
    assert over.stories == store.entity_stories(moscow) and over.by_day == store.entity_mentions_by_day(moscow)
    with store.engine.begin() as conn:  # back to a database made before this change
        for ix in ("ix_mentions_entity_doc", "ix_documents_id_story_published_offset", "ix_entities_mention_count",
                   "ix_stories_newest", "ix_stories_oldest", "ix_stories_by_size", "ix_stories_by_conflicts",
                   "ix_stories_id_cover"):  # SQLite drops no index a column is in
            conn.execute(text(f"DROP INDEX {ix}"))
        for table, col in (("entities", "mention_count"), ("entities", "norm_names"), ("stories", "conflict_count")):
            conn.execute(text(f'ALTER TABLE {table} DROP COLUMN "{col}"'))
    store.close()
    store = Store(db_url)
    assert {e.id: n for e, n in store.entity_page(100)[1]} == {e.id: counts.get(e.id, 0) for e in store.entities()}
    assert {e.name for e, _ in store.entity_name_matches("موسك")} == {"موسكو"}
    by_conflicts = store.story_page(100, 0, sort="conflicts")[1]
    assert [r["conflicts"] for r in by_conflicts] == [len(store.conflicts(r["id"])) for r in by_conflicts]
    assert by_conflicts[0]["conflicts"] > 0
    names = {ix["name"] for t in ("mentions", "stories", "documents") for ix in inspect(store.engine).get_indexes(t)}
    assert {"ix_mentions_entity_doc", "ix_stories_newest", "ix_documents_id_story_published_offset"} <= names
    store.close()


def test_an_older_database_opened_read_only_is_still_served(big_db: Path, tmp_path: Path) -> None:
    """No migration is possible on a read-only file: the desk counts what the stored counters would hold."""
    db = tmp_path / "old-ro.db"
    shutil.copy(big_db, db)
    con = sqlite3.connect(db)
    for ix in ("ix_entities_mention_count", "ix_stories_newest", "ix_stories_oldest", "ix_stories_by_size",
               "ix_stories_by_conflicts", "ix_stories_id_cover"):
        con.execute(f"DROP INDEX {ix}")
    # and everything else round two added: monitoring tables and change columns, event status and role spans
    for table, col in (("entities", "mention_count"), ("entities", "norm_names"), ("stories", "conflict_count"),
                       ("stories", "created_change"), ("stories", "updated_change"), ("storylines", "created_change"),
                       ("storylines", "updated_change"), ("conflicts", "created_change"), ("events", "status"),
                       ("events", "actor_spans"), ("events", "target_spans")):
        for ix in [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                              "AND sql LIKE ?", (table, f"%{col}%"))]:
            con.execute(f'DROP INDEX "{ix}"')
        con.execute(f'ALTER TABLE {table} DROP COLUMN "{col}"')
    for table in ("watchlist", "saved_searches", "seen_marks", "runs"):
        con.execute(f"DROP TABLE {table}")
    con.commit()
    con.close()
    old, new = Store(db, read_only=True), Store(big_db)
    assert old.read_only
    requests = [("/api/stories", {"sort": "conflicts", "limit": 10}), ("/api/stories", {"has_conflicts": "true"}),
                ("/api/stories", {"has_conflicts": "false", "offset": 7}), ("/api/entities", {"limit": 30}),
                ("/api/entities", {"q": "الشرع"}), ("/api/storylines", {}), ("/api/stats", None),
                ("/api/events", {"status": "occurred", "limit": 20}), ("/api/watchlist", None),
                ("/api/search", {"q": "بوتين"})]
    with TestClient(create_app(old), base_url="http://localhost") as a, \
            TestClient(create_app(new), base_url="http://localhost") as b:
        for url, params in requests:
            ra, rb = a.get(url, params=params), b.get(url, params=params)
            assert ra.status_code == rb.status_code == 200, (url, ra.text)
            if url == "/api/search":  # a read-only file gets no full-text index: same hits, scan ranking
                assert ra.json()["total"] == rb.json()["total"] > 0
            elif url != "/api/events":  # an old event has no status column: every old event reads as «occurred»
                assert ra.json() == rb.json(), url
        story = b.get("/api/stories", params={"limit": 1}).json()["items"][0]["id"]
        for url in (f"/api/stories/{story}", f"/api/stories/{story}/export", "/api/alerts", "/api/runs"):
            assert a.get(url).status_code == 200, url  # the old file has no change counters: nothing reads as new
        assert a.get("/api/alerts").json()["counts"]["new_stories"] == 0
