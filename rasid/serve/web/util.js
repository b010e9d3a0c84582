// Small DOM and API helpers shared by the views. Text is always inserted as text nodes (no innerHTML).
import { safeAppHref } from "./safe.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if ((k === "href" || k === "src") && safeAppHref(v) === null) continue; // never a javascript: link
    node.setAttribute(k, v);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === "" || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : String(c));
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export async function api(path, params = {}) {
  const usp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") usp.set(k, v);
  const url = usp.toString() ? `${path}?${usp}` : path;
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detail || `HTTP ${res.status}`);
  return body;
}

// Offsets from the API count Unicode code points (Python str indices), not UTF-16 units.
export function sliceCp(text, start, end) {
  return Array.from(text).slice(start, end).join("");
}

export function cpLen(text) {
  return Array.from(text).length;
}

export function factHref(doc, start, end) {
  const base = `#/doc/${encodeURIComponent(doc)}`;
  return start === undefined || start === null ? base : `${base}?start=${start}&end=${end}`;
}

const AR_MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];

export function fmtDate(iso) {
  if (!iso) return "بلا تاريخ";
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  if (!m) return String(y);
  return d ? `${d} ${AR_MONTHS[m - 1]} ${y}` : `${AR_MONTHS[m - 1]} ${y}`;
}

export function dateRange(a, b) {
  const span = document.createElement("span");
  span.className = "meta";
  const fa = fmtDate(a), fb = fmtDate(b);
  span.textContent = !a && !b ? "بلا تاريخ" : fa === fb || !b ? fa : `${fa} – ${fb}`;
  return span;
}

const OUTLETS = {
  sana: "سانا", rt_arabic: "آر تي عربي", aawsat: "الشرق الأوسط", alarabiya: "العربية",
  enab_baladi: "عنب بلدي", tass_ar: "تاس", afp_ar: "فرانس برس", reuters_ar: "رويترز", anadolu_ar: "الأناضول",
};

export function outletName(o) {
  return o ? OUTLETS[o] || o : "مصدر غير معروف";
}

const SLOTS = {
  visit_type: "نوع الزيارة", count: "العدد", date: "التاريخ", place: "المكان", magnitude: "القوة",
  vehicles: "عدد الآليات", casualties: "الضحايا",
};

const VALUES = { official: "زيارة رسمية", working: "زيارة عمل", state: "زيارة دولة", private: "زيارة خاصة" };

export function valueName(v) {
  return VALUES[v] || v;
}

export function slotName(s) {
  return SLOTS[s] || s || "";
}

const TYPES = { PER: "أشخاص", ORG: "منظمات", LOC: "أماكن", MISC: "أخرى" };

export function typeName(t) {
  return TYPES[t] || t;
}
