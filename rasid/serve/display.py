"""Words for people: Arabic labels for rasid's codes, number–noun agreement, values in a source's spelling.

The label table is one data file, ``rasid/serve/web/labels.json``, read here and by the web UI
(``util.js``), so the API and the browser name a PLOVER type, an event mode or a claim slot the same
way. Claim values are stored normalised (``اليه`` for «آليات», ``درجه`` for «درجات»): the UI shows
the value as one source wrote it, cut from the claim's own text by ``value_surface``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from rasid.extract.attribution import _COUNT_RE, _VISIT_TYPE_RE
from rasid.models import Claim
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
