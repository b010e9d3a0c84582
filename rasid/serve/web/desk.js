// The analyst's desk: story filters, day-month-year date pickers, the sources table (one row per
// sentence, slots as tags), and scroll positions remembered across back/forward navigation.
// No inline scripts or handlers: every listener is attached here with addEventListener.
import { el, api, factHref, fmtDate, outletName, slotName, valueName, labels, eventName, countPhrase } from "./util.js";
import { outletLink } from "./outlets.js";

// ---- date picker: day, Arabic month name, year (never the browser's mm/dd/yyyy) ------------------
function lastDay(y, m) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

// A date field for a form: three controls and a hidden ISO input named `name` that the form submits.
// With only a year (or year and month) the date is the first day of it, or the last with {end: true}.
export function datePicker(name, value, label, { end = false } = {}) {
  const [y0, m0, d0] = (value || "").split("-").map((x) => Number(x) || "");
  const hidden = el("input", { type: "hidden", name, value: value || "" });
  const day = el("select", { class: "dp-day", "aria-label": `${label}: اليوم` }, el("option", { value: "" }, "اليوم"),
    ...Array.from({ length: 31 }, (_, i) => el("option", { value: i + 1, selected: d0 === i + 1 ? "selected" : undefined }, String(i + 1))));
  const month = el("select", { class: "dp-month", "aria-label": `${label}: الشهر` }, el("option", { value: "" }, "الشهر"),
    ...labels().months.map((mn, i) => el("option", { value: i + 1, selected: m0 === i + 1 ? "selected" : undefined }, mn)));
  const year = el("input", { class: "dp-year", type: "number", inputmode: "numeric", min: "1900", max: "2100",
    placeholder: "السنة", "aria-label": `${label}: السنة`, value: y0 || undefined });
  const sync = () => {
    const y = Number(year.value);
    if (!(y >= 1900 && y <= 2100)) {
      hidden.value = "";
      return;
    }
    const m = Number(month.value) || (end ? 12 : 1);
    const d = Math.min(Number(day.value) || (end ? lastDay(y, m) : 1), lastDay(y, m));
    hidden.value = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  };
  for (const c of [day, month, year]) {
    c.addEventListener("change", sync);
    c.addEventListener("input", sync);
  }
  return el("fieldset", { class: "date-picker", "data-name": name }, el("legend", {}, label),
    el("span", { class: "dp-parts" }, day, month, year), hidden);
}

// ---- story list filters -------------------------------------------------------------------------
export const STORY_FILTERS = ["date_from", "date_to", "outlet", "place", "entity", "type", "min_size", "has_conflicts", "sort"];

export async function storyFilterForm(params) {
  const [outlets, people, places, types] = await Promise.all([
    api("/api/outlets"), api("/api/entities", { limit: 100 }), api("/api/entities", { limit: 100, type: "LOC" }),
    api("/api/event-types")]);
  const val = (k) => params.get(k) || "";
  const select = (name, label, options, first = "الكل") => el("label", {}, label,
    el("select", { name }, first === null ? "" : el("option", { value: "" }, first),
      ...options.map(([v, t]) => el("option", { value: v, selected: v === val(name) ? "selected" : undefined }, t))));
  const L = labels();
  const form = el("form", { class: "filters card", id: "story-filters", role: "search" },
    datePicker("date_from", val("date_from"), "من تاريخ"),
    datePicker("date_to", val("date_to"), "إلى تاريخ", { end: true }),
    select("outlet", "المصدر", outlets.map((o) => [o.outlet, outletName(o.outlet)])),
    select("place", "المكان", places.items.map((e) => [e.id, e.name])),
    select("entity", "كيان", people.items.filter((e) => e.type !== "LOC").map((e) => [e.id, e.name])),
    select("type", "نوع الحدث", types.map((t) => [t.type, eventName(t.type)])),
    el("label", {}, "أقل عدد مقالات", el("input", { type: "number", name: "min_size", min: "1", inputmode: "numeric", value: val("min_size") || undefined })),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "has_conflicts", value: "true", checked: val("has_conflicts") === "true" ? "checked" : undefined }),
      "فيها تعارضات فقط"),
    select("sort", "الترتيب", Object.entries(L.sorts), null),
    el("span", { class: "filter-actions" }, el("button", { type: "submit" }, "اعرض"), " ", el("a", { href: "#/", class: "reset" }, "مسح")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v && !(k === "sort" && v === "newest")) p.set(k, v);
    location.hash = p.toString() ? `#/?${p}` : "#/";
  });
  const active = STORY_FILTERS.some((k) => k !== "sort" && val(k));
  const wide = window.matchMedia("(min-width: 700px)").matches;
  return el("details", { class: "filter-box", open: active || wide ? "open" : undefined },
    el("summary", {}, active ? "تصفية وترتيب (مفعّلة)" : "تصفية وترتيب"), form);
}

// ---- sources table: each sentence once, its slots as tags; only deviating accounts tinted -------
function claimTag(c, inConflict) {
  const slot = c.display_slot || c.slot;
  return el("span", { class: `badge slot ${inConflict ? "warn" : ""}`, "data-slot": slot },
    `${slotName(slot)}: ${valueName(c.slot, c.value, c.value_text || c.value_name)}`);
}

// Claims of one document grouped by sentence span: [{first claim, claims}] in text order.
export function claimsBySentence(claims) {
  const groups = new Map();
  for (const c of claims) {
    const k = `${c.start}:${c.end}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(c);
  }
  return [...groups.values()];
}

export function claimList(docId, claims, conflictClaims, fact) {
  const groups = claimsBySentence(claims);
  if (!groups.length) return "";
  return el("ul", { class: "plain claims" }, ...groups.map((cs) => {
    const c = cs[0];
    const disputed = cs.some((x) => conflictClaims.has(x.id));
    return el("li", { class: disputed ? "disputed" : "", "data-claims": cs.length },
      c.speaker_text ? el("strong", {}, `${c.speaker_text}: `) : "",
      fact(docId, c.start, c.end, c.text), " ",
      ...cs.filter((x) => x.slot).map((x) => claimTag(x, conflictClaims.has(x.id))));
  }));
}

export function sourcesTable(d, conflictClaims, fact) {
  const claimsByDoc = {};
  for (const c of d.claims) (claimsByDoc[c.doc] ||= []).push(c);
  const deviating = new Set(d.conflict_documents || []);
  return el("table", { class: "sources stack" },
    el("thead", {}, el("tr", {}, el("th", {}, "المصدر"), el("th", {}, "التاريخ"), el("th", {}, "المقال وما نُقل فيه"))),
    el("tbody", {}, ...d.documents.map((x) => el("tr", { class: deviating.has(x.id) ? "conflict" : "", "data-doc": x.id },
      el("td", {}, outletLink(x.outlet),
        deviating.has(x.id) ? el("span", { class: "badge warn deviates" }, "رواية مخالفة") : ""),
      el("td", { class: "date" }, fmtDate(x.published)),
      el("td", {},
        el("a", { href: factHref(x.id) }, x.title || "مقال بلا عنوان"),
        x.duplicate_of ? el("span", { class: "badge" }, "نسخة مكررة") : "",
        claimList(x.id, claimsByDoc[x.id] || [], conflictClaims, fact))))));
}

export function storyCounts(s) {
  return [countPhrase(s.size, "مقال"), s.conflicts ? countPhrase(s.conflicts, "تعارض") : ""].filter(Boolean).join(" · ");
}

// ---- scroll positions: back/forward returns to where the reader was ---------------------------
// Each history entry gets a key in history.state; the scroll position is kept per key in
// sessionStorage. An entry seen before (back/forward) gets its position back; a new one starts at
// the top (or at the highlighted fact).
export function scrollMemory() {
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  let busy = false;
  const key = () => (history.state && history.state.rasidScroll) || null;
  const save = (k, y) => {
    try { sessionStorage.setItem(`rasid-scroll:${k}`, String(Math.round(y))); } catch { /* storage full or off */ }
  };
  window.addEventListener("scroll", () => {
    if (!busy && key()) save(key(), window.scrollY);
  }, { passive: true });
  return {
    before() { busy = true; },
    after(fallback) {
      let k = key();
      let saved = null;
      if (k) {
        try { saved = sessionStorage.getItem(`rasid-scroll:${k}`); } catch { saved = null; }
      } else {
        k = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
        history.replaceState({ ...(history.state || {}), rasidScroll: k }, "");
      }
      if (saved !== null) {
        const y = Number(saved);
        window.scrollTo(0, y);
        // content drawn later (the map) can make the page taller: try again once it has arrived
        for (const ms of [150, 500]) setTimeout(() => { if (Math.abs(window.scrollY - y) > 2 && key() === k) window.scrollTo(0, y); }, ms);
      } else {
        fallback();
      }
      save(k, window.scrollY);
      busy = false;
    },
  };
}
