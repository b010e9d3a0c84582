"""Exports of the store: one JSON object, or one CSV/Parquet file per table.

The JSON schema is documented in the README and kept stable; CSV and Parquet
carry the same tables flattened (lists as JSON strings, mentions in their own table).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from rasid.store import Store, to_jsonable

SCHEMA_VERSION = 1


def _iso(d: object) -> str | None:
    return d.isoformat() if d is not None else None  # type: ignore[attr-defined]


def build_export(store: Store) -> dict:
    """All tables as plain JSON-ready dicts."""
    docs = store.documents()
    doc_text = {d.id: d.text for d in docs}
    documents = [{
        "id": d.id, "title": d.title, "outlet": d.outlet, "url": d.url, "published": _iso(d.published),
        "date_source": d.date_source, "published_inferred": (
            [_iso(d.inferred_from), _iso(d.inferred_to)] if d.inferred_from else None),
        "language": d.language, "text": d.text, "duplicate_of": d.duplicate_of,
        "duplicate_score": d.duplicate_score, "story": d.story_id, "source_path": d.source_path,
        "removed_lines": len(d.removed_lines),
    } for d in docs]
    stories = [{
        "id": s.id, "title": s.title, "documents": s.doc_ids,
        "outlets": sorted({d["outlet"] for d in documents if d["story"] == s.id and d["outlet"]}),
        "first_date": _iso(s.first_date), "last_date": _iso(s.last_date),
        "summary": to_jsonable(s.summary), "timeline": to_jsonable(s.timeline),
    } for s in store.stories()]
    mentions_by_entity: dict[str, list[dict]] = {}
    for m in store.mentions():
        if m.entity_id:
            mentions_by_entity.setdefault(m.entity_id, []).append(
                {"doc": m.doc_id, "start": m.start, "end": m.end, "text": m.text})
    entities = [{
        "id": e.id, "type": e.type, "name": e.name, "aliases": e.aliases, "titles": e.titles,
        "confidence": e.confidence,
        "lat": e.lat, "lon": e.lon, "country": e.country, "geonames_id": e.geonames_id,
        "mentions": mentions_by_entity.get(e.id, []),
    } for e in store.entities()]
    story_of = {d["id"]: d["story"] for d in documents}
    events = [{
        "id": e.id, "type": e.type, "mode": e.mode, "cameo": e.cameo, "actors": e.actors, "targets": e.targets,
        "place": e.place, "date": e.date, "background": e.background, "doc": e.doc_id,
        "story": story_of.get(e.doc_id), "trigger": e.trigger,
        "sentence": {"start": e.sent_start, "end": e.sent_end,
                     "text": doc_text.get(e.doc_id, "")[e.sent_start:e.sent_end]},
    } for e in store.events()]
    claims = [{
        "id": c.id, "story": c.story_id, "doc": c.doc_id, "outlet": c.outlet, "speaker": c.speaker,
        "speaker_text": c.speaker_text, "text": c.text, "start": c.start, "end": c.end, "slot": c.slot,
        "value": c.value, "group": c.group,
    } for c in store.claims()]
    conflicts = [{"id": c.id, "story": c.story_id, "slot": c.slot, "values": c.values, "outlets": c.outlets}
                 for c in store.conflicts()]
    skipped = [{"source": k.source_path, "doc": k.doc_id, "reason": k.reason} for k in store.skips()]
    return {"schema_version": SCHEMA_VERSION, "documents": documents, "stories": stories, "entities": entities,
            "events": events, "claims": claims, "conflicts": conflicts, "skipped": skipped}


def _tables(data: dict) -> dict[str, list[dict]]:
    """Flatten for tabular formats: mentions get their own table, nested values become JSON strings."""
    tables: dict[str, list[dict]] = {}
    mentions = [{"entity": e["id"], **m} for e in data["entities"] for m in e["mentions"]]
    for name in ("documents", "stories", "entities", "events", "claims", "conflicts", "skipped"):
        rows = []
        for row in data[name]:
            flat = {}
            for k, v in row.items():
                if name == "entities" and k == "mentions":
                    continue
                if name == "events" and k == "sentence":
                    flat.update({"sentence_start": v["start"], "sentence_end": v["end"], "sentence": v["text"]})
                    continue
                flat[k] = json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
            rows.append(flat)
        tables[name] = rows
    tables["mentions"] = mentions
    return tables


_COLUMNS = {
    "documents": ["id", "title", "outlet", "url", "published", "date_source", "published_inferred", "language",
                  "text", "duplicate_of", "duplicate_score", "story", "source_path", "removed_lines"],
    "stories": ["id", "title", "documents", "outlets", "first_date", "last_date", "summary", "timeline"],
    "entities": ["id", "type", "name", "aliases", "titles", "confidence", "lat", "lon", "country", "geonames_id"],
    "mentions": ["entity", "doc", "start", "end", "text"],
    "events": ["id", "type", "mode", "cameo", "actors", "targets", "place", "date", "background", "doc", "story",
               "trigger", "sentence_start", "sentence_end", "sentence"],
    "claims": ["id", "story", "doc", "outlet", "speaker", "speaker_text", "text", "start", "end", "slot", "value",
               "group"],
    "conflicts": ["id", "story", "slot", "values", "outlets"],
    "skipped": ["source", "doc", "reason"],
}


def export(store: Store, fmt: str, out: Path) -> list[Path]:
    """Write the export; returns the files written. JSON → one file; CSV/Parquet → a folder of tables."""
    data = build_export(store)
    if fmt == "json":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in _tables(data).items():
        cols = _COLUMNS[name]
        if fmt == "csv":
            path = out / f"{name}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=cols)
                w.writeheader()
                w.writerows({c: r.get(c) for c in cols} for r in rows)
        elif fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            path = out / f"{name}.parquet"
            columns = {c: [r.get(c) for r in rows] for c in cols}
            arrays = {c: pa.array(vals) if any(v is not None for v in vals) else pa.array(vals, type=pa.string())
                      for c, vals in columns.items()}
            pq.write_table(pa.table(arrays), path)
        else:
            raise ValueError(f"unknown format {fmt!r} (json, csv, parquet)")
        written.append(path)
    return written
