"""Name lists (GeoNames, countries, ANERGazet, actor dictionary, hand-curated) for NER features and aliases.

Keys are ``rasid.text.normalize.normalize`` forms so spelling variants of alef/ya/ta-marbuta
match. Multi-word names are matched over token sequences (longest match first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rasid import resources
from rasid.extract.ner.morph import clitic_variants
from rasid.text.normalize import normalize


@dataclass
class Gazetteer:
    """Normalised name -> entity types, plus curated alias groups (alias -> canonical)."""

    names: dict[str, frozenset[str]] = field(default_factory=dict)
    canonical: dict[str, tuple[str, str]] = field(default_factory=dict)  # norm alias -> (type, canonical)
    max_len: int = 1
    _starts: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, names_path: Path | None = None, extra_path: Path | None = None) -> Gazetteer:
        names_path = names_path or resources.path("gazetteer_names.tsv.gz")
        extra_path = extra_path or resources.path("gazetteer_extra.tsv")
        names: dict[str, set[str]] = {}
        if names_path.exists():
            for line in resources.data_lines(names_path):
                key, _, types = line.partition("\t")
                names.setdefault(key, set()).update(types.split(","))
        canonical: dict[str, tuple[str, str]] = {}
        for typ, *forms in resources.rows(extra_path):
            for f in forms:
                key = normalize(f)
                names.setdefault(key, set()).add(typ + "c")
                canonical[key] = (typ, forms[0])
        frozen = {k: frozenset(v) for k, v in names.items()}
        max_len = max((k.count(" ") + 1 for k in frozen), default=1)
        return cls(names=frozen, canonical=canonical, max_len=min(max_len, 6))

    def types(self, name: str) -> frozenset[str]:
        """Types of an already-normalised name (empty when unknown)."""
        return self.names.get(name, frozenset())

    @cached_property
    def _prefixes(self) -> frozenset[str]:
        """Every proper word prefix of a multi-word name ("قوات سوريا" for "قوات سوريا الديمقراطية"):
        ``match`` extends a candidate only while it can still become a name."""
        out: set[str] = set()
        for key in self.names:
            parts = key.split(" ")
            out.update(" ".join(parts[:k]) for k in range(1, len(parts)))
        return frozenset(out)

    def _can_start(self, norm: str) -> bool:
        """Whether a match can start at a token with this normal form: some clitic reading is a name or a
        word prefix of one (any longer name that starts with the reading has it as a word prefix, also
        through a token that normalises to ""). Memoised per word (bounded): most tokens start no name,
        and ``match`` then skips them with one lookup instead of trying each reading."""
        hit = self._starts.get(norm)
        if hit is None:
            names, prefixes = self.names, self._prefixes
            hit = any(names.get(f) or f in prefixes for f, _cut in clitic_variants(norm))
            if len(self._starts) >= 200_000:
                self._starts.clear()
            self._starts[norm] = hit
        return hit

    def match(self, norm_tokens: list[str]) -> list[tuple[int, int, frozenset[str], int]]:
        """Longest gazetteer matches over normalised tokens: (start, end, types, chars cut from first token).

        The first token may carry a proclitic (و/ف/ب/ل/ك), which is tried stripped too; of equally long
        matches the most literal reading wins.
        """
        out: list[tuple[int, int, frozenset[str], int]] = []
        names, prefixes = self.names, self._prefixes
        n = len(norm_tokens)
        i = 0
        can_start = self._can_start
        while i < n:
            if not can_start(norm_tokens[i]):  # no reading of it is a name or starts one
                i += 1
                continue
            found = None
            stop = min(n, i + self.max_len)
            for first, cut in clitic_variants(norm_tokens[i]):
                text, j = first, i + 1  # text: the first j - i tokens joined by spaces
                while True:
                    # "X" followed by a token that normalises to "" (tatweel only) is looked up as "X":
                    # the key is the first reading plus the *non-empty* join of the rest, as always.
                    types = names.get(first if j == i + 2 and text == first + " " else text)
                    if types and (found is None or j > found[1]):
                        found = (i, j, types, cut)
                    if j >= stop or (text not in prefixes and not (j == i + 1 and norm_tokens[j] == "")):
                        break
                    text = f"{text} {norm_tokens[j]}"
                    j += 1
            if found:
                out.append(found)
                i = found[1]
            else:
                i += 1
        return out
