"""Tokens and sentences with character offsets into the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"[\w\u064B-\u065F\u0670\u06D6-\u06ED]+|[^\s\w]")  # words keep their diacritics
# The word alternative of ``_TOKEN_RE``: its matches are exactly the word tokens of ``tokens`` (letters, digits and
# diacritics; never punctuation such as the Arabic comma, which the Arabic block U+0600-U+06FF also holds).
WORD_RE = re.compile(_TOKEN_RE.pattern.partition("|")[0])
_SENT_END_RE = re.compile(r"[.!?؟。]+[\"»”')]*(?=\s|$)|\n+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def tokens(text: str) -> list[Span]:
    """Word and punctuation tokens; tatweel and diacritics stay inside words."""
    return [Span(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]


def sentences(text: str) -> list[Span]:
    """Split on sentence punctuation and line breaks, trimming surrounding whitespace."""
    spans: list[Span] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        end = m.end() if not m.group().startswith("\n") else m.start()
        _add(text, start, end, spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end, text[start:end]))
