"""CRF features for Arabic NER: word forms, clitic-stripped stems, affixes, shape, gazetteer hits, window ±2.

Arabic has no capitalisation, so gazetteer membership and context words (titles such as
الرئيس, وزير; verbs such as قال) carry most of the signal; stems let وموسكو share weights with موسكو.

Most features depend on the word alone (its forms, stem, affixes, shape, one-word gazetteer hit,
word classes, and the strings it contributes at each window offset); news text repeats a small
vocabulary, so ``WordCache`` computes them once per distinct word and a sentence's features are
assembled from the cached parts. Only gazetteer spans and word bigrams depend on the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rasid.extract.gazetteer import Gazetteer
from rasid.extract.ner.clusters import WordClusters
from rasid.extract.ner.morph import clitic_variants, strip_article
from rasid.extract.ner.titles import TITLE_WORDS
from rasid.text.normalize import normalize, strip_proclitics

_WINDOW = (-2, -1, 1, 2)
_NO_CLASS = ("-", "-")
_PAD = {off: f"{off}pad" for off in _WINDOW}
# what a word adds to a neighbour's window at each offset: these prefixes + (norm, stem, gazetteer hit, class)
_CONTEXT_PREFIXES = tuple((off, (f"{off}w=", f"{off}s=", f"{off}g1=", f"{off}k=")) for off in _WINDOW)
_NO_ROWS: tuple[int | None, ...] = (None, None, None, None)
_NO_CONTEXT: tuple[tuple[int, ...], ...] = ((), (), (), ())
_WINDOW_KINDS = ("w", "s", "g1", "k", "kf")


def _shape(tok: str) -> str:
    if tok.isdigit():
        return "D"
    if all(not c.isalnum() for c in tok):
        return "P"
    if tok.isascii():
        return "L"
    return "A"


_EMPTY: dict[str, int] = {}  # a shared, never written "no known pair starts with this word"
_NO_PAIRS: dict[str, tuple[int | None, int | None]] = {}  # the same for the two-sided pair tables
_PAIRS = ("-1w|w=", "w|+1w=", "-1w|k=", "-1k|k=", "k|+1k=")  # sentence-level pair attributes, left|right


@dataclass(frozen=True, slots=True)
class KnownIndex:
    """The attributes a trained CRF has weights for, arranged for ``crf_features``.

    ``pairs[prefix][left][right]`` is the UTF-8 attribute ``prefix + left + "|" + right`` (every split at a
    "|" is registered, so a word holding "|" still finds its pair: the joined string is the attribute). A
    pair is found with two dict lookups instead of building the string for every token and testing it.
    """

    rows: dict[str, int]  # known attribute -> its row in the model's weights (``CrfModel.rows``; never 0)
    pairs: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    # window attributes by value: kind (w, s, g1, k, kf) -> value -> the known attribute at window position
    # -2, -1, 1, 2 (None where unknown); wide: gazetteer hit -> (-3g1=..., 3g1=...). One lookup per value
    # instead of one per offset: most values have no known window attribute at all.
    window: dict[str, dict[str, tuple[int | None, ...]]] = field(default_factory=dict)
    wide: dict[str, tuple[int | None, ...]] = field(default_factory=dict)
    # a pair of neighbours seen from both sides, one lookup for the two: left word -> right word ->
    # (b"-1w|w=left|right" of the right token, b"w|+1w=left|right" of the left token); the same for classes
    # (-1k|k=, k|+1k=)
    word_pairs: dict[str, dict[str, tuple[int | None, int | None]]] = field(default_factory=dict)
    class_pairs: dict[str, dict[str, tuple[int | None, int | None]]] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: dict[str, int]) -> KnownIndex:
        pairs: dict[str, dict[str, dict[str, int]]] = {p: {} for p in _PAIRS}
        window: dict[str, dict[str, list[int | None]]] = {kind: {} for kind in _WINDOW_KINDS}
        wide: dict[str, list[int | None]] = {}
        # every prefix ends with its only "=", so an attribute starts with a prefix exactly when the text up to
        # its first "=" is that prefix: one dict lookup per attribute instead of ~30 startswith tests (a
        # distilled model knows ~120k attributes, and each worker builds this once)
        slots: dict[str, tuple[str, str, int]] = {p: ("pair", p, 0) for p in _PAIRS}
        for pos, off in enumerate(_WINDOW):
            for kind in _WINDOW_KINDS:
                slots[f"{off}{kind}="] = ("window", kind, pos)
        for pos, off in enumerate((-3, 3)):
            slots[f"{off}g1="] = ("wide", "g1", pos)
        for attr, enc in rows.items():
            head, eq, rest = attr.partition("=")
            slot = slots.get(head + eq) if eq else None
            if slot is None:
                continue
            what, key, pos = slot
            if what == "pair":
                for k, c in enumerate(rest):
                    if c == "|":
                        pairs[key].setdefault(rest[:k], {})[rest[k + 1:]] = enc
            elif what == "window":
                window[key].setdefault(rest, [None] * 4)[pos] = enc
            else:
                wide.setdefault(rest, [None, None])[pos] = enc
        return cls(rows=rows, pairs=pairs,
                   window={kind: {v: tuple(row) for v, row in rows.items()} for kind, rows in window.items()},
                   wide={v: tuple(row) for v, row in wide.items()},
                   word_pairs=_both_sides(pairs["-1w|w="], pairs["w|+1w="]),
                   class_pairs=_both_sides(pairs["-1k|k="], pairs["k|+1k="]))


def _both_sides(of_right: dict[str, dict[str, int]],
                of_left: dict[str, dict[str, int]]) -> dict[str, dict[str, tuple[int | None, int | None]]]:
    """left -> right -> (the attribute of the right token, the attribute of the left token) for one pair."""
    out: dict[str, dict[str, tuple[int | None, int | None]]] = {}
    for left in of_right.keys() | of_left.keys():
        a, b = of_right.get(left, _EMPTY), of_left.get(left, _EMPTY)
        out[left] = {right: (a.get(right), b.get(right)) for right in a.keys() | b.keys()}
    return out


@dataclass(frozen=True, slots=True)
class CrfParts:
    """One word's known attributes as the model's weight rows (``CrfModel.rows``), in ``token_features`` order.

    Rows are found once per distinct word instead of once per attribute and per token; the pair tables
    are the ``KnownIndex`` rows that start with this word (or its class), looked up by the next word.
    """

    own: tuple[int, ...]
    context: tuple[tuple[int, ...], ...]  # by window position -2, -1, 1, 2
    class_context: tuple[int | None, ...]  # by window position -2, -1, 1, 2 (None: unknown or no clusters)
    wide: tuple[int | None, ...]  # offsets -3, 3
    words: dict[str, tuple[int | None, int | None]]  # next word's norm -> (its -1w|w=, this word's w|+1w=)
    classes: dict[str, tuple[int | None, int | None]]  # next word's class -> (its -1k|k=, this word's k|+1k=)
    word_class: dict[str, int]  # next word's class -> the row of "-1w|k=<this word>|<class>"


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
    class_context: dict[int, str]  # offset -> "{off}kf=..." (only with clusters)
    wide: dict[int, str | None]  # offset ±3 -> "{off}g1=..." when the word is a gazetteer hit
    crf: CrfParts | None = None  # with a ``KnownIndex``: the known attributes as rows, for ``crf_features``


def _single_hit(norm: str, gaz: Gazetteer) -> str:
    """Types of the first clitic reading of ``norm`` that is a one-word gazetteer name ("-" when none)."""
    for form, cut in clitic_variants(norm):
        types = gaz.types(form)
        if types:
            return "".join(sorted(types)) + ("c" if cut else "")
    return "-"


def word_info(tok: str, gaz: Gazetteer, clusters: WordClusters | None,
              index: KnownIndex | None = None) -> WordInfo:
    """The per-word part of ``token_features`` for one token; with ``index`` (a trained model's attributes),
    also the ``CrfParts`` that ``crf_features`` assembles for that model."""
    n = normalize(tok)
    bare = strip_proclitics(n)
    s = strip_article(bare)
    coarse, fine = clusters.get(n) if clusters else _NO_CLASS
    single = _single_hit(n, gaz)
    own = (
        "b", "w=" + n, "s=" + s, "p2=" + n[:2], "p3=" + n[:3], "x2=" + n[-2:], "x3=" + n[-3:],
        "sx2=" + s[-2:], "sx3=" + s[-3:], "sp2=" + s[:2], "sp3=" + s[:3], "shape=" + _shape(tok),
        "len=" + str(min(len(s), 8)), "g1=" + single, "k=" + coarse, "kf=" + fine,
    )
    if n.startswith("ال") or (len(n) > len(s) and "ال" in n[: len(n) - len(s)]):
        own += ("al",)
    context = {off: (pw + n, ps + s, pg + single, pk + coarse) for off, (pw, ps, pg, pk) in _CONTEXT_PREFIXES}
    class_context = {off: f"{off}kf={fine}" for off in _WINDOW} if clusters else {}
    wide = {off: f"{off}g1={single}" if single != "-" else None for off in (-3, 3)}
    crf = None
    if index is not None:  # the attributes the model knows, as rows; ``enc.get`` of any other is None
        enc, pairs, win = index.rows, index.pairs, index.window
        # ``context[off]`` filtered: its (w, s, g1, k) attributes, each looked up once for all four offsets
        rows = [r for r in (win["w"].get(n), win["s"].get(s), win["g1"].get(single), win["k"].get(coarse)) if r]
        crf = CrfParts(
            own=tuple([e for a in own if (e := enc.get(a))]),
            context=tuple([tuple([r[pos] for r in rows if r[pos]]) for pos in range(4)]) if rows else _NO_CONTEXT,
            class_context=win["kf"].get(fine, _NO_ROWS) if clusters else _NO_ROWS,
            wide=index.wide.get(single, (None, None)) if single != "-" else (None, None),
            words=index.word_pairs.get(n, _NO_PAIRS), classes=index.class_pairs.get(coarse, _NO_PAIRS),
            word_class=pairs["-1w|k="].get(n, _EMPTY),
        )
    return WordInfo(
        norm=n, coarse=coarse, fine=fine, single=single, title=n in TITLE_WORDS or bare in TITLE_WORDS,
        own=own, context=context, class_context=class_context, wide=wide, crf=crf,
    )


class WordCache:
    """Bounded per-process cache of ``WordInfo`` for one gazetteer + word-class table.

    Emptied when it reaches ``max_words`` (a Zipfian vocabulary refills its head at once), so
    memory stays bounded on a stream of any length without per-hit bookkeeping. With ``known`` (the
    attributes a trained model has weights for, each with its weight row: ``CrfModel.rows``), each word also
    keeps those of its attributes as rows (``CrfParts``), which ``crf_features`` assembles: a model has no
    weight for any other attribute, so the features it is given score the same, and a tagger need not look
    up ~45 strings per token on every sentence. ``token_features`` always gives the full lists (training).
    """

    def __init__(self, gaz: Gazetteer, clusters: WordClusters | None = None, max_words: int = 200_000,
                 known: dict[str, int] | None = None) -> None:
        self.gaz = gaz
        self.clusters = clusters
        self.max_words = max_words
        self.known = known
        self.index = KnownIndex.build(known) if known is not None else None
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
                info = cache[tok] = word_info(tok, self.gaz, self.clusters, self.index)
            out.append(info)
        return out


def gazetteer_tags(norms: list[str], matches: list[tuple[int, int, frozenset[str], int]]) -> list[list[str]]:
    """Per-token tags of the gazetteer spans of a sentence: B<type>/I<type>, ``gcut``, ``gmulti``, sorted.

    Sorted because the CRF adds the attributes' weights in the order given: a set's order changes with each
    process's hash seed, so the same sentence got marginals differing in the last bits from one worker to
    another (a confidence on a threshold could flip a label between two runs).
    """
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
    return [sorted(t) if t else [] for t in gtags]


def token_features(tokens: list[str], gaz: Gazetteer, clusters: WordClusters | None = None,
                   cache: WordCache | None = None,
                   matches: list[tuple[int, int, frozenset[str], int]] | None = None) -> list[list[str]]:
    """One feature list per token of a sentence (crfsuite string features): every attribute, as training
    sees them. ``crf_features`` is the same lists as a trained model receives them.

    ``cache`` (built for the same ``gaz`` and ``clusters``) reuses per-word work across calls;
    ``matches`` are ``gaz.match`` of the normalised tokens when the caller already has them.
    """
    cache = cache or WordCache(gaz, clusters)
    infos = cache.infos(tokens)
    norms = [w.norm for w in infos]
    gtags = gazetteer_tags(norms, gaz.match(norms) if matches is None else matches)
    n_tok = len(tokens)
    feats: list[list[str]] = []
    for i, w in enumerate(infos):
        f = list(w.own)
        if gtags[i]:  # most tokens are in no gazetteer span
            f.extend("g=" + t for t in gtags[i])
        for off in _WINDOW:
            k = i + off
            if 0 <= k < n_tok:
                f.extend(infos[k].context[off])
                if gtags[k]:
                    f.extend(f"{off}g={t}" for t in gtags[k])
            else:
                f.append(_PAD[off])
        if i >= 1 and infos[i - 1].title:  # a title (الرئيس، وزير، المتحدث...) just before
            f.append("T-1")
        if i >= 2 and infos[i - 2].title:
            f.append("T-2")
        if clusters:
            f.extend(a for k in range(max(0, i - 2), min(n_tok, i + 3)) if k != i
                     and (a := infos[k].class_context[k - i]) is not None)
            if i > 0:
                f.append(f"-1k|k={infos[i - 1].coarse}|{w.coarse}")
                f.append(f"-1w|k={norms[i - 1]}|{w.coarse}")
            if i + 1 < n_tok:
                f.append(f"k|+1k={w.coarse}|{infos[i + 1].coarse}")
        for off in (-3, 3):  # wider gazetteer context: lists of places, "X bin Y bin Z"
            k = i + off
            if 0 <= k < n_tok and (g := infos[k].wide[off]) is not None:
                f.append(g)
        if i > 0:
            f.append(f"-1w|w={norms[i - 1]}|{w.norm}")
        if i + 1 < n_tok:
            f.append(f"w|+1w={w.norm}|{norms[i + 1]}")
        feats.append(f)
    return feats


def crf_features(infos: list[WordInfo], gtags: list[list[str]], cache: WordCache) -> list[list[int]]:
    """``token_features`` of a sentence as the model reads it: only the known attributes, as weight rows,
    in the same order (so the CRF sums the same weights in the same order: identical scores and marginals).

    ``infos`` come from ``cache``, a ``WordCache`` built with ``known`` (so each has its ``CrfParts``);
    ``gtags`` are ``gazetteer_tags`` of the sentence. The per-word parts are joined as they are; a
    sentence-level pair (word or class bigram) costs one dict lookup for both tokens instead of a string
    built and tested for each.
    """
    index = cache.index
    assert index is not None, "crf_features needs a WordCache built with known attributes"
    enc = index.rows
    parts = [w.crf for w in infos]
    n_tok = len(infos)
    pad = [enc.get(_PAD[off]) for off in _WINDOW]
    title1, title2 = enc.get("T-1"), enc.get("T-2")
    has_classes = cache.clusters is not None  # as ``token_features``: class attributes only with a class table
    feats: list[list[int]] = []
    last = n_tok - 1
    plain = not any(gtags)  # no gazetteer span in the sentence: inner tokens need no window checks
    next_kk = next_wk = next_ww = None  # pair attributes of this token found at the token before
    for i, p in enumerate(parts):
        f = list(p.own)
        if plain and 2 <= i <= last - 2:
            f += parts[i - 2].context[0]
            f += parts[i - 1].context[1]
            f += parts[i + 1].context[2]
            f += parts[i + 2].context[3]
        else:
            if gtags[i]:
                f.extend(b for t in gtags[i] if (b := enc.get("g=" + t)))
            for pos, off in enumerate(_WINDOW):
                k = i + off
                if 0 <= k < n_tok:
                    f += parts[k].context[pos]
                    if gtags[k]:
                        f.extend(b for t in gtags[k] if (b := enc.get(f"{off}g={t}")))
                elif pad[pos]:
                    f.append(pad[pos])
        if i >= 1 and title1 and infos[i - 1].title:
            f.append(title1)
        if i >= 2 and title2 and infos[i - 2].title:
            f.append(title2)
        if has_classes:
            for pos, off in enumerate(_WINDOW):
                k = i + off
                if 0 <= k < n_tok and (a := parts[k].class_context[pos]) is not None:
                    f.append(a)
            if next_kk:
                f.append(next_kk)
            if next_wk:
                f.append(next_wk)
            if i < last:
                coarse = infos[i + 1].coarse
                kk = p.classes.get(coarse)
                next_kk = kk[0] if kk else None
                if kk and kk[1]:
                    f.append(kk[1])
                next_wk = p.word_class.get(coarse)
        if i >= 3 and (a := parts[i - 3].wide[0]) is not None:
            f.append(a)
        if i + 3 < n_tok and (a := parts[i + 3].wide[1]) is not None:
            f.append(a)
        if next_ww:
            f.append(next_ww)
        if i < last:
            ww = p.words.get(infos[i + 1].norm)
            next_ww = ww[0] if ww else None
            if ww and ww[1]:
                f.append(ww[1])
        feats.append(f)
    return feats
