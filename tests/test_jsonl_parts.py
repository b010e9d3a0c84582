"""A large JSONL dump is read in parts by several workers: the parts must give exactly what one reader gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasid.ingest.readers import JsonlPart, jsonl_parts, read_inputs
from rasid.models import RawArticle, Skip
from rasid.run.stages import file_chunks

LEADS = ["أعلنت وزارة الصحة السورية اليوم ارتفاع عدد الإصابات في دمشق.",
         "قال المتحدث باسم الكرملين ديمتري بيسكوف إن موسكو ترحب بالمحادثات.",
         "شهدت مدينة الإسكندرية أمطارا غزيرة أدت إلى إغلاق عدد من الطرق."]


def _dump(path: Path, n: int, final_newline: bool = True) -> None:
    lines = [json.dumps({"title": f"خبر رقم {i}", "text": LEADS[i % 3] + f" التفاصيل رقم {i}."}, ensure_ascii=False)
             for i in range(n)]
    lines[5] = '{"title": "سطر مكسور'  # a broken line: skipped with its line number
    lines[9] = "   "  # a blank line: not an article, but it counts as a line
    path.write_text("\n".join(lines) + ("\n" if final_newline else ""), encoding="utf-8")


@pytest.mark.parametrize("max_bytes", [50, 400, 1500])
@pytest.mark.parametrize("final_newline", [True, False])
def test_parts_read_exactly_what_the_whole_file_gives(tmp_path: Path, max_bytes: int, final_newline: bool) -> None:
    path = tmp_path / "dump.jsonl"
    _dump(path, 40, final_newline)
    parts = jsonl_parts(path, max_bytes)
    assert parts is not None and len(parts) > 1
    assert parts[0].start == 0 and parts[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in zip(parts, parts[1:], strict=False))
    whole = list(read_inputs([str(path)]))
    by_parts = [x for p in parts for x in read_inputs([p])]
    assert by_parts == whole  # same articles, ids (from line numbers), order and skips
    broken = [x for x in whole if isinstance(x, Skip)]
    assert len(broken) == 1 and broken[0].source_path.endswith("dump.jsonl:6")
    assert sum(isinstance(x, RawArticle) for x in whole) == 38


def test_small_files_and_other_suffixes_are_not_cut(tmp_path: Path) -> None:
    small = tmp_path / "small.jsonl"
    _dump(small, 12)
    assert jsonl_parts(small, 10_000) is None
    other = tmp_path / "dump.json"  # a .json file may be one pretty-printed object: never cut
    _dump(other, 40)
    assert jsonl_parts(other, 50) is None


def test_file_chunks_give_each_part_of_a_big_dump_its_own_task(tmp_path: Path) -> None:
    big = tmp_path / "a_big.jsonl"
    _dump(big, 40)
    (tmp_path / "b.txt").write_text(LEADS[0], encoding="utf-8")
    chunks = file_chunks([tmp_path], max_bytes=1500)
    parts = [c[0] for c in chunks if isinstance(c[0], JsonlPart)]
    assert len(parts) >= 2 and all(len(c) == 1 for c in chunks if isinstance(c[0], JsonlPart))
    assert chunks[-1] == [str(tmp_path / "b.txt")]  # the order of read_inputs is kept
