"""CRF named-entity tagger (PER/ORG/LOC) with offsets into the original text.

The CRF (python-crfsuite) is trained by scripts/train_ner.py; curated names
(gazetteer_extra.tsv: agencies, ministries, bases) are added where the CRF found nothing,
and leading و/ف/ب/ل/ك are trimmed from spans so "وموسكو" yields "موسكو".
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pycrfsuite

from rasid.gazetteer import Gazetteer
from rasid.models import Mention
from rasid.ner.features import token_features
from rasid.ner.morph import clitic_variants
from rasid.normalize import normalize, normalize_with_offsets
from rasid.textspan import Span, sentences, tokens

_MAX_SENT_TOKENS = 200


def _default_model() -> Path:
    return Path(str(resources.files("rasid") / "data" / "ner.crfsuite"))


@dataclass
class NerTagger:
    """Loaded model + gazetteer; ``tag`` is thread-compatible only per instance (crfsuite state)."""

    model_path: Path
    gazetteer: Gazetteer
    lexicon: frozenset[str] = field(default_factory=frozenset)
    _crf: pycrfsuite.Tagger | None = None

    @classmethod
    def load(cls, path: Path | str | None = None, gazetteer: Gazetteer | None = None) -> NerTagger:
        model = Path(path) if path else _default_model()
        crf = pycrfsuite.Tagger()
        crf.open(str(model))
        lex_path = model.with_name(model.name.replace(".crfsuite", "_lexicon.txt.gz"))
        lexicon: frozenset[str] = frozenset()
        if lex_path.exists():
            with gzip.open(lex_path, "rt", encoding="utf-8") as fh:
                lexicon = frozenset(line.strip() for line in fh if line.strip())
        return cls(model_path=model, gazetteer=gazetteer or Gazetteer.load(), lexicon=lexicon, _crf=crf)

    def predict_tokens(self, toks: list[str]) -> tuple[list[str], list[float]]:
        """BIO labels and per-token marginal probability for one pre-tokenised sentence."""
        if not toks:
            return [], []
        assert self._crf is not None
        self._crf.set(token_features(toks, self.gazetteer))
        labels = self._crf.tag()
        probs = [self._crf.marginal(lab, i) for i, lab in enumerate(labels)]
        return labels, probs

    def tag(self, doc_id: str, text: str) -> list[Mention]:
        """PER/ORG/LOC mentions with ``text[m.start:m.end] == m.text``."""
        mentions: list[Mention] = []
        for sent in sentences(text):
            toks = [Span(t.start + sent.start, t.end + sent.start, t.text) for t in tokens(sent.text)]
            for k in range(0, len(toks), _MAX_SENT_TOKENS):
                chunk = toks[k:k + _MAX_SENT_TOKENS]
                mentions.extend(self._tag_chunk(doc_id, text, chunk))
        return mentions

    def _tag_chunk(self, doc_id: str, text: str, toks: list[Span]) -> list[Mention]:
        words = [t.text for t in toks]
        labels, probs = self.predict_tokens(words)
        found: list[tuple[int, int, str, float]] = []
        start = None
        typ = ""
        for i, lab in enumerate(labels + ["O"]):
            if start is not None and not (lab.startswith("I-") and lab[2:] == typ):
                found.append((start, i, typ, sum(probs[start:i]) / (i - start)))
                start = None
            if lab.startswith("B-") or (lab.startswith("I-") and start is None):
                start, typ = i, lab[2:]
        taken = {k for s, e, _, _ in found for k in range(s, e)}
        norms = [normalize(w) for w in words]
        for s, e, _types, cut in self.gazetteer.match(norms):
            first = dict((c, f) for f, c in clitic_variants(norms[s]))[cut]
            curated = self.gazetteer.canonical.get(" ".join([first, *norms[s + 1:e]]))
            if curated and not any(k in taken for k in range(s, e)):
                found.append((s, e, curated[0], 0.6))
        out = []
        for s, e, typ, conf in sorted(found):
            begin = toks[s].start + self._clitic_cut(words[s], e - s)
            end = toks[e - 1].end
            if begin >= end:
                continue
            out.append(Mention(doc_id, begin, end, text[begin:end], typ, confidence=round(conf, 3)))
        return out

    def _clitic_cut(self, word: str, n_tokens: int) -> int:
        """Characters of ``word`` to drop from the span start (a proclitic, never the article)."""
        norm, offsets = normalize_with_offsets(word)
        variants = clitic_variants(norm)
        if len(variants) == 1:
            return 0
        if norm in self.lexicon or (n_tokens == 1 and self.gazetteer.types(norm)):
            return 0
        for form, cut in variants[1:]:
            gaz_known = len(form) >= 3 and n_tokens == 1 and self.gazetteer.types(form)
            if form in self.lexicon or gaz_known or (form.startswith("ال") and len(form) >= 4):
                return offsets[cut]  # for لل+X the span starts after لل (the article's alef is elided)
        return 0
