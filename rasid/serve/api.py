"""REST API (FastAPI) and the Arabic web UI over a rasid store.

Responses use the serializers of ``rasid.serve.serialize``, shared with the export, so the API and
the export describe facts the same way; every fact carries ``doc`` + ``start``/``end`` offsets
into the document text. Routes are grouped in one ``APIRouter`` per resource and read only through
the ``Store``, which ``create_app`` puts on ``app.state`` (one app per store, no module-level
state); ``serve`` runs it with uvicorn on localhost.

Errors are ``{status, code, detail}``: ``code`` is a stable machine-readable name, ``detail`` an
Arabic sentence for the analyst. Documents show ``source_path`` as the file name only (plus any
``#record`` suffix): the folder layout of the server is nobody's business over HTTP; the JSON/CSV
export keeps the path as it was given to ``rasid run``. ``rasid.serve.security`` wraps the whole
app (headers, Host check, token).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from rasid.config import ListsConfig, OutletsConfig
from rasid.models import Mention
from rasid.run.heap import settle_heap
from rasid.serve.display import claims_for_people, conflicts_for_people, deviating_documents
from rasid.serve.outlets import Registry, outlet_stats, registry_for, story_coverage
from rasid.serve.search import (
    MAX_QUERY_CHARS,
    QueryError,
    SearchIndex,
    SearchQuery,
    name_index,
    search,
    strip_invisible,
)
from rasid.serve.security import Guard, SecurityConfig
from rasid.serve.serialize import (
    CLAIM,
    CONFLICT,
    DOCUMENT,
    ENTITY,
    EVENT,
    HIT,
    MENTION,
    STORY,
    STORYLINE,
    TIMEX,
    jsonable,
)
from rasid.store import STORY_SORTS, Store, StoryFilter
from rasid.text.normalize import normalize
from rasid.text.spans import sentences
from rasid.text.translit import NameIndex

WEB_DIR = Path(__file__).resolve().parent / "web"
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
MAX_ID_CHARS = 300
T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size (1–{MAX_LIMIT})")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]


def _store(request: Request) -> Store:
    """The app's store (set by ``create_app``), injected into every route."""
    return request.app.state.store


def _search_index(request: Request) -> SearchIndex:
    return request.app.state.search_index


def _names(request: Request) -> NameIndex:
    """Entity name words for Latin-script queries, rebuilt only when the store has new entities."""
    state = request.app.state
    state.names = name_index(state.store, getattr(state, "names", None))
    return state.names


def _registry(request: Request) -> Registry:
    """The outlet registry the app was started with (shipped rows plus the user's file)."""
    return request.app.state.registry


StoreDep = Annotated[Store, Depends(_store)]
RegistryDep = Annotated[Registry, Depends(_registry)]


def page(items: list, total: int, limit: int, offset: int) -> dict:
    """One page of a listing, with what the client needs to ask for the next."""
    return {"total": total, "limit": limit, "offset": offset, "items": items}


class ApiError(HTTPException):
    """An HTTP error with a machine-readable ``code`` and an Arabic ``detail``."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(status, detail)
        self.code = code


_KIND_AR = {"document": "لا يوجد مقال", "story": "لا توجد قصة", "storyline": "لا يوجد مسار", "entity": "لا يوجد كيان",
            "place": "لا يوجد مكان", "outlet": "لا يوجد مصدر"}


def _not_found(kind: str, ident: str) -> ApiError:
    return ApiError(404, f"{kind}_not_found", f"{_KIND_AR.get(kind, kind)} بالمعرّف «{ident[:MAX_ID_CHARS]}»")


def _check_id(ident: str) -> None:
    if len(ident) > MAX_ID_CHARS:
        raise ApiError(400, "id_too_long", f"المعرّف طويل جدًا: {len(ident)} حرفًا (الحد {MAX_ID_CHARS})")


def _by_id(lookup: Callable[[list[str]], list[T]], kind: str, ident: str) -> T:
    """The one item ``lookup([ident])`` finds; 400 for an over-long id, 404 when there is none."""
    _check_id(ident)
    found = lookup([ident])
    if not found:
        raise _not_found(kind, ident)
    return found[0]


def enclosing_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) of ``text`` that cover ``[start, end)`` — what the UI highlights around a fact."""
    s0, e0 = start, end
    for sp in sentences(text):
        if sp.end <= start or sp.start >= end:
            continue
        s0, e0 = min(s0, sp.start), max(e0, sp.end)
    return s0, e0


def _scope(store: Store, story: str | None, doc: str | None) -> list[str] | None:
    """Doc ids a story/doc filter stands for; 404 when the story or document does not exist."""
    if story is None and doc is None:
        return None
    ids: set[str] | None = None
    if story is not None:
        _check_id(story)
        members = store.story_doc_ids([story]).get(story)
        if members is None and not store.stories([story]):
            raise _not_found("story", story)
        ids = set(members or [])
    if doc is not None:
        _check_id(doc)
        if store.document(doc) is None:
            raise _not_found("document", doc)
        ids = {doc} if ids is None else ids & {doc}
    return sorted(ids or [])


# ---- documents ----------------------------------------------------------------------------------
documents = APIRouter(tags=["documents"])


@documents.get("/api/documents")
def list_documents(store: StoreDep, limit: Limit = 20, offset: Offset = 0, outlet: str | None = None,
                   story: str | None = None) -> dict:
    """Documents, newest first, optionally of one outlet or story (text omitted; see /api/documents/{id})."""
    total, docs = store.document_page(limit, offset, outlet=outlet, story=story)
    return page([DOCUMENT(d, "api_brief") for d in docs], total, limit, offset)


@documents.get("/api/documents/{doc_id:path}")
def get_document(store: StoreDep, doc_id: str, start: Annotated[int | None, Query(ge=0)] = None,
                 end: Annotated[int | None, Query(ge=0)] = None) -> dict:
    """One document with its text and every fact extracted from it.

    With ``start``/``end`` (character offsets into ``text``) the answer also says which span and
    which enclosing sentence to highlight.
    """
    _check_id(doc_id)
    d = store.document(doc_id)
    if d is None:
        raise _not_found("document", doc_id)
    out = DOCUMENT(d, "api")
    if (start is None) != (end is None):
        raise ApiError(400, "span_incomplete", "أعطِ المعاملين start وend معًا أو لا تعطِ أيًّا منهما")
    if start is not None and end is not None:
        if not start < end <= len(d.text):
            raise ApiError(400, "span_outside_text",
                           f"المقطع [{start}، {end}) خارج نص المقال (طوله {len(d.text)} حرفًا)")
        s0, e0 = enclosing_sentence(d.text, start, end)
        out["highlight"] = {"span": {"start": start, "end": end, "text": d.text[start:end]},
                            "sentence": {"start": s0, "end": e0, "text": d.text[s0:e0]}}
    mentions = store.mentions([d.id])
    names = {e.id: e.name for e in store.entities({m.entity_id for m in mentions if m.entity_id})}
    out["mentions"] = [MENTION(m, "api") | {"entity_name": names.get(m.entity_id or "")} for m in mentions]
    out["timexes"] = [TIMEX(t, "api") for t in store.timexes([d.id])]
    out["events"] = [EVENT(e, "api", text=d.text, story=d.story_id) for e in store.events([d.id])]
    out["claims"] = claims_for_people(store, store.claims(doc_ids=[d.id]))
    return out


# ---- stories ------------------------------------------------------------------------------------
stories = APIRouter(tags=["stories"])


@stories.get("/api/stories")
def list_stories(
    store: StoreDep, limit: Limit = 20, offset: Offset = 0,
    date_from: Annotated[date | None, Query(description="stories whose date range reaches this day or later")] = None,
    date_to: Annotated[date | None, Query(description="stories whose date range starts on this day or earlier")] = None,
    outlet: Annotated[str | None, Query(max_length=200, description="an article from this outlet")] = None,
    entity: Annotated[str | None, Query(max_length=MAX_ID_CHARS, description="entity id mentioned")] = None,
    place: Annotated[str | None, Query(max_length=MAX_ID_CHARS, description="place (LOC entity id) mentioned")] = None,
    type: Annotated[str | None, Query(max_length=32, pattern="^[A-Z_]+$", description="PLOVER event type")] = None,
    min_size: Annotated[int | None, Query(ge=1, le=1_000_000, description="at least this many articles")] = None,
    has_conflicts: Annotated[bool | None, Query(description="true: only stories with conflicts")] = None,
    sort: Annotated[str, Query(pattern="^(" + "|".join(STORY_SORTS) + ")$")] = "newest",
) -> dict:
    """Stories with size, outlets, date range and number of conflicts; filtered, sorted and paged by the database."""
    if date_from and date_to and date_from > date_to:
        raise HTTPException(400, "date_from is after date_to")
    if place is not None:
        found = _by_id(store.entities, "place", place)
        if found.type != "LOC":
            raise HTTPException(400, f"entity {place!r} is a {found.type}, not a place (LOC)")
    flt = StoryFilter(date_from=date_from, date_to=date_to, outlet=outlet, entity=entity, place=place,
                      event_type=type, min_size=min_size, has_conflicts=has_conflicts)
    total, rows = store.story_page(limit, offset, flt, sort=sort)
    return page(rows, total, limit, offset)


@stories.get("/api/stories/{story_id:path}")
def get_story(store: StoreDep, registry: RegistryDep, request: Request, story_id: str) -> dict:
    """A story with its summary, timeline, documents, entities (each ``listed`` or not: see ``/api/entities``),
    the listed places with coordinates, events, claims and conflicts, and its
    ``coverage``: the outlets that covered it (registry facts: country, ownership) counted by ownership and by
    country, and the outlets that published in its time window (its articles' dates ± ``[outlets]
    coverage_slack_days``) but not about it."""
    st = _by_id(store.stories, "story", story_id)
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
    # ``listed``: what the entity list would show (a doubted one-off name is mostly not a name); the map pins
    # only listed places, and the page folds the others away
    listed = store.listed([e.id for e in ents], request.app.state.lists.entity_confidence)
    entities = [ENTITY(e, "api", mention_count=counts[e.id])
                | {"first_mention": MENTION(first_mention[e.id], "api"), "listed": e.id in listed} for e in ents]
    places = [e for e in entities if e["type"] == "LOC" and e["listed"] and e["lat"] is not None
              and e["lon"] is not None]
    claims = {c.id: c for c in store.claims(story_id=st.id) + store.claims(doc_ids=st.doc_ids)}
    outlet_of = {d.id: d.outlet for d in docs}
    claim_rows = claims_for_people(store, sorted(claims.values(), key=lambda c: (c.doc_id, c.start)), outlet_of)
    conflicts = store.conflicts(st.id)
    return {
        "story": STORY(st, "api", outlets=sorted({d.outlet for d in docs if d.outlet}),
                       storyline=store.storyline_of([st.id]).get(st.id)),
        "documents": [DOCUMENT(d, "api_brief")
                      for d in sorted(docs, key=lambda d: (d.published or datetime.min, d.id))],
        "entities": entities,
        "places": places,
        "events": [EVENT(e, "api", text=texts.get(e.doc_id, ""), story=st.id)
                   for e in store.events(originals)],
        "claims": claim_rows,
        "conflicts": conflicts_for_people(conflicts, claim_rows),
        "conflict_documents": deviating_documents(conflicts, claim_rows),
        "coverage": story_coverage(store, st.id, registry, request.app.state.outlets.coverage_slack_days),
    }


# ---- storylines ---------------------------------------------------------------------------------
storylines = APIRouter(tags=["storylines"])


@storylines.get("/api/storylines")
def list_storylines(store: StoreDep, limit: Limit = 20, offset: Offset = 0) -> dict:
    """Storylines (affairs), newest first: their stories in time order, date range, outlets, size."""
    total, rows = store.storyline_page(limit, offset)
    return page([STORYLINE(line, "api_brief") for line in rows], total, limit, offset)


@storylines.get("/api/storylines/{storyline_id:path}")
def get_storyline(store: StoreDep, storyline_id: str) -> dict:
    """A storyline with its stories as a timeline (oldest first): each story's title, dates, size, outlets."""
    line = _by_id(store.storylines, "storyline", storyline_id)
    briefs = {b.id: b for b in store.story_briefs(story_ids=line.story_ids)}
    timeline = [jsonable(briefs[sid]) for sid in line.story_ids if sid in briefs]
    return {"storyline": STORYLINE(line, "api", timeline=timeline)}


# ---- entities -----------------------------------------------------------------------------------
entities = APIRouter(tags=["entities"])


@entities.get("/api/entities")
def list_entities(store: StoreDep, request: Request, limit: Limit = 50, offset: Offset = 0,
                  type: Annotated[str | None, Query(pattern="^(PER|ORG|LOC|MISC)$")] = None,
                  q: Annotated[str | None, Query(max_length=100)] = None,
                  include_all: Annotated[bool, Query(alias="all", description="also entities named once with a low "
                                                                            "tagger confidence (left out by default)")]
                  = False) -> dict:
    """Entities, most mentioned first; ``q`` matches names and aliases after normalisation.

    Without ``q`` the database sorts and pages on the stored mention counts (one page read per request), and
    lists only the entities named twice or more, or once with a confident tag (``[lists] entity_confidence``;
    ``all=true`` lists every one). A name looked up with ``q`` is always found.
    """
    if not q:
        floor = 0.0 if include_all else request.app.state.lists.entity_confidence
        total, rows = store.entity_page(limit, offset, type=type, min_confidence=floor)
        return page([ENTITY(e, "api", mention_count=n) for e, n in rows], total, limit, offset)
    key = normalize(strip_invisible(q).strip())
    if not key:
        raise ApiError(400, "empty_query", "لا حروف يُبحث بها في الاسم بعد حذف المحارف الخفية")
    # the database narrows by normalised names; the check here keeps the match per name (not across lines)
    ents = [(e, n) for e, n in store.entity_name_matches(key, type=type)
            if any(key in normalize(x) for x in [e.name, *e.aliases])]
    items = [ENTITY(e, "api", mention_count=n) for e, n in ents[offset:offset + limit]]
    return page(items, len(ents), limit, offset)


@entities.get("/api/entities/{entity_id:path}")
def get_entity(store: StoreDep, entity_id: str,
               mentions_limit: Annotated[int, Query(ge=1, le=1000, description="mentions per page")] = 200,
               mentions_offset: Offset = 0,
               stories_limit: Annotated[int, Query(ge=1, le=1000, description="stories per page")] = 200,
               stories_offset: Offset = 0) -> dict:
    """An entity, one page of the stories it appears in over time (oldest first; ``story_total`` says how many
    there are), its mentions per day and one page of its mentions (newest first; ``mention_total``)."""
    e = _by_id(store.entities, "entity", entity_id)
    total, mentions, stories, by_day, story_total = store.entity_overview(
        e.id, mentions_limit, mentions_offset, stories_limit, stories_offset)
    docs = {d.id: d for d in store.document_briefs({m.doc_id for m in mentions})}
    return {"entity": ENTITY(e, "api", mention_count=total),
            "mention_total": total,
            "mentions": [MENTION(m, "api") | {"title": docs[m.doc_id].title if m.doc_id in docs else None,
                                             "outlet": docs[m.doc_id].outlet if m.doc_id in docs else None}
                         for m in mentions],
            "stories": stories,
            "story_total": story_total,
            "by_date": [{"date": k, "mentions": v} for k, v in by_day]}


# ---- events, claims, conflicts ------------------------------------------------------------------
facts = APIRouter(tags=["facts"])


EventStatus = Literal["occurred", "planned", "denied", "threatened", "hypothetical"]


@facts.get("/api/events")
def list_events(store: StoreDep, limit: Limit = 50, offset: Offset = 0, story: str | None = None,
                doc: str | None = None, type: Annotated[str | None, Query(max_length=32)] = None,
                status: EventStatus | None = None) -> dict:
    """Events (who did what to whom, where, when) with their source sentence; ``type`` (PLOVER) and
    ``status`` filter them (an unknown status is a 422, not a silently empty page)."""
    doc_ids = _scope(store, story, doc)
    evs = [e for e in store.events(doc_ids)
           if (type is None or e.type == type) and (status is None or e.status == status)]
    chunk = evs[offset:offset + limit]
    texts = {d.id: d.text for d in store.documents({e.doc_id for e in chunk})}
    story_of = store.story_ids_of(texts)
    return page([EVENT(e, "api", text=texts.get(e.doc_id, ""), story=story_of.get(e.doc_id)) for e in chunk],
                len(evs), limit, offset)


@facts.get("/api/claims")
def list_claims(store: StoreDep, limit: Limit = 50, offset: Offset = 0, story: str | None = None,
                doc: str | None = None) -> dict:
    """Attributed statements (who said what, reported by which outlet)."""
    if story is not None:
        _scope(store, story, None)
    if doc is not None:
        _scope(store, None, doc)
    cl = store.claims(story_id=story, doc_ids=[doc] if doc else None)
    return page([CLAIM(c, "api") for c in cl[offset:offset + limit]], len(cl), limit, offset)


@facts.get("/api/conflicts")
def list_conflicts(store: StoreDep, limit: Limit = 50, offset: Offset = 0, story: str | None = None) -> dict:
    """Slots on which outlets of one story disagree, with the claim ids behind each value."""
    if story is not None:
        _scope(store, story, None)
    cf = store.conflicts(story)
    return page([CONFLICT(c, "api") for c in cf[offset:offset + limit]], len(cf), limit, offset)


# ---- search and facets --------------------------------------------------------------------------
searching = APIRouter(tags=["search"])


def checked_search_query(store: Store, q: str, outlet: list[str] | None, date_from: date | None, date_to: date | None,
                         entity: str | None, place: str | None, limit: int, offset: int = 0) -> SearchQuery:
    """The ``SearchQuery`` of a search request (the page and its download), refused with an Arabic error when
    the text is too long, the dates are reversed, or the entity / place does not exist (or is not a place)."""
    if len(q) > MAX_QUERY_CHARS:
        raise ApiError(413, "query_too_long", f"نص البحث طويل جدًا: {len(q)} حرفًا (الحد {MAX_QUERY_CHARS})")
    if date_from and date_to and date_from > date_to:
        raise ApiError(400, "date_range_reversed", "تاريخ البداية date_from يقع بعد تاريخ النهاية date_to")
    for kind, ident in (("entity", entity), ("place", place)):
        if ident is not None:
            found = _by_id(store.entities, kind, ident)
            if kind == "place" and found.type != "LOC":
                raise ApiError(400, "not_a_place", f"الكيان «{ident}» من النوع {found.type} وليس مكانًا (LOC)")
    return SearchQuery(q=q, outlets=outlet or [], date_from=date_from, date_to=date_to, entity=entity, place=place,
                       limit=limit, offset=offset)


@searching.get("/api/search")
def search_documents(
    store: StoreDep,
    index: Annotated[SearchIndex, Depends(_search_index)],
    names: Annotated[NameIndex, Depends(_names)],
    q: Annotated[str, Query(description=f"Arabic words or \"phrases\", a OR b (أو), -word to exclude; Latin "
                                        f"names (Putin) also find their Arabic spelling (max {MAX_QUERY_CHARS} chars)")] = "",
    outlet: Annotated[list[str] | None, Query(description="repeatable")] = None,
    date_from: date | None = None, date_to: date | None = None,
    entity: Annotated[str | None, Query(description="entity id")] = None,
    place: Annotated[str | None, Query(description="entity id of a place (LOC)")] = None,
    limit: Limit = 20, offset: Offset = 0,
) -> dict:
    """Full-text search over normalised text (diacritics, hamza seats, ta marbuta ignored), with filters."""
    query = checked_search_query(store, q, outlet, date_from, date_to, entity, place, limit, offset)
    try:
        res = search(store, query, index, names)
    except QueryError as exc:
        raise ApiError(400, exc.code, str(exc)) from exc
    return {"total": res.total, "limit": limit, "offset": offset, "terms": res.terms, "expanded": res.expanded,
            "items": [HIT(h, "api") for h in res.hits]}


@searching.get("/api/outlets")
def list_outlets(store: StoreDep, registry: RegistryDep) -> list[dict]:
    """Outlets with their document counts (for search filters) and registry facts (Arabic name, country,
    ownership, affiliation, source; ``unknown`` ownership when the registry has no row for the outlet)."""
    return [registry.describe(o) | {"documents": n} for o, n in store.outlet_counts()]


outlet_pages = APIRouter(tags=["outlets"])


@outlet_pages.get("/api/outlets/{outlet_id:path}")
def get_outlet(store: StoreDep, registry: RegistryDep, outlet_id: str, limit: Limit = 20,
               offset: Offset = 0) -> dict:
    """One outlet: its registry record, how it behaves across the corpus (``stats``: documents and stories;
    conflicts it takes a side in and how often it stands alone on its side; how early it reports — median lag
    in hours from a story's first article to its own, share of shared stories it reported first) and one page
    of its stories, newest first. 404 when neither the store nor the registry knows the outlet."""
    _check_id(outlet_id)
    docs, *_ = store.outlet_summary(outlet_id)
    rec = registry.lookup(outlet_id)
    if not docs and rec is None:
        raise _not_found("outlet", outlet_id)
    total, rows = store.story_page(limit, offset, StoryFilter(outlet=outlet_id), sort="newest")
    return {"outlet": registry.describe(outlet_id) | {"aliases": list(rec.aliases) if rec else [],
                                                      "origin": rec.origin if rec else None},
            "stats": outlet_stats(store, outlet_id),
            "stories": page(rows, total, limit, offset)}


@searching.get("/api/event-types")
def list_event_types(store: StoreDep) -> list[dict]:
    """PLOVER event types with their event counts (for the story list's filter)."""
    return [{"type": t, "events": n} for t, n in store.event_type_counts()]


@searching.get("/api/stats")
def stats(store: StoreDep) -> dict:
    """How much is in the store (counted again only after the database changed)."""
    return store.counts(("documents", "stories", "entities", "mentions", "events", "claims", "conflicts", "skips"))


# ---- web UI -------------------------------------------------------------------------------------
ui = APIRouter(include_in_schema=False)


@ui.get("/")
def ui_index() -> FileResponse:
    """The single-page Arabic UI."""
    return FileResponse(WEB_DIR / "index.html")


@ui.get("/docs")
def api_docs() -> FileResponse:
    """Offline API reference rendered from /openapi.json (Swagger UI would need a CDN)."""
    return FileResponse(WEB_DIR / "apidocs.html")


ROUTERS = (documents, stories, storylines, entities, facts, searching, outlet_pages, ui)


_GENERIC_ERRORS = {  # errors raised by Starlette itself (unknown path, wrong method...)
    404: ("no_such_endpoint", "لا توجد نقطة وصول بهذا المسار"),
    405: ("method_not_allowed", "طريقة الطلب غير مسموحة على هذا المسار"),
}


async def _http_error(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Every HTTP error as ``{status, code, detail}`` with an Arabic ``detail``."""
    if isinstance(exc, ApiError):
        code, detail = exc.code, exc.detail
    else:
        code, detail = _GENERIC_ERRORS.get(exc.status_code, ("http_error", f"تعذّر تنفيذ الطلب (HTTP {exc.status_code})"))
    return JSONResponse({"status": exc.status_code, "code": code, "detail": detail}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


def _param_message(err: dict) -> str:
    """One pydantic validation error as a short Arabic phrase."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "missing":
        return "مطلوب"
    if kind.startswith("int_"):
        return "يجب أن يكون عددًا صحيحًا"
    if kind in ("greater_than_equal", "greater_than"):
        return f"يجب ألا يقل عن {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"يجب ألا يزيد على {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_pattern_mismatch":
        return f"قيمة غير مقبولة (المقبول: {ctx.get('pattern', '')})"
    if kind == "string_too_long":
        return f"أطول من المسموح ({ctx.get('max_length')} حرفًا)"
    if kind.startswith(("date_", "datetime_")):
        return "يجب أن يكون تاريخًا بالصيغة YYYY-MM-DD"
    return "قيمة غير صالحة"


async def _bad_params(_req: Request, exc: RequestValidationError) -> JSONResponse:
    """Invalid query parameters as one Arabic message plus a per-parameter list (``type`` from pydantic)."""
    errors = [{"param": ".".join(str(x) for x in e.get("loc", [])[1:]) or str(e.get("loc")),
               "type": e.get("type", ""), "message": _param_message(e)} for e in exc.errors()]
    msg = "؛ ".join(f"{e['param']}: {e['message']}" for e in errors)
    return JSONResponse({"status": 422, "code": "invalid_parameters", "detail": f"معاملات غير صالحة — {msg}",
                         "errors": errors}, status_code=422)


# ---- the app ------------------------------------------------------------------------------------
def create_app(db: str | Path | Store, security: SecurityConfig | None = None,
               outlets: OutletsConfig | None = None, lists: ListsConfig | None = None) -> FastAPI:
    """One FastAPI app bound to one store; the store lives on ``app.state`` (no module globals).

    ``security`` says which Host names are answered and which token is required (default: loopback
    names only, no token); see ``rasid.serve.security``. ``outlets``: the user's outlet registry file and
    the coverage window (default: the shipped registry). ``lists``: which entities the entity list and a
    story's map show (default: ``ListsConfig()``).
    """
    store = db if isinstance(db, Store) else Store(db)
    app = FastAPI(title="rasid — راصد", version="1", docs_url=None, redoc_url=None,
                  description="Structured, sourced knowledge from Arabic news. Every fact carries its document id "
                              "and character offsets into the document text.")
    app.state.store = store
    app.state.outlets = outlets or OutletsConfig()
    app.state.lists = lists or ListsConfig()
    app.state.registry = registry_for(app.state.outlets)  # read once; bad rows are logged and skipped
    app.state.search_index = SearchIndex.load(store)  # builds/catches up the full-text index once, at start-up
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(Guard, config=security or SecurityConfig())  # outermost: guards every response
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _bad_params)
    from rasid.serve.desk_api import ROUTERS as DESK_ROUTERS  # it imports this module's helpers

    for router in (*DESK_ROUTERS, *ROUTERS):  # desk first: /api/stories/{id}/export before /api/stories/{id}
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000, security: SecurityConfig | None = None,
          outlets: OutletsConfig | None = None, lists: ListsConfig | None = None) -> None:
    """Run the API and UI with uvicorn (blocking)."""
    import uvicorn

    app = create_app(db, security, outlets, lists)
    settle_heap()
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
