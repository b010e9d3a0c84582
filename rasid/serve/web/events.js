// Events in words: a PLOVER type and mode, the status (وقع، مخطط له، منفي…), «خلفية» for background, who did
// it to whom as the source wrote them, and the source sentence as a fact link. The events page filters
// /api/events by type, status and story, paged. Codes stay in the API: every word comes from labels.json.
// No inline scripts, styles or handlers (strict CSP): listeners are attached here.
import { el, api, countPhrase, eventName, fmtSpan, labels, statusName } from "./util.js";

// The badges of one event: type · mode, its status when it did not (yet) happen, background.
export function eventBadges(e) {
  const status = e.status || "occurred";
  return [
    el("span", { class: "badge event-type" }, eventName(e.type, e.mode)),
    status !== "occurred" ? [" ", el("span", { class: `badge warn event-status status-${status}` }, statusName(status))] : "",
    e.background ? [" ", el("span", { class: "badge event-background" }, labels().event_background || "خلفية")] : "",
  ];
}

// «الفاعل: … · الطرف الآخر: …» from the mentions the source wrote (actor_text / target_text), or nothing.
function roles(e) {
  const parts = [];
  if (e.actor_text?.length) parts.push(`الفاعل: ${e.actor_text.join("، ")}`);
  if (e.target_text?.length) parts.push(`الطرف الآخر: ${e.target_text.join("، ")}`);
  return parts.length ? el("div", { class: "meta event-roles" }, parts.join(" · ")) : "";
}

// One event as a list item; `fact` makes the sentence link (app.js owns it), `extra` follows the sentence.
export function eventItem(e, fact, extra = "") {
  return el("li", { class: `event${e.background ? " background" : ""}`, "data-event": e.id, "data-type": e.type,
    "data-status": e.status || "occurred" },
  ...eventBadges(e),
  e.date ? el("span", { class: "date meta" }, ` ${fmtSpan(e.date, e.date_end)} `) : " ",
  fact(e.doc, e.sentence.start, e.sentence.end, e.sentence.text), roles(e), extra);
}

export const EVENT_FILTERS = ["type", "status", "story"];

// Type and status selects (the story scope rides along as a hidden field); submitting rewrites the hash.
async function eventFilterForm(params) {
  const types = await api("/api/event-types");
  const val = (k) => params.get(k) || "";
  const select = (name, label, options) => el("label", {}, label,
    el("select", { name }, el("option", { value: "" }, "الكل"),
      ...options.map(([v, t]) => el("option", { value: v, selected: v === val(name) ? "selected" : undefined }, t))));
  const form = el("form", { class: "filters card", id: "event-filters", role: "search" },
    select("type", "نوع الحدث", types.map((t) => [t.type, eventName(t.type)])),
    select("status", "الحالة", Object.keys(labels().event_statuses || {}).map((s) => [s, statusName(s)])),
    val("story") ? el("input", { type: "hidden", name: "story", value: val("story") }) : "",
    el("span", { class: "filter-actions" }, el("button", { type: "submit" }, "اعرض"), " ",
      el("a", { href: val("story") ? `#/events?story=${encodeURIComponent(val("story"))}` : "#/events", class: "reset" }, "مسح")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = p.toString() ? `#/events?${p}` : "#/events";
  });
  return form;
}

// The events page: #/events?type=&status=&story=&offset=
export async function eventsView(params, { pager, pageParams, fact }) {
  document.title = "راصد — الأحداث";
  const q = { ...pageParams(params, 50) };
  for (const k of EVENT_FILTERS) if (params.get(k)) q[k] = params.get(k);
  const [form, res, story] = await Promise.all([eventFilterForm(params), api("/api/events", q),
    q.story ? api(`/api/stories/${encodeURIComponent(q.story)}`).catch(() => null) : null]);
  return [
    el("h1", {}, "الأحداث"),
    story ? el("p", { class: "meta" }, "أحداث قصة: ",
      el("a", { href: `#/story/${encodeURIComponent(q.story)}` }, story.story.title || q.story)) : "",
    form,
    el("p", { class: "meta", id: "events-total" }, countPhrase(res.total, "حدث")),
    res.items.length
      ? el("ul", { class: "plain card events", id: "event-list" }, ...res.items.map((e) => eventItem(e, fact,
        e.story && !q.story ? [" ", el("a", { class: "meta", href: `#/story/${encodeURIComponent(e.story)}` }, "القصة")] : "")))
      : el("p", { class: "muted" }, "لا أحداث تطابق هذه التصفية."),
    pager("#/events", params, res),
  ];
}
