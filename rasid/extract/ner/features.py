"""CRF features for Arabic NER: word forms, clitic-stripped stems, affixes, shape, gazetteer hits, window ±2.

Arabic has no capitalisation, so gazetteer membership and context words (titles such as
الرئيس, وزير; verbs such as قال) carry most of the signal; stems let وموسكو share weights with موسكو.

Most features depend on the word alone (its forms, stem, affixes, shape, one-word gazetteer hit,
word classes, and the strings it contributes at each window offset); news text repeats a small
vocabulary, so ``WordCache`` computes them once per distinct word and a sentence's features are
assembled from the cached parts. Only gazetteer spans and word bigrams depend on the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from rasid.extract.gazetteer import Gazetteer
from rasid.extract.ner.clusters import WordClusters
from rasid.extract.ner.morph import clitic_variants, strip_article
from rasid.extract.ner.titles import TITLE_WORDS
from rasid.text.normalize import normalize, strip_proclitics

_WINDOW = (-2, -1, 1, 2)
_NO_CLASS = ("-", "-")
_PAD = {off: f"{off}pad" for off in _WINDOW}


def _shape(tok: str) -> str:
    if tok.isdigit():
        return "D"
    if all(not c.isalnum() for c in tok):
        return "P"
    if tok.isascii():
        return "L"
    return "A"


@dataclass(frozen=True, slots=True)
class WordInfo:
    """Everything the features use that depends on one token only (computed once per distinct token)."""

    norm: str
    coarse: str  # word class (coarse, fine); "-" when unknown or without clusters
    fine: str
    single: str  # one-word gazetteer hit ("LOC2c"...) or "-"
    title: bool  # a title word (الرئيس، وزير...), also behind a proclitic
    own: tuple[str, ...]  # the token's own features, without sentence-level gazetteer tags
    context: dict[int, tuple[str, ...]]  # offset -> what this word adds to a neighbour's window
    class_context: dict[int, str | None]  # offset -> "{off}kf=..." (only with clusters; None: not a known attribute)
    wide: dict[int, str | None]  # offset ±3 -> "{off}g1=..." when the word is a gazetteer hit


def _single_hit(norm: str, gaz: Gazetteer) -> str:
    """Types of the first clitic reading of ``norm`` that is a one-word gazetteer name ("-" when none)."""
    for form, cut in clitic_variants(norm):
        types = gaz.types(form)
        if types:
            return "".join(sorted(types)) + ("c" if cut else "")
    return "-"


def word_info(tok: str, gaz: Gazetteer, clusters: WordClusters | None,
              known: frozenset[str] | None = None) -> WordInfo:
    """The per-word part of ``token_features`` for one token (only the attributes in ``known``, when given)."""
    n = normalize(tok)
    s = strip_article(strip_proclitics(n))
    coarse, fine = clusters.get(n) if clusters else _NO_CLASS
    single = _single_hit(n, gaz)
    own = [
        "b", "w=" + n, "s=" + s, "p2=" + n[:2], "p3=" + n[:3], "x2=" + n[-2:], "x3=" + n[-3:],
        "sx2=" + s[-2:], "sx3=" + s[-3:], "sp2=" + s[:2], "sp3=" + s[:3], "shape=" + _shape(tok),
        "len=" + str(min(len(s), 8)), "g1=" + single, "k=" + coarse, "kf=" + fine,
    ]
    if n.startswith("ال") or (len(n) > len(s) and "ال" in n[: len(n) - len(s)]):
        own.append("al")
    context = {off: (f"{off}w={n}", f"{off}s={s}", f"{off}g1={single}", f"{off}k={coarse}") for off in _WINDOW}
    class_context: dict[int, str | None] = {off: f"{off}kf={fine}" for off in _WINDOW} if clusters else {}
    wide = {off: f"{off}g1={single}" if single != "-" else None for off in (-3, 3)}
    if known is not None:
        own = [a for a in own if a in known]
        context = {off: tuple(a for a in c if a in known) for off, c in context.items()}
        class_context = {off: a if a in known else None for off, a in class_context.items()}
        wide = {off: a if a in known else None for off, a in wide.items()}
    return WordInfo(
        norm=n, coarse=coarse, fine=fine, single=single,
        title=n in TITLE_WORDS or strip_proclitics(n) in TITLE_WORDS,
        own=tuple(own), context=context, class_context=class_context, wide=wide,
    )


class WordCache:
    """Bounded per-process cache of ``WordInfo`` for one gazetteer + word-class table.

    Emptied when it reaches ``max_words`` (a Zipfian vocabulary refills its head at once), so
    memory stays bounded on a stream of any length without per-hit bookkeeping. With ``known`` (the
    attributes a trained model has weights for), each word keeps only those, and ``token_features``
    drops the others as it builds them: a model ignores any other attribute, so the features it is given
    score the same, and a tagger need not filter ~45 strings per token on every sentence.
    """

    def __init__(self, gaz: Gazetteer, clusters: WordClusters | None = None, max_words: int = 200_000,
                 known: frozenset[str] | None = None) -> None:
        self.gaz = gaz
        self.clusters = clusters
        self.max_words = max_words
        self.known = known
        self._infos: dict[str, WordInfo] = {}

    def __len__(self) -> int:
        return len(self._infos)

    def infos(self, tokens: list[str]) -> list[WordInfo]:
        """``WordInfo`` of each token, computed on first sight."""
        cache = self._infos
        out: list[WordInfo] = []
        for tok in tokens:
            info = cache.get(tok)
            if info is None:
                if len(cache) >= self.max_words:
                    cache.clear()
                info = cache[tok] = word_info(tok, self.gaz, self.clusters, self.known)
            out.append(info)
        return out


def gazetteer_tags(norms: list[str], matches: list[tuple[int, int, frozenset[str], int]]) -> list[set[str]]:
    """Per-token tags of the gazetteer spans of a sentence: B<type>/I<type>, ``gcut``, ``gmulti``."""
    gtags: list[set[str]] = [set() for _ in norms]
    for i, j, types, cut in matches:
        for typ in types:
            gtags[i].add(f"B{typ}")
            for k in range(i + 1, j):
                gtags[k].add(f"I{typ}")
        if cut:
            gtags[i].add("gcut")
        if j - i > 1:
            for k in range(i, j):
                gtags[k].add("gmulti")
    return gtags


def token_features(tokens: list[str], gaz: Gazetteer, clusters: WordClusters | None = None,
                   cache: WordCache | None = None,
                   matches: list[tuple[int, int, frozenset[str], int]] | None = None) -> list[list[str]]:
    """One feature list per token of a sentence (crfsuite string features).

    ``cache`` (built for the same ``gaz`` and ``clusters``) reuses per-word work across calls;
    ``matches`` are ``gaz.match`` of the normalised tokens when the caller already has them. A cache
    built with ``known`` attributes gives only those, in the same order as the full lists.
    """
    cache = cache or WordCache(gaz, clusters)
    known = cache.known
    infos = cache.infos(tokens)
    norms = [w.norm for w in infos]
    gtags = gazetteer_tags(norms, gaz.match(norms) if matches is None else matches)
    n_tok = len(tokens)
    feats: list[list[str]] = []
    for i, w in enumerate(infos):
        f = list(w.own)
        dyn: list[str] = []  # the sentence-dependent attributes, filtered by ``known`` when there is one
        if gtags[i]:  # most tokens are in no gazetteer span
            dyn.extend("g=" + t for t in gtags[i])
        for off in _WINDOW:
            k = i + off
            if 0 <= k < n_tok:
                _add(f, dyn, known)
                f.extend(infos[k].context[off])
                if gtags[k]:
                    dyn.extend(f"{off}g={t}" for t in gtags[k])
            else:
                dyn.append(_PAD[off])
        if i >= 1 and infos[i - 1].title:  # a title (الرئيس، وزير، المتحدث...) just before
            dyn.append("T-1")
        if i >= 2 and infos[i - 2].title:
            dyn.append("T-2")
        if clusters:
            _add(f, dyn, known)
            f.extend(a for k in range(max(0, i - 2), min(n_tok, i + 3)) if k != i
                     and (a := infos[k].class_context[k - i]) is not None)
            if i > 0:
                dyn.append(f"-1k|k={infos[i - 1].coarse}|{w.coarse}")
                dyn.append(f"-1w|k={norms[i - 1]}|{w.coarse}")
            if i + 1 < n_tok:
                dyn.append(f"k|+1k={w.coarse}|{infos[i + 1].coarse}")
        for off in (-3, 3):  # wider gazetteer context: lists of places, "X bin Y bin Z"
            k = i + off
            if 0 <= k < n_tok and (g := infos[k].wide[off]) is not None:
                _add(f, dyn, known)
                f.append(g)
        if i > 0:
            dyn.append(f"-1w|w={norms[i - 1]}|{w.norm}")
        if i + 1 < n_tok:
            dyn.append(f"w|+1w={w.norm}|{norms[i + 1]}")
        _add(f, dyn, known)
        feats.append(f)
    return feats


def _add(f: list[str], dyn: list[str], known: frozenset[str] | None) -> None:
    """Move the pending sentence-level attributes ``dyn`` onto ``f`` (those in ``known`` only, when given),
    keeping the order of the full feature list."""
    if dyn:
        f.extend(dyn if known is None else [a for a in dyn if a in known])
        dyn.clear()
