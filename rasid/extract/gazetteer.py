"""Name lists (GeoNames, countries, ANERGazet, actor dictionary, hand-curated) for NER features and aliases.

Keys are ``rasid.text.normalize.normalize`` forms so spelling variants of alef/ya/ta-marbuta
match. Multi-word names are matched over token sequences (longest match first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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

    def match(self, norm_tokens: list[str]) -> list[tuple[int, int, frozenset[str], int]]:
        """Longest gazetteer matches over normalised tokens: (start, end, types, chars cut from first token).

        The first token may carry a proclitic (و/ف/ب/ل/ك), which is tried stripped too.
        """
        out: list[tuple[int, int, frozenset[str], int]] = []
        n = len(norm_tokens)
        i = 0
        while i < n:
            found = None
            for j in range(min(n, i + self.max_len), i, -1):
                rest = " ".join(norm_tokens[i + 1:j])
                for first, cut in clitic_variants(norm_tokens[i]):
                    key = f"{first} {rest}" if rest else first
                    types = self.names.get(key)
                    if types:
                        found = (i, j, types, cut)
                        break
                if found:
                    break
            if found:
                out.append(found)
                i = found[1]
            else:
                i += 1
        return out
