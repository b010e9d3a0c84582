"""A crfsuite CRF read into numpy, decoding many sentences in one batch.

Why: python-crfsuite converts every attribute string of every token into its own item structures on each
``Tagger.set`` (a hash lookup in the model's attribute database per attribute), which cost more than a third
of the NER stage; the Viterbi path and the marginals themselves are cheap. Here the model's weights are a
matrix, a token's state scores are the sum of its attributes' rows (``WordScores`` in features.py keeps them
summed per distinct word), and Viterbi and forward-backward run over many sentences at once (the tagger gives
it all sentences of a group of documents). The labels are crfsuite's (same best path, ties resolved to the
first label as it does) and the marginals agree to ~1e-12 (the sums run in another order);
``tests/test_ner.py`` checks both against pycrfsuite on the demo corpus.

Usage::

    model = CrfModel.read(Path("ner.crfsuite"))
    rows = [[model.rows[a] for a in feats if a in model.rows] for feats in token_features(words, gaz, clusters)]
    ((labels, marginals),) = model.decode([rows])  # marginals[i, model.label_index[labels[i]]]
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np

_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])  # FEATURE_SIZE 20
_STATE, _TRANSITION = 0, 1  # crfsuite's FT_STATE, FT_TRANS


def row_sums(state: np.ndarray, lists: list[list[int]] | list[tuple[int, ...]]) -> np.ndarray:
    """``state[rows].sum(axis=0)`` for each list of rows (zeros for an empty list): one gather and one
    segmented sum for all the lists."""
    lens = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    if not len(lists):
        return np.zeros((0, state.shape[1]))
    # a last row 0, so that an empty list at the very end still starts inside ``flat``
    flat = np.fromiter(chain(chain.from_iterable(lists), (0,)), dtype=np.int64, count=int(lens.sum()) + 1)
    summed = np.add.reduceat(state[flat], np.cumsum(lens) - lens, axis=0)
    summed[lens == 0] = 0.0  # reduceat gives the next row for an empty segment
    return summed


class ModelFormatError(ValueError):
    """The file is not a crfsuite CRF1d model in the layout this reader knows."""


def _cqdb_keys(data: bytes, off: int, expected: int) -> list[str]:
    """The keys of the CQDB chunk at ``off`` in id order (its backward array maps an id to its record: int32
    id, uint32 size, the NUL-terminated UTF-8 key)."""
    if data[off:off + 4] != b"CQDB":
        raise ModelFormatError(f"no CQDB chunk at offset {off}")
    _chunk, _size, _flag, _order, n, bwd = struct.unpack_from("<4sIIIII", data, off)
    keys: list[str] = []
    for rec in struct.unpack_from(f"<{n}I", data, off + bwd):
        if rec:
            _id, size = struct.unpack_from("<iI", data, off + rec)
            keys.append(data[off + rec + 8:off + rec + 7 + size].decode("utf-8"))
    if len(keys) != expected:
        raise ModelFormatError(f"{len(keys)} keys where the header says {expected}")
    return keys


@dataclass(frozen=True)
class CrfModel:
    """Labels, state weights (one row per attribute) and transition weights of a linear-chain CRF.

    Row 0 of ``state`` is zeros and attribute ``k`` is row ``k + 1``, so a row number is never 0: the feature
    builders test ``if row`` for "the model knows this attribute".
    """

    labels: tuple[str, ...]
    rows: dict[str, int]  # attribute -> its row in ``state``
    state: np.ndarray  # (attributes + 1, labels) float64
    transition: np.ndarray  # (labels, labels) float64: from the row label to the column label
    label_index: dict[str, int] = field(init=False)
    _exp_transition: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "label_index", {lab: i for i, lab in enumerate(self.labels)})
        object.__setattr__(self, "_exp_transition", np.exp(self.transition))

    @classmethod
    def read(cls, path: Path) -> CrfModel:
        """Read a model file written by crfsuite (``pycrfsuite.Trainer``); ModelFormatError if it is not one."""
        data = path.read_bytes()
        try:
            (magic, _size, kind, _version, _n_features, n_labels, n_attrs,  # crfsuite leaves _n_features 0
             off_features, off_labels, off_attrs) = struct.unpack_from("<4sI4sIIIIIII", data)
            if magic != b"lCRF" or kind != b"FOMC" or data[off_features:off_features + 4] != b"FEAT":
                raise ModelFormatError(f"{path}: not a crfsuite CRF1d model")
            labels = _cqdb_keys(data, off_labels, n_labels)
            attrs = _cqdb_keys(data, off_attrs, n_attrs)
            _chunk, _csize, num = struct.unpack_from("<4sII", data, off_features)  # the chunk counts its features
            feats = np.frombuffer(data, dtype=_FEATURE, count=num, offset=off_features + 12)
        except (struct.error, UnicodeDecodeError, ValueError) as exc:
            raise ModelFormatError(f"{path}: {exc}") from exc
        state = np.zeros((n_attrs + 1, n_labels))
        transition = np.zeros((n_labels, n_labels))
        st = feats[feats["type"] == _STATE]
        tr = feats[feats["type"] == _TRANSITION]
        np.add.at(state, (st["src"].astype(np.int64) + 1, st["dst"].astype(np.int64)), st["weight"])
        np.add.at(transition, (tr["src"].astype(np.int64), tr["dst"].astype(np.int64)), tr["weight"])
        return cls(tuple(labels), {a: k + 1 for k, a in enumerate(attrs)}, state, transition)

    def _emissions(self, sentences: list[list[list[int]]]) -> list[np.ndarray]:
        """State scores of each sentence: one gather and one segmented sum for all tokens of all sentences."""
        summed = row_sums(self.state, [r for s in sentences for r in s])
        return np.split(summed, np.cumsum([len(s) for s in sentences])[:-1])

    def decode(self, sentences: list[list[list[int]]]) -> list[tuple[list[str], np.ndarray]]:
        """Best label path and per-token marginals (tokens, labels) of each sentence, given each token's
        attribute rows; an empty sentence gives ([], an empty array)."""
        return self.decode_scores(self._emissions(sentences)) if sentences else []

    # Sentences decoded in one block. Sorted by length first, a block's width (the steps its decoding takes)
    # is close to each of its sentences' length, so little work is spent on padding.
    _BLOCK = 256

    def decode_scores(self, scores: list[np.ndarray]) -> list[tuple[list[str], np.ndarray]]:
        """``decode`` from each sentence's state scores (tokens, labels). The sentences are decoded in blocks
        of similar length, one step per token position of the block's longest sentence."""
        order = sorted(range(len(scores)), key=lambda k: len(scores[k]))
        out: list[tuple[list[str], np.ndarray]] = [([], np.zeros((0, len(self.labels))))] * len(scores)
        for b in range(0, len(order), self._BLOCK):
            block = order[b:b + self._BLOCK]
            for k, found in zip(block, self._decode_block([scores[k] for k in block]), strict=True):
                out[k] = found
        return out

    def _decode_block(self, scores: list[np.ndarray]) -> list[tuple[list[str], np.ndarray]]:
        n_l = len(self.labels)
        lens = np.array([len(s) for s in scores], dtype=np.int64)
        width = int(lens.max())
        if width == 0:
            return [([], np.zeros((0, n_l))) for _ in scores]
        n_s = len(scores)
        emit = np.zeros((n_s, width, n_l))
        for k, e in enumerate(scores):
            emit[k, :len(e)] = e
        # an empty sentence (only in a block of them, as blocks are sorted) decodes as a one-token one, cut off
        path = self._viterbi(emit, np.maximum(lens, 1))
        margins = self._marginals(emit, np.maximum(lens, 1))
        names = self.labels
        return [([names[j] for j in path[k, :n]], margins[k, :n]) for k, n in enumerate(lens.tolist())]

    def _viterbi(self, emit: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Best path per sentence, as label indices (left-aligned, as ``emit``).

        Every sentence runs to the full width; its best final label is read at its own last token, and the
        back-pointers past that token are set to "stay", so one backtrack from the last column serves all.
        """
        n_s, width, n_l = emit.shape
        back = np.empty((n_s, width, n_l), dtype=np.int64)
        hist = np.empty((n_s, width, n_l))
        hist[:, 0] = emit[:, 0]
        trans = np.ascontiguousarray(self.transition.T)[None]  # next label x previous label
        cand = np.empty((n_s, n_l, n_l))  # reused at every step; reductions run along its last, contiguous axis
        best = np.empty((n_s, n_l))
        for t in range(1, width):
            np.add(hist[:, t - 1, None, :], trans, out=cand)
            cand.argmax(axis=2, out=back[:, t])  # the first maximum, as crfsuite keeps the first
            cand.max(axis=2, out=best)
            np.add(best, emit[:, t], out=hist[:, t])
        rows = np.arange(n_s)
        last = lens - 1
        back[np.arange(width)[None, :] > last[:, None]] = np.arange(n_l)
        path = np.empty((n_s, width), dtype=np.int64)
        path[:, width - 1] = hist[rows, last].argmax(axis=1)
        for t in range(width - 1, 0, -1):
            path[:, t - 1] = back[rows, t, path[:, t]]
        return path

    # Forward and backward vectors are rescaled every this many steps, not at each one. Between two
    # rescalings a vector grows by at most (labels x max exp(transition))^8 and shrinks by at most
    # min exp(transition)^8 (emissions are scaled to at most 1 per position, the best label to exactly 1), far
    # inside float64's range; a marginal is a ratio at one position, so the scale cancels.
    _RESCALE = 8

    def _marginals(self, emit: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """P(label at t | sentence) by scaled forward-backward (exact up to rounding).

        The backward pass runs on the sentences right-aligned (padding in front), so every sentence's last
        token is the last column and needs no mask.
        """
        n_s, width, n_l = emit.shape
        ex = np.exp(emit - emit.max(axis=2, keepdims=True))  # a constant per position cancels in the ratio
        trans = self._exp_transition
        every = self._RESCALE
        fwd = np.empty_like(ex)
        fwd[:, 0] = ex[:, 0]
        for t in range(1, width):
            a = np.matmul(fwd[:, t - 1], trans, out=fwd[:, t])
            a *= ex[:, t]
            if t % every == 0:
                a /= a.sum(axis=1, keepdims=True)
        shift = (np.arange(width)[None, :] - (width - lens)[:, None]) % width  # right-aligned column -> left
        rows = np.arange(n_s)[:, None]
        ex_r = ex[rows, shift]
        bwd_r = np.empty_like(ex)
        bwd_r[:, width - 1] = 1.0
        trans_t = trans.T
        step = np.empty((n_s, n_l))
        for t in range(width - 2, -1, -1):
            np.multiply(ex_r[:, t + 1], bwd_r[:, t + 1], out=step)
            b = np.matmul(step, trans_t, out=bwd_r[:, t])
            if t % every == 0:
                b /= b.sum(axis=1, keepdims=True)
        unshift = (np.arange(width)[None, :] + (width - lens)[:, None]) % width  # left column -> right-aligned
        m = fwd * bwd_r[rows, unshift]
        m /= m.sum(axis=2, keepdims=True)
        return m
