"""Event trigger lexicon: Arabic stems -> CAMEO code, PLOVER type and mode.

The lexicon is built by ``scripts/build_event_lexicon.py`` and committed as
``rasid/data/event_lexicon.json``. Matching strips clitics and verb affixes
from a normalised token and looks the candidate stems up, so inflected forms
(يزور، زارت، وبزيارته) hit the same entry without a morphological analyser.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rasid import resources
from rasid.text.normalize import normalize, strip_proclitics

_PROCLITICS = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال", "وب", "ول", "وس", "فس", "و", "ف", "ب", "ل", "س")
_VERB_PREFIXES = ("ي", "ت", "ن", "ا")
# Common words that stripping would turn into a trigger (وزارة -> زار, وقت -> قت).
_BLOCKED = frozenset(resources.lexicon("event_blocked.txt"))  # stems that collide with a trigger («وزارة»)
_SUFFIXES = ("هما", "تما", "تها", "ته", "تهم", "ها", "هم", "ون", "وا", "ان", "ين", "ات", "تا", "ه", "ت", "ا", "ن", "ي")
# the suffixes by their last letter, each list in ``_SUFFIXES`` order (a word is tried only on those it may end with)
_SUFFIXES_BY_LAST: dict[str, tuple[str, ...]] = {
    c: tuple(s for s in _SUFFIXES if s[-1] == c) for c in {s[-1] for s in _SUFFIXES}}


@dataclass(frozen=True)
class Trigger:
    cameo: str
    plover: str
    mode: str | None
    source: str  # curated | up-verb | up-noun
    pos: str = "v"  # v: verb form; n: event noun (needs a support verb to count as a reported event)


# the proclitics by their first letter, each list in ``_PROCLITICS`` order: only those can start a token
_PROCLITICS_BY_FIRST: dict[str, tuple[str, ...]] = {
    c: tuple(p for p in _PROCLITICS if p[0] == c) for c in {p[0] for p in _PROCLITICS}}


def stem_candidates(token: str) -> list[str]:
    """Plausible stems of a normalised token, longest first (clitics, verb prefix, suffixes removed)."""
    out: list[str] = []
    bases = [token]
    for p in _PROCLITICS_BY_FIRST.get(token[:1], ()):  # the proclitics ``token`` may start with, in order
        if token.startswith(p) and len(token) - len(p) >= 3:
            bases.append(token[len(p):])
    for b in list(bases):
        if b[:1] in _VERB_PREFIXES and len(b) >= 4:
            bases.append(b[1:])
    for b in bases:
        out.append(b)
        for s in _SUFFIXES_BY_LAST.get(b[-1:], ()):  # the suffixes b can end with, in ``_SUFFIXES`` order
            if b.endswith(s) and len(b) - len(s) >= 3:
                out.append(b[: -len(s)])
                if s in ("ات", "ه", "ها", "هم", "ته", "تها"):  # زيارته -> زياره
                    out.append(b[: -len(s)] + "ه")
    seen: set[str] = set()
    return [c for c in sorted(out, key=len, reverse=True) if not (c in seen or seen.add(c))]


@functools.lru_cache(maxsize=200_000)
def stems_of(token: str) -> tuple[str, ...]:
    """``stem_candidates`` as a tuple, memoised: every lexicon and feature look-up of a word asks for them."""
    return tuple(stem_candidates(token))


# ``strip_proclitics``, memoised: the lexicons, the coder's features and the clause structure ask it of every
# word (same string out; news reuses a small vocabulary). One cache for the events package.
strip_cached = functools.lru_cache(maxsize=200_000)(strip_proclitics)


class EventLexicon:
    """Stem -> Trigger table with an optional restriction to the curated layer."""

    def __init__(self, entries: dict[str, Trigger], include_up: bool = False) -> None:
        self._entries = {k: v for k, v in entries.items() if include_up or v.source == "curated"}
        self._memo: dict[str, Trigger | None] = {}  # token -> result; news reuses a small vocabulary

    @classmethod
    def load(cls, include_up: bool = False) -> EventLexicon:
        raw = resources.load_json("event_lexicon.json")
        entries = {k: Trigger(v["cameo"], v["plover"], v["mode"], v["source"], v.get("pos", "v")) for k, v in raw["entries"].items()}
        return cls(entries, include_up=include_up)

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, token: str) -> Trigger | None:
        """Trigger for a surface token (any form), preferring the exact then the longest stem."""
        if token in self._memo:
            return self._memo[token]
        hit = self._lookup(normalize(token))
        if len(self._memo) < 200_000:
            self._memo[token] = hit
        return hit

    def exact(self, norm: str) -> Trigger | None:
        """The entry of exactly this normalised word (no stem stripped), if any."""
        return self._entries.get(norm)

    def _lookup(self, norm: str) -> Trigger | None:
        if norm in _BLOCKED or strip_cached(norm) in _BLOCKED:
            return None
        for cand in stems_of(norm):
            hit = self._entries.get(cand)
            if hit is not None:
                return hit
        return None
