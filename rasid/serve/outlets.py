"""The outlet perspective: who each outlet is (registry), which kinds of outlets covered a story, and how
an outlet behaves across the corpus (stands alone in conflicts, reports early or late).

Why a registry: a story told only by state agencies of one country, or one that every outlet of a kind
ignored, reads differently from one covered across owners and countries. ``rasid/data/outlet_registry.tsv``
holds country, ownership (state | public | private | unknown) and affiliation for each outlet, each with
the public source that states it; a user's file of the same columns (``[outlets] registry`` in the run
config, ``rasid serve --outlets FILE``) overrides or extends it. The registry is read once per process
and file version (cached); a bad row is skipped with its reason (logged and kept in ``problems``), never
a crash, so a typo in a user's file cannot take the server down.

The numbers come from the ``Store`` (SQL: documents per outlet of a story, outlets active in a window,
per-story first publication times, conflicts); this module only joins them with the registry.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from rasid import resources
from rasid.config import OutletsConfig
from rasid.store import Store

log = logging.getLogger(__name__)

REGISTRY_FILE = "outlet_registry.tsv"
OWNERSHIP = ("state", "public", "private", "unknown")  # also the order the coverage bar shows them in
UNKNOWN = "unknown"
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,99}$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_COLUMNS = ("id", "name", "country", "ownership", "affiliation", "source", "aliases")


@dataclass(frozen=True)
class OutletRecord:
    """One registry row: what public sources say about an outlet."""

    id: str
    name: str
    country: str = ""  # ISO 3166-1 alpha-2, "" when unknown
    ownership: str = UNKNOWN
    affiliation: str = ""
    source: str = ""
    aliases: tuple[str, ...] = ()
    origin: str = "shipped"  # "shipped" (rasid/data) or "user" (the user's file)


@dataclass(frozen=True)
class Registry:
    """Outlet records by canonical id, with every alias resolved; ``problems`` says which rows were skipped."""

    records: Mapping[str, OutletRecord]
    problems: tuple[str, ...] = ()
    _alias: Mapping[str, str] = field(default_factory=dict, repr=False)

    def lookup(self, outlet: str | None) -> OutletRecord | None:
        """The record an outlet id stands for (its id or an alias, any letter case, or a name the outlet
        names table knows: an archive made before outlet names were canonicalised at ingest stores
        «الشرق الأوسط» where a newer one stores ``aawsat``), or None."""
        if not outlet:
            return None
        key = outlet.strip().lower()
        rec = self.records.get(key)
        if rec is None and key in self._alias:
            rec = self.records.get(self._alias[key])
        if rec is None:
            from rasid.ingest.page import canonical_outlet

            canon = canonical_outlet(outlet)
            if canon is not None and canon.lower() != key:
                return self.lookup(canon)
        return rec

    def describe(self, outlet: str) -> dict:
        """The JSON the API shows for an outlet id: registry facts (``unknown`` when unregistered) and the
        Arabic country name, so no client ever has to show a code."""
        rec = self.lookup(outlet)
        country = rec.country if rec else ""
        return {"outlet": outlet, "registry_id": rec.id if rec else None,
                "name": rec.name if rec else None, "country": country or None,
                "country_name": country_names().get(country) if country else None,
                "ownership": rec.ownership if rec else UNKNOWN,
                "affiliation": (rec.affiliation or None) if rec else None,
                "source": (rec.source or None) if rec else None}


@lru_cache(maxsize=1)
def country_names() -> MappingProxyType[str, str]:
    """ISO 3166-1 alpha-2 code → Arabic country name (CLDR), also the list of valid codes."""
    return MappingProxyType({row[0]: row[1] for row in resources.rows(resources.path("countries_ar.tsv"))})


def parse_rows(lines: Iterable[str], where: str, origin: str, strict_source: bool
               ) -> tuple[list[OutletRecord], list[str]]:
    """Records of a registry file's lines, and one reason per skipped row (``where:line: why``).

    ``strict_source``: a row stating ownership or an affiliation must name the public page that says so
    (the shipped file); a user's own file may state what the user knows without one.
    """
    out: list[OutletRecord] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        why = _row_problem(cells, strict_source)
        if why is None and cells[0].lower() in seen:
            why = f"duplicate id {cells[0]!r} (the first row is kept)"
        if why is not None:
            problems.append(f"{where}:{n}: {why}")
            continue
        cells += [""] * (len(_COLUMNS) - len(cells))
        ident = cells[0].lower()
        seen.add(ident)
        aliases = tuple(a.strip().lower() for a in cells[6].split("|") if a.strip())
        out.append(OutletRecord(ident, cells[1], cells[2].upper(), cells[3].lower(), cells[4], cells[5], aliases,
                                origin))
    return out, problems


def _row_problem(cells: list[str], strict_source: bool) -> str | None:
    """Why a row cannot be used, or None."""
    if len(cells) < 6 or len(cells) > len(_COLUMNS):
        return f"expected 6 or 7 tab-separated columns ({', '.join(_COLUMNS)}), got {len(cells)}"
    ident, name, country, ownership, affiliation, source = cells[:6]
    if not _ID_RE.match(ident.lower()):
        return f"bad outlet id {ident[:40]!r} (letters, digits, '_', '-', '.'; at most 100)"
    if not name:
        return f"outlet {ident!r} has no display name"
    if country and country.upper() not in country_names():
        return f"outlet {ident!r}: country {country[:10]!r} is not an ISO 3166-1 alpha-2 code"
    if ownership.lower() not in OWNERSHIP:
        return f"outlet {ident!r}: ownership {ownership[:20]!r} is not one of {', '.join(OWNERSHIP)}"
    if source and not _URL_RE.match(source):
        return f"outlet {ident!r}: source {source[:60]!r} is not an http(s) URL"
    if strict_source and not source and (ownership.lower() != UNKNOWN or affiliation):
        return f"outlet {ident!r} states ownership or affiliation without a source URL"
    if len(cells) == 7 and any(a.strip() and not _ID_RE.match(a.strip().lower()) for a in cells[6].split("|")):
        return f"outlet {ident!r}: bad alias in {cells[6][:60]!r}"
    return None


def _read_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig") as fh:  # a spreadsheet's BOM is not part of the first id
        return fh.readlines()


def build_registry(shipped: list[OutletRecord], user: list[OutletRecord], problems: list[str]) -> Registry:
    """Shipped records, each overridden by the user's row of the same id (or of one of its aliases);
    the user's other rows are added. An override keeps the shipped aliases unless it lists its own."""
    records = {r.id: r for r in shipped}
    alias = {a: r.id for r in shipped for a in r.aliases if a not in records}
    for u in user:
        target = u.id if u.id in records else alias.get(u.id, u.id)
        old = records.get(target)
        if old is not None:
            u = replace(u, id=target, aliases=u.aliases or old.aliases)
        records[target] = u
        for a in u.aliases:
            if a not in records:
                alias[a] = target
    return Registry(MappingProxyType(dict(sorted(records.items()))), tuple(problems), MappingProxyType(alias))


def load_registry(user_file: str | Path | None = None) -> Registry:
    """The shipped registry overridden/extended by ``user_file``; cached per file and modification time.

    A missing or unreadable user file, or a bad row in it, is reported in ``problems`` (and logged once);
    the rest is used.
    """
    if not user_file:
        return _load(None, 0)
    path = Path(user_file).expanduser()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    return _load(str(path), stamp)


@lru_cache(maxsize=8)
def _load(user_path: str | None, _stamp: int) -> Registry:
    shipped, problems = parse_rows(_read_lines(resources.path(REGISTRY_FILE)), REGISTRY_FILE, "shipped",
                                   strict_source=True)
    user: list[OutletRecord] = []
    if user_path is not None:
        try:
            user, more = parse_rows(_read_lines(Path(user_path)), user_path, "user", strict_source=False)
            problems += more
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{user_path}: cannot read the outlet registry file ({exc.__class__.__name__}: "
                            f"{getattr(exc, 'strerror', None) or exc}); using the shipped registry only")
    for p in problems:
        log.warning("outlet registry: %s", p)
    return build_registry(shipped, user, problems)


def registry_for(config: OutletsConfig | None) -> Registry:
    """The registry a config names (the shipped one when none)."""
    return load_registry(config.registry if config else None)


# ---- a story's coverage ------------------------------------------------------------------------------
def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


def story_coverage(store: Store, story_id: str, registry: Registry, slack_days: float = 1.0) -> dict:
    """Which outlets covered the story (by ownership and country), and which outlets that published in its
    time window did not: the story's first to last dated article, widened by ``slack_days`` on each side.

    Articles without an outlet (or with the ``unknown`` outlet) count nowhere: they say nothing about who
    covered the event.
    """
    counts = [row for row in store.story_outlet_counts(story_id) if row[0] and row[0] != UNKNOWN]
    dated = [first for _, _, first, _ in counts if first is not None]
    window = None
    missing: list[dict] = []
    if dated:
        start = min(d for d in dated) - timedelta(days=slack_days)
        end = max(last for *_, last in counts if last is not None) + timedelta(days=slack_days)
        window = {"from": _iso(start), "to": _iso(end), "slack_days": slack_days}
        covering = {o for o, *_ in counts}
        missing = [registry.describe(o) | {"documents_in_window": n}
                   for o, n in store.outlets_active(start, end) if o and o != UNKNOWN and o not in covering]
        missing.sort(key=lambda m: (-m["documents_in_window"], m["outlet"]))
    covered = [registry.describe(o) | {"documents": n, "first_published": _iso(first)}
               for o, n, first, _ in counts]
    covered.sort(key=lambda c: (c["first_published"] is None, c["first_published"] or "", c["outlet"]))
    return {"window": window, "covered": covered, "missing": missing,
            "by_ownership": _tally(covered, missing, "ownership", OWNERSHIP),
            "by_country": _tally(covered, missing, "country", None)}


def _tally(covered: list[dict], missing: list[dict], key: str, order: tuple[str, ...] | None) -> list[dict]:
    """Outlets that covered / did not cover, per value of ``key`` (ownership in bar order; countries by
    most covering outlets, unknown country last)."""
    rows: dict[str | None, dict] = {}
    for side, items in (("covered", covered), ("missing", missing)):
        for it in items:
            row = rows.setdefault(it[key], {key: it[key], "covered": 0, "missing": 0})
            if key == "country":
                row["country_name"] = it["country_name"]
            row[side] += 1
    if order is not None:
        return [rows[k] for k in order if k in rows]
    return sorted(rows.values(), key=lambda r: (r["country"] is None, -r["covered"], -r["missing"], r["country"] or ""))


# ---- an outlet across the corpus ---------------------------------------------------------------------
def outlet_stats(store: Store, outlet: str) -> dict:
    """How an outlet behaves across the stored stories.

    * ``conflicts``: conflicts in which the outlet gives one of the disputed values; ``alone``: those where it
      is the only outlet giving its value (it stands alone on its side); ``alone_share`` = alone / conflicts.
    * ``shared_stories``: its stories that at least one other outlet also covered (dated articles only);
      ``first_reports``: those where its first article is the story's first (ties count for every outlet
      that published at that instant); ``median_lag_hours``: median hours from the story's first article to
      the outlet's first one. Stories only it covered are left out of both: being alone is not being early.
    """
    docs, stories, first, last = store.outlet_summary(outlet)
    taken = alone = 0
    for c in store.outlet_conflicts(outlet):
        sides = [outs for outs in c.outlets.values() if outlet in outs]
        if sides:
            taken += 1
            alone += any(outs == [outlet] for outs in sides)
    lags: list[float] = []
    firsts = 0
    for _sid, mine, story_first, n_outlets in store.outlet_timing(outlet):
        if n_outlets < 2 or mine is None or story_first is None:
            continue
        lag = (mine - story_first).total_seconds() / 3600
        lags.append(lag)
        firsts += lag <= 0
    return {"documents": docs, "stories": stories, "first_published": _iso(first), "last_published": _iso(last),
            "conflicts": taken, "alone": alone, "alone_share": round(alone / taken, 3) if taken else None,
            "shared_stories": len(lags), "first_reports": firsts,
            "first_share": round(firsts / len(lags), 3) if lags else None,
            "median_lag_hours": round(statistics.median(lags), 1) if lags else None}
