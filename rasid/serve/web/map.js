// Offline base map: Natural Earth country outlines (shipped GeoJSON) drawn as SVG, places as pins.
// Equirectangular projection scaled by cos(latitude) around the view centre; no tiles, no network.
import { el, countPhrase } from "./util.js";

const NS = "http://www.w3.org/2000/svg";
let basemap = null; // the parsed GeoJSON promise, fetched once per page load

function loadBasemap() {
  basemap ||= fetch("/static/basemap.geojson").then((r) => {
    if (!r.ok) throw new Error(`basemap HTTP ${r.status}`);
    return r.json();
  });
  return basemap;
}

function svgEl(tag, attrs = {}) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  return n;
}

function viewBox(places) {
  // default: Levant and surroundings
  let [x0, y0, x1, y1] = [26, 28, 50, 42];
  if (places.length) {
    const lons = places.map((p) => p.lon), lats = places.map((p) => p.lat);
    x0 = Math.min(...lons); x1 = Math.max(...lons); y0 = Math.min(...lats); y1 = Math.max(...lats);
    const minSpan = 8, cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const k = Math.cos((cy * Math.PI) / 180);
    let w = Math.max(minSpan, (x1 - x0) * 1.3), h = Math.max(minSpan * 0.6, (y1 - y0) * 1.3);
    // keep a landscape frame (projected width/height between 1.25 and 1.6)
    w = Math.max(w, (h * 1.25) / k);
    h = Math.max(h, (w * k) / 1.6);
    [x0, x1, y0, y1] = [cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2];
  }
  return { x0, y0, x1, y1 };
}

export async function drawMap(container, places) {
  const geo = await loadBasemap();
  const box = viewBox(places);
  const k = Math.cos((((box.y0 + box.y1) / 2) * Math.PI) / 180);
  const px = (lon) => lon * k, py = (lat) => -lat;
  const vw = (box.x1 - box.x0) * k, vh = box.y1 - box.y0;
  const svg = svgEl("svg", { viewBox: `${px(box.x0)} ${py(box.y1)} ${vw} ${vh}`, role: "img",
    "aria-label": "خريطة الأماكن", preserveAspectRatio: "xMidYMid meet", direction: "ltr" });
  const land = svgEl("g");
  for (const f of geo.features) {
    let d = "";
    for (const poly of f.geometry.coordinates) {
      for (const ring of poly) {
        d += "M" + ring.map(([lon, lat]) => `${px(lon).toFixed(3)},${py(lat).toFixed(3)}`).join("L") + "Z";
      }
    }
    const path = svgEl("path", { d, class: "land" });
    const t = svgEl("title");
    t.textContent = f.properties.name;
    path.append(t);
    land.append(path);
  }
  svg.append(land);
  const unit = vw / 60; // pin and label size relative to the view
  const placed = []; // label boxes already drawn: a label that would overlap one is left to the tooltip
  for (const p of places) {
    const a = svgEl("a", { href: p.href || `#/entity/${encodeURIComponent(p.id)}`, class: "pin", "data-place": p.id });
    a.append(svgEl("circle", { cx: px(p.lon), cy: py(p.lat), r: unit * 0.9 }));
    const label = svgEl("text", { x: px(p.lon), y: py(p.lat) - unit * 1.5, "text-anchor": "middle", direction: "rtl" });
    label.style.fontSize = `${unit * 2.2}px`; // CSSOM, not a style attribute: the CSP allows no inline styles
    label.style.strokeWidth = `${unit * 0.5}px`;
    label.textContent = p.name;
    const fs = unit * 2.2, lw = p.name.length * fs * 0.55;
    const bx = { x0: px(p.lon) - lw / 2, x1: px(p.lon) + lw / 2, y0: py(p.lat) - unit * 1.5 - fs, y1: py(p.lat) - unit * 1.5 };
    const clash = placed.some((b) => bx.x0 < b.x1 && bx.x1 > b.x0 && bx.y0 < b.y1 && bx.y1 > b.y0);
    const tip = svgEl("title");
    tip.textContent = p.name;
    a.append(tip);
    if (!clash) {
      placed.push(bx);
      a.append(label);
    }
    svg.append(a);
  }
  container.append(svg);
  container.append(el("p", { class: "meta" }, `${countPhrase(places.length, "مكان")} على الخريطة`));
}
