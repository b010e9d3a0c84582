// URL safety for the UI: only http(s) URLs from the data become links; anything else (javascript:,
// data:, vbscript:, in any letter case, with leading spaces or control characters) is shown as text.
// The URL parser is the browser's own, so the scheme is read exactly as a click would read it.

const WEB_SCHEMES = new Set(["http:", "https:"]);

// The absolute http(s) URL `url` stands for, or null when it is anything else.
export function safeHref(url) {
  if (typeof url !== "string" || !url.trim()) return null;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return WEB_SCHEMES.has(parsed.protocol) && parsed.hostname ? parsed.href : null;
}

// An href the app itself builds (#/route, /path) or a safe absolute URL; null otherwise.
export function safeAppHref(href) {
  const s = String(href);
  if (s.startsWith("#") || (s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\"))) return s;
  return safeHref(s);
}

// A link to an article's original URL, or the URL as plain text when it is not http(s).
export function urlNode(url) {
  const href = safeHref(url);
  if (href) {
    const a = document.createElement("a");
    a.href = href;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    a.dir = "ltr";
    a.className = "source-url";
    a.textContent = url;
    return a;
  }
  const span = document.createElement("span");
  span.dir = "ltr";
  span.className = "source-url unsafe-url";
  span.title = "رابط غير مسموح (ليس http أو https): يُعرض نصًّا فقط";
  span.textContent = url;
  return span;
}
