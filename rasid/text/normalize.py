"""Arabic normalisation for matching.

Stored text is never normalised; these helpers produce a matching key, and
``normalize_with_offsets`` keeps a map back to the original characters so
spans found on normalised text can be reported on the original.
"""

from __future__ import annotations

import re
from functools import lru_cache

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

_WORD_RE = re.compile(r"\w+")  # Arabic punctuation (، ؛ ؟) is not \w, so it never sticks to words


_TABLE = {ord(k): v for k, v in _CHAR_MAP.items()}
_TABLE.update(dict.fromkeys(_DIACRITICS, None))
_TABLE[ord(_TATWEEL)] = None


_CHANGED_RE = re.compile("[" + re.escape("".join(chr(k) for k in _TABLE)) + "]")


def _replace(m: re.Match[str]) -> str:
    return _TABLE[ord(m.group())] or ""


_DELETED_RE = re.compile("[" + re.escape("".join(chr(k) for k, v in _TABLE.items() if not v)) + "]")
_REPLACED = [(chr(k), v) for k, v in _TABLE.items() if v]  # no target is also a source: order is free
_LONG = 200  # characters from which whole-text passes beat one callback per changed character


def normalize(text: str) -> str:
    """Matching key: no diacritics/tatweel, unified alef/ya/ta-marbuta/hamza seats, ASCII digits."""
    # A regex touching only the characters that change is ~2x faster than str.translate on Arabic text;
    # on a long text (an article, a paragraph) one deletion pass plus a str.replace per character that
    # occurs is ~3x faster again. Both give the same string.
    if len(text) < _LONG:
        return _normalize_short(text)
    return _normalize_long(text)


@lru_cache(maxsize=512)
def _normalize_long(text: str) -> str:
    """``normalize`` of a paragraph or an article, memoised for the few hundred most recent: a cleaned
    line or text is normalised again by the next component that reads it (rules, furniture, hashing,
    storage), and hashing a string to find it is far cheaper than normalising it again."""
    text = _DELETED_RE.sub("", text)
    for src, dst in _REPLACED:
        if src in text:
            text = text.replace(src, dst)
    return text.lower()


@lru_cache(maxsize=1 << 16)
def _normalize_short(text: str) -> str:
    """``normalize`` of a short string, memoised: the same line, word or name is normalised again and again
    (a page's lines by the boilerplate rules, the furniture classifier and the headline finder; a name by
    every document that mentions it), and a cache hit is ~20x cheaper than the per-character callback."""
    return _CHANGED_RE.sub(_replace, text).lower()


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise and return ``offsets`` with ``offsets[i]`` = index in ``text`` of normalised char ``i``.

    ``offsets`` has one extra trailing element (``len(text)``) so an exclusive end maps too.
    Unchanged stretches are copied in bulk, so this costs little more than ``normalize``.
    """
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _CHANGED_RE.finditer(text):
        i = m.start()
        if i > pos:
            out.append(text[pos:i])
            offsets.extend(range(pos, i))
        rep = _TABLE[ord(m.group())] or ""
        if rep:
            out.append(rep)
            offsets.extend([i] * len(rep))
        pos = i + 1
    if pos < len(text):
        out.append(text[pos:])
        offsets.extend(range(pos, len(text)))
    norm = "".join(out)
    low = norm.lower()
    if len(low) != len(norm):  # rare: lower() changed the length (e.g. 'İ'); map per character
        chars, offs = [], []
        for ch, o in zip(norm, offsets, strict=True):
            lc = ch.lower()
            chars.append(lc)
            offs.extend([o] * len(lc))
        low, offsets = "".join(chars), offs
    offsets.append(len(text))
    return low, offsets


def to_ascii_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits only (same length, offsets unchanged)."""
    return "".join(_CHAR_MAP.get(ch, ch) if ch.isdigit() else ch for ch in text)


# Runs, not single characters: counting the characters of a few hundred runs is ~5x cheaper than
# one match object per letter, and gives the same counts.
_LETTER_RE = re.compile(r"[^\W\d_]+")
_ARABIC_LETTER_RE = re.compile(r"[\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+")


def letter_count(text: str) -> int:
    """Letters in ``text`` (word characters other than decimal digits and ``_``), counted by runs."""
    return sum(map(len, _LETTER_RE.findall(text)))


def arabic_ratio(text: str) -> float:
    """Share of letters that are Arabic script; used for cheap language detection."""
    letters = letter_count(text)
    if not letters:
        return 0.0
    return min(1.0, sum(map(len, _ARABIC_LETTER_RE.findall(text))) / letters)


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
