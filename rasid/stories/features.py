"""Lexical features for story clustering: light Arabic stemming and TF-IDF.

IDF comes from a table shipped in ``rasid/data/idf_ar.tsv.gz`` (document
frequencies counted over public multi-outlet news by ``scripts/build_idf.py``),
so a doc's vector does not depend on what else is in the current batch: the
same article gets the same vector in every run, which keeps story ids stable.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rasid import resources
from rasid.text.normalize import normalize

_WORD_RE = re.compile(r"[\u0621-\u064A\w]+", re.UNICODE)

# Normalised function words and reporting boilerplate that say nothing about which event it is.
STOPWORDS = frozenset(map(normalize, resources.lexicon("story_stopwords.txt")))

_SUFFIXES = ("اتها", "اتهم", "اته", "هما", "كما", "ات", "ون", "ين", "ان", "ها", "هم", "ية", "ه", "ي")


_ARTICLE_CLUSTERS = ("وبال", "وال", "بال", "كال", "فال", "ولل", "لل", "ال")


def _strip_prefix(word: str) -> str:
    """Drop an article cluster (وال، بال، لل، ال ...), else a conjunction و before a long word.

    Single-letter ب/ل/ف/ك are kept: they start too many names (بوتين، فلاديمير، لندن).
    """
    for p in _ARTICLE_CLUSTERS:
        if word.startswith(p) and len(word) - len(p) >= 3:
            return word[len(p):]
    if word.startswith("و") and len(word) >= 6:
        return word[1:]
    return word


def stem(word: str) -> str:
    """Light stem of a normalised word: one proclitic cluster, then one common suffix (stem kept >= 3)."""
    w = _strip_prefix(word)
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)]
    return w


_STEM_CACHE_MAX = 200_000  # distinct words memoised per IdfTable before the memo is reset


def term_of(w: str) -> str:
    """The content term of one normalised word: its stem, or "" for a stopword, a digit string or a word
    (or stem) shorter than two letters."""
    if len(w) < 2 or w in STOPWORDS or w.isdigit():
        return ""
    s = stem(w)
    return s if s not in STOPWORDS and len(s) >= 2 else ""


class TermMemo(dict):
    """word → ``term_of(word)``, computed on first sight (``memo[w]``), for :func:`terms`.

    Why a dict with ``__missing__``: ``terms`` then maps every word through one C-level lookup; the checks
    and the stem of a word (a tenth of the pipeline's time before stems were memoised) run once per word.
    """

    def __missing__(self, w: str) -> str:
        t = self[w] = term_of(w)
        return t


def terms(text: str, memo: TermMemo | None = None) -> list[str]:
    """Stemmed content terms of ``text`` (normalised, stopwords and digits dropped).

    ``memo``: a caller-owned ``TermMemo`` (emptied here when it holds ``_STEM_CACHE_MAX`` words).
    """
    words = _WORD_RE.findall(normalize(text))
    if memo is None:
        return [t for t in map(term_of, words) if t]
    if len(memo) >= _STEM_CACHE_MAX:
        memo.clear()
    return [t for t in map(memo.__getitem__, words) if t]


_LOADED_IDF: dict[tuple[str, int], IdfTable] = {}  # the bundled table, by (path, modification time)


@dataclass
class IdfTable:
    """Inverse document frequencies per stem; unseen stems get the maximum (rare) weight."""

    idf: dict[str, float] = field(default_factory=dict)
    n_docs: int = 1
    _stems: TermMemo = field(default_factory=TermMemo, repr=False, compare=False)

    @classmethod
    def load(cls) -> IdfTable:
        """The bundled table (``stem<TAB>df`` lines after an ``#n_docs`` header), read once per process and
        file version: a run's driver and each worker read it for the cluster stage and again for the compare
        stage (0.2 s each). Callers share the table; none writes its weights (its term memo is a cache)."""
        file = resources.path("idf_ar.tsv.gz")
        if not file.is_file():
            return cls()
        key = (str(file), file.stat().st_mtime_ns)
        if (table := _LOADED_IDF.get(key)) is None:
            _LOADED_IDF.clear()
            table = _LOADED_IDF[key] = cls._read(file)
        return table

    @classmethod
    def _read(cls, file: Path) -> IdfTable:
        with resources.open_text(file) as gz:
            header = gz.readline().strip()
            n = int(header.split("\t")[1])
            table = {}
            for line in gz:
                term, df = line.rstrip("\n").split("\t")
                table[term] = math.log((n + 1) / (int(df) + 1)) + 1.0
        return cls(table, n)

    @property
    def unseen_weight(self) -> float:
        """The weight of a stem the table has not seen: the rarest possible."""
        return math.log(self.n_docs + 1) + 1.0

    def weight(self, term: str) -> float:
        """The IDF weight of one stem (``unseen_weight`` when the table lacks it)."""
        return self.idf.get(term, self.unseen_weight)

    def terms(self, text: str) -> list[str]:
        """:func:`terms` with this table's stem memo."""
        return terms(text, self._stems)

    def vector(self, text: str, top_k: int = 60) -> dict[str, float]:
        """L2-normalised sublinear TF-IDF of the ``top_k`` heaviest terms (sparse dict)."""
        return self.vector_of_terms(self.terms(text), top_k)

    def vector_of_terms(self, found: list[str], top_k: int = 60) -> dict[str, float]:
        """:meth:`vector` from already extracted terms (callers that also need the terms)."""
        tf = Counter(found)
        idf, unseen, log = self.idf.get, self.unseen_weight, math.log  # ``weight``, inlined
        weights = {t: (1.0 + log(c)) * idf(t, unseen) for t, c in tf.items()}
        if len(weights) > top_k:
            weights = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k])
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        return {t: v / norm for t, v in weights.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two L2-normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


# Event modes read from headline + lead: a phone call and an in-person visit between the same
# leaders are different events even when every name and most words are shared.
# Cues per mode in rasid/data/lexicons/story_mode_cues.tsv, as written: normalised here.
_MODE_RES = {
    mode: re.compile(r"(?<![\w])(?:[وفبل]?)" + resources.alternation(tuple(map(normalize, cues))))
    for mode, cues in resources.lexicon_groups("story_mode_cues.tsv").items()
}


def event_modes(text: str) -> frozenset[str]:
    """Which interaction modes (``phone``, ``visit``) the text describes; phone wins inside one sentence."""
    norm = normalize(text)
    found = {mode for mode, rx in _MODE_RES.items() if rx.search(norm)}
    return frozenset(found)
