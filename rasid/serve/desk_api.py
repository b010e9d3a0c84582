"""The desk's own routes: watchlist, saved searches, alerts and runs (``monitoring``), and downloads of one
story, one storyline or one search result as JSON or CSV (``exports``).

Writes (POST/DELETE) change the analyst's own tables only, never the corpus. Besides the token and Host
checks of ``rasid.serve.security`` (which cover every route), a write must come as ``application/json``
or carry an ``Authorization`` header, and must not come from another origin: a foreign page can make a
browser send a plain form to a localhost server without a token, but not a JSON body or that header
(those need a CORS preflight, which this server never grants).

Downloads reuse the export's serializers (``rasid.serve.export``: the same schema, restricted to the
story's articles), and every CSV cell goes through the export's spreadsheet-formula guard.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from rasid.serve.api import (
    MAX_ID_CHARS,
    ApiError,
    StoreDep,
    _by_id,
    _names,
    _search_index,
    checked_search_query,
)
from rasid.serve.export import (
    SCOPED_TABLES,
    build_scoped_export,
    build_scoped_table,
    csv_text,
    table_columns,
)
from rasid.serve.monitor import MAX_ITEMS, build_alerts
from rasid.serve.search import MAX_QUERY_CHARS, QueryError, SearchIndex, parse_query, search
from rasid.serve.serialize import HIT
from rasid.store import MonitorError, Store
from rasid.store.monitor import MAX_LABEL, MAX_SEARCH_NAME, MAX_WATCH_VALUE
from rasid.text.translit import NameIndex

MAX_EXPORT_HITS = 1000
CSV_MEDIA = "text/csv; charset=utf-8"


def same_origin_write(request: Request) -> None:
    """Refuse a write that a foreign web page could have sent (see the module docstring)."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "application/json" and "authorization" not in request.headers:
        raise ApiError(415, "json_required", "طلبات التعديل تُرسل بصيغة JSON (Content-Type: application/json)")
    origin = request.headers.get("origin")
    site = request.headers.get("sec-fetch-site", "").lower()
    foreign = site in ("cross-site", "same-site") or (
        origin is not None and (origin == "null" or urlsplit(origin).netloc.lower()
                                != request.headers.get("host", "").lower()))
    if foreign:
        raise ApiError(403, "cross_origin_write", "طلب تعديل من موقع آخر: مرفوض")


Write = Depends(same_origin_write)


def _monitor_error(exc: MonitorError) -> ApiError:
    return ApiError(400, exc.code, str(exc))


# ---- monitoring ---------------------------------------------------------------------------------
monitoring = APIRouter(tags=["monitoring"])


class WatchIn(BaseModel):
    """A thing to follow: an entity or place by id, or a search query."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["entity", "place", "query"]
    value: str = Field(min_length=1, max_length=MAX_WATCH_VALUE)
    label: str = Field("", max_length=MAX_LABEL)


class SearchFilters(BaseModel):
    """The filters of a saved search (the same as ``/api/search``'s)."""

    model_config = ConfigDict(extra="forbid")
    outlet: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=50)
    date_from: date | None = None
    date_to: date | None = None
    entity: str | None = Field(None, max_length=MAX_ID_CHARS)
    place: str | None = Field(None, max_length=MAX_ID_CHARS)


class SavedSearchIn(BaseModel):
    """A named search: query words and filters."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=MAX_SEARCH_NAME)
    query: str = Field("", max_length=MAX_QUERY_CHARS)
    filters: SearchFilters = Field(default_factory=SearchFilters)


class SeenIn(BaseModel):
    """How far the analyst has seen the alerts: the ``until`` of the alerts page they read (default: now)."""

    model_config = ConfigDict(extra="forbid")
    until: int | None = Field(None, ge=0)


@monitoring.get("/api/watchlist")
def list_watchlist(store: StoreDep) -> dict:
    """Everything followed, oldest first."""
    return {"items": store.watch_items()}


@monitoring.post("/api/watchlist", dependencies=[Write])
def add_watch(store: StoreDep, body: WatchIn, response: Response,
              names: Annotated[NameIndex, Depends(_names)]) -> dict:
    """Follow an entity, a place or a query (201 when new, 200 when it was followed already)."""
    label = body.label.strip()
    if body.kind in ("entity", "place"):
        ent = _by_id(store.entities, body.kind, body.value.strip())
        if body.kind == "place" and ent.type != "LOC":
            raise ApiError(400, "not_a_place", f"الكيان «{ent.id}» من النوع {ent.type} وليس مكانًا (LOC)")
        label = label or ent.name
    else:
        try:
            pq = parse_query(body.value, names)
        except QueryError as exc:
            raise ApiError(400, exc.code, str(exc)) from exc
        if not pq.groups:
            raise ApiError(400, "empty_query", "لا كلمات يُبحث عنها في هذا الاستعلام: لا يمكن متابعته")
    try:
        item, created = store.add_watch_item(body.kind, body.value, label)
    except MonitorError as exc:
        raise _monitor_error(exc) from exc
    response.status_code = 201 if created else 200
    return {"item": item, "created": created}


@monitoring.delete("/api/watchlist/{item_id}", dependencies=[Write])
def remove_watch(store: StoreDep, item_id: int) -> dict:
    """Stop following an item."""
    if not store.remove_watch_item(item_id):
        raise ApiError(404, "watch_not_found", f"لا متابعة بالمعرّف {item_id}")
    return {"removed": item_id}


@monitoring.get("/api/saved-searches")
def list_saved_searches(store: StoreDep) -> dict:
    """Saved searches, by name."""
    return {"items": store.saved_searches()}


@monitoring.post("/api/saved-searches", dependencies=[Write])
def save_search(store: StoreDep, body: SavedSearchIn, response: Response) -> dict:
    """Save a search under a name (the same name again replaces it)."""
    f = body.filters
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ApiError(400, "date_range_reversed", "تاريخ البداية date_from يقع بعد تاريخ النهاية date_to")
    if not body.query.strip() and not (f.outlet or f.date_from or f.date_to or f.entity or f.place):
        raise ApiError(400, "empty_search", "البحث المحفوظ فارغ: اكتب كلمة أو اختر مرشحًا")
    try:
        saved, created = store.save_search(body.name, body.query, f.model_dump(mode="json", exclude_defaults=True))
    except MonitorError as exc:
        raise _monitor_error(exc) from exc
    response.status_code = 201 if created else 200
    return {"item": saved, "created": created}


@monitoring.delete("/api/saved-searches/{search_id}", dependencies=[Write])
def remove_saved_search(store: StoreDep, search_id: int) -> dict:
    """Delete a saved search."""
    if not store.remove_saved_search(search_id):
        raise ApiError(404, "saved_search_not_found", f"لا بحث محفوظ بالمعرّف {search_id}")
    return {"removed": search_id}


@monitoring.get("/api/alerts")
def alerts(store: StoreDep, names: Annotated[NameIndex, Depends(_names)],
           since: Annotated[int | None, Query(ge=0, description="change counter already seen (default: the mark)")] = None,
           until: Annotated[int | None, Query(ge=0, description="last change to include (default: now)")] = None,
           limit: Annotated[int, Query(ge=1, le=MAX_ITEMS)] = MAX_ITEMS) -> dict:
    """New stories, new conflicts and storyline updates since the last visit, split by watchlist match.
    Mark them seen with ``POST /api/alerts/seen {"until": <until of this answer>}``."""
    if since is not None and until is not None and since > until:
        raise ApiError(400, "range_reversed", "since أكبر من until")
    return build_alerts(store, since, until, names, limit=limit)


@monitoring.post("/api/alerts/seen", dependencies=[Write])
def alerts_seen(store: StoreDep, body: SeenIn) -> dict:
    """Advance the seen mark to ``until`` (never backwards); returns the mark now."""
    return {"mark": store.mark_seen(body.until)}


@monitoring.get("/api/runs")
def list_runs(store: StoreDep, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict:
    """The most recent ``rasid run``s: when, how they ended, what they counted."""
    return {"items": store.runs(limit)}


# ---- downloads ----------------------------------------------------------------------------------
exports = APIRouter(tags=["exports"])
Format = Annotated[Literal["json", "csv"], Query(description="json (the export schema) or csv (one table)")]
Table = Annotated[str | None, Query(pattern="^(" + "|".join(SCOPED_TABLES) + ")$",
                                    description="CSV only: which table (story: documents; storyline: stories)")]
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def attachment_name(kind: str, ident: str, ext: str) -> str:
    """A download file name that no browser or shell can misread: ASCII letters, digits, ``._-``."""
    safe = _UNSAFE_NAME.sub("_", ident).strip("._")[:80] or "export"
    return f"rasid-{kind}-{safe}.{ext}"


def download(body: str, name: str, csv: bool) -> Response:
    """An attachment response. CSV starts with a byte-order mark so spreadsheets read the Arabic as UTF-8."""
    if csv:
        body = "\ufeff" + body
    return Response(body.encode("utf-8"), media_type=CSV_MEDIA if csv else "application/json; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _scoped(store: Store, kind: str, ident: str, story_ids: list[str], line_ids: list[str], fmt: str,
            table: str) -> Response:
    if fmt == "json":
        data = build_scoped_export(store, story_ids, line_ids)
        return download(json.dumps(data, ensure_ascii=False, indent=1), attachment_name(kind, ident, "json"), False)
    rows = build_scoped_table(store, table, story_ids, line_ids)
    return download(csv_text(table_columns(table), rows), attachment_name(f"{kind}-{table}", ident, "csv"), True)


@exports.get("/api/stories/{story_id:path}/export")
def export_story(store: StoreDep, story_id: str, format: Format = "json", table: Table = None) -> Response:
    """One story as a download: JSON in the export schema (its articles, entities, events, claims, conflicts,
    storyline), or one of those tables as CSV (default: its articles)."""
    st = _by_id(store.stories, "story", story_id)
    line = store.storyline_of([st.id]).get(st.id)
    return _scoped(store, "story", st.id, [st.id], [line] if line else [], format, table or "documents")


@exports.get("/api/storylines/{storyline_id:path}/export")
def export_storyline(store: StoreDep, storyline_id: str, format: Format = "json", table: Table = None) -> Response:
    """One storyline and all its stories as a download (CSV default table: its stories)."""
    line = _by_id(store.storylines, "storyline", storyline_id)
    return _scoped(store, "storyline", line.id, list(line.story_ids), [line.id], format, table or "stories")


@exports.get("/api/search/export")
def export_search(
    store: StoreDep,
    index: Annotated[SearchIndex, Depends(_search_index)],
    names: Annotated[NameIndex, Depends(_names)],
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    outlet: Annotated[list[str] | None, Query()] = None,
    date_from: date | None = None, date_to: date | None = None,
    entity: Annotated[str | None, Query(max_length=MAX_ID_CHARS)] = None,
    place: Annotated[str | None, Query(max_length=MAX_ID_CHARS)] = None,
    format: Format = "json",
) -> Response:
    """The first ``MAX_EXPORT_HITS`` hits of a search as a download: JSON (query, total, hits with their
    offsets) or CSV (one row per article: id, title, outlet, date, story, score, matches, snippet)."""
    query = checked_search_query(store, q, outlet, date_from, date_to, entity, place, MAX_EXPORT_HITS)
    try:
        res = search(store, query, index, names)
    except QueryError as exc:
        raise ApiError(400, exc.code, str(exc)) from exc
    ident = q or entity or place or "filters"
    if format == "csv":
        rows = [HIT(h, "csv") for h in res.hits]  # csv_text puts every cell through csv_cell
        return download(csv_text(HIT.keys("csv"), rows), attachment_name("search", ident, "csv"), True)
    data = {"query": {"q": q, "outlet": outlet or [], "date_from": date_from and date_from.isoformat(),
                      "date_to": date_to and date_to.isoformat(), "entity": entity, "place": place},
            "total": res.total, "exported": len(res.hits), "terms": res.terms, "expanded": res.expanded,
            "items": [HIT(h, "export") for h in res.hits]}
    return download(json.dumps(data, ensure_ascii=False, indent=1), attachment_name("search", ident, "json"), False)


ROUTERS = (exports, monitoring)  # before api.ROUTERS: /api/stories/{id}/export must win over /api/stories/{id}
