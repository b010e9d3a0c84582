"""Boilerplate removal: rules for known page furniture plus lines learned to repeat within an outlet.

Removal is by whole line, so the kept text is original characters; removed lines
are returned (and stored) so nothing is lost.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from rasid import resources
from rasid.config import CleanConfig
from rasid.text.normalize import normalize

try:
    from re import _parser as _sre_parse  # the stdlib's own pattern parser (Python 3.11+)
except ImportError:  # pragma: no cover - then every pattern is searched, which is only slower
    _sre_parse = None

_DEFAULT = CleanConfig()
# (rule name, its patterns joined) in file order: the first rule that matches names the removal reason.
# The patterns (rasid/data/lexicons/boilerplate.tsv) run on the *normalised* line (no diacritics, unified
# alef/ya/ta marbuta), so curators write them in normalised form.
_RULES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile("|".join(patterns))) for name, patterns in resources.lexicon_groups("boilerplate.tsv").items()
]


def _anchored(pattern: str) -> bool:
    """The pattern can only match at the start of the text: it begins with ``^`` outside any alternation
    (``^a|b`` parses to a branch first, ``(^a)`` to a group) and without MULTILINE."""
    if _sre_parse is None:
        return False
    parsed = _sre_parse.parse(pattern)
    return (len(parsed) > 0 and parsed[0] == (_sre_parse.AT, _sre_parse.AT_BEGINNING)
            and not parsed.state.flags & re.MULTILINE)  # a global (?m) makes ``^`` match at every line


def _split_rule(patterns: list[str]) -> tuple[Callable[[str], object] | None, Callable[[str], object] | None]:
    """(``match`` of the anchored patterns joined, ``search`` of the others joined): the rule's whole
    alternation matches a text exactly when one of the two does, and a search with a leading ``^`` inside an
    alternation is tried at every position of the line, while ``match`` tries one. Patterns with a back
    reference are all kept in one search (joining them in another order would renumber their groups)."""
    if any(_BACKREF_RE.search(p) for p in patterns):
        return None, re.compile("|".join(patterns)).search
    starts = [p for p in patterns if _anchored(p)]
    rest = [p for p in patterns if not _anchored(p)]
    return (re.compile("|".join(starts)).match if starts else None,
            re.compile("|".join(rest)).search if rest else None)


_BACKREF_RE = re.compile(r"\\[1-9]|\(\?P=")
# What ``rule_for_key`` runs: per rule in file order, the same decision as its pattern in ``_RULES``.
_RULE_TESTS = [(name, *_split_rule(patterns))
               for name, patterns in resources.lexicon_groups("boilerplate.tsv").items()]
_SENTENCE_END = re.compile(r"[.!:،,]\s*$")  # headlines may end in a question mark, body sentences end in a period


def line_key(line: str) -> str:
    """Key for counting repeated lines: normalised, whitespace-collapsed, digits kept."""
    return " ".join(normalize(line).split())


def _line_keys(text: str) -> list[str]:
    """``line_key`` of each ``text.split("\n")`` line, normalising the text once: ``normalize`` maps
    character by character and never touches line breaks, so its lines are the lines' normal forms."""
    return [" ".join(norm.split()) for norm in normalize(text).split("\n")]


def line_keys(lines: list[str]) -> list[str]:
    """``line_key`` of each line (lines without line breaks), normalising them as one text."""
    return _line_keys("\n".join(lines))


def _key_hash(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def line_hash(line: str) -> str:
    """Compact persistent key of a line (the stats table stores hashes, not text)."""
    return _key_hash(line_key(line))


def rule_for(line: str, short_line: int = _DEFAULT.short_line) -> str | None:
    """Name of the boilerplate rule a line matches, or None (lines longer than ``short_line`` never match)."""
    return rule_for_key(line_key(line), short_line)


@lru_cache(maxsize=1 << 14)
def rule_for_key(key: str, short_line: int = _DEFAULT.short_line) -> str | None:
    """Memoised: a page's short lines are asked about by the cleaner and by the furniture classifier, and
    the same menu and share lines recur on every page of an outlet."""
    if not key or len(key) > short_line:
        return None
    for name, starts, anywhere in _RULE_TESTS:
        if (starts is not None and starts(key)) or (anywhere is not None and anywhere(key)):
            return name
    return None


def _headline_like(line: str) -> bool:
    """Short line without sentence punctuation: the shape of a related-headline link."""
    stripped = line.strip()
    return 0 < len(stripped.split()) <= 16 and not _SENTENCE_END.search(stripped.rstrip("-–•*· "))


def document_line_keys(text: str) -> tuple[str, set[str]]:
    """(hash of the whole body, hashed keys of its distinct lines of 3+ characters, plus ``DOCS_KEY``):
    what ``LineStats`` counts of one document, computed without the statistics (pure, so in a worker)."""
    norm = normalize(text)
    body = hashlib.sha1(" ".join(norm.split()).encode("utf-8")).hexdigest()
    # normalize never adds, drops or moves a line boundary, so the normalised text's lines are
    # the lines' normal forms (one normalisation per document, not one per line)
    keys = {_key_hash(k) for k in (" ".join(line.split()) for line in norm.splitlines()) if len(k) >= 3}
    keys.add(DOCS_KEY)
    return body, keys


DOCS_KEY = "__docs__"  # per-outlet document count, stored alongside the line counts
_NO_COUNTS: Counter[str] = Counter()  # read-only stand-in for an outlet never seen


@dataclass
class LineStats:
    """Per-outlet count of documents containing each line; learned across the corpus.

    A line is furniture when it recurs in many *different* documents of one outlet. Exact duplicate
    bodies are counted once, and the bar rises with line length and outlet size, because long
    sentence-like lines that recur are usually a republished paragraph, not page furniture.
    """

    min_docs: int = _DEFAULT.min_repeat_docs
    min_share: float = _DEFAULT.min_share
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    _seen_bodies: set[str] = field(default_factory=set)

    @classmethod
    def from_config(cls, config: CleanConfig) -> LineStats:
        return cls(min_docs=config.min_repeat_docs, min_share=config.min_share)

    def observe(self, outlet: str | None, text: str) -> dict[str, int]:
        """Count each distinct line of one document once; returns the increments (for persisting)."""
        return self.observe_keys(outlet, *document_line_keys(text))

    def observe_keys(self, outlet: str | None, body: str, keys: set[str]) -> dict[str, int]:
        """``observe`` for a document already reduced by ``document_line_keys`` (in a worker process):
        only this part depends on what was counted before, so only this part runs in the driver."""
        if body in self._seen_bodies:
            return {}
        self._seen_bodies.add(body)
        self.counts[outlet or ""].update(keys)
        return dict.fromkeys(keys, 1)

    def merge(self, outlet: str, key: str, count: int) -> None:
        self.counts[outlet][key] += count

    def needed(self, outlet: str | None, key: str) -> int:
        counts = self.counts.get(outlet or "", _NO_COUNTS)
        by_length = self.min_docs + max(0, len(key) - 40) // 25
        return max(by_length, int(self.min_share * counts.get(DOCS_KEY, 0)))

    def is_repeated(self, outlet: str | None, line: str) -> bool:
        return self.is_repeated_key(outlet, line_key(line))

    def is_repeated_key(self, outlet: str | None, key: str) -> bool:
        """``is_repeated`` for a line already turned into its ``line_key``."""
        if len(key) < 3:
            return False
        n = self.counts.get(outlet or "", _NO_COUNTS).get(_key_hash(key), 0)
        return n >= self.needed(outlet, key)


@dataclass
class CleanResult:
    text: str
    removed: list[tuple[int, str, str]]  # (line number in input, reason, line)


def remove_lines(lines: list[str], reason: Callable[[int, str], str | None],
                 after_related: Callable[[int], str | None] = lambda _i: None,
                 continues_related: frozenset[str] = frozenset({"repeated-in-outlet"}),
                 shown: Callable[[int, str], str] = lambda _i, line: line) -> CleanResult:
    """The removal loop every cleaner shares: blank lines go, each other line is removed for the first
    ``reason(i, line)`` (then "see-also" for a headline-shaped line right after a related-links block,
    then ``after_related(i)``) or kept verbatim (stripped). A related-links block goes on through lines
    removed for a reason in ``continues_related``; ``shown`` is the line text recorded as removed."""
    kept: list[str] = []
    removed: list[tuple[int, str, str]] = []
    in_related = False
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        why = reason(i, line)
        if why is None and in_related and _headline_like(line):
            why = "see-also"
        if why is None:
            why = after_related(i)
        if why is not None:
            removed.append((i, why, shown(i, line)))
            in_related = why == "see-also" or (in_related and why in continues_related)
            continue
        in_related = False
        kept.append(line.strip())
    return CleanResult(text="\n".join(kept), removed=removed)


def clean_text(text: str, outlet: str | None = None, stats: LineStats | None = None,
               config: CleanConfig = _DEFAULT) -> CleanResult:
    """Drop boilerplate lines; keep every other line verbatim (offsets then refer to the kept text)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    keys = _line_keys(text)

    def reason(i: int, _line: str) -> str | None:
        if (why := rule_for_key(keys[i], config.short_line)) is not None:
            return why
        return "repeated-in-outlet" if stats is not None and stats.is_repeated_key(outlet, keys[i]) else None

    return remove_lines(text.split("\n"), reason)
