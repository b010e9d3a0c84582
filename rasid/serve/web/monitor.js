// Monitoring on the desk: the alerts page (new since the last visit, grouped by watchlist item), the
// watchlist and saved searches, "follow" and "save search" buttons, and download links (JSON/CSV).
// Writes are fetch() calls with a JSON body (the server refuses form posts: no cross-site writes).
// No inline scripts or handlers: every listener is attached here with addEventListener.
import { el, clear, api, fmtDate, outletName, countPhrase, slotName, valueName, dateRange } from "./util.js";

const KIND_AR = { entity: "كيان", place: "مكان", query: "بحث", search: "بحث محفوظ" };

// POST/DELETE with a JSON body; the error's Arabic detail becomes the thrown message.
export async function apiSend(method, path, body = {}) {
  const res = await fetch(path, {
    method,
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.detail || `HTTP ${res.status}`);
  return data;
}

function note(box, text, bad = false) {
  clear(box);
  box.append(el("span", { class: bad ? "badge warn" : "badge", role: "status" }, text));
}

// ---- download links ------------------------------------------------------------------------------
// `path` is an export endpoint (/api/stories/<id>/export); `params` extra query parameters (a search's).
export function exportLinks(path, params = {}) {
  const href = (format) => {
    const usp = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (Array.isArray(v)) v.forEach((x) => usp.append(k, x));
      else if (v !== undefined && v !== null && v !== "") usp.set(k, v);
    }
    usp.set("format", format);
    return `${path}?${usp}`;
  };
  return el("span", { class: "actions export-links" }, "تنزيل: ",
    el("a", { href: href("json"), download: "", class: "btn-link", "data-format": "json" }, "JSON"), " ",
    el("a", { href: href("csv"), download: "", class: "btn-link", "data-format": "csv" }, "CSV"));
}

// ---- follow ---------------------------------------------------------------------------------------
// A button that adds (kind, value) to the watchlist; it says so when the item is followed already.
export function followButton(kind, value, label) {
  const status = el("span", { class: "follow-status" });
  const btn = el("button", { type: "button", class: "follow", "data-kind": kind }, kind === "query" ? "تابِع هذا البحث" : "تابِع");
  api("/api/watchlist").then((d) => {
    if (d.items.some((it) => it.kind === kind && it.value === value)) {
      btn.disabled = true;
      note(status, "تتابعه");
    }
  }).catch(() => null);
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    try {
      const r = await apiSend("POST", "/api/watchlist", { kind, value, label: label || "" });
      note(status, r.created ? "أُضيف إلى المتابعة" : "تتابعه من قبل");
    } catch (err) {
      btn.disabled = false;
      note(status, err.message, true);
    }
  });
  return el("span", { class: "actions" }, btn, " ", status);
}

// A small form that saves the current search (query + filters) under a name.
export function saveSearchForm(query, filters) {
  const name = el("input", { type: "text", name: "name", maxlength: "200", required: "required", placeholder: "اسم البحث",
    "aria-label": "اسم البحث المحفوظ", value: query || undefined });
  const status = el("span", { class: "save-status" });
  const form = el("form", { class: "save-search actions", id: "save-search" }, name, " ",
    el("button", { type: "submit" }, "احفظ البحث"), " ", status);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const r = await apiSend("POST", "/api/saved-searches", { name: name.value, query: query || "", filters });
      note(status, r.created ? "حُفظ البحث" : "حُدّث البحث المحفوظ");
    } catch (err) {
      note(status, err.message, true);
    }
  });
  return form;
}

// ---- alerts page -----------------------------------------------------------------------------------
function storyItem(s) {
  return el("li", { "data-story": s.id, class: `alert-${s.status}` },
    el("span", { class: s.status === "new" ? "badge warn" : "badge" }, s.status === "new" ? "جديدة" : "محدّثة"), " ",
    el("a", { href: `#/story/${encodeURIComponent(s.id)}` }, s.title || s.id), " ",
    el("span", { class: "meta" }, countPhrase(s.size, "مقال"), " · ", dateRange(s.first_date, s.last_date)),
    s.conflicts ? [" ", el("span", { class: "badge warn" }, countPhrase(s.conflicts, "تعارض"))] : "");
}

function conflictItem(c) {
  return el("li", { "data-conflict": c.id },
    el("span", { class: "badge warn" }, "تعارض جديد"), " ",
    el("a", { href: `#/story/${encodeURIComponent(c.story)}` }, c.story_title || c.story), ": ",
    el("strong", {}, slotName(c.slot)), " ",
    ...Object.keys(c.values).map((v) => el("span", { class: "value" },
      el("span", { class: "badge warn value-text" }, (c.display && c.display[v]) || valueName(c.slot, v)), " ",
      ...(c.outlets[v] || []).map((o) => el("span", { class: "badge" }, outletName(o))))));
}

function storylineItem(l) {
  return el("li", { "data-storyline": l.id },
    el("span", { class: "badge" }, l.status === "new" ? "مسار جديد" : "مسار محدّث"), " ",
    el("a", { href: `#/storyline/${encodeURIComponent(l.id)}` }, l.title || l.id), " ",
    el("span", { class: "meta" }, countPhrase(l.stories.length, "قصة")));
}

function block(title, ids, byId, render) {
  const items = ids.map((i) => byId[i]).filter(Boolean);
  return items.length ? [el("h3", { class: "meta" }, title), el("ul", { class: "plain" }, ...items.map(render))] : [];
}

function alertCard(heading, attrs, sids, cids, lids, d) {
  const byStory = Object.fromEntries(d.stories.map((s) => [s.id, s]));
  const byConflict = Object.fromEntries(d.conflicts.map((c) => [c.id, c]));
  const byLine = Object.fromEntries(d.storylines.map((l) => [l.id, l]));
  return el("section", { class: "card alert-group", ...attrs }, el("h2", {}, heading),
    ...block("القصص", sids, byStory, storyItem),
    ...block("التعارضات", cids, byConflict, conflictItem),
    ...block("المسارات", lids, byLine, storylineItem));
}

export async function alertsView() {
  document.title = "راصد — التنبيهات";
  const d = await api("/api/alerts");
  const c = d.counts;
  const total = c.new_stories + c.updated_stories + c.new_conflicts + c.new_storylines + c.updated_storylines;
  const status = el("span", { class: "seen-status" });
  const seen = el("button", { type: "button", id: "mark-seen", disabled: total ? undefined : "disabled" }, "عُلِّم كمقروء");
  seen.addEventListener("click", async () => {
    seen.disabled = true;
    try {
      await apiSend("POST", "/api/alerts/seen", { until: d.until }); // only what this page showed
      note(status, "عُلِّم ما عُرض هنا كمقروء");
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (err) {
      seen.disabled = false;
      note(status, err.message, true);
    }
  });
  const since = d.first_visit ? "أول زيارة: كل ما في القاعدة" : `منذ آخر زيارة (${fmtDate(d.last_seen)})`;
  const out = [
    el("h1", {}, "التنبيهات"),
    el("p", { class: "muted", id: "alerts-summary" }, `${since}: قصص جديدة: ${countPhrase(c.new_stories, "قصة")}؛ `,
      `قصص محدّثة: ${countPhrase(c.updated_stories, "قصة")}؛ تعارضات جديدة: ${countPhrase(c.new_conflicts, "تعارض")}؛ `,
      `مسارات: ${countPhrase(c.new_storylines + c.updated_storylines, "مسار")}.`),
    el("p", {}, seen, " ", status, " ", el("a", { href: "#/watchlist" }, "إدارة المتابعة")),
  ];
  if (!total) return [...out, el("p", { class: "card muted" }, "لا جديد منذ آخر زيارة.")];
  for (const g of d.groups) {
    const w = g.watch;
    out.push(alertCard(`${w.label || w.value} (${KIND_AR[w.kind] || w.kind})`, { "data-watch": w.id },
      g.stories, g.conflicts, g.storylines, d));
  }
  const rest = alertCard(d.groups.length ? "خارج قائمة المتابعة" : "كل الجديد", { id: "alerts-rest" },
    d.stories.filter((s) => !s.watch.length).map((s) => s.id),
    d.conflicts.filter((x) => !x.watch.length).map((x) => x.id),
    d.storylines.filter((x) => !x.watch.length).map((x) => x.id), d);
  if (rest.querySelector("li")) out.push(rest);
  for (const w of d.watchlist.filter((x) => x.problem)) {
    out.push(el("p", { class: "card error" }, `المتابعة «${w.value}» لا تُطابَق: ${w.problem}`));
  }
  if (d.truncated) out.push(el("p", { class: "meta" }, "عُرض جزء من الجديد فقط؛ القائمة الكاملة في rasid alerts --json."));
  return out;
}

// ---- watchlist and saved searches ----------------------------------------------------------------
function itemHref(it) {
  if (it.kind === "query") return `#/search?${new URLSearchParams({ q: it.value })}`;
  return `#/entity/${encodeURIComponent(it.value)}`;
}

function searchHref(s) {
  const p = new URLSearchParams();
  if (s.query) p.set("q", s.query);
  for (const [k, v] of Object.entries(s.filters || {})) {
    if (Array.isArray(v)) { if (v.length) p.set(k, v[0]); } else if (v) p.set(k, v);
  }
  return `#/search?${p}`;
}

function removeButton(path, row) {
  const btn = el("button", { type: "button", class: "remove" }, "احذف");
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    try {
      await apiSend("DELETE", path);
      row.remove();
    } catch (err) {
      btn.disabled = false;
      row.append(el("span", { class: "badge warn" }, err.message));
    }
  });
  return btn;
}

export async function watchlistView() {
  document.title = "راصد — المتابعة";
  const [watch, saved] = await Promise.all([api("/api/watchlist"), api("/api/saved-searches")]);
  const list = el("ul", { class: "plain", id: "watchlist" });
  for (const it of watch.items) {
    const row = el("li", { "data-watch": it.id },
      el("span", { class: "badge" }, KIND_AR[it.kind] || it.kind), " ",
      el("a", { href: itemHref(it) }, it.label || it.value), " ");
    row.append(removeButton(`/api/watchlist/${it.id}`, row));
    list.append(row);
  }
  const searches = el("ul", { class: "plain", id: "saved-searches" });
  for (const s of saved.items) {
    const row = el("li", { "data-search": s.id }, el("a", { href: searchHref(s) }, s.name), " ",
      el("span", { class: "meta" }, s.query), " ");
    row.append(removeButton(`/api/saved-searches/${s.id}`, row));
    searches.append(row);
  }
  const query = el("input", { type: "search", name: "q", maxlength: "500", placeholder: "كلمات تُتابَع في الأخبار الجديدة",
    "aria-label": "بحث يُتابَع" });
  const status = el("span", {});
  const add = el("form", { class: "search card", id: "follow-query" }, el("label", {}, "تابِع بحثًا", query), " ",
    el("button", { type: "submit" }, "تابِع"), " ", status);
  add.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await apiSend("POST", "/api/watchlist", { kind: "query", value: query.value });
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (err) {
      note(status, err.message, true);
    }
  });
  return [
    el("h1", {}, "المتابعة"),
    el("p", { class: "muted" }, `${countPhrase(watch.items.length, "متابعة")}. تظهر الأخبار الجديدة عنها أولاً في `,
      el("a", { href: "#/alerts" }, "التنبيهات"), ". تُضاف الكيانات والأماكن من صفحاتها بزر «تابِع»."),
    add,
    el("section", { class: "card" }, el("h2", {}, "ما تتابعه"),
      watch.items.length ? list : el("p", { class: "muted" }, "لا متابعات بعد.")),
    el("section", { class: "card" }, el("h2", {}, "عمليات البحث المحفوظة"),
      saved.items.length ? searches : el("p", { class: "muted" }, "لا عمليات بحث محفوظة بعد: احفظ بحثًا من صفحة البحث.")),
  ];
}
