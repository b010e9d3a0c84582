"""Latin-script names → the Arabic spellings rasid already knows (entity names and aliases).

Why: an analyst types "Putin" or "Lavrov"; the corpus says بوتين and لافروف. Writing Arabic from
Latin cannot be done letter by letter (short vowels are mostly not written, one Latin letter
stands for several Arabic ones: t → ت or ط, s → س ص or ز), but *recognising* a known Arabic name
can: each Latin letter becomes a small class of Arabic letters, vowels become optional long-vowel
letters, and the resulting pattern is matched against the normalised words of the stored entity
names and aliases. Only words the store already knows come out, so a loose pattern cannot invent
a name. The table is hand-written for the common Arabic transcriptions of names (English, French
and Russian-style spellings) and tested in ``tests/test_search_security.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rasid.text.normalize import normalize

# Latin letter groups (longest first) → regex of the Arabic letters they are written with
# (after rasid's normalisation: أ/إ/آ → ا, ة → ه, ى → ي).
CONSONANTS: dict[str, str] = {
    "sch": "ش", "tch": "(?:تش|ش)", "sh": "ش", "ch": "(?:تش|ش|ك)", "kh": "خ", "gh": "[غج]",
    "th": "[ثت]", "dh": "[ذضد]", "ph": "ف", "zh": "[جز]", "ts": "تس", "ck": "[كق]", "dj": "ج",
    "b": "ب", "p": "ب", "t": "[تط]", "d": "[دض]", "k": "[كق]", "q": "ق", "g": "[غجق]", "j": "[جي]",
    "h": "[هح]", "f": "ف", "v": "ف", "w": "و", "s": "[سصز]", "z": "[زظذ]", "r": "ر", "l": "ل",
    "m": "م", "n": "ن", "c": "[كسق]", "x": "كس", "y": "ي",
}
VOWELS: dict[str, str] = {  # short vowels are usually not written: every vowel letter is optional
    "ou": "و?", "oo": "و?", "ee": "ي?", "ie": "ي?", "ai": "(?:ا?ي)?", "ay": "(?:ا?ي)", "ei": "ي?",
    "ey": "ي", "ia": "(?:ي?ا?)", "io": "(?:ي?و?)", "iu": "(?:ي?و?)",
    "a": "[اعه]?", "e": "[ايه]?", "i": "ي?", "o": "و?", "u": "و?",
}
# Places whose English name is not a transcription of the Arabic one (exonyms): looked up whole.
EXONYMS: dict[str, str] = {
    "damascus": "دمشق", "aleppo": "حلب", "syria": "سوريا", "homs": "حمص", "hama": "حماة", "latakia": "اللاذقية",
    "russia": "روسيا", "moscow": "موسكو", "egypt": "مصر", "cairo": "القاهرة", "lebanon": "لبنان",
    "beirut": "بيروت", "iraq": "العراق", "baghdad": "بغداد", "turkey": "تركيا", "turkiye": "تركيا",
    "iran": "إيران", "tehran": "طهران", "jordan": "الأردن", "saudi": "السعودية", "riyadh": "الرياض",
    "gaza": "غزة", "israel": "إسرائيل", "palestine": "فلسطين", "jerusalem": "القدس", "yemen": "اليمن",
    "libya": "ليبيا", "sudan": "السودان", "qatar": "قطر", "doha": "الدوحة", "ukraine": "أوكرانيا",
    "kyiv": "كييف", "kiev": "كييف", "washington": "واشنطن", "america": "أمريكا", "china": "الصين",
    "france": "فرنسا", "paris": "باريس", "germany": "ألمانيا", "britain": "بريطانيا", "london": "لندن",
}
_EXONYMS = {k: normalize(v) for k, v in EXONYMS.items()}
_GROUPS = sorted([*CONSONANTS, *VOWELS], key=len, reverse=True)
_LATIN_RE = re.compile(r"[a-z]")
_ARABIC_RE = re.compile(r"[\u0600-\u06ff]")
MIN_LATIN = 3  # "Al" or "Ibn" alone would match half the vocabulary
MAX_EXPANSIONS = 5


def is_latin(term: str) -> bool:
    """True for a query term in Latin letters (and no Arabic ones)."""
    return bool(_LATIN_RE.search(term.lower())) and not _ARABIC_RE.search(term)


def latin_pattern(word: str) -> re.Pattern[str] | None:
    """A regex matching the normalised Arabic spellings of the Latin ``word`` (None if it has no letters).

    Doubled letters count once (Assad → asad); an initial vowel may also be written with ain
    (Omar → عمر); the Arabic article ال may precede (Assad → الاسد).
    """
    w = re.sub(r"([a-z])\1+", r"\1", re.sub(r"[^a-z]", "", word.lower()))
    w = re.sub(r"^(?:al|el|ul)(?=[a-z]{3})", "", w)  # al-Assad, el-Sharaa: the article is optional below
    if len(w) < MIN_LATIN:
        return None
    parts: list[str] = []
    i = 0
    while i < len(w):
        g = next((g for g in _GROUPS if w.startswith(g, i)), w[i])
        if g in VOWELS:
            parts.append(("[اع]?" if i == 0 else "") + VOWELS[g])
        else:
            parts.append(CONSONANTS.get(g, re.escape(g)))
        i += len(g)
    return re.compile("(?:ال)?" + "".join(parts))


@dataclass
class NameIndex:
    """Normalised Arabic words of entity names and aliases, for matching Latin-script queries."""

    words: set[str] = field(default_factory=set)
    size: int = -1  # how many names were read (to notice when the store has more)

    @classmethod
    def from_names(cls, names: Iterable[str]) -> NameIndex:
        words: set[str] = set()
        n = 0
        for name in names:
            n += 1
            for w in normalize(name).split():
                if len(w) >= 3 and _ARABIC_RE.search(w):
                    words.add(w)
        return cls(words, n)

    def expand(self, term: str) -> list[str]:
        """Arabic spellings (normalised) of the Latin ``term`` found among the known names; best first.

        A multi-word term ("Vladimir Putin") gives one phrase, made of the best match of each word,
        when every word has one.
        """
        key = " ".join(re.split(r"[\s\-_.']+", term.lower())).strip()
        if key in _EXONYMS:
            return [_EXONYMS[key]]
        words = key.split()
        # "al-Assad": the article is a word of its own in Latin, part of the name in Arabic (ال is optional)
        latin_words = [w for i, w in enumerate(words) if not (w in ("al", "el", "ul") and i + 1 < len(words))]
        if not latin_words:
            return []
        per_word = [self._matches(w) for w in latin_words]
        if len(latin_words) == 1:
            return per_word[0][:MAX_EXPANSIONS]
        if all(per_word):
            return [" ".join(m[0] for m in per_word)]
        return []

    def _matches(self, latin: str) -> list[str]:
        pat = latin_pattern(latin)
        if pat is None:
            return []
        found = [w for w in self.words if pat.fullmatch(w)]
        # the same word with and without the article: keep the bare one (substring search finds both)
        bare = {w for w in found if not w.startswith("ال")}
        found = [w for w in found if not (w.startswith("ال") and w[2:] in bare)]
        consonants = len(re.sub(r"[aeiouy]", "", latin.lower()))
        return sorted(found, key=lambda w: (abs(len(w) - consonants - 1), w))
