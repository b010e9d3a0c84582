"""Resolve mentions across documents into canonical entities with aliases and confidence.

Rules, most to least certain:
  * curated alias groups (gazetteer_extra.tsv: سانا = وكالة الأنباء السورية, قسد ...);
  * places: same GeoNames/curated record => same entity (so اللاذقية and لاذقية merge);
  * exact normalised name, after splitting off titles (الرئيس الروسي ...);
  * transliteration variants of multi-word names (ديمتري/دميتري بيسكوف): same consonant
    skeleton and at least one identical word;
  * a surname alone joins a full name only if exactly one person in the same document has
    that surname (else, weaker, exactly one known person overall); ambiguous surnames stay apart;
  * "X (Y)" with a short Y makes Y an alias of X (needs the document text).
Entity ids are derived from type + a normalised key, so they are stable across runs.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from rasid.extract.gazetteer import Gazetteer
from rasid.extract.geocode import Geocoder, Place
from rasid.extract.ner.morph import strip_article
from rasid.extract.ner.postrules import country_adjective_after
from rasid.extract.ner.titles import preceding_title, split_title
from rasid.models import Entity, Mention
from rasid.text.normalize import normalize

_VOWELS = str.maketrans({"ا": "", "و": "", "ي": "", "غ": "ج", "ق": "ج", "ث": "ت", "ذ": "د"})
_PAREN = re.compile(r"\s*\(\s*([^()\n]{2,25}?)\s*\)")

# Evidence levels (entity confidence is the weakest evidence used to build it).
EXACT, VARIANT, SURNAME_DOC, SURNAME_GLOBAL, AMBIGUOUS = 1.0, 0.9, 0.85, 0.6, 0.5


@functools.lru_cache(maxsize=1 << 16)  # asked for every form of every entity a mention touches
def _key(text: str) -> str:
    return " ".join(normalize(text).split())


def _skeleton(key: str) -> str:
    """Consonant skeleton of each word: ديمتري and دميتري both give دمتر."""
    return " ".join(w[0] + w[1:].translate(_VOWELS) for w in key.split())


def _eid(typ: str, key: str) -> str:
    return f"{typ.lower()}-{hashlib.sha1(f'{typ}|{key}'.encode()).hexdigest()[:12]}"


# Bodies every country has: their name alone does not say whose they are.
_STATE_BODIES = frozenset(normalize(w) for w in (
    "وزارة", "وزارتي", "مجلس", "الخارجية", "الداخلية", "الدفاع", "البرلمان", "الحكومة", "رئاسة", "الرئاسة"))


def _with_country(text: str, m: Mention, name: str) -> str:
    """A state body's name with the country adjective its span leaves out (ANNOTATION.md rule 3): the
    span of «وزارة الدفاع الروسية» is «وزارة الدفاع», but its entity is the Russian ministry, not one
    «وزارة الدفاع» for every country; «الخارجية التركية», «مجلس الشيوخ الأمريكي» likewise. Other names
    («صحيفة كوميرسانت الروسية») name one body already and stay as they are."""
    if normalize(name.split(" ", 1)[0]) not in _STATE_BODIES:
        return name
    adj = country_adjective_after(text, m.end)
    return f"{name} {adj.group()}" if adj else name


class EntityResolver:
    """Incremental resolver: pass previously stored entities as ``existing``."""

    def __init__(self, geocoder: Geocoder | None = None, existing: Iterable[Entity] | None = None,
                 gazetteer: Gazetteer | None = None) -> None:
        self.geocoder = geocoder
        self.gazetteer = gazetteer or Gazetteer.load()
        self.entities: dict[str, Entity] = {}
        self._alias: dict[tuple[str, str], str | None] = {}  # (type, key) -> id; None = ambiguous
        self._skel: dict[str, set[str]] = defaultdict(set)  # PER skeleton -> ids
        self._surnames: dict[str, set[str]] = defaultdict(set)  # last word of a PER form -> ids (superset)
        self._evidence: dict[str, float] = {}
        self._counts: dict[str, Counter[str]] = defaultdict(Counter)
        for ent in existing or []:
            self.entities[ent.id] = ent
            self._evidence[ent.id] = ent.confidence
            for form in [ent.name, *ent.aliases]:
                self._index(ent, form)
                self._counts[ent.id][form] += 1

    # -- indexes ---------------------------------------------------------------------------
    def _index(self, ent: Entity, form: str) -> None:
        key = _key(form[split_title(form)[1]:])
        slot = (ent.type, key)
        if slot in self._alias and self._alias[slot] not in (None, ent.id):
            self._alias[slot] = None
        elif slot not in self._alias:
            self._alias[slot] = ent.id
        if ent.type == "PER" and " " in key:
            self._skel[_skeleton(key)].add(ent.id)
        self._index_surname(ent, form)

    def _index_surname(self, ent: Entity, form: str) -> None:
        """Keep the surname lookup sub-linear: a scan of every known person per mention is quadratic."""
        words = _key(form).split()
        if ent.type == "PER" and len(words) > 1:
            self._surnames[words[-1]].add(ent.id)

    # -- public API ------------------------------------------------------------------------
    def resolve(self, mentions: list[Mention], texts: Mapping[str, str] | None = None) -> list[Entity]:
        """Set ``entity_id`` on every mention; return the new or changed entities (sorted by id).

        ``texts`` (doc id -> Document.text) is optional; with it, titles before a name and
        "X (Y)" acronyms are picked up too.
        """
        touched: set[str] = set()
        by_doc: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            by_doc[m.doc_id].append(m)
        for doc_id in sorted(by_doc):
            ms = sorted(by_doc[doc_id], key=lambda m: (m.start, m.end))
            text = texts.get(doc_id) if texts else None
            touched |= self._resolve_doc(ms, text)
        for eid in touched:
            self._finalise(self.entities[eid])
        return [self.entities[e] for e in sorted(touched)]

    # -- per document ----------------------------------------------------------------------
    def _resolve_doc(self, ms: list[Mention], text: str | None) -> set[str]:
        touched: set[str] = set()
        ctx = self._context_countries(ms)
        doc_people: list[str] = []
        later: list[tuple[Mention, str, str]] = []
        for m in ms:
            title, cut = split_title(m.text) if m.type == "PER" else ("", 0)
            name = m.text[cut:]
            if text is not None and m.type == "PER" and not title:
                title = preceding_title(text, m.start)
            if m.type == "PER" and " " not in _key(name):
                later.append((m, name, title))
                continue
            if m.type == "ORG" and text is not None:
                name = _with_country(text, m, name)
            eid = self._assign(m, name, title, ctx)
            touched.add(eid)
            if m.type == "PER":
                doc_people.append(eid)
            if text is not None:
                self._acronym(m, text, eid)
        for m, name, title in later:
            touched.add(self._assign_single(m, name, title, doc_people))
        return touched

    def _context_countries(self, ms: list[Mention]) -> list[str]:
        """Countries named or clearly implied in the document, to settle ambiguous places."""
        if not self.geocoder:
            return []
        found: Counter[str] = Counter()
        for m in ms:
            if m.type == "LOC":
                p = self.geocoder.geocode(m.text)
                if p and p.country_code and (p.feature == "PCLI" or p.score >= 0.9):
                    found[p.country_code] += 1
        return [c for c, _ in found.most_common(3)]

    def _assign(self, m: Mention, name: str, title: str, ctx: list[str]) -> str:
        key = _key(name)
        if m.type != "PER" and not key.startswith("ال") and (
            ("ال" + key) in self.gazetteer.canonical or (m.type, "ال" + key) in self._alias
        ):
            key = "ال" + key  # للكرملين -> span كرملين, same entity as الكرملين
        place: Place | None = None
        evidence = EXACT
        curated = self.gazetteer.canonical.get(key)
        if m.type == "LOC" and self.geocoder and (place := self.geocoder.geocode(name, ctx)):
            eid = f"loc-{place.key}"
            evidence = min(EXACT, max(place.score, 0.5))
        elif curated and curated[0] == m.type:
            eid = self._alias.get((m.type, _key(curated[1]))) or _eid(m.type, _key(curated[1]))
            if m.type == "ORG" and self.geocoder:
                place = self.geocoder.curated(curated[1])  # الكرملين: an institution with a seat
        elif (hit := self._alias.get((m.type, key))) is not None:
            eid = hit
        elif m.type == "PER" and (var := self._variant(key)):
            eid, evidence = var, VARIANT
        else:
            eid = _eid(m.type, strip_article(key) if m.type == "LOC" else key)
        return self._attach(eid, m, name, title, evidence, place)

    def _variant(self, key: str) -> str | None:
        words = set(key.split())
        for eid in sorted(self._skel.get(_skeleton(key), ())):
            ent = self.entities[eid]
            forms = [_key(f) for f in [ent.name, *ent.aliases]]
            if any(words & set(f.split()) for f in forms):
                return eid
        return None

    def _assign_single(self, m: Mention, name: str, title: str, doc_people: list[str]) -> str:
        key = _key(name)
        curated = self.gazetteer.canonical.get(key)
        if curated and curated[0] == "PER":
            eid = self._alias.get(("PER", _key(curated[1]))) or _eid("PER", _key(curated[1]))
            return self._attach(eid, m, name, title, EXACT)
        in_doc = sorted({e for e in doc_people if self._has_surname(e, key)})
        if len(in_doc) == 1:
            return self._attach(in_doc[0], m, name, title, SURNAME_DOC)
        if not in_doc:
            hit = self._alias.get(("PER", key))
            if hit is not None:
                return self._attach(hit, m, name, title, EXACT)
            known = sorted(e for e in self._surnames.get(key, ()) if self._has_surname(e, key))
            if len(known) == 1:
                return self._attach(known[0], m, name, title, SURNAME_GLOBAL)
            if not known:
                return self._attach(_eid("PER", key), m, name, title, EXACT)
        # Several people share this surname: keep it apart rather than guess.
        return self._attach(_eid("PER", key), m, name, title, AMBIGUOUS)

    def _has_surname(self, eid: str, key: str) -> bool:
        ent = self.entities[eid]
        return any(len(f.split()) > 1 and f.split()[-1] == key for f in map(_key, [ent.name, *ent.aliases]))

    def _acronym(self, m: Mention, text: str, eid: str) -> None:
        """"قوات سوريا الديمقراطية (قسد)": the bracketed short form becomes an alias."""
        match = _PAREN.match(text, m.end)
        # Only organisations take a bracketed short form; after a place or a person the brackets hold a
        # score («فرنسا (2-4)»), a count («لندن (281 حالة)»), a direction («(جنوب)») or an outlet («(CNN)»).
        if not match or m.type != "ORG" or len(match.group(1).split()) > 2 or any(c.isdigit() for c in match.group(1)):
            return
        slot = (m.type, _key(match.group(1)))
        if self._alias.get(slot) is None and slot not in self._alias:
            self._alias[slot] = eid
            self.entities[eid].aliases.append(match.group(1))
            self._counts[eid][match.group(1)] += 0  # known form, not yet a mention

    def _attach(self, eid: str, m: Mention, name: str, title: str, evidence: float,
                place: Place | None = None) -> str:
        ent = self.entities.get(eid)
        if ent is None:
            ent = Entity(id=eid, type=m.type, name=name)
            self.entities[eid] = ent
            self._evidence[eid] = evidence
        self._evidence[eid] = min(self._evidence.get(eid, 1.0), evidence)
        if place and ent.lat is None:
            ent.lat, ent.lon, ent.country, ent.geonames_id = place.lat, place.lon, place.country_code, place.geonames_id
        title = title.strip(" ،,:؛")
        if title and title not in ent.titles:
            ent.titles.append(title)
        self._counts[eid][name] += 1
        if name != ent.name and name not in ent.aliases:
            ent.aliases.append(name)
        self._index(ent, name)
        m.entity_id = eid
        ent.mentions.append(m)
        return eid

    def _finalise(self, ent: Entity) -> None:
        """Canonical name = most complete form (most words, then most frequent, then sorted)."""
        curated = self.gazetteer.canonical.get(_key(ent.name))
        forms = set(self._counts[ent.id]) | {ent.name, *ent.aliases}
        # The canonical name is a form the texts used as a mention; a bracketed short form (count 0) is an alias.
        said = {f for f in forms if self._counts[ent.id][f] > 0} or forms
        if curated and curated[0] == ent.type:
            forms.add(curated[1])
            best = curated[1]
        elif ent.type == "LOC":  # places: the usual form, not "ريف اللاذقية" for اللاذقية
            counts = self._counts[ent.id]
            best = sorted(said, key=lambda f: (-counts[f], len(f.split()), f))[0]
        else:
            counts = self._counts[ent.id]
            best = sorted(said, key=lambda f: (-len(f.split()), -counts[f], f))[0]
        ent.name = best
        ent.aliases = sorted(f for f in forms if f != best)
        for f in forms:
            self._index_surname(ent, f)
        ent.confidence = round(self._evidence.get(ent.id, 1.0), 3)
