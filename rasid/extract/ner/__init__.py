"""Arabic named-entity recognition (PER/ORG/LOC) trained by scripts/train_ner.py.

``NerTagger`` is imported lazily so that ``rasid.extract.gazetteer`` can use ``rasid.extract.ner.morph``
without an import cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rasid.extract.ner.tagger import NerTagger

__all__ = ["NerTagger", "load_tagger"]


def load_tagger(kind: str = "fast", path: Any = None, config: Any = None) -> NerTagger:  # noqa: ANN401
    """The tagger named by ``[extraction.ner] tagger``: "fast" (CRF) or "accurate" (fine-tuned e5, ONNX).

    Both have the same interface (``tag``, ``predict_tokens``, ``predict_document``)."""
    if kind == "accurate":
        from rasid.extract.ner.neural import NeuralNerTagger

        return NeuralNerTagger.load(path, config=config)
    if kind != "fast":
        raise ValueError(f"unknown NER tagger {kind!r}: fast or accurate")
    from rasid.extract.ner.tagger import NerTagger

    return NerTagger.load(path, config=config)


def __getattr__(name: str) -> Any:
    if name == "NerTagger":
        from rasid.extract.ner.tagger import NerTagger

        return NerTagger
    raise AttributeError(name)
