"""Latency benchmark of the REST API over a real HTTP server (uvicorn in a thread, httpx client).

Three stores: the bundled demo corpus run through the full pipeline (every endpoint); the demo's
stories copied ``--copies`` times with shifted dates (a large store of stories, entities, events and
conflicts: the story list with filters, story, entity and search pages); and, when ``--data`` is
present, N SaudiNewsNet articles stored without extraction (documents + search at a larger scale).
Prints a Markdown table of p50/p95 latency per endpoint.

    python scripts/bench_api.py [--data ../shared/data] [--n 5000] [--copies 200] [--repeat 30]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import uvicorn

from rasid.models import Document
from rasid.run.heap import settle_heap
from rasid.run.pipeline import run
from rasid.serve.api import create_app
from rasid.serve.search import SearchIndex, SearchQuery, search
from rasid.store import Store

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, store: Store) -> None:
        self.port = _free_port()
        app = create_app(store)
        settle_heap()  # as `rasid serve` does
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> httpx.Client:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60)
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)


def measure(client: httpx.Client, url: str, params: dict | None, repeat: int) -> tuple[float, float, int]:
    for _ in range(2):
        client.get(url, params=params)
    times = []
    status = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get(url, params=params)
        times.append((time.perf_counter() - t0) * 1000)
        status = r.status_code
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))], status


def bench(label: str, store: Store, cases: list[tuple[str, dict | None]], repeat: int) -> None:
    print(f"\n### {label}\n")
    print("| request | status | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    with Server(store) as client:
        for url, params in cases:
            p50, p95, status = measure(client, url, params, repeat)
            shown = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
            print(f"| `{shown}` | {status} | {p50:.1f} | {p95:.1f} |")


def demo_cases(store: Store) -> list[tuple[str, dict | None]]:
    stories = store.story_rows()
    big = max(stories, key=lambda s: s["size"]) if stories else None
    ents = store.entities()
    cases: list[tuple[str, dict | None]] = [
        ("/api/stories", None), ("/api/documents", {"limit": 50}), ("/api/entities", {"limit": 100}),
        ("/api/search", {"q": "الشرع موسكو"}), ("/api/search", {"q": "زيارة", "outlet": "sana"}),
        ("/api/search", {"q": "\"زيارة عمل\""}), ("/api/events", {"limit": 100}), ("/api/claims", {"limit": 100}),
    ]
    if big:
        cases.append((f"/api/stories/{big['id']}", None))
        doc = store.story_doc_ids().get(big["id"], [None])[0]
        if doc:
            cases.append((f"/api/documents/{doc}", {"start": 0, "end": 10}))
    if ents:
        top = max(ents, key=lambda e: len(store.mentions(entity_id=e.id)))
        cases.append((f"/api/entities/{top.id}", None))
    return cases


def copy_stories(src: Store, dst: Store, copies: int) -> None:
    """``copies`` copies of every document, fact and story of ``src`` (ids suffixed, dates shifted a week per
    copy) written through the Store: a large store with the demo's real shapes, for the desk's endpoints."""
    docs = src.documents()
    mentions, timexes, events = src.mentions(), src.timexes(), src.events()
    claims, conflicts, stories = src.claims(), src.conflicts(), src.stories()
    entities = src.entities()
    members = src.story_doc_ids()
    for k in range(copies):
        def rid(i: str | None, k: int = k) -> str | None:
            return None if i is None else f"{i}~{k}"
        shift = timedelta(days=7 * k)
        dst.add_documents([replace(d, id=rid(d.id), duplicate_of=rid(d.duplicate_of), story_id=None,
                                   content_hash=f"{d.content_hash}~{k}",
                                   published=d.published + shift if d.published else None) for d in docs], {})
        dst.save_extraction([rid(d.id) for d in docs], [replace(m, doc_id=rid(m.doc_id)) for m in mentions],
                            [replace(t, doc_id=rid(t.doc_id)) for t in timexes], entities if k == 0 else [],
                            [replace(e, id=rid(e.id), doc_id=rid(e.doc_id)) for e in events],
                            [replace(c, id=rid(c.id), doc_id=rid(c.doc_id), story_id=None) for c in claims])
        dst.assign_stories({rid(d): rid(sid) for sid, ds in members.items() for d in ds}, None)
        for st in stories:
            own = [replace(c, id=rid(c.id), doc_id=rid(c.doc_id), story_id=rid(st.id), group=rid(c.group))
                   for c in claims if c.story_id == st.id]
            cfs = [replace(c, id=rid(c.id), story_id=rid(st.id),
                           values={v: [rid(i) for i in ids] for v, ids in c.values.items()})
                   for c in conflicts if c.story_id == st.id]
            new = replace(st, id=rid(st.id), doc_ids=[rid(d) for d in st.doc_ids],
                          summary=[replace(x, doc_id=rid(x.doc_id)) for x in st.summary],
                          timeline=[replace(x, doc_id=rid(x.doc_id), event_id=rid(x.event_id)) for x in st.timeline],
                          first_date=st.first_date + shift if st.first_date else None,
                          last_date=st.last_date + shift if st.last_date else None)
            outlets = sorted({d.outlet for d in docs if d.id in set(st.doc_ids) and d.outlet})
            dst.save_story(new, own, cfs, outlets, len(members.get(st.id, [])))


def desk_cases(store: Store) -> list[tuple[str, dict | None]]:
    """The analyst's desk: story list (plain, filtered, sorted, deep page), story, entity and search pages."""
    total, first = store.story_page(1, 0, sort="size")
    top_place = max((e for e in store.entities(type="LOC")), key=lambda e: store.mention_counts([e.id]).get(e.id, 0))
    top_person = max((e for e in store.entities(type="PER")), key=lambda e: store.mention_counts([e.id]).get(e.id, 0))
    quiet = min((e for e in store.entities(type="PER")), key=lambda e: store.mention_counts([e.id]).get(e.id, 0))
    return [
        ("/api/stories", {"limit": 50}),
        ("/api/stories", {"limit": 50, "offset": max(0, total - 50)}),
        ("/api/stories", {"limit": 50, "has_conflicts": "true", "sort": "size"}),
        ("/api/stories", {"limit": 50, "outlet": "sana", "type": "CONSULT"}),
        ("/api/stories", {"limit": 50, "place": top_place.id}),
        ("/api/stories", {"limit": 50, "entity": top_person.id, "date_from": "2026-06-01", "date_to": "2026-12-31"}),
        ("/api/stories", {"limit": 50, "min_size": 5, "sort": "conflicts"}),
        (f"/api/stories/{first[0]['id']}", None),
        (f"/api/entities/{quiet.id}", None),
        (f"/api/entities/{top_place.id}", None),
        ("/api/search", {"q": "الشرع موسكو"}),
        ("/api/search", {"q": "زيارة", "outlet": "sana", "date_from": "2026-03-01"}),
    ]


def load_saudinewsnet(data: Path, store: Store, n: int) -> int:
    docs: list[Document] = []
    for path in sorted((data / "saudinewsnet" / "jsonl").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            text = (row.get("content") or "").strip()
            if not text:
                continue
            i = f"snn-{len(docs)}"
            published = datetime.fromisoformat(row["date_extracted"]) if row.get("date_extracted") else None
            docs.append(Document(id=i, text=text, raw_text=text, source_path=str(path), fmt="jsonl",
                                 title=row.get("title"), outlet=row.get("source"), published=published,
                                 language="ar", content_hash=i))
            if len(docs) >= n:
                break
        if len(docs) >= n:
            break
    for k in range(0, len(docs), 1000):
        store.add_documents(docs[k:k + 1000], {})
    return len(docs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--n", type=int, default=5000, help="SaudiNewsNet articles for the large store")
    ap.add_argument("--copies", type=int, default=200, help="copies of the demo stories for the desk benchmark")
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rasid-bench-"))

    demo = Store(tmp / "demo.db")
    t0 = time.perf_counter()
    run([ROOT / "demo" / "corpus"], demo)
    print(f"demo store built in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{k} {demo.count(k)}" for k in ("documents", "stories", "entities", "events", "claims")))
    bench("demo corpus (full pipeline)", demo, demo_cases(demo), args.repeat)

    if args.copies:
        desk = Store(tmp / "desk.db")
        t0 = time.perf_counter()
        copy_stories(demo, desk, args.copies)
        print(f"\ndesk store: {args.copies} copies of the demo built in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{k} {desk.count(k)}" for k in ("documents", "stories", "mentions", "events", "claims",
                                                          "conflicts")))
        bench(f"analyst's desk: {desk.count('stories')} stories, {desk.count('documents')} documents", desk,
              desk_cases(desk), args.repeat)

    if not (args.data / "saudinewsnet").is_dir():
        print(f"\n{args.data}/saudinewsnet not found: skipping the large-store benchmark", file=sys.stderr)
        return
    big = Store(tmp / "big.db")
    t0 = time.perf_counter()
    n = load_saudinewsnet(args.data, big, args.n)
    print(f"\nlarge store: {n} SaudiNewsNet articles stored (no extraction) in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    SearchIndex.load(big)
    print(f"full-text index built in {time.perf_counter() - t0:.1f} s "
          f"(database {sum(p.stat().st_size for p in tmp.glob('big.db*')) / 1e6:.0f} MB)")
    search_cases = [("الرياض", {}), ("وزير الخارجية", {}), ("\"خادم الحرمين الشريفين\"", {}),
                    ("النفط", {"outlets": ["aleqtisadiya"]}), ("كلمةلاتوجد", {}),
                    ("في الرياض", {}), ("الرياض أو جدة", {}), ("الرياض -الهلال", {}), ("Riyadh", {}),
                    ("\u200fالرياض\u2069", {})]
    index = SearchIndex.load(big)
    print("\n### in-process search: full-text index vs plain scan (median of 5, ms)\n")
    print("| query | hits | index | scan |")
    print("|---|---|---|---|")
    for q, extra in search_cases:
        row = []
        for ix in (index, None):
            times = []
            for _ in range(5):
                t1 = time.perf_counter()
                res = search(big, SearchQuery(q=q, **extra), ix)
                times.append((time.perf_counter() - t1) * 1000)
            row.append(statistics.median(times))
        print(f"| `{q}` {extra or ''} | {res.total} | {row[0]:.0f} | {row[1]:.0f} |")
    bench(f"{n} SaudiNewsNet documents (search and document listing)", big, [
        ("/api/documents", {"limit": 50}),
        ("/api/documents/snn-100", None),
        ("/api/search", {"q": "الرياض"}),
        ("/api/search", {"q": "وزير الخارجية"}),
        ("/api/search", {"q": "\"خادم الحرمين الشريفين\""}),
        ("/api/search", {"q": "النفط", "outlet": "aleqtisadiya"}),
        ("/api/search", {"q": "الهلال", "date_from": "2015-08-01", "date_to": "2015-08-05"}),
        ("/api/search", {"q": "كلمةلاتوجد"}),
    ], args.repeat)


if __name__ == "__main__":
    main()
