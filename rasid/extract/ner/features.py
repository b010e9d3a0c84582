"""CRF features for Arabic NER: word forms, clitic-stripped stems, affixes, shape, gazetteer hits, window ±2.

Arabic has no capitalisation, so gazetteer membership and context words (titles such as
الرئيس, وزير; verbs such as قال) carry most of the signal; stems let وموسكو share weights with موسكو.

Most features depend on the word alone (its forms, stem, affixes, shape, one-word gazetteer hit,
word classes, and the strings it contributes at each window offset); news text repeats a small
vocabulary, so ``WordCache`` computes them once per distinct word and a sentence's features are
assembled from the cached parts. Only gazetteer spans and word bigrams depend on the sentence.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from rasid.extract.gazetteer import Gazetteer
from rasid.extract.ner.clusters import WordClusters
from rasid.extract.ner.crf import row_sums
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
_NOT_BUILT: dict = {}  # a WordInfo's string features that a model's rows made unnecessary (see ``WordInfo``)
_WINDOW_KINDS = ("w", "s", "g1", "k", "kf")


def _shape(tok: str) -> str:
    if tok.isdigit():
        return "D"
    if all(not c.isalnum() for c in tok):
        return "P"
    if tok.isascii():
        return "L"
    return "A"


_NO_TAGS: list[str] = []  # shared by every token of gazetteer_tags outside a span; never written
_EMPTY: dict[str, int] = {}  # a shared, never written "no known pair starts with this word"
_NO_PAIRS: dict[str, tuple[int | None, int | None]] = {}  # the same for the two-sided pair tables
_PAIRS = ("-1w|w=", "w|+1w=", "-1w|k=", "-1k|k=", "k|+1k=")  # sentence-level pair attributes, left|right
# a word's own valued attributes, in ``word_info``'s order (after the bias "b"; "al" comes last)
_OWN = ("w=", "s=", "p2=", "p3=", "x2=", "x3=", "sx2=", "sx3=", "sp2=", "sp3=", "shape=", "len=", "g1=", "k=", "kf=")


@dataclass(frozen=True, slots=True)
class KnownIndex:
    """The attributes a trained CRF has weights for, arranged for ``word_info`` and ``crf_scores``.

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
    # (the row of "-1w|w=left|right" of the right token, of "w|+1w=left|right" of the left token); the same
    # for classes (-1k|k=, k|+1k=), which ``WordScores`` lays out as dense tables
    word_pairs: dict[str, dict[str, tuple[int | None, int | None]]] = field(default_factory=dict)
    class_pairs: dict[str, dict[str, tuple[int | None, int | None]]] = field(default_factory=dict)
    # a word's own attributes by value, one table per ``_OWN`` prefix: no "w=" + word strings to build
    own: tuple[dict[str, int], ...] = ()
    _tags: dict[str, tuple[int | None, tuple[tuple[int, int], ...]]] = field(default_factory=dict)

    def tag_rows(self, tag: str) -> tuple[int | None, tuple[tuple[int, int], ...]]:
        """A gazetteer tag's rows: ``g=<tag>`` on its own token, and (offset, ``<offset>g=<tag>``) for the
        window offsets the model knows (memoised: a handful of distinct tags)."""
        hit = self._tags.get(tag)
        if hit is None:
            hit = self._tags[tag] = (self.rows.get("g=" + tag), tuple(
                (off, r) for off in _WINDOW if (r := self.rows.get(f"{off}g={tag}"))))
        return hit

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
        own: tuple[dict[str, int], ...] = tuple({} for _ in _OWN)
        for pos, prefix in enumerate(_OWN):
            slots[prefix] = ("own", prefix, pos)
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
            elif what == "own":
                own[pos][rest] = enc
            else:
                wide.setdefault(rest, [None, None])[pos] = enc
        return cls(rows=rows, pairs=pairs,
                   window={kind: {v: tuple(row) for v, row in rows.items()} for kind, rows in window.items()},
                   wide={v: tuple(row) for v, row in wide.items()},
                   word_pairs=_both_sides(pairs["-1w|w="], pairs["w|+1w="]),
                   class_pairs=_both_sides(pairs["-1k|k="], pairs["k|+1k="]), own=own)


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
    are the ``KnownIndex`` rows that start with this word, looked up by the next word (class bigrams come
    from ``WordScores``' dense tables).
    """

    own: tuple[int, ...]
    context: tuple[tuple[int, ...], ...]  # by window position -2, -1, 1, 2
    class_context: tuple[int | None, ...]  # by window position -2, -1, 1, 2 (None: unknown or no clusters)
    wide: tuple[int | None, ...]  # offsets -3, 3
    words: dict[str, tuple[int | None, int | None]]  # next word's norm -> (its -1w|w=, this word's w|+1w=)
    word_class: dict[str, int]  # next word's class -> the row of "-1w|k=<this word>|<class>"


@dataclass(frozen=True, slots=True)
class WordInfo:
    """Everything the features use that depends on one token only (computed once per distinct token)."""

    norm: str
    coarse: str  # word class (coarse, fine); "-" when unknown or without clusters
    fine: str
    single: str  # one-word gazetteer hit ("LOC2c"...) or "-"
    title: bool  # a title word (الرئيس، وزير...), also behind a proclitic
    # this and the next three are empty for a cache with a model's ``KnownIndex``: its ``crf`` rows replace
    # them (most of ``word_info``'s work per new word), and ``token_features`` refuses such a cache
    own: tuple[str, ...]  # the token's own features, without sentence-level gazetteer tags
    context: dict[int, tuple[str, ...]]  # offset -> what this word adds to a neighbour's window
    class_context: dict[int, str]  # offset -> "{off}kf=..." (only with clusters)
    wide: dict[int, str | None]  # offset ±3 -> "{off}g1=..." when the word is a gazetteer hit
    crf: CrfParts | None = None  # with a ``KnownIndex``: the known attributes as rows, for ``crf_scores``
    slot: int = -1  # its row in the cache's ``WordScores`` (with a ``KnownIndex``)


def _single_hit(norm: str, gaz: Gazetteer) -> str:
    """Types of the first clitic reading of ``norm`` that is a one-word gazetteer name ("-" when none)."""
    for form, cut in clitic_variants(norm):
        types = gaz.types(form)
        if types:
            return "".join(sorted(types)) + ("c" if cut else "")
    return "-"


def word_info(tok: str, gaz: Gazetteer, clusters: WordClusters | None,
              index: KnownIndex | None = None, slot: int = -1) -> WordInfo:
    """The per-word part of ``token_features`` for one token; with ``index`` (a trained model's attributes),
    also the ``CrfParts`` that ``crf_scores`` sums for that model (``slot``: its row in ``WordScores``)."""
    n = normalize(tok)
    bare = strip_proclitics(n)
    s = strip_article(bare)
    coarse, fine = clusters.get(n) if clusters else _NO_CLASS
    single = _single_hit(n, gaz)
    # the values of the ``_OWN`` attributes, in that order
    values = (n, s, n[:2], n[:3], n[-2:], n[-3:], s[-2:], s[-3:], s[:2], s[:3], _shape(tok), str(min(len(s), 8)),
              single, coarse, fine)
    al = n.startswith("ال") or (len(n) > len(s) and "ال" in n[: len(n) - len(s)])
    crf = None
    if index is None:  # training's string lists; a model's rows below need none of them
        own = ("b", *map(str.__add__, _OWN, values)) + (("al",) if al else ())
        context = {off: (pw + n, ps + s, pg + single, pk + coarse) for off, (pw, ps, pg, pk) in _CONTEXT_PREFIXES}
        class_context = {off: f"{off}kf={fine}" for off in _WINDOW} if clusters else {}
        wide = {off: f"{off}g1={single}" if single != "-" else None for off in (-3, 3)}
    else:  # the attributes the model knows, as rows (any other has no weight)
        own, context, class_context, wide = (), _NOT_BUILT, _NOT_BUILT, _NOT_BUILT
        enc, pairs, win = index.rows, index.pairs, index.window
        # the own attributes' rows in the training order: the bias, each valued attribute, "al"
        own_rows = [e for e in (enc.get("b"),) if e]
        own_rows += [e for table, v in zip(index.own, values, strict=True) if (e := table.get(v))]
        if al and (e := enc.get("al")):
            own_rows.append(e)
        # ``context[off]`` filtered: its (w, s, g1, k) attributes, each looked up once for all four offsets
        rows = [r for r in (win["w"].get(n), win["s"].get(s), win["g1"].get(single), win["k"].get(coarse)) if r]
        crf = CrfParts(
            own=tuple(own_rows),
            context=tuple([tuple([r[pos] for r in rows if r[pos]]) for pos in range(4)]) if rows else _NO_CONTEXT,
            class_context=win["kf"].get(fine, _NO_ROWS) if clusters else _NO_ROWS,
            wide=index.wide.get(single, (None, None)) if single != "-" else (None, None),
            words=index.word_pairs.get(n, _NO_PAIRS), word_class=pairs["-1w|k="].get(n, _EMPTY),
        )
    return WordInfo(
        norm=n, coarse=coarse, fine=fine, single=single, title=n in TITLE_WORDS or bare in TITLE_WORDS,
        own=own, context=context, class_context=class_context, wide=wide, crf=crf, slot=slot,
    )


class WordCache:
    """Bounded per-process cache of ``WordInfo`` for one gazetteer + word-class table.

    Emptied when it reaches ``max_words`` (a Zipfian vocabulary refills its head at once), so
    memory stays bounded on a stream of any length without per-hit bookkeeping. With ``known`` (the
    attributes a trained model has weights for, each with its weight row: ``CrfModel.rows``) and ``weights``
    (the model's state weights, ``CrfModel.state``), each word also keeps those of its attributes as rows
    (``CrfParts``) and gets a row in ``scores`` (``WordScores``), which ``crf_scores`` sums: a model has no
    weight for any other attribute, so the scores are the same, and a tagger need not look up ~45 strings
    per token on every sentence. ``token_features`` always gives the full lists (training).
    """

    def __init__(self, gaz: Gazetteer, clusters: WordClusters | None = None, max_words: int = 200_000,
                 known: dict[str, int] | None = None, weights: np.ndarray | None = None) -> None:
        self.gaz = gaz
        self.clusters = clusters
        self.max_words = max_words
        self.index = KnownIndex.build(known) if known is not None else None
        self.scores = WordScores(weights, self.index) if weights is not None and self.index is not None else None
        self._infos: dict[str, WordInfo] = {}
        self._new: list[WordInfo] = []  # seen since ``scores`` was last filled

    def __len__(self) -> int:
        return len(self._infos)

    def infos(self, tokens: list[str]) -> list[WordInfo]:
        """``WordInfo`` of each token, computed on first sight.

        The cache is emptied only at the start of a call, so the words of one call (a document's tokens)
        keep their ``WordScores`` rows until the next.
        """
        cache = self._infos
        if len(cache) >= self.max_words:
            cache.clear()
            self._new.clear()
            if self.scores is not None:
                self.scores.clear()
        out: list[WordInfo] = []
        for tok in tokens:
            info = cache.get(tok)
            if info is None:
                info = cache[tok] = word_info(tok, self.gaz, self.clusters, self.index, slot=len(cache))
                self._new.append(info)
            out.append(info)
        return out

    def filled_scores(self) -> WordScores:
        """``scores`` with a row for every word seen so far."""
        assert self.scores is not None, "a WordCache built with known attributes and weights has scores"
        if self._new:
            self.scores.add(self._new)
            self._new = []
        return self.scores


class WordScores:
    """A CRF's state scores per distinct word: a token's score is a dozen vector sums instead of ~40 rows.

    Row ``info.slot`` of ``own`` sums the weights of the word's own known attributes; ``context[pos]`` what
    the word adds to a neighbour's window at position ``pos`` (offsets -2, -1, 1, 2: its form, stem,
    gazetteer hit and word classes there); ``wide[0]`` / ``wide[1]`` its gazetteer attribute seen from three
    tokens after / before; ``title`` whether it is a title word; ``cls`` its class id for the class-bigram
    tables ``pair_right`` / ``pair_left``. Rows are added in batches (``add``); 7 float rows per word.

    Usage (what ``crf_scores`` does)::

        cache = WordCache(gaz, clusters, known=model.rows, weights=model.state)
        infos = cache.infos(tokens)
        table = cache.filled_scores()
        scores = table.own[[w.slot for w in infos]]  # plus the neighbours' context rows, pairs, ...
    """

    def __init__(self, weights: np.ndarray, index: KnownIndex) -> None:
        self.weights = weights
        # class bigrams as dense tables over class ids (0: a class in no known pair): pair[left, right] is the
        # weight row summed for the right token (-1k|k=) and for the left token (k|+1k=)
        classes = sorted(index.class_pairs.keys() | {r for row in index.class_pairs.values() for r in row})
        self.class_id = {c: i + 1 for i, c in enumerate(classes)}
        n_c, n_l = len(classes) + 1, weights.shape[1]
        self.pair_right = np.zeros((n_c, n_c, n_l))
        self.pair_left = np.zeros((n_c, n_c, n_l))
        for left, row in index.class_pairs.items():
            for right, (of_right, of_left) in row.items():
                at = self.class_id[left], self.class_id[right]
                if of_right:
                    self.pair_right[at] = weights[of_right]
                if of_left:
                    self.pair_left[at] = weights[of_left]
        self.clear()

    def clear(self, capacity: int = 4096) -> None:
        n_l = self.weights.shape[1]
        self.size = 0
        self.own = np.zeros((capacity, n_l))
        self.context = [np.zeros((capacity, n_l)) for _ in _WINDOW]
        self.wide = [np.zeros((capacity, n_l)) for _ in range(2)]
        self.title = np.zeros(capacity, dtype=bool)
        self.cls = np.zeros(capacity, dtype=np.int64)  # class id (``class_id``) of each word

    def add(self, infos: list[WordInfo]) -> None:
        """Rows for ``infos``, whose slots follow on from the last row (tables double when full)."""
        assert infos[0].slot == self.size, "words are added in slot order"
        start, end = self.size, self.size + len(infos)
        if end > len(self.own):
            cap = max(end, 2 * len(self.own))
            grow = self._grown
            self.own = grow(self.own, cap)
            self.context = [grow(t, cap) for t in self.context]
            self.wide = [grow(t, cap) for t in self.wide]
            self.title = grow(self.title, cap)
            self.cls = grow(self.cls, cap)
        parts = [w.crf for w in infos]
        sums = functools.partial(row_sums, self.weights)
        self.own[start:end] = sums([p.own for p in parts])
        for pos in range(len(_WINDOW)):
            # the word-class attribute at that position is added with the others (``token_features`` has it
            # only with a class table, and a model trained without one has no such attribute)
            self.context[pos][start:end] = sums([(*p.context[pos], *_one(p.class_context[pos])) for p in parts])
        for side in range(2):
            self.wide[side][start:end] = sums([_one(p.wide[side]) for p in parts])
        self.title[start:end] = [w.title for w in infos]
        self.cls[start:end] = [self.class_id.get(w.coarse, 0) for w in infos]
        self.size = end

    @staticmethod
    def _grown(table: np.ndarray, capacity: int) -> np.ndarray:
        out = np.zeros((capacity, *table.shape[1:]), dtype=table.dtype)
        out[:len(table)] = table
        return out


def _one(row: int | None) -> tuple[int, ...]:
    return (row,) if row else ()


def gazetteer_tags(norms: list[str], matches: list[tuple[int, int, frozenset[str], int]]) -> list[list[str]]:
    """Per-token tags of the gazetteer spans of a sentence: B<type>/I<type>, ``gcut``, ``gmulti``, sorted.

    Sorted because the CRF adds the attributes' weights in the order given: a set's order changes with each
    process's hash seed, so the same sentence got marginals differing in the last bits from one worker to
    another (a confidence on a threshold could flip a label between two runs).
    """
    out: list[list[str]] = [_NO_TAGS] * len(norms)  # most tokens are in no span: one shared, unwritten list
    if not matches:
        return out
    gtags: dict[int, set[str]] = {}
    for i, j, types, cut in matches:
        for typ in types:
            gtags.setdefault(i, set()).add(f"B{typ}")
            for k in range(i + 1, j):
                gtags.setdefault(k, set()).add(f"I{typ}")
        if cut:
            gtags.setdefault(i, set()).add("gcut")
        if j - i > 1:
            for k in range(i, j):
                gtags.setdefault(k, set()).add("gmulti")
    for k, tags in gtags.items():
        out[k] = sorted(tags)
    return out


def token_features(tokens: list[str], gaz: Gazetteer, clusters: WordClusters | None = None,
                   cache: WordCache | None = None,
                   matches: list[tuple[int, int, frozenset[str], int]] | None = None) -> list[list[str]]:
    """One feature list per token of a sentence (crfsuite string features): every attribute, as training
    sees them. ``crf_scores`` sums the attributes of these lists that a trained model knows.

    ``cache`` (built for the same ``gaz`` and ``clusters``) reuses per-word work across calls;
    ``matches`` are ``gaz.match`` of the normalised tokens when the caller already has them.
    """
    cache = cache or WordCache(gaz, clusters)
    if cache.index is not None:
        raise ValueError("token_features needs a WordCache without known attributes (its words keep every string)")
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


def crf_scores(sents: list[list[WordInfo]], gtags: list[list[list[str]]], cache: WordCache) -> list[np.ndarray]:
    """The CRF's state scores (tokens, labels) of each sentence: for every token, the sum of the weights of
    those of its ``token_features`` attributes that the model knows.

    ``sents`` (any number of sentences, e.g. several documents') come from one ``cache.infos`` call (a
    ``WordCache`` with known attributes and weights); ``gtags`` are ``gazetteer_tags`` of each sentence. The
    attributes of a token's own word and of its window come as per-word sums (``WordScores``), gathered for
    all tokens at once; class bigrams from dense tables; the other sentence-level ones (gazetteer spans, word
    bigrams) are looked up per token and added. The same sums as crfsuite's, in another order (equal to
    ~1e-15).
    """
    index = cache.index
    assert index is not None, "crf_scores needs a WordCache built with known attributes"
    table = cache.filled_scores()
    weights, enc = table.weights, index.rows
    infos = [w for s in sents for w in s]
    n_all = len(infos)
    lens = np.fromiter(map(len, sents), dtype=np.int64, count=len(sents))
    first = np.repeat(np.cumsum(lens) - lens, lens)  # index of each token's sentence start
    at = np.arange(n_all) - first  # position in its sentence
    size = np.repeat(lens, lens)
    slots = np.fromiter((w.slot for w in infos), dtype=np.int64, count=n_all)
    scores = table.own[slots]
    has_classes = cache.clusters is not None  # as ``token_features``: class attributes only with a class table

    title = table.title[slots]
    for pos, off in enumerate((*_WINDOW, -3, 3)):
        inside = (at + off >= 0) & (at + off < size)  # token i's neighbour i + off is in its sentence
        if pos < len(_WINDOW):
            got = table.context[pos][slots]  # with the word-class attribute there
            if (pad := enc.get(_PAD[off])) and not inside.all():
                scores[~inside] += weights[pad]
        else:
            got = table.wide[0 if off < 0 else 1][slots]
        # token i gets row i + off of ``got`` when inside; slices, not masks: the outside rows get zeros
        mine, theirs = (slice(-off, None), slice(None, off)) if off < 0 else (slice(None, -off), slice(off, None))
        keep = inside[mine]
        scores[mine] += got[theirs] * keep[:, None]
        if off in (-1, -2) and (row := enc.get(f"T{off}")):  # a title (الرئيس، وزير...) one or two tokens before
            hit = np.flatnonzero(keep & title[theirs]) - off
            scores[hit] += weights[row]
    # sentence-level attributes: (token, row) pairs, added at once. A pair (k, k + 1) counts inside a sentence.
    where: list[int] = []
    rows: list[int] = []
    crfs = [w.crf for w in infos]
    in_pair = at + 1 < size  # token k and k + 1 are in one sentence
    pair = in_pair.tolist()
    for k in range(n_all - 1):
        if not pair[k]:
            continue
        p, w = crfs[k], infos[k + 1]
        if p.words and (ww := p.words.get(w.norm)):  # most words start no known bigram: no lookup
            if ww[0]:  # the right token's -1w|w=
                where.append(k + 1)
                rows.append(ww[0])
            if ww[1]:  # the left token's w|+1w=
                where.append(k)
                rows.append(ww[1])
        if has_classes and p.word_class and (wk := p.word_class.get(w.coarse)):  # -1w|k=
            where.append(k + 1)
            rows.append(wk)
    if has_classes and n_all > 1:  # class bigrams (-1k|k=, k|+1k=) from the dense tables
        left, right = table.cls[slots[:-1]], table.cls[slots[1:]]
        both = in_pair[:-1, None]
        scores[1:] += table.pair_right[left, right] * both
        scores[:-1] += table.pair_left[left, right] * both
    flat_tags = [t for tags in gtags for t in tags]
    tagged = [j for j, t in enumerate(flat_tags) if t]
    for j, a, n in zip(tagged, at[tagged].tolist(), size[tagged].tolist(), strict=True):  # a gazetteer span's tags
        for t in flat_tags[j]:
            own, window = index.tag_rows(t)
            if own:
                where.append(j)
                rows.append(own)
            for off, g in window:  # in the windows of the tokens around it
                if 0 <= a - off < n:
                    where.append(j - off)
                    rows.append(g)
    if where:
        np.add.at(scores, np.array(where), weights[rows])
    return np.split(scores, np.cumsum(lens)[:-1])
