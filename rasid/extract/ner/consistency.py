"""Document-level label consistency: a name tagged once is tagged at its other occurrences.

A news article names "بيسكوف" confidently after a title and again bare later on, where the
sentence-level CRF may miss it. Spans found with enough confidence are matched (normalised,
through a leading و/ف/ب/ل/ك) against untagged tokens of the same document.
"""

from __future__ import annotations

from collections import Counter

from rasid.extract.ner.bio import spans
from rasid.extract.ner.morph import clitic_variants
from rasid.text.normalize import normalize

_MAX_LEN = 5


def _names(norms: list[list[str]], labels: list[list[str]], probs: list[list[float]],
           min_conf: float, common: frozenset[str]) -> dict[tuple[str, ...], str]:
    """Confident document names -> majority type; one-word names that are usually plain words are skipped."""
    votes: dict[tuple[str, ...], Counter[str]] = {}
    for words, labs, prob in zip(norms, labels, probs, strict=True):
        # in text order: a tie between types goes to the first, whatever the process's string hashing
        # (``spans`` is a set, and its order changed with PYTHONHASHSEED)
        for s, e, typ in sorted(spans(labs)):
            if e - s > _MAX_LEN or sum(prob[s:e]) / (e - s) < min_conf:
                continue
            for head, _cut in clitic_variants(words[s]):  # "وبوتين" tagged -> "بوتين" is the name too
                key = (head, *words[s + 1:e])
                if len(head) < 3 or (len(key) == 1 and head in common):
                    continue
                votes.setdefault(key, Counter())[typ] += 1
    return {k: c.most_common(1)[0][0] for k, c in votes.items()}


def propagate(sents: list[list[str]], labels: list[list[str]], probs: list[list[float]],
              min_conf: float = 0.9, common: frozenset[str] = frozenset(),
              norms: list[list[str]] | None = None) -> None:
    """Tag untagged repeats of confident names in place (confidence of the new tokens: 0.5).

    ``norms``: the normalised tokens of ``sents`` when the caller already has them.
    """
    norms = norms if norms is not None else [[normalize(w) for w in toks] for toks in sents]
    names = _names(norms, labels, probs, min_conf, common)
    if not names:
        return
    heads = {key[0] for key in names}
    # words of the document with a clitic reading that starts a name: only there can a name be looked up
    starts = {w for w in set().union(*norms) if not heads.isdisjoint([form for form, _cut in clitic_variants(w)])}
    for words, labs, prob in zip(norms, labels, probs, strict=True):
        after = 0  # a name tagged here ends before this token: the tokens inside it are not tried again
        for i in [i for i, w in enumerate(words) if w in starts]:
            if i < after:
                continue
            hit = None
            forms = [form for form, _cut in clitic_variants(words[i])]
            for n in range(min(_MAX_LEN, len(words) - i), 0, -1):
                if any(lab != "O" for lab in labs[i:i + n]):
                    continue
                for form in forms:
                    typ = names.get((form, *words[i + 1:i + n]))
                    if typ:
                        hit = (n, typ)
                        break
                if hit:
                    break
            if hit:
                n, typ = hit
                if i + n < len(labs) and labs[i + n].startswith("I-"):
                    continue
                labs[i:i + n] = [f"B-{typ}"] + [f"I-{typ}"] * (n - 1)
                prob[i:i + n] = [0.5] * n
                after = i + n
