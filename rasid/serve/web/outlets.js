// The outlet perspective: who covered a story (a bar of covering outlets by ownership, counts by country, the
// outlets that published at the time but not about it) and one outlet's page (registry facts, how often it
// stands alone in a conflict, how early it reports, its stories). Facts come from /api/stories/{id}.coverage
// and /api/outlets/{id}; codes (state, SA…) are never shown: ownership words from labels.json, country names
// from the API. No inline styles or handlers (strict CSP): segment widths are set through the CSSOM.
import { el, api, countPhrase, dateRange, fmtDate, labels, outletName } from "./util.js";
import { urlNode } from "./safe.js";

const OWNERSHIP = ["state", "public", "private", "unknown"];

function ownershipName(o) {
  return labels().ownership?.[o] || labels().ownership?.unknown || "";
}

function countryName(c) {
  return c.country_name || "بلد غير معروف";
}

// Registry names (from /api/outlets) for outlets labels.json does not name, so every page says «سكاي نيوز
// عربية», not «skynews».
export async function loadOutletNames() {
  const list = await api("/api/outlets");
  const names = labels().outlets;
  for (const o of list) if (o.name && !names[o.outlet]) names[o.outlet] = o.name;
}

// An outlet's name as a link to its page.
export function outletLink(o, extra = "") {
  if (!o) return el("span", { class: "badge" }, outletName(o));
  return el("a", { class: `badge outlet-link ${extra}`.trim(), href: `#/outlet/${encodeURIComponent(o)}` }, outletName(o));
}

function ownershipBar(byOwnership) {
  const bar = el("div", { class: "cov-bar", role: "img" });
  const parts = [];
  for (const row of byOwnership) {
    if (!row.covered) continue;
    const seg = el("span", { class: `cov-seg own-${OWNERSHIP.includes(row.ownership) ? row.ownership : "unknown"}`,
      title: `${ownershipName(row.ownership)}: ${countPhrase(row.covered, "مصدر")}` });
    seg.style.flexGrow = String(row.covered); // CSSOM, not a style attribute: the CSP allows no inline styles
    bar.append(seg);
    parts.push(`${ownershipName(row.ownership)}: ${countPhrase(row.covered, "مصدر")}`);
  }
  bar.setAttribute("aria-label", `المصادر التي غطّت القصة حسب الملكية — ${parts.join("، ") || "لا مصادر"}`);
  return bar;
}

// «غطّاها مصدران · لم يغطّها مصدر واحد»: only the sides that have outlets.
function tally(r) {
  return [r.covered ? `غطّاها ${countPhrase(r.covered, "مصدر")}` : "", r.missing ? `لم يغطّها ${countPhrase(r.missing, "مصدر")}` : ""]
    .filter(Boolean).join(" · ");
}

// The story page's coverage card: who covered the event, by ownership and country, and who did not.
export function coverageCard(cov) {
  const card = el("section", { class: "card", id: "coverage" }, el("h2", {}, "من غطّى القصة"));
  if (!cov || !cov.covered.length) {
    card.append(el("p", { class: "muted" }, "لا مصادر معروفة لمقالات هذه القصة."));
    return card;
  }
  card.append(
    el("p", { class: "meta", id: "coverage-summary" }, `غطّتها ${countPhrase(cov.covered.length, "مصدر")}`,
      cov.window ? `، ولم يغطّها ${cov.missing.length ? `${countPhrase(cov.missing.length, "مصدر")} من` : "أيٌّ من"} المصادر التي نشرت في الفترة نفسها (${fmtDate(cov.window.from)} – ${fmtDate(cov.window.to)}).` : "."),
    ownershipBar(cov.by_ownership),
    el("ul", { class: "plain cov-legend", id: "coverage-ownership" }, ...cov.by_ownership.map((r) =>
      el("li", { "data-ownership": r.ownership },
        el("span", { class: `swatch own-${OWNERSHIP.includes(r.ownership) ? r.ownership : "unknown"}` }), " ",
        el("strong", {}, ownershipName(r.ownership)), " ",
        el("span", { class: "meta" }, tally(r))))),
    el("h3", { class: "meta" }, "حسب البلد"),
    el("ul", { class: "plain cov-countries", id: "coverage-countries" }, ...cov.by_country.map((r) =>
      el("li", {}, el("strong", {}, countryName(r)), " ",
        el("span", { class: "meta" }, tally(r))))),
    el("h3", { class: "meta" }, "المصادر التي غطّتها"),
    el("p", { class: "cov-outlets", id: "coverage-covered" }, ...cov.covered.map((c) => outletLink(c.outlet, `own-${c.ownership}`))));
  if (cov.missing.length) {
    card.append(el("details", { class: "cov-missing", id: "coverage-missing" },
      el("summary", {}, `المصادر التي نشرت في الفترة نفسها ولم تغطّها (${cov.missing.length})`),
      el("p", { class: "cov-outlets" }, ...cov.missing.map((c) => outletLink(c.outlet, `own-${c.ownership} missing`)))));
  }
  return card;
}

function hoursPhrase(h) {
  if (h <= 0) return "بلا تأخر";
  if (h < 48) return countPhrase(Math.round(h), "ساعة");
  return countPhrase(Math.round(h / 24), "يوم");
}

function percent(x) {
  return `${Math.round(x * 100)}٪`;
}

// #/outlet/<id>: the registry record, the outlet's behaviour across the corpus, its stories newest first.
export async function outletView(id, params, { pager, pageParams }) {
  const d = await api(`/api/outlets/${encodeURIComponent(id)}`, pageParams(params, 20));
  const o = d.outlet, s = d.stats;
  if (o.name && !labels().outlets[id]) labels().outlets[id] = o.name;
  document.title = `راصد — ${outletName(id)}`;
  const facts = el("ul", { class: "plain", id: "outlet-registry" },
    el("li", {}, el("strong", {}, "البلد: "), o.country_name || "غير معروف"),
    el("li", {}, el("strong", {}, "الملكية: "), ownershipName(o.ownership)),
    o.affiliation ? el("li", {}, el("strong", {}, "الجهة والانتماء كما يذكرهما المرجع: "),
      el("span", { lang: "en", dir: "ltr", class: "affiliation" }, o.affiliation)) : "",
    o.source ? el("li", {}, el("strong", {}, "المرجع: "), urlNode(o.source)) : "",
    o.registry_id ? "" : el("li", { class: "muted" }, "هذا المصدر غير مسجّل في سجل المصادر؛ أضفه في ملفك (rasid serve --outlets)."));
  const conflicts = s.conflicts
    ? `التعارضات بين المصادر التي أخذ فيها موقفًا: ${countPhrase(s.conflicts, "تعارض")}؛ انفرد بروايته وحده في ${s.alone} منها (${percent(s.alone_share)}).`
    : "لم يأخذ موقفًا في أي تعارض بين المصادر.";
  const timing = s.shared_stories
    ? `القصص التي غطّتها مصادر أخرى أيضًا: ${countPhrase(s.shared_stories, "قصة")}؛ كان الأسبق في ${s.first_reports} منها (${percent(s.first_share)})، ووسيط تأخره عن أول مقال في القصة: ${hoursPhrase(s.median_lag_hours)}.`
    : "لا قصص شاركه في تغطيتها مصدر آخر بعد.";
  const stats = el("section", { class: "card", id: "outlet-stats" }, el("h2", {}, "سلوكه في المدوّنة"),
    el("ul", { class: "plain" },
      el("li", {}, `المقالات: ${countPhrase(s.documents, "مقال")} · القصص: ${countPhrase(s.stories, "قصة")}`,
        s.first_published ? [" · ", dateRange(s.first_published, s.last_published)] : ""),
      el("li", { id: "outlet-alone" }, conflicts),
      el("li", { id: "outlet-timing" }, timing)));
  const st = d.stories;
  const stories = el("section", { class: "card", id: "outlet-stories" }, el("h2", {}, "قصصه، الأحدث أولاً"),
    el("p", { class: "meta" }, el("a", { href: `#/?outlet=${encodeURIComponent(id)}` }, "كل قصصه في قائمة القصص، مع التصفية والترتيب")),
    st.items.length ? el("ol", { class: "timeline" }, ...st.items.map((x) => el("li", { "data-story": x.id },
      dateRange(x.first_date, x.last_date), " — ",
      el("a", { href: `#/story/${encodeURIComponent(x.id)}` }, x.title || "قصة بلا عنوان"), " ",
      el("span", { class: "meta" }, `(${countPhrase(x.size, "مقال")}${x.conflicts ? ` · ${countPhrase(x.conflicts, "تعارض")}` : ""})`))))
      : el("p", { class: "muted" }, "لا قصص لهذا المصدر في المدوّنة."),
    pager(`#/outlet/${encodeURIComponent(id)}`, params, st));
  return [
    el("p", { class: "meta" }, el("a", { href: "#/" }, "القصص"), " › مصدر"),
    el("h1", {}, outletName(id), " ", el("span", { class: `badge own-${o.ownership}` }, ownershipName(o.ownership))),
    el("div", { class: "grid" },
      el("div", {}, stats, stories),
      el("div", {}, el("section", { class: "card" }, el("h2", {}, "من هو"), facts))),
  ];
}
