"""kill -9 in the middle of ``rasid run``, run again: the database equals one clean run (nothing lost or doubled)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rasid.serve.export import build_export
from rasid.store import Store

PEOPLE = ["أحمد الشرع", "فلاديمير بوتين", "دميتري بيسكوف", "سيرغي لافروف", "أسعد الشيباني", "هاكان فيدان"]
PLACES = ["دمشق", "موسكو", "حلب", "طرطوس", "اللاذقية", "القامشلي", "حمص", "دير الزور", "أنقرة", "عمّان"]
TOPICS = ["التعاون الاقتصادي", "إعادة الإعمار", "ملف اللاجئين", "أمن الحدود", "إمدادات القمح", "قطاع الطاقة"]
VERBS = ["بحث", "ناقش", "استعرض", "تناول"]
OUTLETS = {"sana": "تابعوا آخر الأخبار عبر قناتنا على تلغرام", "rt_arabic": "اقرأ أيضا: أخبار روسيا اليوم",
           "enab_baladi": "جميع الحقوق محفوظة لعنب بلدي"}


def write_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """``n`` distinct short Arabic news articles over three outlets, with outlet boilerplate and a few reposts."""
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        outlet = list(OUTLETS)[i % 3]
        who, other = rng.sample(PEOPLE, 2)
        place, topic, verb = rng.choice(PLACES), rng.choice(TOPICS), rng.choice(VERBS)
        day = 1 + i % 28
        body = [
            f"{verb} {who} مع {other} في {place} يوم {day} كانون الثاني {topic} والعلاقات الثنائية بين البلدين.",
            f"وقال مصدر مطلع إن الجانبين اتفقا على تشكيل لجنة مشتركة تضم {3 + i % 9} أعضاء لمتابعة {topic}.",
            f"وأشار البيان الصادر في {place} إلى أن الاجتماع رقم {1000 + i} عقد في أجواء إيجابية وبنّاءة.",
            OUTLETS[outlet],
        ]
        if i % 25 == 24:  # a repost of an earlier article from another outlet: a duplicate, not a new story
            prev = paths[i - 11].read_text(encoding="utf-8").splitlines()[3:6]
            body = [*prev, OUTLETS[outlet]]
        p = folder / outlet / f"{outlet}-{i:04d}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"title: {who} و{other} يبحثان {topic} ({i})\ndate: 2026-01-{day:02d}\n"
                     + "\n".join(body) + "\n", encoding="utf-8")
        paths.append(p)
    return paths


def _rasid(args: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rasid.serve.cli", "run", *args, "-q"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, **kw)


def _stored(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("select count(*) from documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _snapshot(db: Path) -> dict:
    data = build_export(Store(db))
    data.pop("skipped")
    return data


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 240) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()`` holds; False if it finished first."""
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            return False
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("run neither finished nor reached the kill point")


@pytest.mark.parametrize("extra", [["--no-extract"], []],
                         ids=["ingest", "full"])
def test_kill_mid_run_then_resume_equals_clean_run(tmp_path: Path, extra: list[str]) -> None:
    n = 300 if extra else 160
    corpus = tmp_path / "corpus"
    write_corpus(corpus, n)
    clean_db, killed_db = tmp_path / "clean.db", tmp_path / "killed.db"
    args = [str(corpus), "--batch-size", "20", *extra]

    p = _rasid([*args, "--db", str(clean_db)])
    assert p.wait(timeout=600) == 0, p.stderr.read().decode()
    assert _stored(clean_db) == n

    if extra:
        ready = lambda: 40 <= _stored(killed_db) <= n - 60  # noqa: E731 - mid-ingest
    else:
        def ready() -> bool:  # mid-extraction: everything stored, some documents extracted, not all
            try:
                con = sqlite3.connect(f"file:{killed_db}?mode=ro", uri=True, timeout=1)
                done = con.execute("select count(*) from documents where stage >= 1").fetchone()[0]
                con.close()
                return 20 <= done
            except sqlite3.Error:
                return False
    proc = _rasid([*args, "--db", str(killed_db)])
    killed = _kill_when(proc, ready)
    assert killed, "the run finished before it could be killed; the test proves nothing"
    assert _stored(killed_db) < n or not extra

    again = _rasid([*args, "--db", str(killed_db)])
    assert again.wait(timeout=600) == 0, again.stderr.read().decode()
    a, b = _snapshot(clean_db), _snapshot(killed_db)
    ids = [d["id"] for d in b["documents"]]
    assert len(ids) == len(set(ids)) == n
    assert sum(1 for d in b["documents"] if d["duplicate_of"]) >= n // 25 - 1
    assert a == b
