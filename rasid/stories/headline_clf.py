"""A trained reader of a headline's main-event type, on top of the curated cue reader of ``mainevent``.

The cue list (``story_acts.tsv``) was widened on the errors of one month (July 2018) and reads an unseen
month far worse (type accuracy 0.86 on July, 0.67-0.68 on April, August and September 2018): a quote that is
itself the news, an accusation worded as a «فضيحة» or a report, a market or sport headline that happens to
hold a cue word. A multinomial logistic model over the cue reader's own verdict and flags plus the
headline's words, stems, word pairs and character n-grams learns, from labelled headlines of other months,
when the cues are right and what they miss. It is trained by ``scripts/train_headline_events.py`` and
shipped as feature -> per-class weights (``rasid/data/headline_events.json``): inference is a few dictionary
look-ups, no scikit-learn and no pickled code.

``read_type`` combines the two readings by the rule chosen on held-out data (the JSON's ``override``): the
model's type replaces the cues' only when the model is at least that confident; otherwise the cues decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rasid import resources
from rasid.extract.events.learned import LearnedCoder, Linear
from rasid.stories.mainevent import (
    _FIRST_PERSON,
    _QUOTES,
    _TAG_WORDS,
    _cues,
    _head_is_tag,
    _is_question,
    _lexicon,
    headline_act,
    split_act,
)
from rasid.text.normalize import normalize, strip_proclitics, words

NONE = "NONE"
MODEL = "headline_events.json"
_CHAR_N = (3, 4, 5)
# Feature groups that carry the cue reader's and the event coder's verdicts (prefix before «:»). Training
# gives them a larger value than the word and n-gram features, so the penalty holds them back less: with a
# few hundred labelled headlines the model should start from the readers and learn corrections, not relearn
# them from words. The exported weights already include that factor (inference sees binary features).
CUE_GROUPS = frozenset({"cue", "act", "fore", "back", "first", "ncues", "colon", "question", "lc"})


def _act_type(act: str | None) -> str:
    return split_act(act)[0] if act else NONE


@cache
def _coder() -> LearnedCoder:
    return LearnedCoder.load()


def headline_features(text: str) -> list[str]:
    """Features of one headline: what the cue reader makes of it (its act, every cue type in the foreground
    and in background clauses, the shape of a «X: ...» prefix, a question, a first-person quote) and the
    headline's words (normalised; also without proclitics), first word, word pairs and in-word character 3-5-grams
    (Arabic morphology: «يتهم», «تتهمها», «اتهامات» share «تهم»)."""
    norm = normalize(text or "").strip()
    feats: list[str] = []
    if not norm:
        return feats
    found = headline_act(text)
    act = found[0] if found else None
    feats += [f"cue:{_act_type(act)}", f"act:{act or 'none'}"]
    cues = _cues(norm)
    fore = sorted({split_act(c.act)[0] for c in cues if not c.background})
    back = sorted({split_act(c.act)[0] for c in cues if c.background})
    feats += [f"fore:{t}" for t in fore] + [f"back:{t}" for t in back]
    if cues:
        feats.append(f"first:{split_act(cues[0].act)[0]}")
    feats.append(f"ncues:{min(len(fore), 3)}")
    head, sep, rest = norm.partition(":")
    if sep and rest.strip() and len(head.split()) <= _TAG_WORDS and len(_QUOTES.findall(head)) % 2 == 0:
        feats.append("colon:tag" if _head_is_tag(head) else "colon:speaker")
        if _FIRST_PERSON.search(rest):
            feats.append("colon:first-person")
    elif sep:
        feats.append("colon:long")
    questions = _lexicon()[2]
    if _is_question(norm, questions) or any(_is_question(p.strip(), questions) for p in norm.split("..")):
        feats.append("question")
    if _QUOTES.search(norm):
        feats.append("quoted")
    if ".." in norm:
        feats.append("dots")
    if any(ch.isdigit() for ch in norm):
        feats.append("digits")
    for ev in _coder().code(text):
        state = "bg" if ev.background else ev.status
        feats += [f"lc:{ev.type}", f"lc:{ev.type}:{state}"]
    toks = words(norm)
    if toks:
        feats.append(f"w0:{toks[0]}")
    feats += [f"w:{w}" for w in toks]
    feats += [f"s:{s}" for w in toks if (s := strip_proclitics(w)) != w]
    feats += [f"b:{a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]
    for w in toks:
        padded = f"<{w}>"
        for n in _CHAR_N:
            feats += [f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1)]
    return list(dict.fromkeys(feats))  # binary features, first occurrence order


@dataclass(frozen=True)
class Reading:
    """A headline's main-event type as read by the cues, by the model, and by the shipped combination."""

    type: str  # the combined verdict (NONE = no act)
    cue_type: str
    model_type: str
    confidence: float  # the model's probability of its own type


class HeadlineClassifier:
    """The shipped headline model and its combination rule (see the module docstring)."""

    def __init__(self, raw: dict) -> None:
        m = raw["model"]
        n = len(m["classes"])
        weights = {}
        for feat, row in m["weights"].items():  # sparse: [[class index, weight], ...]; dense lists also read
            if row and isinstance(row[0], list):
                dense = [0.0] * n
                for k, w in row:
                    dense[k] = w
                row = dense
            weights[feat] = row
        self.model = Linear(m["classes"], weights, m["bias"])
        self.override = float(raw["override"])

    @classmethod
    def load(cls, name: str = MODEL) -> HeadlineClassifier:
        return cls(resources.load_json(name))

    def probs(self, text: str) -> dict[str, float]:
        """Probability of each type (``NONE`` included) for one headline."""
        return dict(zip(self.model.classes, self.model.probs(headline_features(text)), strict=True))

    def read(self, text: str) -> Reading:
        """Cue type, model type and the combined type: the model's type when its probability reaches
        ``override``, else the cues'."""
        cue = _act_type((headline_act(text) or (None, 0))[0])
        p = self.probs(text)
        best = max(self.model.classes, key=lambda c: (p[c], c == cue))  # a tie goes to the cues' type
        return Reading(best if p[best] >= self.override else cue, cue, best, p[best])


@cache
def shipped() -> HeadlineClassifier:
    """The shipped model, loaded once per process."""
    return HeadlineClassifier.load()
