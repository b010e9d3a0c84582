"""The one loader for files shipped in ``rasid/data``: models, gazetteers and curated lexicons.

Every module that reads packaged data goes through here, so the package layout (``importlib.resources``),
the text encoding, gzip handling and the comment convention are decided once. Lexicons are the
human-edited word lists and patterns in ``rasid/data/lexicons``: UTF-8, one entry per line, ``#`` starts
a comment line, blank lines are ignored; ``.tsv`` lexicons have tab-separated columns. They are read
once per process (cached) and returned as tuples and read-only mappings, so no caller can alter the
copy the others share.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

LEXICONS = "lexicons"


def path(name: str) -> Path:
    """Filesystem path of ``rasid/data/<name>`` (``name`` may hold ``/``, e.g. ``lexicons/titles.tsv``)."""
    return Path(str(resources.files("rasid").joinpath("data", *name.split("/"))))


def open_text(file: Path) -> IO[str]:
    """Open a UTF-8 text file for reading, transparently gunzipping ``*.gz`` files."""
    if file.suffix == ".gz":
        return gzip.open(file, "rt", encoding="utf-8")
    return file.open(encoding="utf-8")


def load_json(name: str) -> Any:
    """Parse ``rasid/data/<name>``; a fresh object per call, because callers build their own tables from it."""
    return json.loads(path(name).read_text(encoding="utf-8"))


def data_lines(file: Path) -> Iterator[str]:
    """Each line of ``file`` (``.gz`` too) without its newline; blank and ``#`` comment lines are skipped."""
    with open_text(file) as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line


def rows(file: Path) -> Iterator[list[str]]:
    """Tab-separated fields of each data line of ``file``."""
    return (line.split("\t") for line in data_lines(file))


@cache
def lexicon(name: str) -> tuple[str, ...]:
    """Entries of ``rasid/data/lexicons/<name>`` in file order (a line is one entry, kept verbatim)."""
    return tuple(data_lines(path(f"{LEXICONS}/{name}")))


@cache
def lexicon_groups(name: str) -> MappingProxyType[str, tuple[str, ...]]:
    """A two-column ``group<TAB>entry`` lexicon as group -> entries, both in file order.

    Several small lists of one module share a file this way (e.g. the boilerplate rules, each with its
    patterns).
    """
    groups: dict[str, list[str]] = {}
    for line in lexicon(name):
        group, sep, entry = line.partition("\t")
        if not sep or "\t" in entry:
            raise ValueError(f"{name}: expected 'group<TAB>entry', got {line!r}")
        groups.setdefault(group, []).append(entry)
    return MappingProxyType({g: tuple(es) for g, es in groups.items()})


def alternation(entries: tuple[str, ...]) -> str:
    """A non-capturing regex group matching any of ``entries`` literally, tried in file order.

    Order matters when one entry is a prefix of another and the regex goes on after the group.
    """
    return "(?:" + "|".join(map(re.escape, entries)) + ")"


def lexicon_names() -> list[str]:
    """File names of all shipped lexicons (for the integrity test and tooling)."""
    return sorted(p.name for p in path(LEXICONS).iterdir() if p.suffix in (".txt", ".tsv"))
