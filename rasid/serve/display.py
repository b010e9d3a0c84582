"""Words for people: Arabic labels for rasid's codes, number–noun agreement, values in a source's spelling.

The label table is one data file, ``rasid/serve/web/labels.json``, read here and by the web UI
(``util.js``), so the API and the browser name a PLOVER type, an event mode or a claim slot the same
way. Claim values are stored normalised (``اليه`` for «آليات», ``درجه`` for «درجات»): the UI shows
the value as one source wrote it, cut from the claim's own text by ``value_surface``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

from rasid.extract.attribution import _COUNT_RE, _VISIT_TYPE_RE
from rasid.models import Claim, Conflict
from rasid.serve.serialize import CLAIM, CONFLICT
from rasid.store import Store
from rasid.text.normalize import normalize_with_offsets, to_ascii_digits

LABELS_FILE = Path(__file__).resolve().parent / "web" / "labels.json"


@cache
def labels() -> dict[str, Any]:
    """The UI's label table (parsed once)."""
    return json.loads(LABELS_FILE.read_text(encoding="utf-8"))


def plural_form(n: int) -> str:
    """Arabic number–noun agreement class of ``n``: zero, one, two, few (3–10), many (11–99), other (100…)."""
    n = abs(int(n))
    if n == 0:
        return "zero"
    if n == 1:
        return "one"
    if n == 2:
        return "two"
    if 3 <= n % 100 <= 10:
        return "few"
    if 11 <= n % 100 <= 99:
        return "many"
    return "other"


def count_phrase(n: int, noun: str) -> str:
    """``n`` of ``noun`` as Arabic says it: 0 → «لا قصص», 1 → «قصة واحدة», 2 → «قصتان», 7 → «7 قصص», 11 → «11 قصة»."""
    forms = labels()["nouns"][noun]
    form = plural_form(n)
    return forms[form] if form in ("zero", "one", "two") else f"{n} {forms[form]}"


def is_magnitude(slot: str | None, value: str | None) -> bool:
    """A ``count`` whose noun is a degree («5.6 درجات») measures a magnitude, not a number of things."""
    if slot != "count" or not value:
        return False
    return value.split(" ")[-1] in labels()["magnitude_nouns"]


def display_slot(slot: str | None, value: str | None) -> str | None:
    """The slot to label a claim with: ``magnitude`` for magnitudes, else the slot itself."""
    return "magnitude" if is_magnitude(slot, value) else slot


def value_surface(claim: Claim) -> str | None:
    """The claim's value as its source spelled it, cut from ``claim.text``; None when it cannot be found.

    ``count``: the figure, its scale word and its noun («5.6 درجات», «عشرات الآليات»); ``visit_type``: the
    qualifier after «زيارة» («رسمية»). Other slots have no surface in the text worth showing (the UI labels
    ``meeting_mode`` codes, names ``place`` entities and formats ``date`` values).
    """
    if not claim.value or claim.slot not in ("count", "visit_type"):
        return None
    norm, offs = normalize_with_offsets(claim.text)
    if claim.slot == "visit_type":
        m = _VISIT_TYPE_RE.search(norm)
        return claim.text[offs[m.start(1)]:offs[m.end(1)]].strip() if m else None
    want = to_ascii_digits(claim.value.split(" ", 1)[0])
    for m in _COUNT_RE.finditer(norm):
        if to_ascii_digits(m.group(1).replace(",", "")) == want:
            return claim.text[offs[m.start()]:offs[m.end()]].strip()
    return None


# ---- what the story and document endpoints add for the UI ------------------------------------------
def claims_for_people(store: Store, claims: list[Claim], outlet_of: dict[str, str | None] | None = None) -> list[dict]:
    """API claims plus what the UI shows people: ``display_slot`` (``magnitude`` for a count of degrees),
    ``value_text`` (the value as the source spelled it) and ``value_name`` (a ``place`` entity's name)."""
    places = {c.value for c in claims if c.slot == "place" and c.value}
    names = {e.id: e.name for e in store.entities(places)} if places else {}
    out = []
    for c in claims:
        row = CLAIM(c, "api") | {"display_slot": display_slot(c.slot, c.value), "value_text": value_surface(c),
                                 "value_name": names.get(c.value or "") if c.slot == "place" else None}
        if outlet_of is not None:
            row["outlet"] = c.outlet or outlet_of.get(c.doc_id)
        out.append(row)
    return out


def deviating_documents(conflicts: list[Conflict], claims: list[dict]) -> list[str]:
    """Documents that really take the other side: per conflict, an article stating exactly one of the
    values, when fewer outlets state that value alone than state another (on a tie, every side).

    An article giving both values reports the dispute rather than taking part in it, and the outlets of
    the majority account are not "in conflict" with themselves: tinting every row with a slot value made
    nine rows in ten red and told the reader nothing.
    """
    doc_of = {c["id"]: (c["doc"], c.get("outlet") or c["doc"]) for c in claims}
    out: set[str] = set()
    for cf in conflicts:
        values_of: dict[str, set[str]] = defaultdict(set)
        outlet_of: dict[str, str] = {}
        for value, ids in cf.values.items():
            for i in ids:
                if i in doc_of:
                    values_of[doc_of[i][0]].add(value)
                    outlet_of[doc_of[i][0]] = doc_of[i][1]
        one_sided = {d: next(iter(v)) for d, v in values_of.items() if len(v) == 1}
        support: dict[str, set[str]] = defaultdict(set)
        for d, v in one_sided.items():
            support[v].add(outlet_of[d])
        if len(support) < 2:  # every one-sided article agrees: the dispute lives inside two-sided articles
            continue
        top = max(len(o) for o in support.values())
        deviating = {v for v, o in support.items() if len(o) < top} or set(support)
        out |= {d for d, v in one_sided.items() if v in deviating}
    return sorted(out)


def conflicts_for_people(conflicts: list[Conflict], claims: list[dict]) -> list[dict]:
    """API conflicts plus ``display_slot`` and ``display``: each value as a source spelled it (the text of
    its first claim that has one; the UI falls back to the value's label)."""
    by_id = {c["id"]: c for c in claims}
    out = []
    for cf in conflicts:
        display: dict[str, str | None] = {}
        for value, ids in cf.values.items():
            texts = [by_id[i]["value_text"] or by_id[i]["value_name"] for i in ids if i in by_id]
            display[value] = next((t for t in texts if t), None)
        out.append(CONFLICT(cf, "api") | {"display_slot": display_slot(cf.slot, next(iter(cf.values), None)),
                                           "display": display})
    return out
