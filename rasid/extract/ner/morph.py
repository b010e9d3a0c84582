"""Light Arabic clitic analysis for names: which leading letters are a conjunction/preposition.

News text attaches و/ف (and), ب/ل/ك (prepositions) and ال (article) to names
("وموسكو", "بالقامشلي", "للكرملين"); spans must exclude و/ب/ل but keep ال.
"""

from __future__ import annotations

from functools import lru_cache

_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")


@lru_cache(maxsize=1 << 16)
def clitic_variants(norm: str, min_stem: int = 2) -> tuple[tuple[str, int], ...]:
    """Candidate (form, chars stripped) readings of a normalised token, most literal first.

    ``chars stripped`` counts normalised characters removed from the start; ``لل`` + X yields
    the form ``ال`` + X with 2 stripped (the article's alef is elided in writing).

    Memoised (a pure function of a word, asked ~1,000 times per article by the gazetteer match, the
    tagger's rules, the consistency pass and the post-rules); a tuple, so the shared answer cannot be changed.
    """
    out: list[tuple[str, int]] = [(norm, 0)]
    rest, cut = norm, 0
    if rest[:1] in _CONJ and len(rest) - 1 >= min_stem:
        rest, cut = rest[1:], 1
        out.append((rest, cut))
    if rest.startswith("لل") and len(rest) - 2 >= min_stem:
        out.append(("ال" + rest[2:], cut + 2))
    elif rest[:1] in _PREP and len(rest) - 1 >= min_stem:
        out.append((rest[1:], cut + 1))
    return tuple(out)


def strip_article(norm: str) -> str:
    """Drop a leading ال (for matching القامشلي ~ قامشلي), keeping short words intact."""
    return norm[2:] if norm.startswith("ال") and len(norm) > 4 else norm
