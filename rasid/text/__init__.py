"""Shared Arabic text tools: normalisation with offsets, tokens and sentences, byte decoding, language id."""
