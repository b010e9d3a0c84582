"""Fault-injection campaign: hostile inputs, kills at every stage boundary, Ctrl-C, re-runs.

Prints one table (inputs tried, crashes, hangs, lost, duplicated; kills tried, resumed identically) and
exits non-zero if any count that must be zero is not. Runs ``rasid`` in subprocesses, so a crash or a hang
of one run is measured, not suffered.

Usage: python scripts/fault_campaign.py [--timeout 120] [--keep DIR]
Needs only the repository (the demo corpus is the good input); about 3-6 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "corpus"
GOOD = "أعلنت وزارة الصحة السورية اليوم عن افتتاح مستشفى جديد في مدينة حلب يضم مئتي سرير."

# Kill points the run package marks with rasid.run.faults.checkpoint(); ":2" = the second time it is reached.
KILL_POINTS = ["learn.done", "ingest.batch", "ingest.done", "extract.batch", "extract.done",
               "stories.chunk", "stories.chunk:2", "stories.done", "compare.batch", "compare.batch:3",
               "compare.done"]


def _jsonl(*records: object) -> bytes:
    return ("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records)
            + "\n").encode("utf-8")


def hostile_inputs() -> dict[str, bytes | None]:
    """name → file content (None: a special file made by ``make_special``)."""
    text = GOOD.encode("utf-8")
    rec = {"id": "ok", "text": GOOD}
    cases: dict[str, bytes | None] = {
        "empty.txt": b"",
        "only-spaces.txt": b"   \n\n\t \n",
        "binary.bin": bytes(range(256)) * 64,
        "nul-in-text.txt": text[:30] + b"\x00" + text[30:],
        "many-nuls.txt": b"\x00" * 5000 + text,
        "cut-end.txt": text[:-3],
        "cut-middle.txt": text[:21] + text[22:],
        "mixed-1256.txt": text + b"\n" + GOOD.encode("cp1256"),
        "cp1256.txt": GOOD.encode("cp1256"),
        "utf16-bom.txt": codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"),
        "utf16-nobom.txt": (GOOD + "\n").encode("utf-16-le"),
        "utf16be.txt": (GOOD + "\n").encode("utf-16-be"),
        "utf32.txt": codecs.BOM_UTF32_LE + GOOD.encode("utf-32-le"),
        "mojibake.txt": GOOD.encode("utf-8").decode("cp1256", "replace").encode("utf-8"),
        "latin1.txt": "Le président syrien est arrivé à Moscou mardi pour une visite officielle.".encode("latin-1"),
        "bom-only.txt": codecs.BOM_UTF8,
        "header-only.txt": b"title \xd8\xae\xd8\xa8\xd8\xb1\ndate 2026-01-01\n",
        "year0.txt": b"date 0000-00-00\n\n" + text,
        "absurd-rfc822.txt": b"date Mon, 01 Jan 99999 00:00:00 +9999\n\n" + text,
        "long-date.txt": b"date " + b"9" * 10000 + b"\n\n" + text,
        "script-meta.txt": b"title <script>alert(1)</script>\nurl javascript:alert(1)\n\n" + text,
        "formula.txt": b"title =HYPERLINK(\"http://evil\",\"x\")\nsource +cmd|' /C calc'!A0\n\n" + text,
        "long-outlet.txt": b"source " + b"s" * 500 + b"\n\n" + text,
        "huge-line.txt": (GOOD * 20000).encode("utf-8"),
        "many-lines.txt": ("\n".join([GOOD] * 20000)).encode("utf-8"),
        "rtl-controls.txt": ("\u202e\u2066" + GOOD + "\u2069\u200f").encode("utf-8"),
        "html-script.html": b"<html><head><title>x</title><script>alert(1)</script></head><body><p>"
                            + text + b"</p><a href='javascript:alert(1)'>x</a></body></html>",
        "html-truncated.html": b"<html><body><p>" + text[:40],
        "html-deep.html": b"<html><body>" + b"<div>" * 20000 + text + b"</div>" * 20000 + b"</body></html>",
        "html-empty.html": b"<html><body></body></html>",
        "html-bad-charset.html": b"<html><head><meta charset='klingon'></head><body><p>" + text + b"</p></body></html>",
        "json-number-text.jsonl": _jsonl({"id": "n", "text": 12345}, rec),
        "json-list-text.jsonl": _jsonl({"id": "l", "text": ["a", "b"]}, rec),
        "json-bool-text.jsonl": _jsonl({"id": "b", "text": True}, rec),
        "json-list-id.jsonl": _jsonl({"id": ["x"], "text": GOOD}, rec),
        "json-dict-title.jsonl": _jsonl({"id": "t", "text": GOOD, "title": {"a": 1}}, rec),
        "json-deep.jsonl": _jsonl('{"id": "d", "text": ' + "[" * 200000 + "]" * 200000 + "}", rec),
        "json-surrogate.jsonl": _jsonl('{"id": "s", "text": "' + GOOD + ' \\ud800"}', rec),
        "json-surrogate-id.jsonl": _jsonl('{"id": "\\udfff", "text": "' + GOOD + '"}', rec),
        "json-nul.jsonl": _jsonl({"id": "z", "text": GOOD + "\u0000"}, rec),
        "json-long-id.jsonl": _jsonl({"id": "x" * 1000, "text": GOOD}, rec),
        "json-long-outlet.jsonl": _jsonl({"id": "o", "source": "s" * 1000, "text": GOOD}, rec),
        "json-absurd-date.jsonl": _jsonl({"id": "a", "date": "Mon, 01 Jan 99999 00:00:00 +0000", "text": GOOD}, rec),
        "json-not-object.jsonl": _jsonl("[1, 2, 3]", '"just a string"', "null", rec),
        "json-malformed.jsonl": _jsonl('{"id": "m", "text": "', rec),
        "json-empty-text.jsonl": _jsonl({"id": "e", "text": "   "}, rec),
        "json-huge-number.jsonl": _jsonl('{"id": 1e999999, "text": "' + GOOD + '"}', rec),
        "json-dup-ids.jsonl": _jsonl({"id": "same", "text": GOOD}, {"id": "same", "text": GOOD + " آخر"}, rec),
        "json-formula.jsonl": _jsonl({"id": "f", "title": "=1+1", "source": "@SUM(A1)", "url": "-2+3",
                                      "text": GOOD}, rec),
        "json-js-url.jsonl": _jsonl({"id": "j", "url": " JaVaScRiPt:alert(1)", "text": GOOD}, rec),
        "json-crlf.jsonl": _jsonl({"id": "c", "text": GOOD + "\r\n" + GOOD}, rec).replace(b"\n", b"\r\n"),
        "array-mixed.json": json.dumps([rec, 1, "x", None, {"id": "l", "text": ["a"]}, {"id": "d", "text": GOOD,
                                                                                      "source": {"x": 1}}]).encode(),
        "array-deep.json": b"[" * 200000 + b"]" * 200000,
        "array-malformed.json": b'[{"id": "ok", "text": "' + text + b'"}, {"id": ',
        "api-object.json": json.dumps({"articles": [rec, {"source": {"name": "<script>x</script>"}, "text": GOOD,
                                                          "id": "s"}], "status": "ok"}).encode(),
        "table-huge-cell.csv": b"id,text\nok," + text + b"\nbig,\"" + b"a" * (9 * 1024 * 1024) + b"\"\n",
        "table-unclosed-quote.csv": b"id,text\nok," + text + b"\nq,\"" + text,
        "table-formula.csv": b"id,title,text,source\nf,=HYPERLINK(\"http://evil\"),\"" + text + b"\",+cmd|' /C calc'!A0\n",
        "table-no-text.csv": b"name,count\nx,1\n",
        "table-binary.csv": bytes(range(256)) * 64,
        "table-ragged.tsv": b"id\ttext\tdate\nok\t" + text + b"\n\t\t\t\t\t\nr\t" + text + b"\t2026-99-99\textra\n",
        "bomb.txt.gz": gzip.compress(b"a" * (70 * 1024 * 1024)),
        "cut.jsonl.gz": gzip.compress(_jsonl(*[{"id": f"c{i}", "text": GOOD} for i in range(50)]))[:300],
        "garbage.jsonl.gz": b"\x1f\x8b\x08\x00garbage",
        "feed-malformed.rss": b"<rss><channel><item><title>x</title><description>" + text,
        "feed-empty.rss": b"<rss version='2.0'><channel></channel></rss>",
        "feed-billion-laughs.xml": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                                   b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                                   b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                                   b"<rss><channel><item><description>&c;</description></item></channel></rss>",
        "text-named.warc": b"title x\n\n" + text,
        "cut.warc.gz": gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5000\r\n\r\nHTTP/1.1 200"),
        "garbage.warc.gz": b"\x1f\x8b\x08\x00garbage",
        "fifo.txt": None,
        "dangling-link.txt": None,
        "link-loop.txt": None,
        "dir-link": None,
        "odd-name": None,
    }
    return cases


def make_special(folder: Path, name: str) -> None:
    p = folder / name
    if name == "fifo.txt":
        os.mkfifo(p)
    elif name == "dangling-link.txt":
        p.symlink_to(folder / "does-not-exist.txt")
    elif name == "link-loop.txt":
        p.symlink_to(folder / "link-loop2.txt")
        (folder / "link-loop2.txt").symlink_to(p)
    elif name == "dir-link":
        p.symlink_to(folder)
    elif name == "odd-name":
        with open(os.fsencode(folder) + b"/\xff\xfe-odd.txt", "wb") as fh:
            fh.write(GOOD.encode("utf-8"))


def rasid(*args: str, timeout: int, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rasid", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, cwd=ROOT)


def counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out = {}
        for table in ("documents", "stories", "skips", "claims", "conflicts", "events", "entities"):
            try:
                out[table] = con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
            except sqlite3.OperationalError:
                out[table] = -1
        out["dangling_story_refs"] = con.execute(
            "SELECT COUNT(*) FROM documents WHERE story_id IS NOT NULL AND story_id NOT IN (SELECT id FROM stories)"
        ).fetchone()[0]
        out["duplicate_ids"] = con.execute(
            "SELECT COUNT(*) FROM (SELECT id FROM documents GROUP BY id HAVING COUNT(*) > 1)").fetchone()[0]
        return out
    finally:
        con.close()


def export(db: Path, out: Path, timeout: int) -> bytes:
    rasid("export", "--db", str(db), "--format", "json", "-o", str(out), timeout=timeout)
    return out.read_bytes() if out.exists() else b""


def _lay_out(folder: Path, name: str, content: bytes | None) -> None:
    folder.mkdir(parents=True)
    (folder / "good-article.txt").write_text(GOOD + " " + name, encoding="utf-8")
    if content is None:
        make_special(folder, name)
    else:
        (folder / name).write_bytes(content)


def input_campaign(work: Path, timeout: int) -> dict[str, int]:
    """All hostile inputs in one run, each in a folder next to a good article; every good one must be stored,
    every hostile one stored or skipped with a reason, and a re-run must add nothing. A crash or hang of the
    whole run is then narrowed down by running each input alone."""
    cases = hostile_inputs()
    res = {"inputs tried": len(cases), "crashes": 0, "hangs": 0, "lost": 0, "duplicated": 0, "unaccounted": 0}
    root = work / "inputs"
    for n, (name, content) in enumerate(cases.items()):
        _lay_out(root / f"{n:02d}", name, content)
    db = work / "inputs.db"
    failed = None
    try:
        proc = rasid("run", str(root), "--db", str(db), "-q", timeout=timeout)
        failed = "crashes" if proc.returncode else None
    except subprocess.TimeoutExpired:
        failed = "hangs"
    if failed:  # find the culprits one by one
        for n, name in enumerate(cases):
            try:
                one = rasid("run", str(root / f"{n:02d}"), "--db", str(work / f"one{n}.db"), "-q", timeout=timeout)
                if one.returncode:
                    res["crashes"] += 1
                    print(f"CRASH {name}: {(one.stderr or one.stdout).strip().splitlines()[-1:]}")
            except subprocess.TimeoutExpired:
                res["hangs"] += 1
                print(f"HANG  {name}")
        return res
    con = sqlite3.connect(db)
    docs = list(con.execute("SELECT id, source_path FROM documents"))
    skipped = [r[0] for r in con.execute("SELECT source_path FROM skips")]
    before = counts(db)
    con.close()
    for n, name in enumerate(cases):
        prefix = str(root / f"{n:02d}") + "/"
        if not any(p.startswith(prefix + "good-article") for _, p in docs):
            res["lost"] += 1
            print(f"LOST  the good article next to {name}")
        if not any(p.startswith(prefix) and "good-article" not in p for p in [p for _, p in docs] + skipped):
            res["unaccounted"] += 1
            print(f"UNACCOUNTED {name}: neither stored nor skipped")
    res["duplicated"] += before["duplicate_ids"]
    again = rasid("run", str(root), "--db", str(db), "-q", timeout=timeout)
    after = counts(db)
    for table in ("documents", "skips", "stories"):
        if after[table] != before[table]:
            res["duplicated"] += 1
            print(f"RE-RUN added rows to {table}: {before[table]} -> {after[table]}")
    if again.returncode:
        res["crashes"] += 1
    return res


def kill_campaign(work: Path, timeout: int) -> dict[str, int]:
    """Kill a run at each point, resume, and compare the export with an uninterrupted run's."""
    res = {"kills tried": 0, "kills reached": 0, "resumed identically": 0, "dangling story refs after resume": 0}
    ref_db = work / "ref.db"
    rasid("run", str(DEMO), "--db", str(ref_db), "-q", timeout=timeout)
    ref = export(ref_db, work / "ref.json", timeout)
    for point in KILL_POINTS:
        res["kills tried"] += 1
        db = work / f"kill-{point.replace(':', '-')}.db"
        proc = rasid("run", str(DEMO), "--db", str(db), "-q", timeout=timeout, env={"RASID_FAULT": point})
        reached = proc.returncode == -signal.SIGKILL
        res["kills reached"] += reached
        rasid("run", str(DEMO), "--db", str(db), "-q", timeout=timeout)
        # right after a kill, documents may name stories still pending analysis; after the resume, none may
        res["dangling story refs after resume"] += counts(db)["dangling_story_refs"]
        got = export(db, work / f"kill-{point.replace(':', '-')}.json", timeout)
        same = got == ref
        res["resumed identically"] += same
        print(f"kill at {point:18s} reached={reached!s:5s} resumed identically={same}")
    # Ctrl-C in the middle of a run: a clear message, a clean exit code, and a resume that completes it
    db = work / "sigint.db"
    p = subprocess.Popen([sys.executable, "-m", "rasid", "run", str(DEMO), "--db", str(db)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(4)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=timeout)
    res["kills tried"] += 1
    told = "resume" in out.lower() or p.returncode == 0
    rasid("run", str(DEMO), "--db", str(db), "-q", timeout=timeout)
    same = export(db, work / "sigint.json", timeout) == ref
    res["kills reached"] += 1
    res["resumed identically"] += same
    print(f"Ctrl-C: exit {p.returncode}, said how to resume={told}, resumed identically={same}")
    res["ctrl-c silent"] = int(not told)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=int, default=180, help="seconds before a run counts as hung")
    ap.add_argument("--keep", type=Path, help="keep the work folder here")
    ap.add_argument("--only", choices=["inputs", "kills"], help="run one half of the campaign")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rasid-faults-"))
    try:
        table: dict[str, int] = {}
        if args.only in (None, "inputs"):
            table |= input_campaign(work, args.timeout)
        if args.only in (None, "kills"):
            table |= kill_campaign(work, args.timeout)
        print("\n| measure | count |\n|---|---|")
        for k, v in table.items():
            print(f"| {k} | {v} |")
        bad = sum(table.get(k, 0) for k in ("crashes", "hangs", "lost", "duplicated", "unaccounted",
                                              "dangling story refs after resume", "ctrl-c silent"))
        bad += table.get("kills tried", 0) - table.get("resumed identically", 0)
        return 1 if bad else 0
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
