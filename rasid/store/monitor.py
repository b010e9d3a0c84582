"""The store's monitoring tables: the watchlist, saved searches, runs, the seen mark, and what changed.

Why a change counter and not timestamps or run ids: every story or storyline save takes the next value
of one counter under the write lock (``facade._tick``), so "new since the last visit" is the range
``(mark, until]`` of that counter. A value a reader sees is never followed by a commit with a smaller
one, so marking ``until`` as seen can never hide something written while the page was open (a clock
could go backwards; a run id would be shared by a concurrent run still writing). Rows saved before
monitoring existed have NULL changes and count as old.

Kept apart from ``facade.py`` as a mixin of ``Store``: the façade stays about the pipeline's facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from rasid.models import Conflict, Storyline
from rasid.store.mapping import CONFLICT, STORYLINE
from rasid.store.schema import (
    WATCH_KINDS,
    ConflictRow,
    DocumentRow,
    MentionRow,
    RunRow,
    SavedSearchRow,
    SeenMarkRow,
    StateRow,
    StorylineRow,
    StoryRow,
    WatchItemRow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ALERTS_FEED = "alerts"
MAX_WATCH_VALUE = 500
MAX_LABEL = 300
MAX_SEARCH_NAME = 200
CHUNK = 500


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


def _watch_dict(r: WatchItemRow) -> dict:
    return {"id": r.id, "kind": r.kind, "value": r.value, "label": r.label or "", "created": _iso(r.created)}


def _search_dict(r: SavedSearchRow) -> dict:
    return {"id": r.id, "name": r.name, "query": r.query or "", "filters": dict(r.filters or {}),
            "created": _iso(r.created)}


def _run_dict(r: RunRow) -> dict:
    return {"id": r.id, "started": _iso(r.started), "finished": _iso(r.finished), "status": r.status,
            "inputs": r.inputs, "counts": dict(r.counts or {}), "change_from": r.change_from,
            "change_to": r.change_to}


class MonitorError(ValueError):
    """A watchlist or saved-search request that cannot be stored as given (the API answers 400)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _read_counter(s: Session) -> int:
    from rasid.store.facade import CHANGE_KEY

    row = s.get(StateRow, CHANGE_KEY)
    return int(bytes(row.value).decode("ascii") or 0) if row is not None else 0


class MonitorStore:
    """Monitoring methods of ``Store`` (a mixin: ``session`` and ``_lock`` come from the façade)."""

    def session(self) -> Session:  # pragma: no cover - provided by Store
        raise NotImplementedError

    def _lock(self, s: Session) -> None:  # pragma: no cover - provided by Store
        raise NotImplementedError

    # ---- the change counter and the seen mark ---------------------------------------------------
    def change_counter(self) -> int:
        """The store's change counter now: the ``until`` of an alerts page read at this moment."""
        with self.session() as s:
            return _read_counter(s)

    def seen_mark(self, feed: str = ALERTS_FEED) -> tuple[int, datetime] | None:
        """(change counter seen, when it was marked) for ``feed``, or None before the first mark."""
        with self.session() as s:
            r = s.get(SeenMarkRow, feed)
            return None if r is None else (r.change, r.at)

    def mark_seen(self, until: int | None = None, feed: str = ALERTS_FEED) -> int:
        """Advance ``feed``'s mark to ``until`` (default: the counter now); never backwards, never past the
        counter. Returns the mark after the call."""
        with self.session() as s, s.begin():
            self._lock(s)
            top = _read_counter(s)
            want = top if until is None else max(0, min(int(until), top))
            r = s.get(SeenMarkRow, feed)
            if r is None:
                s.add(SeenMarkRow(feed=feed, change=want, at=_now()))
                return want
            if want > r.change:
                r.change, r.at = want, _now()
            return r.change

    # ---- runs -----------------------------------------------------------------------------------
    def start_run(self, inputs: int) -> int:
        """Record a run that starts now (status ``running``); returns its id."""
        with self.session() as s, s.begin():
            self._lock(s)
            row = RunRow(started=_now(), status="running", inputs=inputs, counts={}, change_from=_read_counter(s))
            s.add(row)
            s.flush()
            return int(row.id)

    def finish_run(self, run_id: int, status: str, counts: dict) -> dict | None:
        """Close a run record: status (``finished``, ``interrupted``, ``failed``), counts, the counter now."""
        with self.session() as s, s.begin():
            self._lock(s)
            row = s.get(RunRow, run_id)
            if row is None:
                return None
            row.finished, row.status, row.counts, row.change_to = _now(), status, dict(counts), _read_counter(s)
            return _run_dict(row)

    def runs(self, limit: int = 20) -> list[dict]:
        """The most recent runs, newest first."""
        with self.session() as s:
            return [_run_dict(r) for r in s.scalars(select(RunRow).order_by(RunRow.id.desc()).limit(limit))]

    # ---- watchlist ------------------------------------------------------------------------------
    def watch_items(self) -> list[dict]:
        """Everything followed, oldest first: ``{id, kind, value, label, created}``."""
        with self.session() as s:
            return [_watch_dict(r) for r in s.scalars(select(WatchItemRow).order_by(WatchItemRow.id))]

    def add_watch_item(self, kind: str, value: str, label: str = "") -> tuple[dict, bool]:
        """Follow an entity, a place (``value``: entity id) or a query; (item, True if it was not followed yet).

        Following the same thing twice returns the first item (a new label replaces an empty one)."""
        value = value.strip()
        if kind not in WATCH_KINDS:
            raise MonitorError(f"نوع المتابعة «{kind[:20]}» غير معروف (المقبول: {'، '.join(WATCH_KINDS)})",
                               "bad_watch_kind")
        if not value:
            raise MonitorError("لا شيء يُتابَع: القيمة فارغة", "empty_watch_value")
        if len(value) > MAX_WATCH_VALUE or len(label) > MAX_LABEL:
            raise MonitorError(f"القيمة أو الاسم أطول من المسموح ({MAX_WATCH_VALUE} و{MAX_LABEL} حرفًا)",
                               "watch_value_too_long")
        with self.session() as s, s.begin():
            self._lock(s)
            row = s.scalars(select(WatchItemRow).where(WatchItemRow.kind == kind, WatchItemRow.value == value)).first()
            if row is not None:
                if label and not row.label:
                    row.label = label
                return _watch_dict(row), False
            row = WatchItemRow(kind=kind, value=value, label=label, created=_now())
            s.add(row)
            s.flush()
            return _watch_dict(row), True

    def remove_watch_item(self, item_id: int) -> bool:
        """Stop following item ``item_id``; False when there was none."""
        with self.session() as s, s.begin():
            self._lock(s)
            return bool(s.execute(delete(WatchItemRow).where(WatchItemRow.id == item_id)).rowcount)

    # ---- saved searches -------------------------------------------------------------------------
    def saved_searches(self) -> list[dict]:
        """Saved searches by name: ``{id, name, query, filters, created}``."""
        with self.session() as s:
            return [_search_dict(r) for r in s.scalars(select(SavedSearchRow).order_by(SavedSearchRow.name))]

    def save_search(self, name: str, query: str, filters: dict) -> tuple[dict, bool]:
        """Save (or, under an existing name, replace) a search; (saved search, True if the name was new)."""
        name = name.strip()
        if not name:
            raise MonitorError("أعطِ البحث المحفوظ اسمًا", "empty_search_name")
        if len(name) > MAX_SEARCH_NAME:
            raise MonitorError(f"اسم البحث أطول من المسموح ({MAX_SEARCH_NAME} حرفًا)", "search_name_too_long")
        with self.session() as s, s.begin():
            self._lock(s)
            row = s.scalars(select(SavedSearchRow).where(SavedSearchRow.name == name)).first()
            created = row is None
            if row is None:
                row = SavedSearchRow(name=name, created=_now())
                s.add(row)
            row.query, row.filters = query, dict(filters)
            s.flush()
            return _search_dict(row), created

    def remove_saved_search(self, search_id: int) -> bool:
        """Delete saved search ``search_id``; False when there was none."""
        with self.session() as s, s.begin():
            self._lock(s)
            return bool(s.execute(delete(SavedSearchRow).where(SavedSearchRow.id == search_id)).rowcount)

    # ---- what changed ---------------------------------------------------------------------------
    def changed_stories(self, since: int, until: int) -> list[dict]:
        """Stories saved in ``(since, until]``, most recent change first: story row + ``conflicts`` (count),
        ``status`` (``new`` if first saved in the range, else ``updated``) and ``change``."""
        n_conf = (select(func.count()).select_from(ConflictRow).where(ConflictRow.story_id == StoryRow.id)
                  .correlate(StoryRow).scalar_subquery())
        cols = (StoryRow.id, StoryRow.title, StoryRow.size, StoryRow.outlets, StoryRow.first_date,
                StoryRow.last_date, StoryRow.created_change, StoryRow.updated_change, n_conf)
        with self.session() as s:
            rows = s.execute(select(*cols).where(StoryRow.updated_change > since, StoryRow.updated_change <= until)
                             .order_by(StoryRow.updated_change.desc(), StoryRow.id)).all()
        return [{"id": r[0], "title": r[1], "size": r[2], "outlets": list(r[3] or []), "first_date": _iso(r[4]),
                 "last_date": _iso(r[5]), "conflicts": int(r[8] or 0), "change": r[7],
                 "status": "new" if r[6] is not None and r[6] > since else "updated"} for r in rows]

    def new_conflicts(self, since: int, until: int) -> list[tuple[Conflict, int]]:
        """(conflict, change it appeared in) for disagreements that first appeared in ``(since, until]``."""
        with self.session() as s:
            q = (select(ConflictRow).where(ConflictRow.created_change > since, ConflictRow.created_change <= until)
                 .order_by(ConflictRow.created_change.desc(), ConflictRow.story_id, ConflictRow.id))
            return [(CONFLICT.to_model(r), r.created_change) for r in s.scalars(q)]

    def changed_storylines(self, since: int, until: int) -> list[tuple[Storyline, str]]:
        """(storyline, ``new``/``updated``) for storylines saved in ``(since, until]``, most recent first."""
        with self.session() as s:
            q = (select(StorylineRow).where(StorylineRow.updated_change > since, StorylineRow.updated_change <= until)
                 .order_by(StorylineRow.updated_change.desc(), StorylineRow.id))
            return [(STORYLINE.to_model(r),
                     "new" if r.created_change is not None and r.created_change > since else "updated")
                    for r in s.scalars(q)]

    def stories_mentioning(self, story_ids: Iterable[str], entity_ids: Iterable[str]) -> dict[str, set[str]]:
        """story id → the entities among ``entity_ids`` that some member document mentions (one query per
        500 stories, counted by the database, no text read)."""
        stories, ents = sorted(set(story_ids)), sorted(set(entity_ids))
        out: dict[str, set[str]] = {}
        if not stories or not ents:
            return out
        with self.session() as s:
            for i in range(0, len(stories), CHUNK):
                q = (select(DocumentRow.story_id, MentionRow.entity_id).distinct()
                     .join(MentionRow, MentionRow.doc_id == DocumentRow.id)
                     .where(DocumentRow.story_id.in_(stories[i:i + CHUNK]), MentionRow.entity_id.in_(ents)))
                for sid, eid in s.execute(q):
                    out.setdefault(sid, set()).add(eid)
        return out
