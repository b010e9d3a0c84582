"""Exact and near-duplicate detection (MinHash LSH). Duplicates are linked to their original, never deleted."""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from rasid.config import DedupConfig
from rasid.text.normalize import words

if TYPE_CHECKING:
    from datasketch import MinHash, MinHashLSH

# datasketch is imported only where a MinHash object or the LSH index is built (the driver): importing it
# pulls in scipy (~0.5 s), and the worker processes, which only compute signatures, never need it.
SCHEME = "affine32"  # explicit, so stored signatures stay comparable across datasketch versions (a format)
_DEFAULT = DedupConfig()
# datasketch's affine32 scheme (datasketch.minhash): every signature value starts at the largest uint32; a
# shingle's 32-bit hash (first four SHA-1 bytes, little-endian: ``sha1_hash32``) is mixed by the MurmurHash3
# finalizer, then mapped by each affine permutation ``a * h + b`` mod 2**32 (a odd).
_MAX32 = np.uint32(0xFFFFFFFF)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_DIGEST = operator.methodcaller("digest")


def content_hash(text: str, toks: list[str] | None = None) -> str:
    """Hash of the normalised word sequence: equal for bodies differing only in spacing, diacritics, digits."""
    return hashlib.sha1(" ".join(words(text) if toks is None else toks).encode("utf-8")).hexdigest()


def _shingle_strs(toks: list[str], k: int) -> set[str]:
    if len(toks) < k:
        return {" ".join(toks)} if toks else set()
    # k shifted views of the word list, zipped: no slice per shingle
    return set(map(" ".join, zip(*(toks[i:] for i in range(k)), strict=False)))


def shingles(text: str, k: int = _DEFAULT.shingle, toks: list[str] | None = None) -> set[bytes]:
    """Distinct word k-shingles of the normalised text, UTF-8 encoded (what the MinHash hashes)."""
    return {s.encode("utf-8") for s in _shingle_strs(words(text) if toks is None else toks, k)}


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> np.ndarray:
    """The affine permutations (2 × ``num_perm``: a, b) for seed 1, drawn once and exactly as datasketch's
    ``MinHash._init_permutations`` draws them for the affine32 scheme (datasketch draws them anew for every
    MinHash; a test holds the two equal)."""
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


def new_minhash(num_perm: int = _DEFAULT.num_perm, hashvalues: np.ndarray | None = None) -> MinHash:
    """An empty (or restored) MinHash of rasid's scheme, sharing the permutation arrays."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=1, scheme=SCHEME, hashvalues=hashvalues,
                   permutations=_permutations(num_perm))


def minhash_values(toks: list[str], num_perm: int = _DEFAULT.num_perm, shingle: int = _DEFAULT.shingle) -> np.ndarray:
    """The MinHash signature (uint32 × ``num_perm``) of the word ``shingle``-shingles of ``toks``: the values
    ``MinHash.update_batch(shingles(text))`` gives in datasketch's affine32 scheme, computed here with numpy
    alone (the worker processes clean and sign without importing datasketch).

    Each shingle's SHA-1 runs in C (``map`` over builtins, no Python frame per shingle); the first four
    bytes of every digest are read in one go from the joined digests.
    """
    sh = _shingle_strs(toks, shingle)
    if not sh:
        return np.full(num_perm, _MAX32, dtype=np.uint32)
    digests = b"".join(map(_DIGEST, map(hashlib.sha1, map(str.encode, sh))))
    hv = np.frombuffer(digests, dtype="<u4").reshape(-1, 5)[:, :1].astype(np.uint32)  # sha1_hash32
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    a, b = _permutations(num_perm)
    return (hv * a + b).min(axis=0)


def minhash(text: str, num_perm: int = _DEFAULT.num_perm, toks: list[str] | None = None,
            shingle: int = _DEFAULT.shingle) -> MinHash:
    """MinHash of the word ``shingle``-shingles; the same signature as ``MinHash.update_batch(shingles(text))``
    (values from ``minhash_values``)."""
    return new_minhash(num_perm, minhash_values(words(text) if toks is None else toks, num_perm, shingle))


def _lsh_index(threshold: float, num_perm: int) -> MinHashLSH:
    """The LSH candidate index (datasketch, imported here: only the driver builds one). datasketch cannot band ``num_perm`` hashes for thresholds near 1 (0.99
    with 128); a lower index threshold only retrieves more candidates: ``check`` still applies ``threshold``."""
    from datasketch import MinHashLSH

    while True:
        try:
            return MinHashLSH(threshold=threshold, num_perm=num_perm)
        except ValueError:
            if threshold <= 0.5:
                raise
            threshold = max(0.5, threshold - 0.05)


@dataclass
class DupMatch:
    original: str
    score: float  # estimated Jaccard of word 3-shingles (1.0 for exact)
    exact: bool


class Deduplicator:
    """Keeps an LSH index of originals; ``check`` then ``add`` each document in a stable order.

    ``config.threshold`` is the Jaccard over word shingles above which two bodies are the
    same article republished (light edits keep it above ~0.5; different reports of one event stay far below).
    """

    def __init__(self, config: DedupConfig = _DEFAULT) -> None:
        self.config = config
        self.threshold = config.threshold
        self.num_perm = config.num_perm
        self._lsh = _lsh_index(config.threshold, config.num_perm)
        self._hashes: dict[str, str] = {}  # content hash -> doc id
        self._mh: dict[str, MinHash] = {}
        self.seq = 0  # the last store sequence whose originals are indexed (``rasid.run.stages``)

    def __len__(self) -> int:
        return len(self._mh)

    def check(self, doc_id: str, text: str, chash: str | None = None, mh: MinHash | None = None) -> DupMatch | None:
        chash = chash or content_hash(text)
        if (orig := self._hashes.get(chash)) is not None and orig != doc_id:
            return DupMatch(orig, 1.0, True)
        mh = mh or self.minhash(text)
        best: DupMatch | None = None
        for cand in self._lsh.query(mh):
            if cand == doc_id:
                continue
            score = float(mh.jaccard(self._mh[cand]))
            if score >= self.threshold and (best is None or score > best.score or
                                            (score == best.score and cand < best.original)):
                best = DupMatch(cand, score, False)
        return best

    def add(self, doc_id: str, text: str, chash: str | None = None, mh: MinHash | None = None) -> None:
        """Index an original (only originals are indexed, so chains resolve to the first version)."""
        if doc_id in self._mh:
            return
        chash = chash or content_hash(text)
        mh = mh or self.minhash(text)
        self._hashes.setdefault(chash, doc_id)
        self._mh[doc_id] = mh
        self._lsh.insert(doc_id, mh)

    def minhash(self, text: str) -> MinHash:
        """The signature of ``text`` under this deduplicator's ``num_perm`` and ``shingle``."""
        return minhash(text, self.num_perm, shingle=self.config.shingle)

    def restore(self, hashvalues: np.ndarray) -> MinHash:
        """A MinHash from stored or shipped hash values; refuses values of another ``num_perm``."""
        if len(hashvalues) != self.num_perm:
            raise ValueError(f"a stored signature has {len(hashvalues)} permutations but dedup.num_perm is "
                             f"{self.num_perm}: keep the num_perm this store was built with")
        return new_minhash(self.num_perm, hashvalues)

    def add_signature(self, doc_id: str, chash: str, hashvalues: np.ndarray) -> None:
        """Restore an original from a stored signature (incremental runs)."""
        mh = self.restore(hashvalues)
        self._hashes.setdefault(chash, doc_id)
        if doc_id not in self._mh:
            self._mh[doc_id] = mh
            self._lsh.insert(doc_id, mh)

    def signature(self, doc_id: str) -> np.ndarray | None:
        mh = self._mh.get(doc_id)
        return None if mh is None else mh.hashvalues
