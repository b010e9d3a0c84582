"""Learned clause-level PLOVER coder: triggers, modes, status, background and roles from linear models.

The lexicon coder (``coder.py``) fires on every word that *looks like* a trigger; on unseen news most of
those are not reported acts (a movement named «حركة», an attribution, an analysis). Here every word of a
sentence is a candidate and a multinomial logistic model over its own form and stems, the lexicon's
opinion of it, its neighbours, the negation/modality cues in its window and whether it sits inside a named
entity decides its PLOVER type (or none). For each trigger kept, small models pick the mode, the status
(occurred / planned / denied / threatened / hypothetical), the background flag and, word by word, the
actor and the target (a named entity or the common-noun mention the sentence gives: «السلطات», «مسلحون»).

All models are trained by ``scripts/train_event_coder.py`` on ``eval/events/train.jsonl`` (never on the
frozen test set) and shipped as one JSON file of feature -> weight vectors, so loading runs no pickled
code and inference is a few dictionary look-ups per word.
"""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from operator import add
from typing import NamedTuple

import numpy as np

from rasid import resources
from rasid.extract.events.lexicon import EventLexicon, stems_of
from rasid.extract.events.lexicon import strip_cached as _strip
from rasid.extract.events.roles import TYPE_GROUPS, SentenceRoles, feats_of_key
from rasid.extract.ner.clusters import WordClusters
from rasid.text.normalize import normalize
from rasid.text.spans import WORD_RE as _WORD_RE

_CUES = resources.lexicon_groups("event_status_cues.tsv")
_NO_ACT = resources.lexicon_groups("event_no_act.tsv")
_PARTICLES = frozenset(map(normalize, _NO_ACT["particle"]))  # «ولم ترد» is no REJECT: never a trigger
_HAZARDS = frozenset(map(normalize, _NO_ACT["hazard"]))  # «زلزال ضرب»: a natural force, not an attack
_INCIDENTS = frozenset(map(normalize, _NO_ACT["incident"]))  # «وقع الحادث»: occurred, not signed
_NEAR_NO_ACT = {"ASSAULT": _HAZARDS, "AGREE": _HAZARDS | _INCIDENTS}  # type -> neighbours that make it no act
_CUE_CLASSES = {name: frozenset(words) for name, words in _CUES.items()}
_CUE_WORDS = frozenset().union(*_CUE_CLASSES.values())  # a word or stem outside it has no «cue:» feature
_YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_DEFINITE = ("ال", "وال", "بال", "لل", "فال", "كال")
_FUTURE = ("سي", "ست", "سن", "سا", "وسي", "وست", "فسي")
_NISBA = ("يه", "ي", "يون", "يين", "يات")
# What a word's own features tell about the candidate trigger next to it (``Featurizer._neighbour_feats``).
_NEIGHBOUR_FLAGS = ("L:", "U:", "sh", "cu")
# Subsets of a word's features that other words' features are made of (``Featurizer.selected``). «btw» keeps
# the lexicon type flags («L:ASSAULT», not «L:ASSAULT:v»); ``":" not in f[2:]`` also drops «cue:…» (as trained).
_KINDS: dict[str, Callable[[str], bool]] = {
    "cue": lambda f: f.startswith("cue:"),
    "btw": lambda f: f.startswith(("cue:", "L:", "U:")) and ":" not in f[2:],
    "cand": lambda f: f.startswith(("cue:", "L:", "U:")),
}
_FLAG_PREFIXES = ("cue:", "L:", "U:")  # every ``_KINDS`` subset keeps only features with one of these prefixes

# every feature reads words without their proclitics; news reuses a small vocabulary, so remember them
# A word token's normal form, memoised in a plain dict of strings (news reuses a small vocabulary): a hit is
# one ``dict.get`` in ``sentence_words``' loop, and a dict of strings is never tracked by the cyclic garbage
# collector, whereas an ``lru_cache`` is walked entry by entry by each full collection (+24 ms at 74k words).
_NORMS: dict[str, str] = {}


def _norm(tok: str) -> str:
    """``normalize(tok)`` (memoised in ``_NORMS``; emptied when full, as the other memos)."""
    hit = _NORMS.get(tok)
    if hit is None:
        if len(_NORMS) >= 200_000:
            _NORMS.clear()
        hit = _NORMS[tok] = normalize(tok)
    return hit

# High-precision backstop for a type with too few training examples: the train set has ~30 CONSULT events, so
# the trigger model misses plain «التقى / اجتمع / استقبل / زار / تباحث» (met, received, visited). A curated
# CONSULT *verb* with one of these stems is coded when the model found no CONSULT in the sentence; mode,
# status, background and roles still come from the models. Kept because dev micro F1 did not drop (events.md).
BACKSTOP_STEMS: dict[str, frozenset[str]] = {
    "CONSULT": frozenset({"التقي", "لتقي", "اجتمع", "جتمع", "استقبل", "ستقبل", "زار", "تباحث"}),
}


class Word(NamedTuple):
    """One token of a sentence: offsets relative to the sentence, normalised form, NER type if inside one.

    A named tuple (immutable, as a frozen dataclass) because a document makes hundreds of thousands of them
    and a tuple is built several times faster.
    """

    start: int
    end: int
    norm: str
    ner: str | None  # PER / ORG / LOC of the mention covering it
    ner_first: bool  # first word of that mention


def sentence_words(text: str, mentions: Iterable[tuple[int, int, str]] = ()) -> list[Word]:
    """Word tokens of a sentence (punctuation dropped) with the NER type covering each.

    ``mentions``: (start, end, type) relative to the sentence start; a word takes the first (in sorted
    order) that covers its first character.
    """
    ms = sorted(mentions)
    n, k = len(ms), 0
    out: list[Word] = []
    add, new, known = out.append, tuple.__new__, _NORMS.get  # tuple.__new__(Word, …): the named tuple, one call less
    for m in _WORD_RE.finditer(text):
        tok = m.group()
        c0 = tok[0]
        if not (c0.isalnum() or c0 == "_"):  # a token can start with a diacritic: not a word
            continue
        start = m.start()
        ner, first = None, False
        while k < n and ms[k][1] <= start:  # ends before this word, so before every later word too
            k += 1
        q = k
        while q < n:
            a, b, t = ms[q]
            if a > start:  # sorted by start: no later mention covers this word
                break
            if start < b:
                ner, first = t, start == a or not text[a:start].strip()
                break
            q += 1
        norm = known(tok)
        add(new(Word, (start, m.end(), _norm(tok) if norm is None else norm, ner, first)))
    return out


# A word token's first character in ``sentence_words``: a character of ``WORD_RE`` that is a word character
# (``\w``, as ``c0.isalnum() or c0 == "_"``), with no ``WORD_RE`` character before it (the token's start).
_WORD_START_RE = re.compile(r"(?<![\w\u064B-\u065F\u0670\u06D6-\u06ED])\w")


def gate_inputs(text: str, mentions: Iterable[tuple[int, int, str]] = ()) -> tuple[list[str], set[str]]:
    """The norms of ``sentence_words(text, mentions)`` and the set of their NER types, without the words.

    Why: the sentence gate reads only these, and seven sentences in ten fail it; building each word's tuple
    (offsets, first-word flag) for them was a fifth of the coder's time. A mention gives its type when it is
    the first (sorted) mention covering some word's first character, as in ``sentence_words``
    (``tests/test_events_learned.py`` checks both on the demo).
    """
    known = _NORMS.get
    norms = [known(t) or _norm(t) for t in _WORD_RE.findall(text) if t[0].isalnum() or t[0] == "_"]
    ners: set[str] = set()
    ms = sorted(mentions)
    for k, (a, b, t) in enumerate(ms):
        if t in ners:
            continue
        for m in _WORD_START_RE.finditer(text, a, b):
            p = m.start()
            if not any(b2 > p for _a2, b2, _t2 in ms[:k]):  # an earlier mention (a2 <= a) covers it first
                ners.add(t)
                break
    return norms, ners


def word_shape(w: str) -> str:
    """Coarse form class of a normalised word: number, definite noun, future or imperfect verb, other."""
    if w.isdigit():
        return "num"
    if w.startswith(_DEFINITE):
        return "def"
    if w.startswith(_FUTURE) and len(w) >= 5:
        return "fut"
    if w[:1] in "يتن" and len(w) >= 4:
        return "impf"
    return "other"


def ner_feats(w: Word) -> tuple[str, str]:
    """The NER features of a candidate trigger inside a mention (``Featurizer.trigger_feats``; the trigger
    screen sums the same features' rows)."""
    return "ner:" + w.ner, f"ner:{w.ner}:{'first' if w.ner_first else 'inner'}"


def position(i: int) -> str:
    """The position class of word ``i`` of a sentence (its «pos:» feature)."""
    return "0" if i == 0 else "early" if i < 4 else "mid" if i < 15 else "late"


class Featurizer:
    """Feature lists for the coder's models; holds the lexicons (curated and UniversalPetrarch)."""

    def __init__(self, curated: EventLexicon, up: EventLexicon, classes: WordClusters | None = None) -> None:
        self.curated = curated
        self.up = up
        # distributional word classes learned on unlabelled news (the NER's table): a trigger word unseen in the
        # few labelled sentences («قصفت» known, «دكّت» not) shares a class with seen ones
        self.classes = classes
        self._memo: dict[str, tuple[str, ...]] = {}
        self._nb_memo: dict[tuple[str, int], tuple[str, ...]] = {}
        self._sel_memo: dict[tuple[str, str, str], tuple[str, ...]] = {}
        self._flag_memo: dict[str, tuple[str, ...]] = {}  # word -> ``_flags``
        self._gate_memo: dict[str, tuple[str, ...]] = {}  # word -> its ``sentence_feats`` share
        self._verbal: dict[str, bool] = {}  # word -> ``verbal`` (memoised: asked per word of every coded sentence)

    def word_feats(self, w: str) -> tuple[str, ...]:
        """Context-free features of a normalised word (memoised: news reuses a small vocabulary)."""
        hit = self._memo.get(w)
        if hit is not None:
            return hit
        s = _strip(w)
        feats = ["w:" + w, "s:" + s, "p3:" + s[:3], "x2:" + s[-2:], "x3:" + s[-3:], "sh:" + word_shape(w)]
        feats.extend("c:" + c for c in stems_of(w)[:4])
        flags: list[str] = []  # the «L:», «U:» and «cue:» features, in order, as they are made (``_flags``)
        trig = self.curated.lookup(w)
        if trig is not None:
            flags += ["L:" + trig.plover, f"L:{trig.plover}:{trig.pos}"]
            feats += [flags[0], "Lp:" + trig.pos, flags[1], f"Lm:{trig.mode}"]
            if w.startswith(_DEFINITE):
                feats.append("L:def")
                flags.append("L:def")
        else:
            up = self.up.lookup(w)
            if up is not None:
                flags += ["U:" + up.plover, f"U:{up.plover}:{up.pos}"]
                feats += flags
        if w in _CUE_WORDS or s in _CUE_WORDS:  # most words are no cue: one look-up instead of one per class
            for name, cues in _CUE_CLASSES.items():
                if w in cues or s in cues:
                    feats.append("cue:" + name)
                    flags.append("cue:" + name)
        if self.classes is not None:
            coarse, fine = self.classes.get(w)
            if coarse != "-":
                feats += ["k:" + coarse, "kf:" + fine]
        out = tuple(feats)
        if len(self._memo) < 200_000:
            self._memo[w] = out
            self._flag_memo[w] = tuple(flags)
        return out

    def sentence_feats(self, words: list[Word]) -> list[str]:
        """Features of a whole sentence for the sentence gate: its stems, the lexicons' type flags of its words
        and its NER types, as a set (sorted). Why a sentence model: a trigger word's window does not tell an
        economist's «حذر» or a league's «الدعم» from a political act; the rest of the sentence does."""
        memo, own = self._gate_memo, self.gate_feats
        out: set[str] = set()
        for w in words:
            hit = memo.get(w.norm)
            out.update(hit if hit is not None else own(w.norm))
            if w.ner:
                out.add("ner:" + w.ner)
        return sorted(out)

    def gate_feats(self, w: str) -> tuple[str, ...]:
        """What word ``w`` adds to ``sentence_feats``: its stem (two letters or more) and its lexicon type
        flags (memoised: the gate reads every word of every sentence, and news reuses a small vocabulary)."""
        hit: tuple[str, ...] = ("s:" + _strip(w),) if len(w) >= 2 else ()
        # the lexicons' type flags of ``word_feats`` («L:T», «L:def» or «U:T»), read from the lexicons alone:
        # most sentences fail the gate, and their words need no other feature
        trig = self.curated.lookup(w)
        if trig is not None:
            hit += ("L:" + trig.plover, "L:def") if w.startswith(_DEFINITE) else ("L:" + trig.plover,)
        else:
            up = self.up.lookup(w)
            if up is not None:
                hit += ("U:" + up.plover,)
        if len(self._gate_memo) >= 200_000:
            self._gate_memo.clear()
        self._gate_memo[w] = hit
        return hit

    def selected(self, w: str, prefix: str, kind: str) -> tuple[str, ...]:
        """``prefix`` + each of ``word_feats(w)`` of ``kind`` (``_KINDS``), in order (memoised: the context
        features of the trigger, event and role models take these subsets of every neighbouring word)."""
        key = (w, prefix, kind)
        hit = self._sel_memo.get(key)
        if hit is None:
            keep = _KINDS[kind]
            hit = tuple(prefix + f for f in self._flags(w) if keep(f))
            if len(self._sel_memo) < 400_000:
                self._sel_memo[key] = hit
        return hit

    def _flags(self, w: str) -> tuple[str, ...]:
        """The features of ``word_feats(w)`` that every ``_KINDS`` subset is taken from («cue:», «L:», «U:»), in
        order (memoised, by ``word_feats`` as it makes them: most words have none, so a subset of them is found
        without a test per feature)."""
        hit = self._flag_memo.get(w)
        if hit is None:
            hit = tuple(f for f in self.word_feats(w) if f.startswith(_FLAG_PREFIXES))
            if len(self._flag_memo) < 200_000:
                self._flag_memo[w] = hit
        return hit

    def _neighbour_feats(self, w: str, d: int) -> tuple[str, ...]:
        """What word ``w`` contributes as the neighbour at offset ``d`` of a candidate trigger (memoised)."""
        key = (w, d)
        hit = self._nb_memo.get(key)
        if hit is None:
            hit = (f"n{d}:{_strip(w)}", *(f"n{d}{f}" for f in self.word_feats(w) if f[:2] in _NEIGHBOUR_FLAGS))
            if len(self._nb_memo) < 400_000:
                self._nb_memo[key] = hit
        return hit

    def trigger_feats(self, words: list[Word], i: int) -> list[str]:
        """Features of word ``i`` as a candidate trigger."""
        w = words[i]
        feats = ["BIAS", *self.word_feats(w.norm)]
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < len(words):
                feats.extend(self._neighbour_feats(words[j].norm, d))
            else:
                feats.append(f"n{d}:<edge>")
        if i > 0:
            feats.append(f"b:{_strip(words[i - 1].norm)}_{_strip(w.norm)}")
        if i + 1 < len(words):
            feats.append(f"b+:{_strip(w.norm)}_{_strip(words[i + 1].norm)}")
        for j in range(max(0, i - 4), i):
            feats.extend(self.selected(words[j].norm, "left", "cue"))
        if w.ner:
            feats += ner_feats(w)
        feats.append("pos:" + position(i))
        return feats

    def event_feats(self, words: list[Word], i: int, plover: str, text: str) -> list[str]:
        """Features of the event whose trigger is word ``i`` (status, background, mode models)."""
        w = words[i]
        feats = ["BIAS", "T:" + plover, "sh:" + word_shape(w.norm), "w:" + w.norm, "s:" + _strip(w.norm)]
        for j in range(max(0, i - 6), i):
            s = _strip(words[j].norm)
            feats.append("L:" + s)
            if j >= i - 2:
                feats.append("L2:" + s)
            feats.extend(self.selected(words[j].norm, "left", "cue"))
        for j in range(i + 1, min(len(words), i + 4)):
            feats.append("R:" + _strip(words[j].norm))
            feats.extend(self.selected(words[j].norm, "right", "cue"))
        flags = self._flag_memo.get
        for x in words:
            if flags(x.norm) != ():  # a word known to have no flag feature has no «sent» cue: skip the look-up
                feats.extend(self.selected(x.norm, "sent", "cue"))
        if _YEAR_RE.search(text):
            feats.append("year")
        return feats

    def role_feats(self, words: list[Word], i: int, j: int, plover: str, trig_pos: str,
                   sr: SentenceRoles | None = None) -> list[str]:
        """Features of word ``j`` as the actor / target of the trigger at word ``i``.

        ``sr``: the sentence's clause structure (``roles.py``): subject / object slot, preposition, same
        clause, speaker, dateline. Without it only the word-level features are given.
        """
        c = words[j]
        d = j - i
        side = "B" if d < 0 else "A"
        dist = str(min(abs(d), 6)) if abs(d) <= 6 else ("far" if abs(d) <= 15 else "vfar")
        prev = _strip(words[j - 1].norm) if j > 0 else "<s>"
        clitic = c.norm[:1] if c.norm[:1] in "لبوف" and len(c.norm) > 3 else "-"
        ner = c.ner or "-"
        shape = word_shape(c.norm)
        feats = ["BIAS", f"side:{side}", f"dist:{side}{dist}", f"ner:{ner}", f"ner:{side}:{ner}",
                 f"first:{c.ner_first}", f"prev:{prev}", f"prev:{side}:{prev}", f"cl:{side}:{clitic}",
                 "w:" + _strip(c.norm), "c:" + c.norm, f"sh:{side}:{shape}", f"tp:{trig_pos}:{side}",
                 f"T:{plover}:{side}", f"tp:{trig_pos}:{side}:{dist}", f"ner:{side}:{ner}:{trig_pos}"]
        lo, hi = sorted((i, j))
        between = words[lo + 1:hi]
        n_ner = sum(1 for x in between if x.ner and x.ner_first)
        feats.append(f"nerbetween:{side}:{min(n_ner, 3)}")
        for x in between:
            feats.extend(self.selected(x.norm, "btw", "btw"))
        if j == 0 or (j == 1 and words[0].ner):
            feats.append("sentstart")
        if j + 1 < len(words) and words[j + 1].norm in ("-", "ـ"):
            feats.append("dateline")
        feats.extend(self.selected(c.norm, "cand", "cand"))
        if sr is not None:
            feats.extend(sr.feats(i, j, plover, self.verbal(words[i].norm)))
        return feats

    def verbal(self, w: str) -> bool:
        """The word is a verb: a lexicon says so, or it has a future prefix or an imperfect plural ending.

        Definite words and noun endings (-ات, -ة) are never verbs; a bare imperfect prefix is not enough
        («تشكيل», «تنظيم» are verbal nouns).
        """
        hit = self._verbal.get(w)
        if hit is None:
            hit = self._verbal_of(w)
            if len(self._verbal) < 200_000:
                self._verbal[w] = hit
        return hit

    def says(self, w: str) -> bool:
        """The word is a verb of an act of saying (a curated trigger of ACCUSE, REJECT, REQUEST, THREATEN,
        SUPPORT, AGREE or CONCEDE): its subject speaks about an event, it does not act in it (``roles.governed``)."""
        trig = self.curated.lookup(w)
        return trig is not None and trig.pos == "v" and TYPE_GROUPS.get(trig.plover) == "say" and self.verbal(w)

    def _verbal_of(self, w: str) -> bool:
        if w.endswith(("ات", "ه")):
            return False
        if w.startswith(_DEFINITE):  # a definite noun, unless a lexicon lists the word itself as a verb whose
            # first letters only look like the article: «التقى», «التزم», «ألغى» (normalised «التقي», «الغي»)
            trig = self.up.exact(w)  # the UniversalPetrarch lexicon holds the curated entries too
            return trig is not None and trig.pos == "v"
        shape = word_shape(w)
        if shape == "fut" or (shape == "impf" and w.endswith(("ون", "وا"))):
            return True
        return any(f.endswith(":v") for f in self.word_feats(w) if f.startswith(("Lp:", "U:")))


class Linear:
    """Multinomial logistic model stored as feature -> per-class weights."""

    def __init__(self, classes: list[str], weights: dict[str, list[float]], bias: list[float]) -> None:
        self.classes = classes
        self.weights = weights
        self.bias = bias
        # row 0 is the bias, row k the weights of the k-th feature: scoring gathers rows and sums them in order
        self._row = {f: k for k, f in enumerate(weights, start=1)}
        self._matrix = np.array([bias, *weights.values()], dtype=np.float64).reshape(len(weights) + 1, len(bias))

    @classmethod
    def from_json(cls, raw: dict) -> Linear:
        return cls(raw["classes"], raw["weights"], raw["bias"])

    def probs(self, feats: Iterable[str]) -> list[float]:
        row = self._row.get
        return self.probs_of_rows(list(filter(None, map(row, feats))))

    def probs_of_rows(self, rows: list[int]) -> list[float]:
        """``probs`` of features already turned into their rows (``rows``, in the order to sum them).

        A running sum adds the bias, then each feature's weights, in feature order: the same floats as a
        plain loop. A binary model stored with one column (the sentence gate, the background flag) adds its
        weights as Python floats, one after the other (``reduce``): the same IEEE additions in the same order
        as numpy's ``cumsum``, so the same float, without the cost of a numpy gather for one number.
        """
        col = self._col
        if col is not None:
            return self.softmax([functools.reduce(add, map(col.__getitem__, rows), col[0])])
        return self.softmax(self._matrix[[0, *rows]].cumsum(axis=0)[-1].tolist())

    @functools.cached_property
    def _col(self) -> list[float] | None:
        """The weights of a one-column model as a Python list (row 0 the bias); None for a wider model."""
        return self._matrix[:, 0].tolist() if self._matrix.shape[1] == 1 else None

    def logits_many(self, rows: list[list[int]]) -> list[list[float]]:
        """The logits of several feature-row lists (each starting with the bias row 0) in one gather.

        Why the floats equal ``probs``' own: the lists are padded at the end with an all-zero row and summed
        by one running sum (``cumsum``, a sequential accumulate) along each list, so every list adds the
        same rows in the same order as ``probs`` does, then adds +0.0, which changes no sum.
        """
        width = max(map(len, rows))
        pad = self._zero_row
        idx = np.array([r + [pad] * (width - len(r)) for r in rows], dtype=np.intp)
        return self._padded[idx].cumsum(axis=1)[:, -1].tolist()

    @functools.cached_property
    def _padded(self) -> np.ndarray:
        """``_matrix`` with one all-zero row after the last (the padding of ``logits_many``)."""
        return np.vstack([self._matrix, np.zeros((1, self._matrix.shape[1]))])

    @property
    def _zero_row(self) -> int:
        return self._matrix.shape[0]

    @staticmethod
    def softmax(z: list[float]) -> list[float]:
        """Class probabilities from logits (one logit: a binary model's positive class)."""
        n = len(z)
        if n == 1:  # binary model stored with one column
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z[0]))))
            return [1.0 - p, p]
        m = max(z)
        e = [math.exp(v - m) for v in z]
        s = sum(e)
        return [v / s for v in e]

    def rows(self, feats: Iterable[str]) -> tuple[int, ...]:
        """Row indices of the features the model knows, in order (row 0 is the bias)."""
        row = self._row.get
        # in C: every feature's row is >= 1 (row 0 is the bias), so ``filter(None, …)`` drops exactly the
        # unknown features' None (here and in ``probs``, ``Stacked.probs``, ``RoleScorer.scores``)
        return tuple(filter(None, map(row, feats)))


class Stacked:
    """Several models over the same feature list, scored with one row look-up per feature and one gather.

    Why the probabilities equal each model's own ``Linear.probs``: the stacked matrix puts the models' columns
    side by side, a feature's row holding each model's weights and 0.0 where a model does not know it, and
    the running sum (``cumsum``) adds the rows in feature order. In a model's columns that is its own bias
    and rows in its own order with +0.0 added in between, and ``x + 0.0 == x`` for every float but -0.0 (which
    turns into +0.0: a zero logit's sign, which changes no exponential, so no probability).
    """

    def __init__(self, models: tuple[Linear, ...]) -> None:
        self.models = models
        feats = dict.fromkeys(f for m in models for f in m.weights)
        self._row = {f: k for k, f in enumerate(feats, start=1)}
        widths = [m._matrix.shape[1] for m in models]
        self._spans = [(sum(widths[:k]), sum(widths[:k + 1])) for k in range(len(models))]
        self._matrix = np.zeros((len(feats) + 1, sum(widths)))
        for m, (a, b) in zip(models, self._spans, strict=True):
            self._matrix[[0, *(self._row[f] for f in m.weights)], a:b] = m._matrix

    def probs(self, feats: Iterable[str]) -> list[list[float]]:
        """Each model's ``probs(feats)``, in the order of ``models``."""
        row = self._row.get
        z = self._matrix[[0, *filter(None, map(row, feats))]].cumsum(axis=0)[-1].tolist()
        return [m.softmax(z[a:b]) for m, (a, b) in zip(self.models, self._spans, strict=True)]


_LEFT = 9  # ``TriggerScreen._part_rows``: a word's share as a left cue (not a neighbour offset)

# Slack on the screen's logit bound: the screen sums the same weight rows as ``Linear.probs``, possibly in
# another order, which moves a logit of this model (|z| < 1e3, < 100 features) by < 1e-10; 1e-6 is far beyond.
_SCREEN_SLACK = 1e-6


class TriggerScreen:
    """Which words of a sentence can pass the trigger threshold at all, scored for a whole sentence at once.

    ``LearnedCoder.code`` keeps word ``i`` as a trigger only if some class ``k`` has ``p[k] >=
    threshold / 2``; as ``p[k] = exp(z_k - z_0) * p[0] <= exp(z_k - z_0)`` that needs ``z_k - z_0 >=
    log(threshold / 2)``. The logits ``z`` are the bias plus one weight row per feature of
    ``Featurizer.trigger_feats``. Those features come from one word each (its own features, what it adds
    as the neighbour at offset d, the cues it puts left of the next 4 words), a bigram, the NER flags and
    the position, so each word's share is summed once into a few vectors (memoised per word) and the
    sentence's logits are a handful of array additions: its words' own vectors, their neighbour vectors
    shifted by d, their left-cue vectors shifted by 1..4, the bigram rows and the NER and position vectors.
    A word whose bound fails by more than the float slack cannot be a trigger; the others are scored
    exactly as before (``Featurizer.trigger_feats`` + ``Linear.probs``), so the coded events are the same
    and the ~95 % of words that are plainly no trigger are not scored one by one.
    """

    _MAX = 200_000  # words memoised; the tables are emptied when full (a Zipfian vocabulary refills them)
    _OFFSETS = (-2, -1, 1, 2)
    _GAP = 4  # padding words before, between and after the sentences scored together (> any offset)
    _BATCH = 4_000  # words scored in one array pass, at most (bounds the arrays on a very long document)

    def __init__(self, feat: Featurizer, model: Linear) -> None:
        self.feat = feat
        self.model = model
        m = self._m = model._padded  # the weight rows plus an all-zero row (``_zero``): "no such feature"
        c = m.shape[1]
        self._zero = model._zero_row
        self.edge = {d: model.rows([f"n{d}:<edge>"]) for d in self._OFFSETS}
        self.pos = {p: model.rows(["pos:" + p]) for p in ("0", "early", "mid", "late")}
        # position class vectors: row 0 none (padding), then «pos:0», «early», «mid», «late»
        self._posm = np.array([np.zeros(c), *(m[list(self.pos[p])].sum(axis=0) for p in ("0", "early", "mid", "late"))])
        self._ner: dict[tuple[str, bool], int] = {}  # (type, first) -> its row in ``_nerm`` (row 0: no NER)
        self._nerm = np.zeros((1, c))
        # a word's neighbour flags -> its row in ``_tailm``: the flags' rows as neighbour at -2, -1, 1, 2, summed;
        # row 0 is the padding word, whose neighbour vectors are the «<edge>» features
        self._tails: dict[tuple[str, ...], int] = {}
        self._tailm = np.array([[m[list(self.edge[d])].sum(axis=0) for d in self._OFFSETS]])
        # The stems that can make a neighbour («n{d}:stem») or bigram («b:a_b», «b+:a_b») feature the model knows,
        # for the bigrams every possible first stem (a stem may hold «_»): a word outside them needs no
        # feature string built and looked up (most words: a bigram needs its first stem here)
        names = model._row
        self._nstems = {f.partition(":")[2] for f in names if f.startswith(tuple(f"n{d}:" for d in self._OFFSETS))}
        self._bfirst = {f[2:k] for f in names if f.startswith("b:") for k, ch in enumerate(f) if ch == "_" and k >= 2}
        self._bnfirst = {f[3:k] for f in names if f.startswith("b+:") for k, ch in enumerate(f) if ch == "_" and k >= 3}
        self._parts: dict[tuple[str, int], tuple[int, ...]] = {}  # (word, offset) -> rows (``_part_rows``)
        self._lefts: dict[tuple[int, ...], int] = {(): 0}  # a word's «left» cue rows -> its row in ``_leftm``
        self._leftm = np.zeros((1, c))
        # word -> its row in the per-word arrays; row 0 is the padding word (no features, edge neighbours)
        self._index: dict[str, int] = {}
        self._stems: list[str] = [""]  # ``_strip`` of the word of each row
        cap = 1024
        self._own = np.zeros((cap, c))  # its own features' rows, summed
        self._stem = np.full((cap, 4), self._zero, dtype=np.intp)  # row of «n{d}:stem» per offset d
        self._flag = np.zeros(cap, dtype=np.intp)  # row in ``_tailm``
        self._left = np.zeros(cap, dtype=np.intp)  # row in ``_leftm``

    def _add(self, new: list[str]) -> None:
        """Memoise the vectors of words not seen yet (distinct), all in one array pass."""
        k0 = len(self._index) + 1
        while k0 + len(new) > len(self._own):  # grow by doubling
            self._own = np.concatenate([self._own, np.zeros_like(self._own)])
            self._stem = np.concatenate([self._stem, np.full_like(self._stem, self._zero)])
            self._flag = np.concatenate([self._flag, np.zeros_like(self._flag)])
            self._left = np.concatenate([self._left, np.zeros_like(self._left)])
        rows, word_feats, selected, m, zero = self.model.rows, self.feat.word_feats, self.feat.selected, self._m, self._zero
        get = self.model._row.get
        own: list[int] = []  # every new word's own rows, each list opened by the zero row (none is empty)
        starts: list[int] = []
        stems: list[list[int]] = []
        flag_ids: list[int] = []
        left_ids: list[int] = []
        no_stem = [zero] * len(self._OFFSETS)
        parts, bias = self._parts, self.model.rows(("BIAS",))
        if len(parts) + 2 * len(new) >= self._MAX:
            parts.clear()
        stem_strs: list[str] = []
        for w in new:
            feats = word_feats(w)
            starts.append(len(own))
            own.append(zero)
            r = rows(feats)
            own += r
            parts[(w, 0)] = bias + r  # its own share of ``trigger_rows`` (``_part_rows``), at no extra look-up
            # as a neighbour: its stem, then its lexicon/shape/cue flags (few distinct sets: memoised apart)
            flags = tuple(f for f in feats if f[:2] in _NEIGHBOUR_FLAGS)
            fid = self._tails.get(flags)
            if fid is None:
                fid = self._tails[flags] = len(self._tailm)
                tail = [m[[zero, *rows(f"n{d}{f}" for f in flags)]].sum(axis=0) for d in self._OFFSETS]
                self._tailm = np.concatenate([self._tailm, [tail]])
            flag_ids.append(fid)
            stem = _strip(w)
            stem_strs.append(stem)
            stems.append([get(f"n{d}:{stem}", zero) for d in self._OFFSETS] if stem in self._nstems else no_stem)
            # its «left» cues: none unless ``word_feats`` gave it a «cue:» feature (word or stem in ``_CUE_WORDS``)
            left = rows(selected(w, "left", "cue")) if w in _CUE_WORDS or stem in _CUE_WORDS else ()
            parts[(w, _LEFT)] = left
            lid = self._lefts.get(left)
            if lid is None:
                lid = self._lefts[left] = len(self._leftm)
                self._leftm = np.concatenate([self._leftm, [m[[zero, *left]].sum(axis=0)]])
            left_ids.append(lid)
        k1 = k0 + len(new)
        self._own[k0:k1] = np.add.reduceat(m[own], starts, axis=0)
        self._stem[k0:k1] = stems
        self._flag[k0:k1] = flag_ids
        self._left[k0:k1] = left_ids
        self._stems[k0:k1] = stem_strs
        self._index.update(zip(new, range(k0, k1), strict=True))

    def trigger_rows(self, words: list[Word], i: int) -> list[int]:
        """``[0, *model.rows(Featurizer.trigger_feats(words, i))]`` without the feature strings.

        ``Linear.rows`` keeps the known features of a list in order, so the rows of ``trigger_feats`` are the
        rows of its parts one after the other: the word's own features, each neighbour's share, the
        bigrams, the left cues, the NER flags and the position, each memoised per word (and offset) here.
        """
        w = words[i]
        n = len(words)
        part = self._part_rows
        out = [0, *part(w.norm, 0)]
        for d in self._OFFSETS:
            j = i + d
            out += part(words[j].norm, d) if 0 <= j < n else self.edge[d]
        get = self.model._row.get
        if i > 0 and (a := _strip(words[i - 1].norm)) in self._bfirst:
            k = get(f"b:{a}_{_strip(w.norm)}")
            if k is not None:
                out.append(k)
        if i + 1 < n and (a := _strip(w.norm)) in self._bnfirst:
            k = get(f"b+:{a}_{_strip(words[i + 1].norm)}")
            if k is not None:
                out.append(k)
        for j in range(max(0, i - 4), i):
            out += part(words[j].norm, _LEFT)
        if w.ner:
            out += self.model.rows(ner_feats(w))
        out += self.pos[position(i)]
        return out

    def _part_rows(self, w: str, d: int) -> tuple[int, ...]:
        """Rows of word ``w``'s share of a candidate's features: its own («BIAS» and ``word_feats``, ``d`` 0),
        as the neighbour at offset ``d``, or as a left cue (``_LEFT``); memoised."""
        key = (w, d)
        hit = self._parts.get(key)
        if hit is None:
            feat, rows = self.feat, self.model.rows
            if d == 0:
                hit = rows(["BIAS", *feat.word_feats(w)])
            elif d == _LEFT:
                hit = rows(feat.selected(w, "left", "cue"))
            else:
                hit = rows(feat._neighbour_feats(w, d))
            if len(self._parts) >= self._MAX:
                self._parts.clear()
            self._parts[key] = hit
        return hit

    def candidates(self, words: list[Word], threshold: float) -> list[int]:
        """Indices of the words that may pass ``threshold`` (a superset of those that do), in order."""
        return self.candidates_many([words], threshold)[0]

    def candidates_many(self, sents: list[list[Word]], threshold: float) -> list[list[int]]:
        """``candidates`` of several sentences (a document's), scored together in a few array passes."""
        out: list[list[int]] = []
        batch: list[list[Word]] = []
        size = 0
        for words in sents:
            if batch and size + len(words) > self._BATCH:
                out += self._batch(batch, threshold)
                batch, size = [], 0
            batch.append(words)
            size += len(words) + self._GAP
        return out + self._batch(batch, threshold) if batch else out

    def _batch(self, sents: list[list[Word]], threshold: float) -> list[list[int]]:
        """The sentences laid end to end with ``_GAP`` padding words before, between and after them: a
        word's neighbours at ±1, ±2 and the 4 words left of it are then in its own sentence or padding,
        whose neighbour vectors are the «<edge>» features and whose left cues are none."""
        if len(self._index) + sum(map(len, sents)) >= self._MAX:
            self._index.clear()  # before the batch: its words' rows stay valid while it is scored
        index, get, zero, gap = self._index, self.model._row.get, self._zero, self._GAP
        bfirst, bnfirst = self._bfirst, self._bnfirst
        all_norms = [[w.norm for w in words] for words in sents]
        new = [w for w in dict.fromkeys(chain.from_iterable(all_norms)) if w not in index]
        if new:
            self._add(new)
        row_of, stem_of, ner_of = index.__getitem__, self._stems.__getitem__, self._ner.get
        ix = [0] * gap  # row in the per-word arrays (0: padding)
        bigram = [zero] * gap  # row of «b:previous_this» and «b+:this_next» (``_zero``: none)
        bigram_next = [zero] * gap
        pos = [0] * gap  # row in ``_posm``
        ner = [0] * gap  # row in ``_nerm``
        starts = []
        for words, norms in zip(sents, all_norms, strict=True):
            starts.append(len(ix))
            rows = list(map(row_of, norms))
            ix += rows
            stems = list(map(stem_of, rows))  # ``_strip`` of each word, stored by ``_add``
            if words:
                bigram.append(zero)
                bigram += [get(f"b:{a}_{b}", zero) if a in bfirst else zero
                           for a, b in zip(stems, stems[1:], strict=False)]
                bigram_next += [get(f"b+:{a}_{b}", zero) if a in bnfirst else zero
                                for a, b in zip(stems, stems[1:], strict=False)]
                bigram_next.append(zero)
            n = len(words)
            pos += [1, 2, 2, 2, *[3] * 11, *[4] * (n - 15)][:n] if n > 4 else [1, 2, 2, 2][:n]
            # row 0: no NER; a known (type, first) has a row >= 1, a new one gets it from ``_ner_row``
            ner += [(ner_of((w.ner, w.ner_first)) or self._ner_row(w)) if w.ner else 0 for w in words]
            ix += [0] * gap
            bigram += [zero] * gap
            bigram_next += [zero] * gap
            pos += [0] * gap
            ner += [0] * gap
        m, g = self._m, len(ix)
        z = self._own[ix] + m[0]  # the bias
        z += m[bigram]
        z += m[bigram_next]
        z += self._posm[pos]
        z += self._nerm[ner]
        near = m[self._stem[ix]] + self._tailm[self._flag[ix]]  # (g, 4, C): each word as neighbour at d
        for slot, d in enumerate(self._OFFSETS):
            z[gap:g - gap] += near[gap + d:g - gap + d, slot]
        left = self._leftm[self._left[ix]]
        for s in range(1, 5):
            z[s:] += left[:-s]
        margin = (z[:, 1:] - z[:, :1]).max(axis=1) if z.shape[1] > 1 else z[:, 0]
        floor = math.log(threshold / 2) - _SCREEN_SLACK if threshold > 0 else -math.inf
        out: list[list[int]] = [[] for _ in sents]
        for h in np.flatnonzero(margin >= floor).tolist():  # the few words past the bound, in order
            k = bisect_right(starts, h) - 1
            i = h - starts[k]
            if 0 <= k and i < len(sents[k]):  # a word, not padding
                w = all_norms[k][i]
                if len(w) >= 2 and not w.isdigit():
                    out[k].append(i)
        return out

    def _ner_row(self, w: Word) -> int:
        """The row in ``_nerm`` of a (NER type, first) not seen yet: its «ner:…» features' rows, summed."""
        k = self._ner[(w.ner, w.ner_first)] = len(self._nerm)
        vec = self._m[list(self.model.rows(ner_feats(w)))].sum(axis=0)
        self._nerm = np.concatenate([self._nerm, [vec]])
        return k


class RoleScorer:
    """Role-model scores of every candidate word of a sentence for one trigger, with no feature strings.

    ``Featurizer.role_feats`` builds ~40 strings per (trigger, candidate) pair and ``Linear.probs`` looks
    each up; most of them depend on the candidate word alone, on (side, distance) or on the trigger alone.
    Here those groups are turned into model rows once (memoised across sentences), a pair's rows are the
    concatenation of its groups in ``role_feats``' order, and the logits of all candidates come from one
    ``Linear.logits_many`` (the same rows, summed in the same order: the same floats as ``probs``).
    ``tests/test_events_learned.py`` checks the rows against ``role_feats`` pair by pair.
    """

    _MAX = 200_000  # entries per memo table; a table is emptied when full (a Zipfian vocabulary refills it)

    def __init__(self, feat: Featurizer, model: Linear) -> None:
        self.feat = feat
        self.model = model
        # side -> rows of the candidate's own features by (ner, first), by previous stem and by word
        self._word: dict[str, tuple[dict, dict, dict]] = {side: ({}, {}, {}) for side in "AB"}
        self._btw: dict[str, tuple[int, ...]] = {}  # norm -> rows of its «btw» features
        self._cand: dict[str, tuple[int, ...]] = {}  # norm -> rows of its «cand» features
        self._head: dict[tuple[str, str], tuple[int, ...]] = {}  # (side, dist) -> «BIAS side dist» rows
        self._struct: dict[tuple, list[int]] = {}  # SentenceRoles.feat_key -> its structure features' rows
        # (trig_pos, plover) -> (side, distance class, ner, n_ner) -> («BIAS side dist» rows, rows of the
        # trigger-relative features and «nerbetween»)
        self._rel: dict[tuple[str, str], dict[tuple[str, int, str | None, int],
                                              tuple[tuple[int, ...], tuple[int, ...]]]] = {}
        self._words: list[Word] | None = None  # the sentence of the per-sentence tables (``_sentence``)

    def _sentence(self, words: list[Word]) -> None:
        """Per-sentence tables: each word's «btw» rows laid end to end (word k's from ``_off[k]``), the
        running count of NER mention starts, the role candidates, and for each candidate its previous stem
        and its «sentstart / dateline / cand» rows (every trigger of the sentence reads them all)."""
        if self._words is words:
            return
        rows, sel, memo, cand_memo = self.model.rows, self.feat.selected, self._btw, self._cand
        if len(memo) >= self._MAX:
            memo.clear()
        if len(cand_memo) >= self._MAX:
            cand_memo.clear()
        flat: list[int] = []
        off = [0]
        nf = [0]
        cands: list[int] = []
        tails: dict[int, tuple[int, ...]] = {}
        for j, x in enumerate(words):
            norm = x.norm
            r = memo.get(norm)
            if r is None:
                r = memo[norm] = rows(sel(norm, "btw", "btw"))
            flat += r
            off.append(len(flat))
            nf.append(nf[-1] + bool(x.ner and x.ner_first))
            if role_candidate(x):
                cands.append(j)
                r = cand_memo.get(norm)
                if r is None:
                    r = cand_memo[norm] = rows(sel(norm, "cand", "cand"))
                tails[j] = self._tail_rows(words, j, r)
        self._flat, self._off, self._nf, self._cands = flat, off, nf, cands
        self._prev = {j: _strip(words[j - 1].norm) if j else "<s>" for j in cands}
        self._tail = tails
        self._wrows: dict[int, tuple[int, ...]] = {}  # j (after the trigger) or -1 - j (before) -> ``_word_rows``
        self._words = words

    def _word_rows(self, c: Word, prev: str, side: str) -> tuple[int, ...]:
        """Rows of «ner:… first:… prev:… cl:… w:… c:… sh:…» of candidate word ``c`` on ``side``, from three
        memo tables per side: (NER type, first), previous stem and the word itself."""
        by_ner, by_prev, by_word = self._word[side]
        rows = self.model.rows
        a = by_ner.get((c.ner, c.ner_first))
        if a is None:
            ner = c.ner or "-"
            a = by_ner[(c.ner, c.ner_first)] = rows((f"ner:{ner}", f"ner:{side}:{ner}", f"first:{c.ner_first}"))
        b = by_prev.get(prev)
        if b is None:
            if len(by_prev) >= self._MAX:
                by_prev.clear()
            b = by_prev[prev] = rows((f"prev:{prev}", f"prev:{side}:{prev}"))
        w = by_word.get(c.norm)
        if w is None:
            if len(by_word) >= self._MAX:
                by_word.clear()
            clitic = c.norm[:1] if c.norm[:1] in "لبوف" and len(c.norm) > 3 else "-"
            w = by_word[c.norm] = rows((f"cl:{side}:{clitic}", "w:" + _strip(c.norm), "c:" + c.norm,
                                        f"sh:{side}:{word_shape(c.norm)}"))
        return a + b + w

    def _tail_rows(self, words: list[Word], j: int, cand: tuple[int, ...]) -> tuple[int, ...]:
        """Rows of «sentstart», «dateline» and then ``cand``, the candidate's own cue / lexicon flag rows
        (word ``j`` only)."""
        pos = ["sentstart"] if j == 0 or (j == 1 and words[0].ner) else []
        if j + 1 < len(words) and words[j + 1].norm in ("-", "ـ"):
            pos.append("dateline")
        return self.model.rows(pos) + cand if pos else cand

    def scores(self, words: list[Word], i: int, plover: str, trig_pos: str,
               sr: SentenceRoles | None) -> list[tuple[float, float, int]]:
        """(actor probability, target probability, j) of every role candidate ``j`` of the trigger at ``i``,
        in word order: what ``Linear.probs(Featurizer.role_feats(...))`` gives, pair by pair.

        One pass per pair with no call but the memo misses: what depends on the trigger alone (the structure
        keys' trigger part, the trigger-relative rows' type and form) is read once per trigger, the
        candidate's own rows once per sentence, and the softmax is written out (the same float operations
        as ``Linear.softmax``, so the same probabilities)."""
        self._sentence(words)
        js = [j for j in self._cands if j != i]
        if not js:
            return []
        flat, off, nf, prev, tails, wrows = self._flat, self._off, self._nf, self._prev, self._tail, self._wrows
        head_memo, struct, word_rows = self._head, self._struct, self._word_rows
        rows_of, get = self.model.rows, self.model._row.get
        rel_memo = self._rel.get((trig_pos, plover))
        if rel_memo is None:
            if len(self._rel) >= self._MAX:
                self._rel.clear()
            rel_memo = self._rel[(trig_pos, plover)] = {}
        if len(struct) >= self._MAX:
            struct.clear()
        if sr is not None:
            skeys = sr.feat_keys(i, js, plover, self.feat.verbal(words[i].norm))
        pairs: list[list[int]] = []
        for t, j in enumerate(js):
            if j < i:
                side, d, lo, hi = "B", i - j, j, i
            else:
                side, d, lo, hi = "A", j - i, i, j
            if d > 15:
                d = 16  # «vfar»: one class, one memo key
            w = wrows.get(j if side == "A" else -1 - j)
            if w is None:
                w = wrows[j if side == "A" else -1 - j] = word_rows(words[j], prev[j], side)
            ner = words[j].ner
            n_ner = min(nf[hi] - nf[lo + 1], 3)
            hr = rel_memo.get((side, d, ner, n_ner))
            if hr is None:  # the «BIAS side dist» rows and the trigger-relative rows of this class of pair
                dist, ner_ = _DIST[d], ner or "-"
                h = head_memo.get((side, dist))
                if h is None:
                    h = head_memo[(side, dist)] = rows_of(("BIAS", f"side:{side}", f"dist:{side}{dist}"))
                hr = rel_memo[(side, d, ner, n_ner)] = h, rows_of((
                    f"tp:{trig_pos}:{side}", f"T:{plover}:{side}", f"tp:{trig_pos}:{side}:{dist}",
                    f"ner:{side}:{ner_}:{trig_pos}", f"nerbetween:{side}:{n_ner}"))
            h, r = hr
            if sr is None:
                pairs.append([0, *h, *w, *r, *flat[off[lo + 1]:off[hi]], *tails[j]])
                continue
            skey = skeys[t]
            st = struct.get(skey)
            if st is None:
                st = struct[skey] = list(filter(None, map(get, feats_of_key(skey))))
            pairs.append([0, *h, *w, *r, *flat[off[lo + 1]:off[hi]], *tails[j], *st])
        out = []
        exp = math.exp
        for z, j in zip(self.model.logits_many(pairs), js, strict=True):
            m = max(z)
            e = [exp(v - m) for v in z]
            s = sum(e)
            out.append((e[1] / s, e[2] / s, j))
        return out


# ``RoleScorer``'s distance classes by word distance: «1» … «6», then «far» up to 15
_DIST = (*(str(d) if d <= 6 else "far" for d in range(16)), "vfar")  # 16: every distance beyond 15


@dataclass
class Coded:
    """One coded event of a sentence (offsets relative to the sentence)."""

    type: str
    mode: str | None
    status: str
    background: bool
    trigger: tuple[int, int]
    actors: list[tuple[int, int]]
    targets: list[tuple[int, int]]
    confidence: float


def word_classes() -> WordClusters:
    """The NER's distributional word classes (``rasid/data/ner_clusters.tsv.gz``), for a model trained with them."""
    return WordClusters.load(resources.path("ner_clusters.tsv.gz"))


class LearnedCoder:
    """The shipped models (``rasid/data/event_coder.json``) and the decoding rules around them."""

    def __init__(self, raw: dict) -> None:
        self.trigger = Linear.from_json(raw["trigger"])
        self.mode = Linear.from_json(raw["mode"])
        self.status = Linear.from_json(raw["status"])
        self.background = Linear.from_json(raw["background"])
        self.role = Linear.from_json(raw["role"])
        self.threshold = float(raw["threshold"])
        # the sentence gate (a model file may have none): a sentence whose P(holds an event) is below the gate
        # is not coded at all, which also spares its trigger and role scoring
        self.sentence = Linear.from_json(raw["sentence"]) if "sentence" in raw else None
        self.gate = float(raw.get("sentence_gate", 0.0))
        self._gate_rows: dict[str, tuple[int, ...]] = {}  # word -> its rows of the sentence model (memo)
        self._gate_sorted = self.sentence is not None and list(self.sentence.weights) == sorted(self.sentence.weights)
        self.role_threshold = float(raw.get("role_threshold", 0.3))
        self.modes: dict[str, list[str]] = raw["modes"]
        self.feat = Featurizer(EventLexicon.load(), EventLexicon.load(include_up=True),
                               word_classes() if raw.get("word_classes") else None)
        self.screen = TriggerScreen(self.feat, self.trigger)
        self.roles = RoleScorer(self.feat, self.role)
        # True: score every word and every role candidate from its feature strings, no screen and no row
        # tables (the reference the fast paths are tested against)
        self.exhaustive = False
        self.backstop = BACKSTOP_STEMS  # {} turns the lexicon backstop off (scripts/train_event_coder.py --dev)
        # a model trained with the clause-structure role features (roles.py) decodes roles with them
        self.structured = bool(raw.get("role_structure", False))
        self.role_backstop = True  # the subject slot when the role model names no actor (train --dev: off too)
        self._sr: SentenceRoles | None = None
        self._event_models: Stacked | None = None  # mode, status and background scored together (``_event``)

    @classmethod
    def load(cls, name: str = "event_coder.json") -> LearnedCoder:
        return cls(resources.load_json(name))

    def code(self, text: str, mentions: Iterable[tuple[int, int, str]] = ()) -> list[Coded]:
        """Events of one sentence; ``mentions`` = (start, end, NER type) relative to the sentence."""
        return self.code_many([(text, mentions)])[0]

    def code_many(self, sents: list[tuple[str, Iterable[tuple[int, int, str]]]]) -> list[list[Coded]]:
        """``code`` of each (sentence, mentions) of a document; the trigger screen scores them together
        (one array pass per document instead of one per sentence: the same candidates, fewer numpy calls)."""
        # a sentence that fails the gate drops its words at once (freed while young, not held to the end)
        kept: list[int] = []
        kept_words: list[list[Word]] = []
        gated = self.sentence is not None and self.gate > 0.0 and self._gate_sorted
        for k, (text, mentions) in enumerate(sents):
            if gated and self._probability_of(*gate_inputs(text, mentions)) < self.gate:
                continue  # the gate's inputs alone: no word tuples for a sentence that is not coded
            words = sentence_words(text, mentions)
            if gated or self.passes_gate(words):
                kept.append(k)
                kept_words.append(words)
        out: list[list[Coded]] = [[] for _ in sents]
        if self.exhaustive:
            todos = [[i for i, w in enumerate(words) if len(w.norm) >= 2 and not w.norm.isdigit()]
                     for words in kept_words]
        else:
            todos = self.screen.candidates_many(kept_words, self.threshold)
        for k, words, todo in zip(kept, kept_words, todos, strict=True):
            out[k] = self._code(sents[k][0], words, todo)
        return out

    def event_probability(self, words: list[Word]) -> float:
        """P(the sentence reports an event) from the sentence model (1.0 for a model file without one).

        ``Linear.probs(Featurizer.sentence_feats(words))`` without building the feature strings: each word's
        weight rows are memoised, and as the model's features are stored in sorted order (row order is
        the features' sorted order) the sorted union of the rows is the sorted features' rows: the same
        rows summed in the same order, so the same float (a model file in another order takes the plain path).
        """
        model = self.sentence
        if model is None:
            return 1.0
        if not self._gate_sorted:
            return model.probs(self.feat.sentence_feats(words))[1]
        return self._probability_of([w.norm for w in words], {w.ner for w in words if w.ner})

    def _probability_of(self, norms: list[str], ners: set[str]) -> float:
        """``event_probability`` from the words' norms and NER types (``gate_inputs``), sorted-rows model."""
        model = self.sentence
        assert model is not None
        memo, rows, gate_feats = self._gate_rows, model.rows, self.feat.gate_feats
        if len(memo) >= 200_000:
            memo.clear()
        # the words' rows through C-level maps (a Python loop per word cost more than the rest of the gate)
        found = list(map(memo.get, norms))
        if None in found:  # words not seen yet
            for k, r in enumerate(found):
                if r is None:
                    w = norms[k]
                    r = memo.get(w)  # the same word earlier in the sentence
                    found[k] = memo[w] = rows(gate_feats(w)) if r is None else r
        out = set(chain.from_iterable(found))
        for ner in sorted(ners):
            r = memo.get("\0" + ner)  # «\0» starts no word: the NER type's own entry
            if r is None:
                r = memo["\0" + ner] = rows(("ner:" + ner,))
            out.update(r)
        return model.probs_of_rows(sorted(out))[1]

    def passes_gate(self, words: list[Word]) -> bool:
        return self.gate <= 0.0 or self.event_probability(words) >= self.gate

    def _code(self, text: str, words: list[Word], todo: list[int]) -> list[Coded]:
        """Events of one sentence from its words and the indices of its candidate triggers."""
        found: list[tuple[int, str, float]] = []
        model, rows = self.trigger, self.screen.trigger_rows
        # the candidates' logits in one gather (``Linear.logits_many``: the floats of ``Linear.probs``)
        logits = model.logits_many([rows(words, i) for i in todo]) if todo else []
        for i, z in zip(todo, logits, strict=True):
            p = model.softmax(z)
            k = max(range(1, len(p)), key=p.__getitem__)
            if 1.0 - p[0] >= self.threshold and p[k] >= self.threshold / 2:
                found.append((i, self.trigger.classes[k], p[k]))
        found = self._backstop(words, [f for f in found if not _no_act(words, f[0], f[1])])
        # one event per (type) in a run of adjacent trigger words («إطلاق سراح»)
        out: list[Coded] = []
        prev: tuple[int, str] | None = None
        for i, plover, conf in found:
            if prev is not None and prev[1] == plover and i - prev[0] <= 1:
                prev = (i, plover)
                continue
            prev = (i, plover)
            ev = self._event(text, words, i, plover, conf)
            same = next((e for e in out if e.type == plover and e.status == ev.status
                         and _same_parties(e.actors, ev.actors)), None)
            if same is None:
                out.append(ev)
            else:  # «وصل ... في زيارة»: two clauses, one act (LABELLING.md: same type, actor and target)
                same.actors = same.actors or ev.actors
                same.targets += [t for t in ev.targets if t not in same.targets and t not in same.actors]
                same.confidence = max(same.confidence, ev.confidence)
        return out

    def _backstop(self, words: list[Word], found: list[tuple[int, str, float]]) -> list[tuple[int, str, float]]:
        """Add the first backstop verb of each type the model did not find (``BACKSTOP_STEMS``)."""
        have = {t for _i, t, _p in found}
        extra: list[tuple[int, str, float]] = []
        for plover, stems in self.backstop.items():
            if plover in have:
                continue
            for i, w in enumerate(words):
                trig = self.feat.curated.lookup(w.norm)
                if (trig is not None and trig.plover == plover and trig.pos == "v"
                        and not stems.isdisjoint(stems_of(w.norm))):
                    extra.append((i, plover, 0.5))
                    break
        return sorted(found + extra) if extra else found

    def _event(self, text: str, words: list[Word], i: int, plover: str, conf: float) -> Coded:
        ef = self.feat.event_feats(words, i, plover, text)
        stacked = self._event_models
        if stacked is None or stacked.models != (self.mode, self.status, self.background):
            stacked = self._event_models = Stacked((self.mode, self.status, self.background))
        pm, ps, pb = stacked.probs(ef)
        allowed = set(self.modes.get(plover, [])) | {""}
        mode = max((k for k, c in enumerate(self.mode.classes) if c in allowed), key=pm.__getitem__, default=None)
        status = self.status.classes[max(range(len(ps)), key=ps.__getitem__)]
        background = pb[1] >= 0.5
        actors, targets = self._roles(words, i, plover, text)
        m = self.mode.classes[mode] if mode is not None else ""
        return Coded(plover, m or None, status, background, (words[i].start, words[i].end), actors, targets,
                     round(conf, 3))

    def _roles(self, words: list[Word], i: int, plover: str,
               text: str | None = None) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Actor and target spans of the trigger at word ``i``: the role model over every candidate word,
        with the sentence's clause structure (``roles.py``) as features when ``text`` is given, and the
        subject slot as the actor when the model names none."""
        sr = self._structure(text, words) if text is not None and self.structured else None
        trig_pos = word_shape(words[i].norm)
        scores: list[tuple[float, float, int]] = []
        if not self.exhaustive:
            scores = self.roles.scores(words, i, plover, trig_pos, sr)
        else:  # the reference: every pair's feature strings through ``Linear.probs``
            for j, c in enumerate(words):
                if j == i or not role_candidate(c):
                    continue
                p = self.role.probs(self.feat.role_feats(words, i, j, plover, trig_pos, sr))
                scores.append((p[1], p[2], j))
        if sr is None:
            actors = _pick(words, scores, 0, self.role_threshold)
            targets = [s for s in _pick(words, scores, 1, self.role_threshold) if s not in actors]
            return actors, targets
        return role_spans(sr, words, scores, i, self.role_threshold, self.feat.verbal(words[i].norm),
                          self.role_backstop)

    def _structure(self, text: str, words: list[Word]) -> SentenceRoles:
        """The clause structure of the sentence being coded (built once per sentence, not per trigger)."""
        if self._sr is None or self._sr.words is not words:
            self._sr = SentenceRoles(text, words, self.feat.verbal, self.feat.says)
        return self._sr


def _bare_form(norm: str) -> str:
    """``norm`` without one proclitic «و», «ف», «ب» or «ل» (the look-up form of ``event_no_act.tsv``). Not
    ``lexicon.strip_cached``: that keeps three-letter words whole, and «ولم» must read as «لم»."""
    return norm[1:] if len(norm) >= 3 and norm[0] in "وفبل" else norm


def _no_act(words: list[Word], i: int, plover: str) -> bool:
    """Word ``i`` coded ``plover`` is no act: a particle, an ASSAULT or AGREE whose neighbour (the word before, or
    one of the two after) is a natural force («زلزال ضرب ولاية ملاطية», «الهزة وقعت فجرا»), or an AGREE next to
    an incident («وقع الحادث»: occurred, not signed)."""
    if words[i].norm in _PARTICLES or _bare_form(words[i].norm) in _PARTICLES:
        return True
    cues = _NEAR_NO_ACT.get(plover)
    if cues is None:
        return False
    near = [w.norm for w in words[max(0, i - 1):i] + words[i + 1:i + 3]]
    return any(n in cues or _bare_form(n) in cues for n in near)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    """``span`` shares a character with one of ``spans``."""
    return any(span[0] < e and s < span[1] for s, e in spans)


def _same_parties(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    """Two clauses' actors name the same party: one names none, or a span of one overlaps a span of the other
    («الرئيس السوري أحمد الشرع» and «أحمد الشرع»)."""
    return not a or not b or any(_overlaps(x, b) for x in a)


def role_candidate(w: Word) -> bool:
    """Words that can head a role mention: names, and nouns (not digits, not one-letter particles)."""
    return len(w.norm) >= 3 and not w.norm.isdigit() and (w.ner is None or w.ner_first)


def _pick(words: list[Word], scores: list[tuple[float, float, int]], k: int, threshold: float) -> list[tuple[int, int]]:
    """The best-scoring word for role ``k`` (0 actor, 1 target) above ``threshold``, as its mention span."""
    best = max(scores, key=lambda s: s[k], default=None)
    if best is None or best[k] < threshold:
        return []
    return [mention_span(words, best[2])]


def role_spans(sr: SentenceRoles, words: list[Word], scores: list[tuple[float, float, int]], i: int,
               threshold: float, verbal: bool, backstop: bool = True) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Actor and target spans from the role scores and the clause structure.

    The best word per role above ``threshold`` wins, as the role model alone did; when no word reaches it
    for the actor, the subject slot (``SentenceRoles.backstop_actor``) stands in. A mention joined to the
    chosen one by «و» is a conjunct of the same role (LABELLING.md: one span per conjunct).
    """
    def spans(j: int) -> list[tuple[int, int]]:
        heads = [j, *sr.conjuncts(j)]
        return [mention_span(words, h) if words[h].ner else sr.span(h) for h in heads]

    # for a verb trigger, a word inside a relative clause that is not the trigger's own («وقصف الجيش، الذي يحاصر
    # المدينة، مواقع ...») belongs to that clause's predicate: the role model alone sometimes still picked it. A
    # verbal noun keeps them («التفجير الذي استهدف المسجد»: the relative clause names the target)
    if verbal:
        scores = [s for s in scores if not (sr.in_rel[s[2]] and sr.clause[s[2]] != sr.clause[i])]
    # a verbal noun that is another verb's object: that verb's subject is not its actor («أدانت السعودية
    # الهجوم»); it may still be the target («رحبت مصر بزيارة ...» has no such object slot)
    actor_scores = scores if verbal else [s for s in scores if not sr.governed(i, s[2])]
    best_a = max(actor_scores, key=lambda s: s[0], default=None)
    a = best_a[2] if best_a is not None and best_a[0] >= threshold else None
    if a is None and backstop:
        a = sr.backstop_actor(i, verbal)
    actors = spans(a) if a is not None else []
    # the target is another party: no word inside the actor's phrase («الرئيس المصري عبد الفتاح السيسي» as
    # actor, «عبد الفتاح السيسي» as target), and the grammar's slots compare phrases, so the actor's phrase head
    inside = ({k for k, w in enumerate(words) if any(x <= w.start and w.end <= y for x, y in actors)}
              if actors else set())
    best_t = max((s for s in scores if s[2] != a and s[2] not in inside), key=lambda s: s[1], default=None)
    t = best_t[2] if best_t is not None and best_t[1] >= threshold else None
    if t is None and backstop:
        k = sr.chunk_of[a] if a is not None else None
        t = sr.backstop_target(i, verbal, sr.chunks[k].start if k is not None else a)
    targets = [s for s in spans(t) if not _overlaps(s, actors)] if t is not None else []
    return actors, targets


def mention_span(words: list[Word], j: int) -> tuple[int, int]:
    """The span of word ``j``'s mention: the whole NER mention, or the noun with its definite adjectives."""
    w = words[j]
    end = w.end
    if w.ner:
        for x in words[j + 1:]:
            if x.ner != w.ner or x.ner_first:
                break
            end = x.end
        return w.start, end
    if w.norm.startswith(_DEFINITE):  # «السلطات الأمنية»: a definite nisba adjective belongs to the noun
        for x in words[j + 1:j + 3]:
            if not (x.norm.startswith("ال") and x.norm.endswith(_NISBA)) or x.ner:
                break
            end = x.end
    return w.start, end
