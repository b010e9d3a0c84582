"""Arabic place names -> GeoNames records (coordinates, country), offline.

Candidates come from GeoNames cities with Arabic-script names, countries (mledoze Arabic
names), and a hand-curated list of bases/airports/regions GeoNames lacks. Ambiguity
(موسكو: Moscow RU vs Moscow, Idaho) is settled by curated-first, context countries, then
prominence: population, national capitals (a capital keeps its name against a context
country's namesake: موسكو in a US story is still Moscow) and, for a name shared by a place
in an Arabic-speaking country and one elsewhere, the Arabic-speaking one (بيت لحم: the
Arabic name is the native one there and a transliteration elsewhere).

A loose (vowel-less) reading is only a fallback and must stay within one letter of a real
name of the place: كيرالا is not كورلا (Korla), ميشيغان is not مشغان (Moshkān).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from rasid import resources
from rasid.config import GeocodeConfig
from rasid.extract.ner.morph import clitic_variants, strip_article
from rasid.text.normalize import normalize

# Generic heads that may precede a place name ("مدينة القامشلي", "العاصمة الروسية موسكو").
_HEADS = frozenset(resources.lexicon("place_heads.txt"))
# Arab League members + Palestine and Western Sahara: where an Arabic place name is the native name.
_ARABIC_SPEAKING = frozenset(
    "DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE EH".split())
# Weights added to a candidate (on the log10-population scale / 7 of ``Geocoder.geocode``).
_CAPITAL, _NATIVE, _CONTEXT, _CURATED, _COUNTRY = 0.3, 0.15, 0.5, 1.0, 0.6


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (short place names only)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]



def _skeleton(key: str) -> str:
    """Drop long vowels inside words: transliterations differ mostly there (ملاطيه ~ ملطيه)."""
    return " ".join(w[0] + w[1:].replace("ا", "").replace("و", "").replace("ي", "") for w in key.split() if w)


@dataclass(frozen=True)
class Place:
    """A geocoded place; ``geonames_id`` is None for curated places GeoNames does not list."""

    name: str
    lat: float
    lon: float
    country_code: str | None
    geonames_id: int | None
    feature: str
    score: float
    key: str = ""  # stable id: "gn<geonames_id>" or the curated key


@dataclass(frozen=True)
class _Rec:
    key: str
    name: str
    lat: float
    lon: float
    cc: str | None
    gid: int | None
    pop: int
    feature: str
    curated: bool


@dataclass
class Geocoder:
    """In-memory index normalised Arabic name -> candidate places."""

    index: dict[str, list[_Rec]] = field(default_factory=dict)
    # vowel-less keys for loose spellings -> (place, the real name that gave the key)
    skeletons: dict[str, list[tuple[_Rec, str]]] = field(default_factory=dict)
    config: GeocodeConfig = field(default_factory=GeocodeConfig)
    # (name, context countries) -> what ``geocode`` returned: a run asks for the same few thousand names
    # tens of thousands of times (twice per place mention); emptied when full or when a name is added
    _memo: dict[tuple[str, tuple[str, ...]], Place | None] = field(default_factory=dict, repr=False, compare=False)
    _MEMO_MAX = 100_000

    @classmethod
    def load(cls, places: Path | None = None, extra: Path | None = None,
             config: GeocodeConfig | None = None) -> Geocoder:
        geo = cls(config=config or GeocodeConfig())
        places = places or resources.path("places.tsv.gz")
        capitals = {int(gid) for _cc, gid in resources.rows(resources.path("capitals.tsv"))}
        if places.exists():
            for gid, name, lat, lon, cc, pop, feat, names in resources.rows(places):
                if feat == "PPL" and int(gid) in capitals:
                    feat = "PPLC"
                rec = _Rec(f"gn{gid}", name, float(lat), float(lon), cc or None, int(gid), int(pop), feat, False)
                geo._add(rec, names.split("|"))
        for key, name, lat, lon, cc, gid, feat, names in resources.rows(extra or resources.path("places_extra.tsv")):
            rec = _Rec(f"gn{gid}" if gid else key, name, float(lat), float(lon), cc or None,
                       int(gid) if gid else None, 0, feat, True)
            geo._add(rec, names.split("|"))
        return geo

    def _add(self, rec: _Rec, names: list[str]) -> None:
        self._memo.clear()
        for n in names:
            key = normalize(n).strip()
            bucket = self.index.setdefault(key, [])
            if all(r.key != rec.key or r.curated != rec.curated for r in bucket):
                bucket.append(rec)
            loose = self.skeletons.setdefault(_skeleton(key), [])
            if all(r.key != rec.key or r.curated != rec.curated or k != key for r, k in loose):
                loose.append((rec, key))

    def _candidates(self, norm: str) -> list[tuple[_Rec, float]]:
        """Candidates with a match-quality factor (1.0 exact, lower for looser readings)."""
        tried: list[tuple[str, float]] = [(norm, 1.0)]
        words = norm.split()
        if len(words) > 1 and words[0] in _HEADS:
            tried.append((" ".join(words[1:]), 0.95))
            if len(words) > 2 and words[1].startswith("ال") and words[1].endswith(("ي", "يه")):
                tried.append((" ".join(words[2:]), 0.9))  # العاصمة الروسية موسكو
        for form, cut in clitic_variants(norm)[1:]:
            tried.append((form, 0.8 if cut else 1.0))
        if norm.endswith("يه"):
            tried.append((norm[:-2] + "يا", 0.95))  # سورية ~ سوريا
        elif norm.endswith("يا"):
            tried.append((norm[:-2] + "يه", 0.95))
        stripped = strip_article(norm)
        if stripped != norm:
            tried.append((stripped, 0.85))
        elif not norm.startswith("ال"):
            tried.append(("ال" + norm, 0.85))
        seen: dict[str, tuple[_Rec, float]] = {}
        for form, q in tried:
            for rec in self.index.get(form, []):
                if rec.key not in seen or seen[rec.key][1] < q:
                    seen[rec.key] = (rec, q)
            if seen and q == 1.0:
                break
        if not seen and len(norm) >= 5:
            for form in dict.fromkeys((strip_article(norm), norm)):
                for rec, key in self.skeletons.get(_skeleton(form), []):
                    if _edits(form, strip_article(key) if key.startswith("ال") and not form.startswith("ال") else key) <= 1:
                        seen.setdefault(rec.key, (rec, 0.75))  # سانت بطرسبورغ ~ سانت بطرسبرغ
        return list(seen.values())

    def curated(self, name: str) -> Place | None:
        """Exact hit in the hand-curated list only (used to locate institutions such as الكرملين)."""
        for rec in self.index.get(" ".join(normalize(name).split()), []):
            if rec.curated:
                return Place(rec.name, rec.lat, rec.lon, rec.cc, rec.gid, rec.feature, 1.0, rec.key)
        return None

    def geocode(self, name: str, context_countries: list[str] | None = None) -> Place | None:
        """Best place for an Arabic name, or None when no candidate exists (a ``Place`` is frozen, so the
        memoised answer is shared safely)."""
        key = (name, tuple(context_countries or ()))
        try:
            return self._memo[key]
        except KeyError:
            pass
        if len(self._memo) >= self._MEMO_MAX:
            self._memo.clear()
        place = self._memo[key] = self._geocode(name, context_countries)
        return place

    def _geocode(self, name: str, context_countries: list[str] | None = None) -> Place | None:
        norm = " ".join(normalize(name).split())
        if not norm:
            return None
        cands = self._candidates(norm)
        if not cands:
            return None
        ctx = {c.upper() for c in context_countries or []}
        top_pop = max(rec.pop for rec, _ in cands)
        scored = []
        for rec, q in cands:
            w = math.log10(rec.pop + 10) / 7.0
            if rec.feature == "PCLI":
                w += _COUNTRY
            if rec.feature == "PPLC":
                w += _CAPITAL
            if rec.curated:
                w += _CURATED
            if rec.cc and rec.cc in ctx and (rec.cc in _ARABIC_SPEAKING or rec.pop * 5 > top_pop):
                w += _CONTEXT  # a foreign namesake 5x smaller stays behind (جنيف in a US story: Geneva, CH)
            if rec.cc in _ARABIC_SPEAKING and any(r.cc not in _ARABIC_SPEAKING for r, _ in cands):
                w += _NATIVE
            scored.append((w * q, rec))
        scored.sort(key=lambda x: (-x[0], x[1].key))
        best_w, best = scored[0]
        total = sum(math.exp(self.config.sharpness * (w - best_w)) for w, _ in scored)
        score = 1.0 / total  # softmax share of the best candidate
        best_q = next(q for r, q in cands if r.key == best.key)
        score = round(min(1.0, score) * best_q, 3)
        return Place(best.name, best.lat, best.lon, best.cc, best.gid, best.feature, score, best.key)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (for the 161 km accuracy criterion of geoparsing evaluations)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
