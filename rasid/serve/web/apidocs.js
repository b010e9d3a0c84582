// Offline API reference: /openapi.json rendered as cards (a file, not inline: the CSP forbids inline script).
import { el } from "/static/util.js";
const spec = await (await fetch("/openapi.json")).json();
const root = document.getElementById("paths");
for (const [path, ops] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(ops)) {
    const params = (op.parameters || []).map((p) => el("li", {},
      el("code", { dir: "ltr" }, p.name), ` (${p.in}${p.required ? "، إلزامي" : ""}) `, p.description || ""));
    root.append(el("section", { class: "card", dir: "ltr" },
      el("h2", {}, el("code", {}, `${method.toUpperCase()} ${path}`)),
      el("p", {}, op.summary || ""), el("pre", { class: "pre-wrap" }, op.description || ""),
      params.length ? el("ul", {}, ...params) : ""));
  }
}
