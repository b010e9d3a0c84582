"""Exports of the store: one JSON object, or one CSV/Parquet file per table.

The JSON schema is documented in the README and kept stable; CSV and Parquet
carry the same tables flattened (lists as JSON strings, mentions in their own table). CSV text
cells that a spreadsheet would run as a formula are prefixed with ``'`` (see ``csv_cell``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rasid.models import Claim, Conflict, Document, Entity, Event, Mention, Skip, Story, Storyline
from rasid.serve.serialize import CLAIM, CONFLICT, DOCUMENT, ENTITY, EVENT, MENTION, SKIP, STORY, STORYLINE
from rasid.store import Store

# 2: storylines table, stories carry their storyline; 3: date_end, granularity;
# 4: events carry status, actor_text / target_text and actor_spans / target_spans; 5: mentions carry the
# tagger's confidence
SCHEMA_VERSION = 5
TABLES = ("documents", "stories", "storylines", "entities", "events", "claims", "conflicts", "skipped", "mentions")


@dataclass
class _Snapshot:
    """Everything an export shows, read from the store once, with the joins the serializers need."""

    documents: list[Document]
    stories: list[Story]
    entities: list[Entity]
    mentions: list[Mention]
    events: list[Event]
    claims: list[Claim]
    conflicts: list[Conflict]
    skips: list[Skip]
    storylines: list[Storyline]

    @classmethod
    def read(cls, store: Store) -> _Snapshot:
        return cls(store.documents(), store.stories(), store.entities(), store.mentions(), store.events(),
                   store.claims(), store.conflicts(), store.skips(), store.storylines())

    @classmethod
    def scoped(cls, store: Store, story_ids: list[str], line_ids: list[str]) -> _Snapshot:
        """The part of the store these stories and storylines stand for: their articles, the entities those
        mention (with only these mentions), their events, claims, conflicts; no skips."""
        stories = store.stories(story_ids)
        doc_ids = sorted({d for st in stories for d in st.doc_ids})
        mentions = store.mentions(doc_ids)
        return cls(store.documents(doc_ids), stories,
                   store.entities({m.entity_id for m in mentions if m.entity_id}), mentions, store.events(doc_ids),
                   store.claims(doc_ids=doc_ids), [c for sid in story_ids for c in store.conflicts(sid)], [],
                   store.storylines(line_ids))

    def rows(self, output: str) -> dict[str, list[dict]]:
        """Every table as ``output`` (``export`` or ``csv``) shows its rows."""
        text_of = {d.id: d.text for d in self.documents}
        story_of = {d.id: d.story_id for d in self.documents}
        outlets: dict[str, set[str]] = {}
        for d in self.documents:
            if d.story_id and d.outlet:
                outlets.setdefault(d.story_id, set()).add(d.outlet)
        by_entity: dict[str, list[Mention]] = {}
        for m in self.mentions:
            if m.entity_id:
                by_entity.setdefault(m.entity_id, []).append(m)
        line_of = {sid: line.id for line in self.storylines for sid in line.story_ids}
        tables = {
            "documents": [DOCUMENT(d, output) for d in self.documents],
            "stories": [STORY(s, output, outlets=sorted(outlets.get(s.id, ())), storyline=line_of.get(s.id))
                        for s in self.stories],
            "storylines": [STORYLINE(line, output) for line in self.storylines],
            "entities": [ENTITY(e, output, mentions=by_entity.get(e.id, [])) for e in self.entities],
            "events": [EVENT(e, output, text=text_of.get(e.doc_id, ""), story=story_of.get(e.doc_id))
                       for e in self.events],
            "claims": [CLAIM(c, output) for c in self.claims],
            "conflicts": [CONFLICT(c, output) for c in self.conflicts],
            "skipped": [SKIP(k, output) for k in self.skips],
        }
        if output == "csv":  # the export nests mentions in their entity; tables list them on their own
            tables["mentions"] = [MENTION(m, output) for e in self.entities for m in by_entity.get(e.id, [])]
        return tables


def build_export(store: Store) -> dict:
    """All tables as plain JSON-ready dicts (the documented, stable export schema)."""
    return {"schema_version": SCHEMA_VERSION, **_Snapshot.read(store).rows("export")}


def flat_row(row: dict) -> dict:
    """One CSV/Parquet row: nested lists and objects become JSON strings."""
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in row.items()}


def build_tables(store: Store) -> dict[str, list[dict]]:
    """All tables flattened for CSV/Parquet: nested lists and objects become JSON strings."""
    return {name: [flat_row(row) for row in rows] for name, rows in _Snapshot.read(store).rows("csv").items()}


SCOPED_TABLES = tuple(t for t in TABLES if t != "skipped")  # a story's export has no skipped inputs


def build_scoped_export(store: Store, story_ids: list[str], line_ids: Sequence[str] = ()) -> dict:
    """The JSON export (same schema, same serializers) of some stories and storylines only."""
    rows = _Snapshot.scoped(store, list(story_ids), list(line_ids)).rows("export")
    return {"schema_version": SCHEMA_VERSION, **{k: v for k, v in rows.items() if k in SCOPED_TABLES}}


def build_scoped_table(store: Store, table: str, story_ids: list[str], line_ids: Sequence[str] = ()) -> list[dict]:
    """One CSV table (flattened rows) of some stories and storylines only."""
    if table not in SCOPED_TABLES:
        raise ValueError(f"unknown table {table!r} (one of {', '.join(SCOPED_TABLES)})")
    return [flat_row(r) for r in _Snapshot.scoped(store, list(story_ids), list(line_ids)).rows("csv")[table]]


def csv_text(columns: list[str], rows: list[dict]) -> str:
    """Rows as CSV text with a header, every cell through ``csv_cell`` (the spreadsheet-formula guard)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    w.writeheader()
    w.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return buf.getvalue()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first)
    gets a leading ``'``, which spreadsheets show as text; other values are written as they are.
    Only the CSV export does this: JSON and Parquet keep the exact text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


_SERIALIZERS = {"documents": DOCUMENT, "stories": STORY, "storylines": STORYLINE, "entities": ENTITY, "mentions": MENTION,
                "events": EVENT, "claims": CLAIM, "conflicts": CONFLICT, "skipped": SKIP}
_COLUMNS = {name: ser.keys("csv") for name, ser in _SERIALIZERS.items()}


def table_columns(table: str) -> list[str]:
    """The CSV header of one export table."""
    return list(_COLUMNS[table])


POLECAT_COLUMNS = ("event_id", "date", "date_end", "actor", "actor_country", "type", "mode", "status", "target",
                   "target_country", "place", "lat", "lon", "background", "source", "url", "doc", "trigger",
                   "sentence")


def polecat_rows(store: Store) -> list[dict[str, object]]:
    """One row per event in a POLECAT-like layout: names and countries instead of entity ids.

    An actor (target) is the first entity's name, else the first mention as written (a common noun such as
    «السلطات»); several are joined with `` ; ``. The country of a person or organisation is not known, so it is
    the country of a place entity only (empty otherwise).
    """
    docs = {d.id: d for d in store.documents()}
    entities = {e.id: e for e in store.entities()}

    def names(ids: list[str], spans: list[list[int]], text: str) -> tuple[str, str]:
        found = [entities[i] for i in ids if i in entities]
        shown = [e.name for e in found] or [text[a:b] for a, b in spans]
        return " ; ".join(shown), " ; ".join(sorted({e.country for e in found if e.country}))

    rows = []
    for ev in store.events():
        d = docs.get(ev.doc_id)
        text = d.text if d else ""
        actor, actor_cc = names(ev.actors, ev.actor_spans, text)
        target, target_cc = names(ev.targets, ev.target_spans, text)
        place = entities.get(ev.place) if ev.place else None
        rows.append({"event_id": ev.id, "date": ev.date, "date_end": ev.date_end, "actor": actor,
                     "actor_country": actor_cc, "type": ev.type, "mode": ev.mode, "status": ev.status,
                     "target": target, "target_country": target_cc, "place": place.name if place else None,
                     "lat": place.lat if place else None, "lon": place.lon if place else None,
                     "background": ev.background, "source": d.outlet if d else None, "url": d.url if d else None,
                     "doc": ev.doc_id, "trigger": ev.trigger, "sentence": text[ev.sent_start:ev.sent_end]})
    return rows


def export_polecat(store: Store, out: Path) -> Path:
    """The POLECAT-like event table as one CSV file (cells through ``csv_cell``)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=POLECAT_COLUMNS)
        w.writeheader()
        w.writerows({k: csv_cell(v) for k, v in row.items()} for row in polecat_rows(store))
    return out


def export(store: Store, fmt: str, out: Path) -> list[Path]:
    """Write the export; returns the files written. JSON → one file; CSV/Parquet → a folder of tables;
    ``polecat`` → one CSV of events (``export_polecat``)."""
    if fmt == "polecat":
        return [export_polecat(store, out)]
    if fmt == "json":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(build_export(store), ensure_ascii=False, indent=1), encoding="utf-8")
        return [out]
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r} (json, csv, parquet, polecat)")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    tables = build_tables(store)
    for name in TABLES:
        rows = tables[name]
        cols = _COLUMNS[name]
        if fmt == "csv":
            path = out / f"{name}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=cols)
                w.writeheader()
                w.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            path = out / f"{name}.parquet"
            columns = {c: [r[c] for r in rows] for c in cols}
            arrays = {c: pa.array(vals) if any(v is not None for v in vals) else pa.array(vals, type=pa.string())
                      for c, vals in columns.items()}
            pq.write_table(pa.table(arrays), path)
        written.append(path)
    return written
