"""The POLECAT-like events CSV: one row per event, names instead of ids, formula cells escaped."""

from __future__ import annotations

import csv
from datetime import datetime

from rasid.models import Document, Event
from rasid.serve.export import POLECAT_COLUMNS, export
from rasid.store import Store

TEXT = "=واعتقلت السلطات عشرات المحتجين في العاصمة."


def test_polecat_row_names_common_noun_actor_and_escapes_formulas(tmp_path):
    store = Store(tmp_path / "r.db")
    doc = Document(id="d1", text=TEXT, raw_text=TEXT, source_path="t", fmt="txt", outlet="bbc",
                   published=datetime(2026, 1, 28))
    store.add_documents([doc], {})
    a = TEXT.index("السلطات")
    ev = Event(id="d1:ev0", doc_id="d1", type="COERCE", sent_start=0, sent_end=len(TEXT), trigger="واعتقلت",
               mode="arrest", status="occurred", actor_spans=[[a, a + len("السلطات")]], date="2026-01-28")
    store.save_extraction(["d1"], [], [], [], [ev], [])
    out = export(store, "polecat", tmp_path / "events.csv")[0]
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(rows[0]) == POLECAT_COLUMNS
    assert rows[0]["actor"] == "السلطات" and rows[0]["type"] == "COERCE" and rows[0]["source"] == "bbc"
    assert rows[0]["sentence"].startswith("'=")
