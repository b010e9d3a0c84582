"""Titles and roles around person names ("الرئيس الروسي", "المتحدث باسم الكرملين").

Titles are split off so "الرئيس الروسي فلاديمير بوتين" and "بوتين" resolve to one person,
and kept as an attribute of the entity.
"""

from __future__ import annotations

import re

from rasid import resources
from rasid.text.normalize import normalize

# rasid/data/lexicons/titles.tsv: title words and the role complements that may follow them.
_TITLES = resources.lexicon_groups("titles.tsv")
TITLE_WORDS = frozenset(map(normalize, _TITLES["title"]))
MODIFIER_WORDS = frozenset(map(normalize, _TITLES["modifier"]))

_WORD = re.compile(r"[\w\u0600-\u06FF]+")


def _is_modifier(norm: str) -> bool:
    """Nisba adjectives (الروسي، السورية) and role complements that follow a title word."""
    return norm in MODIFIER_WORDS or (norm.startswith("ال") and norm.endswith(("ي", "يه")) and len(norm) >= 5)


def split_title(span_text: str) -> tuple[str, int]:
    """(title, offset where the bare name starts) for a mention text that may start with a title."""
    words = list(_WORD.finditer(span_text))
    i = 0
    while i < len(words) - 1 and normalize(words[i].group()) in TITLE_WORDS:
        i += 1
        while i < len(words) - 1 and _is_modifier(normalize(words[i].group())):
            i += 1
    if i == 0:
        return "", 0
    return span_text[: words[i - 1].end()].strip(), words[i].start()


def preceding_title(text: str, start: int, window: int = 6) -> str:
    """The title phrase immediately before ``start`` in ``text`` (empty when none)."""
    left = text[max(0, start - 80):start]
    if "\n" in left:
        left = left.rsplit("\n", 1)[1]
    words = list(_WORD.finditer(left))[-window:]
    if not words or left[words[-1].end():].strip():
        return ""
    title_at = None
    for k in range(len(words) - 1, -1, -1):
        norm = normalize(words[k].group())
        if norm in TITLE_WORDS:
            title_at = k
            break
        after_bism = k > 0 and normalize(words[k - 1].group()) == "باسم"  # المتحدث باسم الكرملين
        if not (_is_modifier(norm) or after_bism or norm == "باسم"):
            break
    if title_at is None:
        return ""
    return left[words[title_at].start():].strip()
