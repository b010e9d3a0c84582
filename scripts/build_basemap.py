"""Build the offline base map ``rasid/web/basemap.geojson`` from Natural Earth TopoJSON.

The web UI draws places on country outlines without any tile server, so we ship a
small, simplified GeoJSON. Source: the ``world-atlas`` npm package (Natural Earth
1:110m / 1:50m admin-0 countries, public domain; packaging ISC). Get it with
``npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz`` and pass the folder.

The whole world comes from 1:110m; countries touching the Middle East / Eastern
Mediterranean box come from 1:50m, so Syrian places sit on a recognisable outline.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DETAIL_BOX = (24.0, 10.0, 64.0, 44.0)  # lon0, lat0, lon1, lat1: where 1:50m geometry is used


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Undo TopoJSON delta encoding and quantisation."""
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            if tr:
                x += dx
                y += dy
                pts.append((x * tr["scale"][0] + tr["translate"][0], y * tr["scale"][1] + tr["translate"][1]))
            else:
                pts.append((dx, dy))
        arcs.append(pts)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in indices:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(pts if not out else pts[1:])
    return out


def _simplify(ring: list[tuple[float, float]], digits: int, tol: float) -> list[list[float]]:
    """Round coordinates and drop points closer than the rounding step to the last kept one.

    Cheap radial simplification (``tol`` in degrees, Manhattan distance): shared borders
    stay close enough for a sketch map.
    """
    out: list[list[float]] = []
    for i, (x, y) in enumerate(ring):
        p = [round(x, digits), round(y, digits)]
        last = i == len(ring) - 1
        if not out or last or abs(p[0] - out[-1][0]) + abs(p[1] - out[-1][1]) > tol:
            if not out or p != out[-1]:
                out.append(p)
    return out


def features(topo: dict, digits: int, tol: float) -> list[dict]:
    arcs = decode_arcs(topo)
    out = []
    for g in topo["objects"]["countries"]["geometries"]:
        if g.get("type") == "Polygon":
            polys = [g["arcs"]]
        elif g.get("type") == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        coords = []
        for poly in polys:
            rings = [_simplify(_ring(r, arcs), digits, tol) for r in poly]
            rings = [r for r in rings if len(r) >= 4]
            if rings:
                coords.append(rings)
        if coords:
            out.append({"type": "Feature", "id": g.get("id"), "properties": {"name": g["properties"]["name"]},
                        "geometry": {"type": "MultiPolygon", "coordinates": coords}})
    return out


def _bbox(feat: dict) -> tuple[float, float, float, float]:
    """Bounding box of the country's largest polygon (overseas islands would make it span the globe)."""
    main = max(feat["geometry"]["coordinates"], key=lambda poly: len(poly[0]))[0]
    xs = [p[0] for p in main]
    ys = [p[1] for p in main]
    return min(xs), min(ys), max(xs), max(ys)


def _touches(b: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    return not (b[2] < box[0] or b[0] > box[2] or b[3] < box[1] or b[1] > box[3])


def build(src: Path) -> dict:
    coarse = features(json.loads((src / "countries-110m.json").read_text()), 1, 0.15)
    fine = {f["properties"]["name"]: f for f in features(json.loads((src / "countries-50m.json").read_text()), 2, 0.06)}
    out = []
    for f in coarse:
        name = f["properties"]["name"]
        detailed = fine.get(name)
        # Russia is huge; keep it coarse even though it touches the box
        if detailed is not None and _touches(_bbox(detailed), DETAIL_BOX) and name != "Russia":
            f = detailed
        out.append(f)
    return {"type": "FeatureCollection",
            "attribution": "Natural Earth (public domain) via world-atlas 2.0.2 (ISC)",
            "features": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("world_atlas", type=Path, help="folder of the unpacked world-atlas npm package")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "rasid" / "web" / "basemap.geojson")
    args = ap.parse_args()
    data = build(args.world_atlas)
    args.out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(data['features'])} countries → {args.out} ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
