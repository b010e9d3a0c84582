"""REST API (FastAPI) and the Arabic web UI over a rasid store.

Responses reuse the JSON shapes of ``rasid.serve.export.build_export`` so the API and
the export describe facts the same way; every fact carries ``doc`` + ``start``/``end``
offsets into the document text. ``create_app`` builds one app per store (no
module-level state); ``serve`` runs it with uvicorn on localhost.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import func, select
from starlette.exceptions import HTTPException as StarletteHTTPException

from rasid.models import Claim, Conflict, Document, Entity, Event, Mention, TimeExpression
from rasid.serve.search import MAX_QUERY_CHARS, QueryError, SearchIndex, SearchQuery, search
from rasid.store import DocumentRow, MentionRow, Store, to_jsonable
from rasid.text.normalize import normalize
from rasid.text.spans import sentences

WEB_DIR = Path(__file__).resolve().parent / "web"
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
MAX_ID_CHARS = 300

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size (1–{MAX_LIMIT})")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]


_BRIEF_COLUMNS = ("id", "title", "outlet", "url", "published", "date_source", "inferred_from", "inferred_to",
                  "language", "duplicate_of", "duplicate_score", "story_id")


# ---- JSON shapes (same keys as rasid.serve.export) ----------------------------------------------------
def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


def doc_brief(d: Document) -> dict:
    return {"id": d.id, "title": d.title, "outlet": d.outlet, "url": d.url, "published": _iso(d.published),
            "date_source": d.date_source,
            "published_inferred": [_iso(d.inferred_from), _iso(d.inferred_to)] if d.inferred_from else None,
            "language": d.language, "duplicate_of": d.duplicate_of, "duplicate_score": d.duplicate_score,
            "story": d.story_id}


def doc_full(d: Document) -> dict:
    return {**doc_brief(d), "text": d.text, "source_path": d.source_path, "removed_lines": len(d.removed_lines)}


def mention_json(m: Mention) -> dict:
    return {"doc": m.doc_id, "start": m.start, "end": m.end, "text": m.text, "type": m.type, "entity": m.entity_id,
            "confidence": m.confidence}


def entity_json(e: Entity, mentions: int | None = None) -> dict:
    out = {"id": e.id, "type": e.type, "name": e.name, "aliases": e.aliases, "confidence": e.confidence,
           "lat": e.lat, "lon": e.lon, "country": e.country, "geonames_id": e.geonames_id}
    if mentions is not None:
        out["mention_count"] = mentions
    return out


def event_json(e: Event, text: str, story: str | None) -> dict:
    return {"id": e.id, "type": e.type, "mode": e.mode, "cameo": e.cameo, "actors": e.actors, "targets": e.targets,
            "place": e.place, "date": e.date, "background": e.background, "doc": e.doc_id, "story": story,
            "trigger": e.trigger, "confidence": e.confidence,
            "sentence": {"start": e.sent_start, "end": e.sent_end, "text": text[e.sent_start:e.sent_end]}}


def claim_json(c: Claim) -> dict:
    return {"id": c.id, "story": c.story_id, "doc": c.doc_id, "outlet": c.outlet, "speaker": c.speaker,
            "speaker_text": c.speaker_text, "text": c.text, "start": c.start, "end": c.end, "slot": c.slot,
            "value": c.value, "group": c.group}


def conflict_json(c: Conflict) -> dict:
    return {"id": c.id, "story": c.story_id, "slot": c.slot, "values": c.values, "outlets": c.outlets}


def timex_json(t: TimeExpression) -> dict:
    return {"doc": t.doc_id, "start": t.start, "end": t.end, "text": t.text, "value": t.value,
            "granularity": t.granularity, "relation": t.relation}


def page(items: list, total: int, limit: int, offset: int) -> dict:
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def _not_found(kind: str, ident: str) -> HTTPException:
    return HTTPException(404, f"unknown {kind} id: {ident[:MAX_ID_CHARS]!r}")


def _check_id(ident: str) -> None:
    if len(ident) > MAX_ID_CHARS:
        raise HTTPException(400, f"id too long: {len(ident)} characters (max {MAX_ID_CHARS})")


# ---- queries that the generic Store readers do not cover ---------------------------------------
def mention_counts(store: Store, entity_ids: list[str] | None = None) -> dict[str, int]:
    with store.session() as s:
        q = select(MentionRow.entity_id, func.count()).where(MentionRow.entity_id.is_not(None))
        if entity_ids is not None:
            q = q.where(MentionRow.entity_id.in_(entity_ids))
        return dict(s.execute(q.group_by(MentionRow.entity_id)).all())


def story_ids_of_docs(store: Store, doc_ids: list[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    with store.session() as s:
        for i in range(0, len(doc_ids), 500):
            q = select(DocumentRow.id, DocumentRow.story_id).where(DocumentRow.id.in_(doc_ids[i:i + 500]))
            out.update(dict(s.execute(q).all()))
    return out


def enclosing_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) of ``text`` that cover ``[start, end)`` — what the UI highlights around a fact."""
    s0, e0 = start, end
    for sp in sentences(text):
        if sp.end <= start or sp.start >= end:
            continue
        s0, e0 = min(s0, sp.start), max(e0, sp.end)
    return s0, e0


# ---- the app ------------------------------------------------------------------------------------
def create_app(db: str | Path | Store) -> FastAPI:
    """One FastAPI app bound to one store; the store lives on ``app.state`` (no module globals)."""
    store = db if isinstance(db, Store) else Store(db)
    app = FastAPI(title="rasid — راصد", version="1", docs_url=None, redoc_url=None,
                  description="Structured, sourced knowledge from Arabic news. Every fact carries its document id "
                              "and character offsets into the document text.")
    app.state.store = store
    search_index = SearchIndex.load(store)  # builds/catches up the full-text index once, at start-up
    app.state.search_index = search_index
    app.add_middleware(GZipMiddleware, minimum_size=2048)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else "no such endpoint"
        return JSONResponse({"status": exc.status_code, "detail": detail}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _bad_params(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"param": ".".join(str(x) for x in e.get("loc", [])[1:]) or str(e.get("loc")),
                   "message": e.get("msg", "")} for e in exc.errors()]
        msg = "; ".join(f"{e['param']}: {e['message']}" for e in errors)
        return JSONResponse({"status": 422, "detail": f"invalid parameters — {msg}", "errors": errors},
                            status_code=422)

    # -- documents --
    @app.get("/api/documents", tags=["documents"])
    def list_documents(limit: Limit = 20, offset: Offset = 0, outlet: str | None = None,
                       story: str | None = None) -> dict:
        """Documents, newest first, optionally of one outlet or story (text omitted; see /api/documents/{id})."""
        conds = []
        if outlet is not None:
            conds.append(DocumentRow.outlet == outlet)
        if story is not None:
            conds.append(DocumentRow.story_id == story)
        cols = [getattr(DocumentRow, c) for c in _BRIEF_COLUMNS]
        with store.session() as s:  # light columns only: listing must not load every text
            total = int(s.scalar(select(func.count()).select_from(DocumentRow).where(*conds)) or 0)
            q = (select(*cols).where(*conds).order_by(DocumentRow.published.desc().nulls_last(), DocumentRow.id.desc())
                 .limit(limit).offset(offset))
            rows = s.execute(q).all()
        docs = [Document(text="", raw_text="", source_path="", fmt="", **dict(zip(_BRIEF_COLUMNS, r, strict=True)))
                for r in rows]
        return page([doc_brief(d) for d in docs], total, limit, offset)

    @app.get("/api/documents/{doc_id:path}", tags=["documents"])
    def get_document(doc_id: str, start: Annotated[int | None, Query(ge=0)] = None,
                     end: Annotated[int | None, Query(ge=0)] = None) -> dict:
        """One document with its text and every fact extracted from it.

        With ``start``/``end`` (character offsets into ``text``) the answer also says which span and
        which enclosing sentence to highlight.
        """
        _check_id(doc_id)
        d = store.document(doc_id)
        if d is None:
            raise _not_found("document", doc_id)
        out = doc_full(d)
        if (start is None) != (end is None):
            raise HTTPException(400, "give both start and end, or neither")
        if start is not None and end is not None:
            if not start < end <= len(d.text):
                raise HTTPException(400, f"span [{start}, {end}) is outside the text (length {len(d.text)})")
            s0, e0 = enclosing_sentence(d.text, start, end)
            out["highlight"] = {"span": {"start": start, "end": end, "text": d.text[start:end]},
                                "sentence": {"start": s0, "end": e0, "text": d.text[s0:e0]}}
        mentions = store.mentions([d.id])
        ents = {e.id: e for e in store.entities({m.entity_id for m in mentions if m.entity_id})}
        out["mentions"] = [mention_json(m) | {"entity_name": ents[m.entity_id].name if m.entity_id in ents else None}
                           for m in mentions]
        out["timexes"] = [timex_json(t) for t in store.timexes([d.id])]
        out["events"] = [event_json(e, d.text, d.story_id) for e in store.events([d.id])]
        out["claims"] = [claim_json(c) for c in store.claims(doc_ids=[d.id])]
        return out

    # -- stories --
    @app.get("/api/stories", tags=["stories"])
    def list_stories(limit: Limit = 20, offset: Offset = 0) -> dict:
        """Stories, newest first, with size, outlets and date range."""
        rows = store.story_rows()
        return page(rows[offset:offset + limit], len(rows), limit, offset)

    @app.get("/api/stories/{story_id:path}", tags=["stories"])
    def get_story(story_id: str) -> dict:
        """A story with its summary, timeline, documents, entities, places, events, claims and conflicts."""
        _check_id(story_id)
        found = store.stories([story_id])
        if not found:
            raise _not_found("story", story_id)
        st = found[0]
        docs = store.documents(st.doc_ids)
        texts = {d.id: d.text for d in docs}
        originals = [d.id for d in docs if d.duplicate_of is None]
        mentions = store.mentions(st.doc_ids)
        counts = Counter(m.entity_id for m in mentions if m.entity_id)
        first_mention: dict[str, Mention] = {}
        for m in mentions:
            if m.entity_id:
                first_mention.setdefault(m.entity_id, m)
        ents = sorted(store.entities(list(counts)), key=lambda e: (-counts[e.id], e.name))
        entities = [entity_json(e, counts[e.id]) | {"first_mention": mention_json(first_mention[e.id])}
                    for e in ents]
        places = [e for e in entities if e["type"] == "LOC" and e["lat"] is not None and e["lon"] is not None]
        claims = {c.id: c for c in store.claims(story_id=st.id) + store.claims(doc_ids=st.doc_ids)}
        outlet_of = {d.id: d.outlet for d in docs}
        return {
            "story": {"id": st.id, "title": st.title, "documents": st.doc_ids,
                      "outlets": sorted({d.outlet for d in docs if d.outlet}),
                      "first_date": _iso(st.first_date), "last_date": _iso(st.last_date),
                      "size": len(st.doc_ids), "summary": to_jsonable(st.summary),
                      "timeline": to_jsonable(st.timeline)},
            "documents": [doc_brief(d) for d in sorted(docs, key=lambda d: (d.published or datetime.min, d.id))],
            "entities": entities,
            "places": places,
            "events": [event_json(e, texts.get(e.doc_id, ""), st.id) for e in store.events(originals)],
            "claims": [claim_json(c) | {"outlet": c.outlet or outlet_of.get(c.doc_id)}
                       for c in sorted(claims.values(), key=lambda c: (c.doc_id, c.start))],
            "conflicts": [conflict_json(c) for c in store.conflicts(st.id)],
        }

    # -- entities --
    @app.get("/api/entities", tags=["entities"])
    def list_entities(limit: Limit = 50, offset: Offset = 0,
                      type: Annotated[str | None, Query(pattern="^(PER|ORG|LOC|MISC)$")] = None,
                      q: Annotated[str | None, Query(max_length=100)] = None) -> dict:
        """Entities, most mentioned first; ``q`` matches names and aliases after normalisation."""
        counts = mention_counts(store)
        ents = store.entities(type=type)
        if q:
            key = normalize(q.strip())
            ents = [e for e in ents if any(key in normalize(n) for n in [e.name, *e.aliases])]
        ents.sort(key=lambda e: (-counts.get(e.id, 0), e.name))
        items = [entity_json(e, counts.get(e.id, 0)) for e in ents[offset:offset + limit]]
        return page(items, len(ents), limit, offset)

    @app.get("/api/entities/{entity_id:path}", tags=["entities"])
    def get_entity(entity_id: str) -> dict:
        """An entity, its mentions, and the stories it appears in over time."""
        _check_id(entity_id)
        found = store.entities([entity_id])
        if not found:
            raise _not_found("entity", entity_id)
        e = found[0]
        mentions = store.mentions(entity_id=e.id)
        docs = {d.id: d for d in store.documents({m.doc_id for m in mentions})}
        story_rows = {r["id"]: r for r in store.story_rows()}
        per_story: dict[str | None, list[Mention]] = defaultdict(list)
        per_day: Counter[str] = Counter()
        for m in mentions:
            d = docs.get(m.doc_id)
            per_story[d.story_id if d else None].append(m)
            if d and d.published:
                per_day[d.published.date().isoformat()] += 1
        stories = []
        for sid, ms in per_story.items():
            row = story_rows.get(sid or "", {})
            dates = sorted(docs[m.doc_id].published for m in ms if docs.get(m.doc_id) and docs[m.doc_id].published)
            stories.append({"id": sid, "title": row.get("title"), "mention_count": len(ms),
                            "documents": sorted({m.doc_id for m in ms}),
                            "first_date": _iso(dates[0]) if dates else row.get("first_date"),
                            "last_date": _iso(dates[-1]) if dates else row.get("last_date")})
        stories.sort(key=lambda s: (s["first_date"] or "", s["id"] or ""))
        return {"entity": entity_json(e, len(mentions)),
                "mentions": [mention_json(m) | {"title": docs[m.doc_id].title if m.doc_id in docs else None,
                                                "outlet": docs[m.doc_id].outlet if m.doc_id in docs else None}
                             for m in mentions],
                "stories": stories,
                "by_date": [{"date": k, "mentions": v} for k, v in sorted(per_day.items())]}

    # -- events, claims, conflicts --
    @app.get("/api/events", tags=["facts"])
    def list_events(limit: Limit = 50, offset: Offset = 0, story: str | None = None, doc: str | None = None,
                    type: Annotated[str | None, Query(max_length=32)] = None) -> dict:
        """Events (who did what to whom, where, when) with their source sentence."""
        doc_ids = _scope(store, story, doc)
        evs = [e for e in store.events(doc_ids) if type is None or e.type == type]
        chunk = evs[offset:offset + limit]
        texts = {d.id: d.text for d in store.documents({e.doc_id for e in chunk})}
        stories = story_ids_of_docs(store, list(texts))
        return page([event_json(e, texts.get(e.doc_id, ""), stories.get(e.doc_id)) for e in chunk],
                    len(evs), limit, offset)

    @app.get("/api/claims", tags=["facts"])
    def list_claims(limit: Limit = 50, offset: Offset = 0, story: str | None = None,
                    doc: str | None = None) -> dict:
        """Attributed statements (who said what, reported by which outlet)."""
        if story is not None:
            _scope(store, story, None)
        if doc is not None:
            _scope(store, None, doc)
        cl = store.claims(story_id=story, doc_ids=[doc] if doc else None)
        return page([claim_json(c) for c in cl[offset:offset + limit]], len(cl), limit, offset)

    @app.get("/api/conflicts", tags=["facts"])
    def list_conflicts(limit: Limit = 50, offset: Offset = 0, story: str | None = None) -> dict:
        """Slots on which outlets of one story disagree, with the claim ids behind each value."""
        if story is not None:
            _scope(store, story, None)
        cf = store.conflicts(story)
        return page([conflict_json(c) for c in cf[offset:offset + limit]], len(cf), limit, offset)

    # -- search and facets --
    @app.get("/api/search", tags=["search"])
    def search_documents(
        q: Annotated[str, Query(description=f"Arabic words or \"phrases\" (max {MAX_QUERY_CHARS} chars)")] = "",
        outlet: Annotated[list[str] | None, Query(description="repeatable")] = None,
        date_from: date | None = None, date_to: date | None = None,
        entity: Annotated[str | None, Query(description="entity id")] = None,
        place: Annotated[str | None, Query(description="entity id of a place (LOC)")] = None,
        limit: Limit = 20, offset: Offset = 0,
    ) -> dict:
        """Full-text search over normalised text (diacritics, hamza seats, ta marbuta ignored), with filters."""
        if len(q) > MAX_QUERY_CHARS:
            raise HTTPException(413, f"query too long: {len(q)} characters (max {MAX_QUERY_CHARS})")
        if date_from and date_to and date_from > date_to:
            raise HTTPException(400, "date_from is after date_to")
        for kind, ident in (("entity", entity), ("place", place)):
            if ident is not None:
                _check_id(ident)
                found = store.entities([ident])
                if not found:
                    raise _not_found(kind, ident)
                if kind == "place" and found[0].type != "LOC":
                    raise HTTPException(400, f"entity {ident!r} is a {found[0].type}, not a place (LOC)")
        try:
            res = search(store, SearchQuery(q=q, outlets=outlet or [], date_from=date_from, date_to=date_to,
                                            entity=entity, place=place, limit=limit, offset=offset), search_index)
        except QueryError as exc:
            raise HTTPException(400, str(exc)) from exc
        return {"total": res.total, "limit": limit, "offset": offset, "terms": res.terms,
                "items": [{"doc": h.doc_id, "title": h.title, "outlet": h.outlet, "published": _iso(h.published),
                           "story": h.story_id, "score": h.score,
                           "matches": [vars(m) for m in h.matches], "snippet": vars(h.snippet)}
                          for h in res.hits]}

    @app.get("/api/outlets", tags=["search"])
    def list_outlets() -> list[dict]:
        """Outlets with their document counts (for search filters)."""
        with store.session() as s:
            q = select(DocumentRow.outlet, func.count()).group_by(DocumentRow.outlet).order_by(DocumentRow.outlet)
            return [{"outlet": o, "documents": n} for o, n in s.execute(q).all() if o]

    @app.get("/api/stats", tags=["search"])
    def stats() -> dict:
        """How much is in the store."""
        return {k: store.count(k) for k in
                ("documents", "stories", "entities", "mentions", "events", "claims", "conflicts", "skips")}

    # -- UI --
    @app.get("/", include_in_schema=False)
    def ui_index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> FileResponse:
        """Offline API reference rendered from /openapi.json (Swagger UI would need a CDN)."""
        return FileResponse(WEB_DIR / "apidocs.html")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app


def _scope(store: Store, story: str | None, doc: str | None) -> list[str] | None:
    """Doc ids a story/doc filter stands for; 404 when the story or document does not exist."""
    if story is None and doc is None:
        return None
    ids: set[str] | None = None
    if story is not None:
        _check_id(story)
        members = store.story_doc_ids().get(story)
        if members is None and not store.stories([story]):
            raise _not_found("story", story)
        ids = set(members or [])
    if doc is not None:
        _check_id(doc)
        if store.document(doc) is None:
            raise _not_found("document", doc)
        ids = {doc} if ids is None else ids & {doc}
    return sorted(ids or [])


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the API and UI with uvicorn (blocking)."""
    import uvicorn

    uvicorn.run(create_app(db), host=host, port=port, log_level="info")
