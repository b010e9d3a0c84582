"""Monitoring: what is new since the analyst's last visit, matched against the watchlist, and delivering it.

``build_alerts`` answers both ``/api/alerts`` and ``rasid alerts``: the stories first saved or re-saved,
the disagreements between outlets that appeared, and the storylines that grew, in the change-counter
range ``(since, until]`` (see ``rasid.store.monitor`` for why a counter). Each item says which watchlist
items it matches: an entity or place item matches a story one of whose articles mentions that entity; a
query item matches a story one of whose articles satisfies the query exactly as the search does
(``rasid.serve.search.satisfies`` on the normalised text, Latin names expanded). Conflicts take their
story's matches, storylines the union of their stories'.

``deliver_hook`` POSTs the alerts as JSON to an http(s) URL and ``run_command`` runs a program with the
JSON on stdin (no shell); both report a failure as a result, never raise it: a dead webhook must not
turn a finished run into a failed one.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from rasid.serve.display import claims_for_people, conflicts_for_people, count_phrase, labels
from rasid.serve.search import QueryError, parse_query, satisfies
from rasid.serve.serialize import STORYLINE
from rasid.store import Store
from rasid.text.translit import NameIndex

MAX_ITEMS = 500  # per list in one alerts answer; ``counts`` always has the full numbers
MAX_MATCH_STORIES = 5000  # stories whose articles are matched against the watchlist in one answer
HOOK_TIMEOUT = 10.0
EXEC_TIMEOUT = 60.0
KIND_AR = {"entity": "كيان", "place": "مكان", "query": "بحث", "search": "بحث محفوظ"}


def build_alerts(store: Store, since: int | None = None, until: int | None = None,
                 names: NameIndex | None = None, limit: int = MAX_ITEMS) -> dict:
    """What changed in ``(since, until]`` of the change counter (default: since the seen mark, until now),
    split by watchlist match. JSON-ready; ``until`` is what ``POST /api/alerts/seen`` should mark."""
    mark = store.seen_mark()
    top = store.change_counter()
    since = (mark[0] if mark else 0) if since is None else max(0, since)
    until = top if until is None else max(since, min(until, top))
    stories = store.changed_stories(since, until)
    conflicts = store.new_conflicts(since, until)
    # a storyline of one story is that story: it is reported as the story, not twice
    lines = [(line, st) for line, st in store.changed_storylines(since, until) if len(line.story_ids) > 1]
    # saved searches alert like watch items (kind "search"); negative ids keep them apart from watch ids
    items = store.watch_items() + [
        {"id": -ss["id"], "kind": "search", "value": ss["query"], "label": ss["name"], "filters": ss["filters"],
         "saved_search": ss["id"]} for ss in store.saved_searches()]

    involved = list(dict.fromkeys([s["id"] for s in stories] + [c.story_id for c, _ in conflicts]
                                  + [sid for line, _ in lines for sid in line.story_ids]))
    matches, problems = match_watchlist(store, involved[:MAX_MATCH_STORIES], items, names)
    titles = {r["id"]: r["title"] for r in store.story_rows({c.story_id for c, _ in conflicts})}

    def watched(story_ids: list[str]) -> list[int]:
        return sorted({i for sid in story_ids for i in matches.get(sid, ())})

    story_out = [s | {"watch": watched([s["id"]])} for s in stories]
    # values as a source spelled them (``display``), as on the story page, not in normalised spelling
    claim_rows = claims_for_people(store, [cl for sid in dict.fromkeys(c.story_id for c, _ in conflicts)
                                           for cl in store.claims(story_id=sid)])
    shown = conflicts_for_people([c for c, _ in conflicts], claim_rows)
    conflict_out = [row | {"story_title": titles.get(c.story_id), "change": ch, "watch": watched([c.story_id])}
                    for row, (c, ch) in zip(shown, conflicts, strict=True)]
    line_out = [STORYLINE(line, "api_brief") | {"status": status, "watch": watched(line.story_ids)}
                for line, status in lines]
    groups = []
    for it in items:
        hit = {"stories": [s["id"] for s in story_out if it["id"] in s["watch"]],
               "conflicts": [c["id"] for c in conflict_out if it["id"] in c["watch"]],
               "storylines": [x["id"] for x in line_out if it["id"] in x["watch"]]}
        if any(hit.values()):
            groups.append({"watch": it} | hit)
    return {
        "since": since, "until": until, "first_visit": mark is None,
        "last_seen": mark[1].isoformat() if mark else None,
        "counts": {"new_stories": sum(s["status"] == "new" for s in stories),
                   "updated_stories": sum(s["status"] == "updated" for s in stories),
                   "new_conflicts": len(conflicts),
                   "new_storylines": sum(st == "new" for _, st in lines),
                   "updated_storylines": sum(st == "updated" for _, st in lines)},
        "truncated": max(len(stories), len(conflicts), len(lines)) > limit or len(involved) > MAX_MATCH_STORIES,
        "watchlist": [it | ({"problem": problems[it["id"]]} if it["id"] in problems else {}) for it in items],
        "groups": groups,
        "stories": story_out[:limit],
        "conflicts": conflict_out[:limit],
        "storylines": line_out[:limit],
    }


def match_watchlist(store: Store, story_ids: list[str], items: list[dict],
                    names: NameIndex | None = None) -> tuple[dict[str, set[int]], dict[int, str]]:
    """(story id → ids of the watch items it matches, item id → why it could not be matched)."""
    out: dict[str, set[int]] = {}
    problems: dict[int, str] = {}
    if not story_ids or not items:
        return out, problems
    by_entity: dict[str, list[int]] = {}
    for it in items:
        if it["kind"] in ("entity", "place"):
            by_entity.setdefault(it["value"], []).append(it["id"])
    for sid, ents in store.stories_mentioning(story_ids, by_entity).items():
        for e in ents:
            out.setdefault(sid, set()).update(by_entity[e])
    queries = []
    for it in items:
        if it["kind"] != "query":
            continue
        try:
            pq = parse_query(it["value"], names)
        except QueryError as exc:
            problems[it["id"]] = str(exc)
            continue
        if not pq.groups:
            problems[it["id"]] = "لا كلمات يُبحث عنها في هذا الاستعلام"
            continue
        queries.append((it["id"], pq))
    searches = []
    for it in items:
        if it["kind"] != "search":
            continue
        try:
            pq = parse_query(it["value"], names) if it["value"].strip() else None
        except QueryError as exc:
            problems[it["id"]] = str(exc)
            continue
        searches.append((it["id"], pq, it.get("filters") or {}))
    if queries or searches:
        members = store.story_doc_ids(story_ids)
        all_docs = [d for ds in members.values() for d in ds]
        texts = store.norm_texts(all_docs)
        briefs = {d.id: d for d in store.document_briefs(all_docs)} if searches else {}
        mentioned: dict[str, set[str]] = {}
        if any(f.get("entity") or f.get("place") for _, _, f in searches):
            for m in store.mentions(all_docs):
                if m.entity_id:
                    mentioned.setdefault(m.doc_id, set()).add(m.entity_id)
        for sid, doc_ids in members.items():
            for item_id, pq in queries:
                if any(satisfies(texts.get(d, ""), pq) for d in doc_ids):
                    out.setdefault(sid, set()).add(item_id)
            for item_id, pq, flt in searches:
                if any(_search_matches(briefs.get(d), texts.get(d, ""), mentioned.get(d, set()), pq, flt)
                       for d in doc_ids):
                    out.setdefault(sid, set()).add(item_id)
    return out, problems


def _search_matches(doc, norm_text: str, entities: set[str], pq, flt: dict) -> bool:  # noqa: ANN001
    """Whether one article is a hit of a saved search: its words (if any) and each filter the search set —
    outlets, local publication day within the dates, the entity and place mentioned — as ``/api/search``."""
    if doc is None or (pq is not None and not satisfies(norm_text, pq)):
        return False
    outlets = flt.get("outlet") or []
    if outlets and doc.outlet not in outlets:
        return False
    if flt.get("date_from") or flt.get("date_to"):
        local = doc.published_local
        if local is None:
            return False
        day = local.date().isoformat()
        if (flt.get("date_from") and day < flt["date_from"]) or (flt.get("date_to") and day > flt["date_to"]):
            return False
    return all(flt.get(k) is None or flt[k] in entities for k in ("entity", "place"))


# ---- delivery ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Delivery:
    """How handing the alerts to a hook went: ``ok``, and a one-line ``detail`` for the analyst."""

    ok: bool
    detail: str


def hook_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a webhook (only absolute http(s) URLs with a host), or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "only http:// and https:// URLs with a host name can receive alerts"
    return None


def payload_bytes(alerts: dict) -> bytes:
    """The JSON body a hook receives (UTF-8, Arabic left readable)."""
    return json.dumps(alerts, ensure_ascii=False).encode("utf-8")


def deliver_hook(url: str, alerts: dict, timeout: float = HOOK_TIMEOUT) -> Delivery:
    """POST the alerts as JSON to ``url``; any failure (refused, timeout, HTTP error, bad URL) is a result."""
    if (problem := hook_url_problem(url)) is not None:
        return Delivery(False, f"{url[:200]}: {problem}")
    req = urllib.request.Request(url, data=payload_bytes(alerts), method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8",
                                          "User-Agent": "rasid-alerts"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - scheme checked above
            return Delivery(True, f"{url}: HTTP {resp.status}")
    except urllib.error.HTTPError as exc:
        return Delivery(False, f"{url}: HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Delivery(False, f"{url}: {type(reason).__name__}: {reason}"[:300])


def run_command(cmd: str, alerts: dict, timeout: float = EXEC_TIMEOUT) -> Delivery:
    """Run ``cmd`` (split like a shell would, but no shell runs it) with the alerts JSON on stdin."""
    try:
        argv = shlex.split(cmd)
    except ValueError as exc:
        return Delivery(False, f"cannot split the command: {exc}")
    if not argv:
        return Delivery(False, "empty command")
    try:
        done = subprocess.run(argv, input=payload_bytes(alerts), capture_output=True, timeout=timeout,  # noqa: S603
                              check=False)
    except FileNotFoundError:
        return Delivery(False, f"{argv[0]}: no such program")
    except PermissionError:
        return Delivery(False, f"{argv[0]}: not executable")
    except subprocess.TimeoutExpired:
        return Delivery(False, f"{argv[0]}: still running after {timeout:g} s, stopped")
    except OSError as exc:
        return Delivery(False, f"{argv[0]}: {exc}")
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return Delivery(False, f"{argv[0]}: exit status {done.returncode}" + (f" ({err[-1][:200]})" if err else ""))
    return Delivery(True, f"{argv[0]}: done")


# ---- for people ----------------------------------------------------------------------------------
def _outlet(o: str) -> str:
    return labels()["outlets"].get(o, o)


def alerts_text(alerts: dict) -> list[str]:
    """The alerts as Arabic lines for a terminal: totals, then one block per watch item, then the rest."""
    c = alerts["counts"]
    when = "منذ آخر زيارة" if not alerts["first_visit"] else "(أول زيارة: كل ما في القاعدة)"
    head = (f"الجديد {when}: قصص جديدة: {count_phrase(c['new_stories'], 'قصة')}؛ "
            f"قصص محدّثة: {count_phrase(c['updated_stories'], 'قصة')}؛ "
            f"تعارضات جديدة: {count_phrase(c['new_conflicts'], 'تعارض')}؛ "
            f"مسارات جديدة أو محدّثة: {count_phrase(c['new_storylines'] + c['updated_storylines'], 'مسار')}")
    lines = [head]
    if not any(c.values()):
        return [*lines, "لا جديد."]
    stories = {s["id"]: s for s in alerts["stories"]}
    conflicts = {x["id"]: x for x in alerts["conflicts"]}
    storylines = {x["id"]: x for x in alerts["storylines"]}
    slots = labels()["slots"]

    def story_line(s: dict) -> str:
        tag = "جديدة" if s["status"] == "new" else "محدّثة"
        outs = "، ".join(_outlet(o) for o in s["outlets"])
        return f"  [{tag}] {s['title'] or s['id']} — {count_phrase(s['size'], 'مقال')}" + (f" — {outs}" if outs else "") \
            + f"  ({s['id']})"

    def conflict_line(x: dict) -> str:
        vals = " | ".join(f"{(x.get('display') or {}).get(v) or v} ← {'، '.join(_outlet(o) for o in x['outlets'].get(v, []))}"
                          for v in x["values"])
        return f"  [تعارض] {x.get('story_title') or x['story']}: {slots.get(x['slot'], x['slot'])}: {vals}"

    def line_line(x: dict) -> str:
        tag = "مسار جديد" if x["status"] == "new" else "مسار محدّث"
        return f"  [{tag}] {x['title'] or x['id']} — {count_phrase(len(x['stories']), 'قصة')}  ({x['id']})"

    def block(title: str, sids: list[str], cids: list[str], lids: list[str]) -> list[str]:
        out = [f"== {title} =="]
        out += [story_line(stories[i]) for i in sids if i in stories]
        out += [conflict_line(conflicts[i]) for i in cids if i in conflicts]
        out += [line_line(storylines[i]) for i in lids if i in storylines]
        return out

    for g in alerts["groups"]:
        w = g["watch"]
        lines += block(f"{w['label'] or w['value']} ({KIND_AR.get(w['kind'], w['kind'])})",
                       g["stories"], g["conflicts"], g["storylines"])
    rest = block("خارج قائمة المتابعة" if alerts["groups"] else "كل الجديد",
                 [s["id"] for s in alerts["stories"] if not s["watch"]],
                 [x["id"] for x in alerts["conflicts"] if not x["watch"]],
                 [x["id"] for x in alerts["storylines"] if not x["watch"]])
    if len(rest) > 1:
        lines += rest
    for it in alerts["watchlist"]:
        if "problem" in it:
            lines.append(f"تنبيه: المتابعة «{it['value']}» لا تُطابَق: {it['problem']}")
    if alerts["truncated"]:
        lines.append(f"(عُرض أول {MAX_ITEMS} من كل قائمة فقط)")
    return lines
