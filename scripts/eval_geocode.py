"""Geocoding accuracy within 161 km (100 miles) on hand-labelled place mentions.

Sets:
  tests/fixtures/places_gold.jsonl  43 hand-written sentences, 115 place mentions, coordinates
                                    labelled by hand (countries excluded: their "point" is arbitrary)
  demo/gold/places.json             place mentions of the bundled demo corpus (if present)

Two modes: "gold spans" geocodes the labelled surface forms (context = other places of the same
text, as EntityResolver does); "end-to-end" runs NerTagger + EntityResolver and counts a gold
place correct only if a mention covers it and its entity lies within 161 km (ORG entities with a
curated seat, e.g. الكرملين, carry coordinates too).

Usage: python scripts/eval_geocode.py [-v] [--ner fast|accurate]   (-v lists the misses; --ner picks the tagger)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.extract.entities import EntityResolver  # noqa: E402
from rasid.extract.geocode import Geocoder, haversine_km  # noqa: E402
from rasid.extract.ner import NerTagger, load_tagger  # noqa: E402
from rasid.models import Mention  # noqa: E402

LIMIT_KM = 161.0


def load_fixture(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_demo(root: Path) -> list[dict]:
    """demo/gold/places.json gives surface forms per doc; locate them in the article text."""
    gold = root / "demo" / "gold" / "places.json"
    if not gold.exists():
        return []
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (root / "demo" / "corpus").rglob("*") if p.is_file()}
    items: dict[str, dict] = {}
    for g in json.loads(gold.read_text(encoding="utf-8")):
        text = texts.get(g["doc"])
        if text is None or g["text"] not in text:
            continue
        item = items.setdefault(g["doc"], {"id": g["doc"], "text": text, "places": []})
        start = text.index(g["text"])
        item["places"].append({"start": start, "end": start + len(g["text"]), "surface": g["text"],
                               "name_en": g.get("name_en"), "lat": g["lat"], "lon": g["lon"]})
    return list(items.values())


def gold_spans(items: list[dict], geo: Geocoder) -> tuple[int, int, list[str]]:
    ok = total = 0
    errors = []
    for it in items:
        ms = [Mention(it["id"], p["start"], p["end"], p["surface"], "LOC") for p in it["places"]]
        resolver_ents = {e.id: e for e in EntityResolver(geocoder=geo).resolve(ms)}
        for m, p in zip(ms, it["places"], strict=True):
            total += 1
            e = resolver_ents[m.entity_id]
            if e.lat is not None and haversine_km(e.lat, e.lon, p["lat"], p["lon"]) <= LIMIT_KM:
                ok += 1
            else:
                errors.append(f"{it['id']}: {p['surface']} -> {e.name} ({e.lat}, {e.lon}) want {p['name_en']}")
    return ok, total, errors


def end_to_end(items: list[dict], geo: Geocoder, tagger: NerTagger) -> tuple[int, int, list[str]]:
    ok = total = 0
    errors = []
    for it in items:
        ms = tagger.tag(it["id"], it["text"])
        ents = {e.id: e for e in EntityResolver(geocoder=geo).resolve(ms)}
        for p in it["places"]:
            total += 1
            hit = [m for m in ms if m.start <= p["start"] and m.end >= p["end"]]
            e = ents[hit[0].entity_id] if hit else None
            if e and e.lat is not None and haversine_km(e.lat, e.lon, p["lat"], p["lon"]) <= LIMIT_KM:
                ok += 1
            else:
                errors.append(f"{it['id']}: {p['surface']} -> {e.name if e else 'not found'}")
    return ok, total, errors


def main() -> int:
    geo = Geocoder.load()
    kind = sys.argv[sys.argv.index("--ner") + 1] if "--ner" in sys.argv[:-1] else "fast"
    tagger = load_tagger(kind)
    sets = {"places_gold (hand-labelled)": load_fixture(ROOT / "tests" / "fixtures" / "places_gold.jsonl"),
            "demo/gold/places.json": load_demo(ROOT)}
    verbose = "-v" in sys.argv
    print("| set | mode | correct | total | acc@161km |")
    print("|---|---|---|---|---|")
    for name, items in sets.items():
        if not items:
            print(f"| {name} | (absent) | | | |")
            continue
        for mode, (ok, total, errors) in (("gold spans", gold_spans(items, geo)),
                                          ("end-to-end NER", end_to_end(items, geo, tagger))):
            print(f"| {name} | {mode} | {ok} | {total} | {100 * ok / total:.1f}% |")
            if verbose:
                for e in errors:
                    print("   ", e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
