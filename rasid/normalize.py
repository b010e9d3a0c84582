"""Arabic normalisation for matching.

Stored text is never normalised; these helpers produce a matching key, and
``normalize_with_offsets`` keeps a map back to the original characters so
spans found on normalised text can be reported on the original.
"""

from __future__ import annotations

import re

_DIACRITICS = set(range(0x064B, 0x0660)) | {0x0670} | set(range(0x06D6, 0x06EE))
_TATWEEL = "\u0640"
_CHAR_MAP = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي",
    "ؤ": "و",
    "ة": "ه",
    "ک": "ك", "ڪ": "ك",
    "\u200c": "", "\u200d": "", "\u200e": "", "\u200f": "", "\ufeff": "",
}
for _i, _d in enumerate("٠١٢٣٤٥٦٧٨٩"):
    _CHAR_MAP[_d] = str(_i)
for _i, _d in enumerate("۰۱۲۳۴۵۶۷۸۹"):
    _CHAR_MAP[_d] = str(_i)

_ARABIC_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_WORD_RE = re.compile(r"\w+")  # Arabic punctuation (، ؛ ؟) is not \w, so it never sticks to words


def _map_char(ch: str) -> str:
    if ord(ch) in _DIACRITICS or ch == _TATWEEL:
        return ""
    mapped = _CHAR_MAP.get(ch)
    if mapped is not None:
        return mapped
    return ch.lower()


_TABLE = {ord(k): v for k, v in _CHAR_MAP.items()}
_TABLE.update(dict.fromkeys(_DIACRITICS, None))
_TABLE[ord(_TATWEEL)] = None


def normalize(text: str) -> str:
    """Matching key: no diacritics/tatweel, unified alef/ya/ta-marbuta/hamza seats, ASCII digits."""
    return text.translate(_TABLE).lower()


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise and return ``offsets`` with ``offsets[i]`` = index in ``text`` of normalised char ``i``.

    ``offsets`` has one extra trailing element (``len(text)``) so an exclusive end maps too.
    """
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        mapped = _map_char(ch)
        for m in mapped:
            out.append(m)
            offsets.append(i)
    offsets.append(len(text))
    return "".join(out), offsets


def to_ascii_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits only (same length, offsets unchanged)."""
    return "".join(_CHAR_MAP.get(ch, ch) if ch.isdigit() else ch for ch in text)


def arabic_ratio(text: str) -> float:
    """Share of letters that are Arabic script; used for cheap language detection."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _ARABIC_RE.match(ch)) / len(letters)


_PROCLITICS = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل", "ف", "ك")


def strip_proclitics(token: str, min_stem: int = 3) -> str:
    """Drop one leading conjunction/preposition/article cluster (و، ب، ل، ف، ك، ال) from a normalised token."""
    for p in _PROCLITICS:
        if token.startswith(p) and len(token) - len(p) >= min_stem:
            return token[len(p):]
    return token


def words(text: str) -> list[str]:
    """Normalised word tokens (no offsets); for hashing and bag-of-words features."""
    return _WORD_RE.findall(normalize(text))
