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

// ---- words for people: labels.json (shared with rasid/serve/display.py), dates, number–noun agreement ----
let LABELS = { event_types: {}, event_modes: {}, event_statuses: {}, event_background: "خلفية", slots: {}, slot_values: {}, magnitude_nouns: [], entity_types: {},
  entity_type: {}, outlets: {}, sorts: {}, months: [], nouns: {} };

export async function loadLabels() {
  const res = await fetch("/static/labels.json");
  if (res.ok) LABELS = await res.json();
  return LABELS;
}

export function labels() {
  return LABELS;
}

// Arabic agreement class of n: zero, one, two, few (3–10), many (11–99), other (100, 101, 102…).
export function pluralForm(n) {
  n = Math.abs(Math.trunc(Number(n)));
  if (n === 0) return "zero";
  if (n === 1) return "one";
  if (n === 2) return "two";
  const r = n % 100;
  if (r >= 3 && r <= 10) return "few";
  if (r >= 11) return "many";
  return "other";
}

// 0 → «لا قصص», 1 → «قصة واحدة», 2 → «قصتان», 7 → «7 قصص», 11 → «11 قصة», 100 → «100 قصة».
export function countPhrase(n, noun) {
  const forms = LABELS.nouns[noun];
  if (!forms) return `${n} ${noun}`;
  const f = pluralForm(n);
  return f === "zero" || f === "one" || f === "two" ? forms[f] : `${n} ${forms[f]}`;
}

// One date style everywhere in the UI: day, Arabic month name, year (ISO stays in the API).
export function fmtDate(iso) {
  if (!iso) return "بلا تاريخ";
  const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
  if (!m) return String(y);
  const month = LABELS.months[m - 1] || String(m);
  return d ? `${d} ${month} ${y}` : `${month} ${y}`;
}

// A dated value that may be a range (an event's or timeline entry's date … date_end): shared month and
// year written once, «15–17 مارس 2026», «28 فبراير – 2 مارس 2026», «مارس – أبريل 2026».
export function fmtSpan(start, end) {
  if (!start) return "بلا تاريخ";
  if (!end || end === start) return fmtDate(start);
  const [ya, ma, da] = String(start).slice(0, 10).split("-").map(Number);
  const [yb, mb, db] = String(end).slice(0, 10).split("-").map(Number);
  if (ya === yb && ma && mb && da && db) {
    const month = (m) => LABELS.months[m - 1] || String(m);
    return ma === mb ? `${da}–${db} ${month(ma)} ${ya}` : `${da} ${month(ma)} – ${db} ${month(mb)} ${ya}`;
  }
  if (ya === yb && ma && mb && !da && !db) return `${LABELS.months[ma - 1] || ma} – ${fmtDate(end)}`;
  return `${fmtDate(start)} – ${fmtDate(end)}`;
}

export function dateRange(a, b) {
  const span = document.createElement("span");
  span.className = "meta date-range";
  const fa = fmtDate(a), fb = fmtDate(b);
  span.textContent = !a && !b ? "بلا تاريخ" : fa === fb || !b ? fa : `${fa} – ${fb}`;
  return span;
}

export function outletName(o) {
  return o ? LABELS.outlets[o] || o : "مصدر غير معروف";
}

export function slotName(s) {
  return LABELS.slots[s] || s || "";
}

// A slot value for people: the source's own spelling when the API found it, else the code's label
// (visit type, meeting mode), a place's name, a date in words.
export function valueName(slot, value, shown) {
  if (shown) return shown;
  if (value === null || value === undefined || value === "") return "";
  const table = LABELS.slot_values[slot];
  if (table && table[value]) return table[value];
  if (slot === "date" && /^\d{4}(-\d\d){0,2}$/.test(value)) return fmtDate(value);
  return value;
}

export function typeName(t) {
  return LABELS.entity_types[t] || t;
}

// One entity's type (شخص، منظمة، مكان), where typeName gives a group's heading (أشخاص…).
export function entityTypeOne(t) {
  return LABELS.entity_type[t] || typeName(t);
}

export function eventName(type, mode) {
  const t = LABELS.event_types[type] || type;
  const m = mode ? LABELS.event_modes[mode] || mode : "";
  return m ? `${t} · ${m}` : t;
}

// An event's status in words (وقع، مخطط له، منفي، مهدد به، افتراضي); never the code.
export function statusName(s) {
  return LABELS.event_statuses[s || "occurred"] || "حالة غير معروفة";
}
