// راصد web UI: a hash-routed single page over the REST API (no build step, no external assets).
// Every fact links to #/doc/<id>?start=&end= which shows the source sentence highlighted.
import { drawMap } from "./map.js";
import { urlNode } from "./safe.js";
import { el, clear, api, factHref, fmtDate, fmtSpan, dateRange, outletName, typeName, sliceCp, cpLen, loadLabels, countPhrase, labels, slotName, valueName, entityTypeOne } from "./util.js";
import { datePicker, storyFilterForm, STORY_FILTERS, sourcesTable, claimList, storyCounts, scrollMemory } from "./desk.js";
import { coverageCard, loadOutletNames, outletLink, outletView } from "./outlets.js";
import { alertsView, watchlistView, followButton, saveSearchForm, exportLinks } from "./monitor.js";
import { eventItem, eventsView } from "./events.js";

const view = () => document.getElementById("view");

function setActive(name) {
  document.querySelectorAll("[data-nav]").forEach((a) => a.classList.toggle("active", a.dataset.nav === name));
}

function fact(doc, start, end, label, title) {
  return el("a", { class: "fact", href: factHref(doc, start, end), title: title || "اعرض الجملة في مصدرها" }, label);
}

function errorBox(err) {
  return el("div", { class: "card error", role: "alert" }, `تعذّر التحميل: ${err.message}`);
}

// ---- paging -------------------------------------------------------------------------------------
function pageParams(params, dflt) {
  const limit = Math.min(100, Math.max(1, Number(params.get("limit")) || dflt));
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  return { limit, offset };
}

function pager(base, params, data) {
  const link = (offset, label, rel) => {
    const p = new URLSearchParams(params);
    p.set("offset", offset);
    return el("a", { href: `${base}?${p}`, rel, class: `pager-${rel}` }, label);
  };
  const { limit, offset, total } = data;
  if (total <= limit && offset === 0) return "";
  return el("p", { class: "pager" },
    offset > 0 ? link(Math.max(0, offset - limit), "→ السابق", "prev") : "",
    el("span", { class: "meta" }, ` ${offset + 1}–${Math.min(total, offset + limit)} من ${total} `),
    offset + limit < total ? link(offset + limit, "التالي ←", "next") : "");
}

// ---- story list ---------------------------------------------------------------------------------
async function storiesView(params) {
  setActive("stories");
  document.title = "راصد — القصص";
  const q = {};
  for (const k of STORY_FILTERS) if (params.get(k)) q[k] = params.get(k);
  const [data, filters] = await Promise.all([api("/api/stories", { ...q, ...pageParams(params, 50) }), storyFilterForm(params)]);
  const rows = data.items.map((s) =>
    el("tr", { "data-story": s.id },
      el("td", {}, el("a", { href: `#/story/${encodeURIComponent(s.id)}`, class: "story-link" }, s.title || "قصة بلا عنوان")),
      el("td", { class: "size" }, storyCounts(s)),
      el("td", {}, ...(s.outlets || []).map((o) => el("span", { class: "badge" }, outletName(o)))),
      el("td", { class: "meta" }, dateRange(s.first_date, s.last_date))));
  const sortName = labels().sorts[params.get("sort") || "newest"] || "";
  return [
    el("h1", {}, "القصص"),
    filters,
    el("p", { class: "muted", id: "stories-total" }, `${countPhrase(data.total, "قصة")}، ${sortName}.`),
    el("div", { class: "card" },
      data.items.length ? el("table", { class: "story-list stack" },
        el("thead", {}, el("tr", {}, el("th", {}, "القصة"), el("th", {}, "الحجم"), el("th", {}, "المصادر"), el("th", {}, "الفترة"))),
        el("tbody", {}, ...rows)) : el("p", { class: "muted" }, "لا قصص تطابق هذه التصفية."),
      pager("#/", params, data)),
  ];
}

// ---- storylines (affairs): list and one storyline as a timeline of its stories -------------------
async function storylinesView(params) {
  setActive("storylines");
  document.title = "راصد — المسارات";
  const data = await api("/api/storylines", pageParams(params, 50));
  const rows = data.items.map((l) =>
    el("tr", { "data-storyline": l.id },
      el("td", {}, el("a", { href: `#/storyline/${encodeURIComponent(l.id)}` }, l.title || l.id)),
      el("td", { class: "size" }, String(l.stories.length)),
      el("td", { class: "size" }, String(l.size)),
      el("td", { class: "meta" }, dateRange(l.first_date, l.last_date))));
  return [
    el("h1", {}, "المسارات"),
    el("p", { class: "muted" }, `${data.total} مسار: كل مسار قضية تجمع أحداثها (قصصها) بترتيب زمني.`),
    el("div", { class: "card" },
      el("table", { class: "story-list" },
        el("thead", {}, el("tr", {}, el("th", {}, "المسار"), el("th", {}, "القصص"), el("th", {}, "المقالات"), el("th", {}, "الفترة"))),
        el("tbody", {}, ...rows)),
      pager("#/storylines", params, data)),
  ];
}

async function storylineView(id) {
  setActive("storylines");
  const line = (await api(`/api/storylines/${encodeURIComponent(id)}`)).storyline;
  document.title = `راصد — ${line.title}`;
  return [
    el("p", { class: "meta" }, el("a", { href: "#/storylines" }, "المسارات"), " › مسار"),
    el("h1", {}, line.title || line.id),
    el("p", { class: "meta" }, `${line.stories.length} قصص · ${line.size} مقالات · `, dateRange(line.first_date, line.last_date),
      " · ", ...line.outlets.map((o) => el("span", { class: "badge" }, outletName(o)))),
    el("p", { class: "meta" }, exportLinks(`/api/storylines/${encodeURIComponent(line.id)}/export`)),
    el("section", { class: "card", id: "storyline-timeline" }, el("h2", {}, "القصص بترتيب زمني"),
      el("ol", { class: "timeline" }, ...line.timeline.map((s) =>
        el("li", { "data-story": s.id },
          el("span", { class: "meta" }, dateRange(s.first_date, s.last_date)), " — ",
          el("a", { href: `#/story/${encodeURIComponent(s.id)}` }, s.title || s.id), " ",
          el("span", { class: "meta" }, `(${s.size})`))))),
  ];
}

// ---- story page ---------------------------------------------------------------------------------
function timelineEntries(d) {
  if (d.story.timeline.length) {
    return d.story.timeline.map((t) => ({ date: t.date, date_end: t.date_end, text: t.text, doc: t.doc_id, start: t.start, end: t.end,
      background: t.background, sources: t.sources }));
  }
  const dated = d.events.filter((e) => e.date);
  if (dated.length) {
    return dated.map((e) => ({ date: e.date, date_end: e.date_end, text: e.sentence.text, doc: e.doc, start: e.sentence.start,
      end: e.sentence.end, background: e.background, sources: [] }))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }
  return null;
}

async function storyView(id) {
  setActive("stories");
  const d = await api(`/api/stories/${encodeURIComponent(id)}`);
  const st = d.story;
  document.title = `راصد — ${st.title}`;
  const docById = Object.fromEntries(d.documents.map((x) => [x.id, x]));
  const conflictClaims = new Set();
  for (const c of d.conflicts) for (const ids of Object.values(c.values)) ids.forEach((i) => conflictClaims.add(i));

  const summary = el("section", { class: "card", id: "summary" }, el("h2", {}, "الملخص"),
    st.summary.length
      ? el("ul", { class: "plain" }, ...st.summary.map((s) =>
        el("li", {}, fact(s.doc_id, s.start, s.end, s.text), " ",
          el("span", { class: "meta" }, `— ${outletName(docById[s.doc_id]?.outlet)}`))))
      : el("p", { class: "muted" }, "لم يُولَّد ملخص لهذه القصة بعد."));

  const entries = timelineEntries(d);
  const timeline = el("section", { class: "card", id: "timeline" }, el("h2", {}, "التسلسل الزمني"),
    entries
      ? el("ol", { class: "timeline" }, ...entries.map((t) =>
        el("li", { class: t.background ? "background" : "" },
          el("span", { class: "date" }, t.date ? fmtSpan(t.date, t.date_end) : "تاريخ غير معروف"), " — ", fact(t.doc, t.start, t.end, t.text),
          t.background ? el("span", { class: "badge" }, "خلفية") : "",
          ...(t.sources || []).map((o) => el("span", { class: "badge" }, outletName(o))))))
      : el("ol", { class: "timeline" }, ...d.documents.filter((x) => !x.duplicate_of).map((x) =>
        el("li", {}, el("span", { class: "date" }, fmtDate(x.published)), " — ",
          el("a", { href: factHref(x.id) }, x.title || x.id), " ", el("span", { class: "badge" }, outletName(x.outlet))))));

  const conflicts = el("section", { class: "card conflicts", id: "conflicts" }, el("h2", {}, "التعارضات بين المصادر"));
  const claimById = Object.fromEntries(d.claims.map((c) => [c.id, c]));
  if (d.conflicts.length) {
    for (const c of d.conflicts) {
      conflicts.append(el("div", { class: "conflict card", "data-conflict": c.id },
        el("strong", {}, slotName(c.display_slot || c.slot)),
        ...Object.entries(c.values).map(([value, ids]) => el("div", { class: "value" },
          el("span", { class: "badge warn value-text" }, valueName(c.slot, value, (c.display || {})[value])), " ",
          ...(c.outlets[value] || []).map((o) => el("span", { class: "badge" }, outletName(o))),
          ...ids.filter((i) => claimById[i]).map((i) => {
            const cl = claimById[i];
            return el("div", {}, el("span", { class: "meta" }, `${outletName(cl.outlet)}: `), fact(cl.doc, cl.start, cl.end, cl.text));
          })))));
    }
  } else {
    conflicts.append(el("p", { class: "muted" }, "لا تعارضات مرصودة في هذه القصة."));
  }

  const sources = el("section", { class: "card", id: "sources" }, el("h2", {}, "المصادر: من قال ماذا"),
    sourcesTable(d, conflictClaims, fact));

  const events = d.events.length ? el("section", { class: "card", id: "events" }, el("h2", {}, "الأحداث"),
    el("p", { class: "meta" }, `${countPhrase(d.events.length, "حدث")} · `,
      el("a", { href: `#/events?story=${encodeURIComponent(st.id)}`, id: "story-events-filter" }, "صفّها حسب النوع والحالة")),
    el("ul", { class: "plain events" }, ...d.events.map((e) => eventItem(e, fact)))) : "";

  const mapBox = el("div", { class: "map", id: "map" });
  const mapCard = el("section", { class: "card" }, el("h2", {}, "الأماكن"), mapBox,
    d.places.length ? "" : el("p", { class: "muted" }, "لا أماكن محددة الإحداثيات بعد."));
  drawMap(mapBox, d.places.map((p) => ({ id: p.id, name: p.name, lat: p.lat, lon: p.lon,
    href: factHref(p.first_mention.doc, p.first_mention.start, p.first_mention.end) }))).catch((e) => mapBox.append(errorBox(e)));

  const byType = {};
  const doubted = d.entities.filter((e) => e.listed === false); // named once, tagged with a low confidence
  for (const e of d.entities) if (e.listed !== false) (byType[e.type] ||= []).push(e);
  const entityParts = (e) => [
    el("a", { href: `#/entity/${encodeURIComponent(e.id)}` }, e.name), " ",
    el("span", { class: "meta" }, `(${countPhrase(e.mention_count, "مرة")})`), " ",
    fact(e.first_mention.doc, e.first_mention.start, e.first_mention.end, "↖ المصدر", "أول ذكر في النص")];
  const entities = el("section", { class: "card", id: "entities" }, el("h2", {}, "الكيانات"),
    d.entities.length ? el("div", {}, ...Object.entries(byType).map(([t, list]) => el("div", {},
      el("h3", { class: "meta" }, typeName(t)),
      el("ul", { class: "plain" }, ...list.map((e) => el("li", {}, ...entityParts(e)))))),
      doubted.length ? el("details", { id: "doubted-entities" },
        el("summary", { class: "meta" }, `أسماء غير مؤكدة: وردت مرة واحدة بثقة منخفضة (${doubted.length})`),
        el("ul", { class: "plain" }, ...doubted.map((e) => el("li", {}, el("span", { class: `badge type-${e.type}` },
          entityTypeOne(e.type)), " ", ...entityParts(e))))) : "")
      : el("p", { class: "muted" }, "لم تُستخرج كيانات بعد."));

  return [
    el("p", { class: "meta" }, el("a", { href: "#/" }, "القصص"), " › قصة",
      st.storyline ? [" · ", el("a", { href: `#/storyline/${encodeURIComponent(st.storyline)}`, class: "storyline-link" }, "المسار")] : ""),
    el("h1", {}, st.title || st.id),
    el("p", { class: "meta" }, `${countPhrase(st.size, "مقال")} · `, dateRange(st.first_date, st.last_date), " · ",
      ...st.outlets.map((o) => outletLink(o))),
    el("p", { class: "meta" }, exportLinks(`/api/stories/${encodeURIComponent(st.id)}/export`)),
    el("div", { class: "grid" },
      el("div", {}, summary, timeline, conflicts, sources, events),
      el("div", {}, coverageCard(d.coverage), mapCard, entities)),
  ];
}

// ---- document page (source with highlighted sentence) ----------------------------------------------
function highlightedText(text, hl, hits) {
  const box = el("div", { class: "doc-text", id: "doc-text" });
  if (hl) {
    const s = hl.sentence, p = hl.span;
    box.append(sliceCp(text, 0, s.start),
      el("mark", { class: "sent", id: "hl-sentence" },
        sliceCp(text, s.start, p.start), el("mark", { class: "span", id: "hl-span" }, sliceCp(text, p.start, p.end)),
        sliceCp(text, p.end, s.end)),
      sliceCp(text, s.end, cpLen(text)));
  } else if (hits && hits.length) {
    let pos = 0;
    for (const m of hits) {
      box.append(sliceCp(text, pos, m.start), el("mark", { class: "hit" }, sliceCp(text, m.start, m.end)));
      pos = m.end;
    }
    box.append(sliceCp(text, pos, cpLen(text)));
  } else {
    box.append(text);
  }
  return box;
}

async function docView(id, params) {
  setActive("");
  const q = {};
  if (params.get("start") !== null && params.get("end") !== null) {
    q.start = params.get("start");
    q.end = params.get("end");
  }
  const d = await api(`/api/documents/${encodeURIComponent(id)}`, q);
  document.title = `راصد — ${d.title || d.id}`;
  const facts = el("section", { class: "card" }, el("h2", {}, "ما استُخرج من هذا المقال"),
    el("ul", { class: "plain" },
      ...(d.claims.length ? [el("li", { class: "claims-item" }, el("span", { class: "badge" }, "تصريحات"), claimList(d.id, d.claims, new Set(), fact))] : []),
      ...d.events.map((e) => eventItem(e, fact)),
      ...d.mentions.map((m) => el("li", {}, el("span", { class: `badge type-${m.type}` }, entityTypeOne(m.type)), " ",
        fact(d.id, m.start, m.end, m.text), m.entity ? [" → ", el("a", { href: `#/entity/${encodeURIComponent(m.entity)}` }, m.entity_name || m.entity)] : "")),
      ...d.timexes.map((t) => el("li", {}, el("span", { class: "badge" }, "زمن"), " ", fact(d.id, t.start, t.end, t.text),
        t.value ? el("span", { class: "date meta" }, ` = ${fmtSpan(t.value, t.value_end)}`) : ""))));
  if (!facts.querySelector("li")) facts.append(el("p", { class: "muted" }, "لا حقائق مستخرجة بعد."));
  const hits = params.get("q") ? (await api("/api/search", { q: params.get("q"), limit: 100 })).items.find((h) => h.doc === d.id)?.matches : null;
  const out = [
    el("p", { class: "meta" }, d.story ? el("a", { href: `#/story/${encodeURIComponent(d.story)}` }, "القصة") : "بلا قصة", " › مقال"),
    el("h1", {}, d.title || d.id),
    el("p", { class: "meta" }, el("span", { class: "badge" }, outletName(d.outlet)), " ", el("span", { class: "date" }, fmtDate(d.published)),
      d.url ? [" · ", urlNode(d.url)] : ""),
    el("div", { class: "grid" },
      el("section", { class: "card" }, d.highlight ? el("p", { class: "meta", id: "hl-caption" }, "الجملة المصدر مظللة، والعبارة نفسها بالأصفر.") : "",
        highlightedText(d.text, d.highlight, hits)),
      facts),
  ];
  return out;
}

// ---- entities -----------------------------------------------------------------------------------
async function entitiesView(params) {
  setActive("entities");
  document.title = "راصد — الكيانات";
  const type = params.get("type") || "";
  const all = params.get("all") === "1"; // also the names the tagger found once and doubted (hidden by default)
  const data = await api("/api/entities", { limit: 100, type: type || undefined, all: all ? "true" : undefined });
  const link = (t, a) => { const q = new URLSearchParams(); if (t) q.set("type", t); if (a) q.set("all", "1"); const s = q.toString(); return s ? `#/entities?${s}` : "#/entities"; };
  const filters = el("p", {}, ...["", "PER", "ORG", "LOC"].map((t) =>
    el("a", { class: `badge ${t === type ? "warn" : ""}`, href: link(t, all) }, t ? typeName(t) : "الكل")));
  const doubt = el("p", { class: "meta", id: "doubted-names" }, all
    ? ["تظهر كل الأسماء، ومنها ما ورد مرة واحدة بثقة منخفضة. ", el("a", { href: link(type, false) }, "إخفاؤها")]
    : ["لا تظهر الأسماء التي وردت مرة واحدة بثقة منخفضة (أغلبها ليس أسماء). ", el("a", { href: link(type, true) }, "إظهارها")]);
  return [el("h1", {}, "الكيانات"), filters, doubt,
    el("div", { class: "card" }, data.items.length ? el("table", {},
      el("thead", {}, el("tr", {}, el("th", {}, "الاسم"), el("th", {}, "النوع"), el("th", {}, "مرات الذكر"))),
      el("tbody", {}, ...data.items.map((e) => el("tr", {},
        el("td", {}, el("a", { href: `#/entity/${encodeURIComponent(e.id)}` }, e.name)),
        el("td", {}, el("span", { class: `badge type-${e.type}` }, entityTypeOne(e.type))),
        el("td", {}, String(e.mention_count))))))
      : el("p", { class: "muted" }, "لم تُستخرج كيانات بعد."))];
}

function mentionChart(byDate) {
  if (!byDate.length) return el("p", { class: "muted" }, "لا تواريخ.");
  const ns = "http://www.w3.org/2000/svg";
  const w = 28, hMax = 80, max = Math.max(...byDate.map((b) => b.mentions));
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("viewBox", `0 0 ${byDate.length * w + 10} ${hMax + 42}`);
  svg.setAttribute("width", Math.min(360, (byDate.length * w + 10) * 1.6)); // few days → small chart, not huge bars
  svg.setAttribute("direction", "ltr");
  byDate.forEach((b, i) => {
    const h = Math.max(2, (b.mentions / max) * hMax);
    const r = document.createElementNS(ns, "rect");
    Object.entries({ x: 5 + i * w, y: hMax - h + 5, width: w - 6, height: h }).forEach(([k, v]) => r.setAttribute(k, v));
    const t = document.createElementNS(ns, "title");
    t.textContent = `${fmtDate(b.date)}: ${countPhrase(b.mentions, "مرة")}`;
    r.append(t);
    const lab = document.createElementNS(ns, "text");
    lab.setAttribute("x", 5 + i * w);
    lab.setAttribute("y", hMax + 20);
    lab.textContent = String(Number(b.date.slice(8, 10)));
    svg.append(r, lab);
    if (i === 0 || b.date.slice(0, 7) !== byDate[i - 1].date.slice(0, 7)) { // the month under its first day
      const mon = document.createElementNS(ns, "text");
      mon.setAttribute("x", 5 + i * w);
      mon.setAttribute("y", hMax + 36);
      mon.textContent = labels().months[Number(b.date.slice(5, 7)) - 1] || "";
      svg.append(mon);
    }
  });
  return svg;
}

async function entityView(id) {
  setActive("entities");
  const d = await api(`/api/entities/${encodeURIComponent(id)}`);
  const e = d.entity;
  document.title = `راصد — ${e.name}`;
  const side = [];
  if (e.lat != null && e.lon != null) {
    const box = el("div", { class: "map", id: "map" });
    side.push(el("section", { class: "card" }, el("h2", {}, "الموقع"), box));
    drawMap(box, [{ id: e.id, name: e.name, lat: e.lat, lon: e.lon }]).catch((err) => box.append(errorBox(err)));
  }
  side.push(el("section", { class: "card" }, el("h2", {}, "الذكر عبر الزمن"), mentionChart(d.by_date)));
  return [
    el("p", { class: "meta" }, el("a", { href: "#/entities" }, "الكيانات"), " › كيان"),
    el("h1", {}, e.name, " ", el("span", { class: `badge type-${e.type}` }, entityTypeOne(e.type))),
    el("p", {}, followButton(e.type === "LOC" ? "place" : "entity", e.id, e.name)),
    e.aliases.length ? el("p", { class: "meta" }, "أسماء أخرى: ", e.aliases.join("، ")) : "",
    el("div", { class: "grid" },
      el("div", {},
        el("section", { class: "card", id: "entity-stories" }, el("h2", {}, "القصص عبر الزمن"),
          el("p", { class: "meta" }, el("a", { id: "entity-filter", href: `#/?${e.type === "LOC" ? "place" : "entity"}=${encodeURIComponent(e.id)}` },
            e.type === "LOC" ? "كل قصص هذا المكان في قائمة القصص، مع التصفية والترتيب" : "كل قصص هذا الاسم في قائمة القصص، مع التصفية والترتيب")),
          d.story_total > d.stories.length
            ? el("p", { class: "meta", id: "entity-stories-count" }, `الأقدم أولاً: ${d.stories.length} من ${d.story_total}.`) : "",
          el("ol", { class: "timeline" }, ...d.stories.map((s) => el("li", {},
            dateRange(s.first_date, s.last_date), " — ",
            s.id ? el("a", { href: `#/story/${encodeURIComponent(s.id)}` }, s.title || s.id) : el("span", { class: "muted" }, "بلا قصة"),
            " ", el("span", { class: "meta" }, `(ذُكر ${countPhrase(s.mention_count, "مرة")} في ${countPhrase(s.document_count, "مقال")})`))))),
        el("section", { class: "card", id: "mentions" }, el("h2", {}, "مواضع الذكر"),
          d.mention_total > d.mentions.length
            ? el("p", { class: "meta" }, `الأحدث أولاً: ${d.mentions.length} من ${d.mention_total}.`) : "",
          el("ul", { class: "plain" }, ...d.mentions.map((m) => el("li", {},
            fact(m.doc, m.start, m.end, m.text), " ", el("span", { class: "meta" }, `— ${outletName(m.outlet)}: ${m.title || m.doc}`)))))),
      el("div", {}, ...side)),
  ];
}

// ---- search -------------------------------------------------------------------------------------
function snippetWithHits(hit) {
  const sn = hit.snippet;
  const box = el("span", { class: "snippet" });
  let pos = sn.start;
  for (const m of hit.matches.filter((m) => m.start >= sn.start && m.end <= sn.end)) {
    box.append(sliceCp(sn.text, pos - sn.start, m.start - sn.start), el("mark", { class: "hit" }, sliceCp(sn.text, m.start - sn.start, m.end - sn.start)));
    pos = m.end;
  }
  box.append(sliceCp(sn.text, pos - sn.start, sn.end - sn.start));
  return [sn.start > 0 ? "… " : "", box, " …"];
}

async function searchView(params) {
  setActive("search");
  document.title = "راصد — البحث";
  const [outlets, people, places] = await Promise.all([
    api("/api/outlets"), api("/api/entities", { limit: 100 }), api("/api/entities", { limit: 100, type: "LOC" })]);
  const val = (k) => params.get(k) || "";
  const select = (name, label, options) => el("label", {}, label,
    el("select", { name }, el("option", { value: "" }, "الكل"),
      ...options.map(([v, t]) => el("option", { value: v, selected: v === val(name) ? "selected" : undefined }, t))));
  const form = el("form", { class: "search card", id: "search-form" },
    el("label", {}, "كلمات البحث", el("input", { type: "search", name: "q", value: val("q"), maxlength: "500", placeholder: "مثال: زيارة موسكو" })),
    select("outlet", "المصدر", outlets.map((o) => [o.outlet, `${outletName(o.outlet)} (${o.documents})`])),
    datePicker("date_from", val("date_from"), "من تاريخ"),
    datePicker("date_to", val("date_to"), "إلى تاريخ", { end: true }),
    select("entity", "كيان", people.items.filter((e) => e.type !== "LOC").map((e) => [e.id, e.name])),
    select("place", "مكان", places.items.map((e) => [e.id, e.name])),
    el("button", { type: "submit" }, "ابحث"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = `#/search?${p}`;
  });
  const out = [el("h1", {}, "البحث"), form];
  const q = {};
  for (const k of ["q", "outlet", "date_from", "date_to", "entity", "place"]) if (val(k)) q[k] = val(k);
  if (!Object.keys(q).length) return out;
  let res;
  try {
    res = await api("/api/search", { ...q, ...pageParams(params, 50) });
  } catch (err) {
    return [...out, errorBox(err)];
  }
  out.push(el("p", { class: "muted", id: "search-total" }, countPhrase(res.total, "نتيجة")));
  const filters = {};
  for (const k of ["date_from", "date_to", "entity", "place"]) if (q[k]) filters[k] = q[k];
  if (q.outlet) filters.outlet = [q.outlet];
  out.push(el("div", { class: "search-actions" }, exportLinks("/api/search/export", q),
    q.q ? [" ", followButton("query", q.q, q.q)] : "", " ", saveSearchForm(q.q || "", filters)));
  const alt = Object.entries(res.expanded || {}).map(([k, v]) => `${k} ← ${v.join("، ")}`);
  if (alt.length) out.push(el("p", { class: "meta", id: "search-expanded" }, `بحث أيضًا بالعربية: ${alt.join(" · ")}`));
  out.push(el("ul", { class: "plain hits card", id: "hits" }, ...res.items.map((h) => {
    const first = h.matches[0];
    return el("li", { "data-doc": h.doc },
      el("a", { class: "hit-title", href: first ? factHref(h.doc, first.start, first.end) : factHref(h.doc) }, h.title || h.doc), " ",
      el("span", { class: "badge" }, outletName(h.outlet)), el("span", { class: "date meta" }, fmtDate(h.published)),
      h.story ? [" · ", el("a", { href: `#/story/${encodeURIComponent(h.story)}`, class: "meta" }, "القصة")] : "",
      el("div", { class: "meta" }, ...snippetWithHits(h)));
  })));
  out.push(pager("#/search", params, res));
  return out;
}

// ---- map of places: every located place, a pin leading to its stories ------------------------------
async function mapView() {
  setActive("map");
  document.title = "راصد — الخريطة";
  const data = await api("/api/entities", { type: "LOC", limit: 100 });
  const located = data.items.filter((e) => e.lat != null && e.lon != null);
  const box = el("div", { class: "map", id: "map" });
  drawMap(box, located.map((e) => ({ id: e.id, name: e.name, lat: e.lat, lon: e.lon, href: `#/?place=${encodeURIComponent(e.id)}` })))
    .catch((err) => box.append(errorBox(err)));
  return [el("h1", {}, "الخريطة"),
    el("p", { class: "muted" }, `${countPhrase(located.length, "مكان")} على الخريطة؛ اختر مكانًا لترى قصصه.`),
    el("section", { class: "card" }, box),
    el("section", { class: "card" }, el("ul", { class: "plain cols2", id: "places" }, ...located.map((e) => el("li", {},
      el("a", { href: `#/?place=${encodeURIComponent(e.id)}` }, e.name), " ",
      el("span", { class: "meta" }, `(${countPhrase(e.mention_count, "مرة")})`)))))];
}

// ---- router -------------------------------------------------------------------------------------
const routes = [
  [/^#?\/?$/, (_m, p) => storiesView(p)],
  [/^#\/story\/(.+)$/, (m) => storyView(decodeURIComponent(m[1]))],
  [/^#\/doc\/(.+)$/, (m, p) => docView(decodeURIComponent(m[1]), p)],
  [/^#\/storylines$/, (_m, p) => storylinesView(p)],
  [/^#\/storyline\/(.+)$/, (m) => storylineView(decodeURIComponent(m[1]))],
  [/^#\/entities$/, (_m, p) => entitiesView(p)],
  [/^#\/entity\/(.+)$/, (m) => entityView(decodeURIComponent(m[1]))],
  [/^#\/search$/, (_m, p) => searchView(p)],
  [/^#\/map$/, () => mapView()],
  [/^#\/events$/, (_m, p) => { setActive("events"); return eventsView(p, { pager, pageParams, fact }); }],
  [/^#\/outlet\/(.+)$/, (m, p) => outletView(decodeURIComponent(m[1]), p, { pager, pageParams })],
  [/^#\/alerts$/, () => { setActive("alerts"); return alertsView(); }],
  [/^#\/watchlist$/, () => { setActive("watchlist"); return watchlistView(); }],
];

const scroll = scrollMemory();

async function route() {
  const [path, query] = (location.hash || "#/").split("?");
  const params = new URLSearchParams(query || "");
  const root = view();
  document.body.dataset.ready = "0";
  scroll.before();
  try {
    const hit = routes.find(([re]) => re.test(path));
    const nodes = hit ? await hit[1](path.match(hit[0]), params) : [el("h1", {}, "الصفحة غير موجودة")];
    clear(root);
    root.append(...nodes.flat());
    scroll.after(() => {
      const mark = document.getElementById("hl-span");
      if (mark) mark.scrollIntoView({ block: "center", inline: "nearest" });
      else window.scrollTo(0, 0);
    });
  } catch (err) {
    clear(root);
    root.append(errorBox(err));
    scroll.after(() => window.scrollTo(0, 0));
  }
  document.body.dataset.ready = "1";
}

document.getElementById("quick-search").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = new FormData(ev.target).get("q");
  location.hash = `#/search?${new URLSearchParams({ q })}`;
});
window.addEventListener("hashchange", route);
loadLabels().catch(() => null).then(() => loadOutletNames().catch(() => null)).then(route);
