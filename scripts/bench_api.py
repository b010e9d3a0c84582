"""Latency benchmark of the REST API over a real HTTP server (uvicorn in a thread, httpx client).

Two stores: the bundled demo corpus run through the full pipeline (every endpoint), and, when
``--data`` is present, N SaudiNewsNet articles stored without extraction (documents + search
at a larger scale). Prints a Markdown table of p50/p95 latency per endpoint.

    python scripts/bench_api.py [--data ../shared/data] [--n 5000] [--repeat 30]
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
from datetime import datetime
from pathlib import Path

import httpx
import uvicorn

from rasid.models import Document
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
        self.server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=self.port,
                                                    log_level="error"))
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
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rasid-bench-"))

    demo = Store(tmp / "demo.db")
    t0 = time.perf_counter()
    run([ROOT / "demo" / "corpus"], demo)
    print(f"demo store built in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{k} {demo.count(k)}" for k in ("documents", "stories", "entities", "events", "claims")))
    bench("demo corpus (full pipeline)", demo, demo_cases(demo), args.repeat)

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
