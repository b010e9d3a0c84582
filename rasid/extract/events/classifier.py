"""Sentence-level "is this a reported event of type X" classifier.

The lexicon finds sentences that *talk about* protests or attacks; most of them
do not *report* one (analysis, history, hypotheticals, condemnations). A linear
model over normalised words, stems, bigrams, character n-grams, the lexicon's
triggers and negation/modality/history cues scores each sentence. It is trained
by ``scripts/train_event_classifier.py`` on the dev half of the Arabic event GSR
and stored as plain JSON (feature -> weight), so loading runs no pickled code.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rasid import resources
from rasid.extract.events.lexicon import EventLexicon
from rasid.text.normalize import normalize, strip_proclitics

_WORD_RE = re.compile(r"[\w\u0600-\u06FF]+")
# Cue word classes (rasid/data/lexicons/event_classifier_cues.tsv); the model was trained with these lists.
_CUES = resources.lexicon_groups("event_classifier_cues.tsv")
_NEGATION = frozenset(_CUES["negation"])
_MODAL = frozenset(_CUES["modal"])
_REPORT = frozenset(_CUES["report"])
_CONDEMN = frozenset(_CUES["condemn"])
_YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_DATELINE_RE = re.compile(r"^\s*[\w\u0600-\u06FF ]{2,25}\s*[-ـ–]\s")
_NUM_RE = re.compile(r"\d")


def sentence_features(text: str, lexicon: EventLexicon, plover: str) -> list[str]:
    """Binary features of one sentence for the ``plover`` classifier (also used at training time)."""
    norm = normalize(text)
    toks = _WORD_RE.findall(norm)
    stems = [strip_proclitics(t) for t in toks]
    feats = {"BIAS"}
    for t, s in zip(toks, stems, strict=True):
        feats.add("w:" + t)
        feats.add("s:" + s)
        padded = f"<{s}>"
        for n in (3, 4):
            for i in range(len(padded) - n + 1):
                feats.add(f"c{n}:" + padded[i:i + n])
    for a, b in zip(stems, stems[1:], strict=False):
        feats.add(f"b:{a}_{b}")
    n_trig = 0
    for i, t in enumerate(toks):
        trig = lexicon.lookup(t)
        if trig is None:
            continue
        same = trig.plover == plover
        kind = "same" if same else "other"
        definite = t.startswith(("ال", "وال", "بال", "لل", "فال"))
        feats.add(f"T:{kind}:{trig.pos}{':def' if definite else ''}")
        if same:
            n_trig += 1
            left = toks[max(0, i - 3):i]
            if any(w in _NEGATION for w in left):
                feats.add("T:neg")
            if any(w in _MODAL for w in left):
                feats.add("T:modal")
            if t.startswith(("سي", "ست", "سن")) and trig.pos == "v":
                feats.add("T:future")
            feats.add("T:pos_in_sent:" + ("early" if i < 5 else "mid" if i < 15 else "late"))
    feats.add(f"T:n:{min(n_trig, 3)}")
    words = set(toks)
    for name, cues in (("neg", _NEGATION), ("modal", _MODAL), ("report", _REPORT), ("condemn", _CONDEMN)):
        if words & cues:
            feats.add("cue:" + name)
    if _YEAR_RE.search(norm):
        feats.add("cue:year")
    if _DATELINE_RE.match(norm):
        feats.add("cue:dateline")
    if _NUM_RE.search(norm):
        feats.add("cue:digit")
    if "؟" in text or "?" in text:
        feats.add("cue:question")
    if "«" in text or '"' in text:
        feats.add("cue:quote")
    feats.add("len:" + str(min(len(toks) // 10, 5)))
    return sorted(feats)


@dataclass
class _Linear:
    weights: dict[str, float]
    bias: float
    threshold: float

    def prob(self, feats: list[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class EventClassifier:
    """Per-PLOVER-type logistic models; ``accepts`` filters lexicon events, ``score`` sets confidence."""

    def __init__(self, models: dict[str, _Linear], lexicon: EventLexicon, gate: str = "strict") -> None:
        self.models = models
        self.lexicon = lexicon
        # which lexicon proposals the classifier judges: "strict" = the coder's filtered events, "loose" = any
        # curated trigger token of the type, "loose_up" = any curated or UniversalPetrarch token
        self.gate = gate
        self._cache: dict[tuple[str, str], float] = {}  # (type, sentence) -> probability

    @classmethod
    def load(cls, name: str = "event_classifier.json") -> EventClassifier:
        """Load the committed model; its trigger features use the curated lexicon it was trained with."""
        raw = resources.load_json(name)
        models = {t: _Linear(m["weights"], m["bias"], m["threshold"]) for t, m in raw["models"].items()}
        return cls(models, EventLexicon.load(), raw.get("gate", "strict"))

    @property
    def types(self) -> set[str]:
        return set(self.models)

    def score(self, sentence: str, plover: str) -> float | None:
        """Probability that ``sentence`` reports a ``plover`` event; None for types without a model."""
        model = self.models.get(plover)
        if model is None:
            return None
        key = (plover, sentence)
        p = self._cache.get(key)
        if p is None:
            p = model.prob(sentence_features(sentence, self.lexicon, plover))
            if len(self._cache) < 50_000:
                self._cache[key] = p
        return p

    def accepts(self, sentence: str, plover: str) -> bool:
        p = self.score(sentence, plover)
        return p is None or p >= self.models[plover].threshold
