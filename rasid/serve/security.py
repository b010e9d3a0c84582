"""What makes ``rasid serve`` safe to run on a network: response headers, Host check, token.

One pure-ASGI middleware (``Guard``) sits outside every route, static file and error handler, so:

* every response carries a strict Content-Security-Policy (scripts and styles only from this
  origin, no inline script, no framing), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options:
  DENY`` and ``Referrer-Policy: no-referrer``;
* a request whose ``Host`` is not one this server answers to is refused with 421 (DNS
  rebinding: a foreign site whose name resolves to this machine must not read the corpus);
* when a token is set, every request needs it, as ``Authorization: Bearer <token>`` or as the
  ``rasid_token`` cookie, which the small Arabic form at ``/login`` sets once (the token travels in
  a POST body, never in a URL that a log or history would keep). Tokens are compared with
  ``hmac.compare_digest``.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote, unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
ANY_ADDRESS = frozenset({"0.0.0.0", "::", ""})
COOKIE = "rasid_token"
LOGIN_PATH = "/login"
PUBLIC_PATHS = frozenset({LOGIN_PATH, "/static/style.css"})  # what the login page itself needs
MAX_LOGIN_BODY = 4096

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


MIN_TOKEN_CHARS = 8


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be used (HTTP headers carry visible ASCII only), or None."""
    if len(token) < MIN_TOKEN_CHARS:
        return f"the token is too short ({len(token)} characters, at least {MIN_TOKEN_CHARS})"
    if not all("!" <= c <= "~" for c in token):
        return "the token must be visible ASCII characters without spaces (HTTP headers cannot carry others)"
    return None


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    h = host.strip("[]").lower()
    return h in LOOPBACK_HOSTS or h.startswith("127.")


def host_name(value: str) -> str:
    """The name part of a ``Host`` header value: lower case, no port, IPv6 without brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def allowed_hosts_for(bind: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Loopback names, the bound host (unless it is a wildcard address) and ``extra`` names."""
    hosts = set(LOOPBACK_HOSTS)
    if bind and host_name(bind) not in ANY_ADDRESS:
        hosts.add(host_name(bind))
    hosts |= {host_name(h) for h in extra if h.strip()}
    return frozenset(hosts)


@dataclass(frozen=True)
class SecurityConfig:
    """Which Host names are answered (``"*"`` in the set: any) and the token, if one is required."""

    allowed_hosts: frozenset[str] = field(default=LOOPBACK_HOSTS)
    token: str | None = None

    def host_ok(self, host: str | None) -> bool:
        if "*" in self.allowed_hosts:
            return True
        return host is not None and host_name(host) in self.allowed_hosts

    def token_ok(self, given: str | None) -> bool:
        if self.token is None:
            return True
        if not given:
            return False
        return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), self.token.encode("utf-8", "surrogatepass"))


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


def _json(status: int, code: str, detail: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = json.dumps({"status": status, "code": code, "detail": detail}, ensure_ascii=False).encode()
    return status, [(b"content-type", b"application/json; charset=utf-8")], body


def login_page(error: bool = False) -> bytes:
    """The one-field Arabic form that asks for the token (no script, so the CSP needs no exception)."""
    msg = '<p class="card error" role="alert">الرمز غير صحيح، حاول مرة أخرى.</p>' if error else ""
    return f"""<!doctype html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>راصد — الدخول</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main class="login">
<h1>راصد</h1>
<p>هذا الخادم محمي برمز دخول. اطلب الرمز ممن شغّل الخادم (الخيار <code dir="ltr">--token</code> أو المتغير
<code dir="ltr">RASID_TOKEN</code>).</p>
{msg}
<form class="card search" method="post" action="{escape(LOGIN_PATH)}">
<label>رمز الدخول <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">دخول</button>
</form>
</main></body></html>""".encode()


class Guard:
    """ASGI middleware: security headers on every response, Host check, token check, ``/login``."""

    def __init__(self, app: ASGIApp, config: SecurityConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                if self.config.token is not None:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        host = headers.get(b"host")
        if not self.config.host_ok(host.decode("latin-1") if host is not None else None):
            await self._respond(send_secured, *_json(
                421, "host_not_allowed", "اسم المضيف في الطلب غير مسموح به لهذا الخادم. "
                "استعمل العنوان الذي شُغّل عليه الخادم أو أضف الاسم بالخيار ‎--allowed-host."))
            return
        path = scope.get("path", "")
        if self.config.token is not None:
            if path == LOGIN_PATH:
                await self._login(scope, receive, send_secured)
                return
            if path not in PUBLIC_PATHS and not self.config.token_ok(self._given_token(headers)):
                await self._unauthorised(scope, headers, send_secured)
                return
        await self.app(scope, receive, send_secured)

    @staticmethod
    def _given_token(headers: dict[bytes, bytes]) -> str | None:
        auth = headers.get(b"authorization", b"").decode("latin-1").strip()
        if auth[:7].lower() == "bearer ":
            return auth[7:].strip()
        raw = headers.get(b"cookie")
        if raw:
            try:
                jar = SimpleCookie(raw.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no token
                return None
            if COOKIE in jar:
                return unquote(jar[COOKIE].value)
        return None

    async def _unauthorised(self, scope: Scope, headers: dict[bytes, bytes], send: Send) -> None:
        wants_page = scope.get("method") == "GET" and b"text/html" in headers.get(b"accept", b"")
        if wants_page and not scope.get("path", "").startswith("/api/"):
            await self._respond(send, 401, [(b"content-type", b"text/html; charset=utf-8")], login_page())
            return
        status, hdrs, body = _json(401, "unauthorized", "هذا الخادم يتطلب رمز دخول: أرسله في الترويسة "
                                   "Authorization: Bearer أو ادخل من صفحة ‎/login.")
        await self._respond(send, status, [*hdrs, (b"www-authenticate", b'Bearer realm="rasid"')], body)

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        html = [(b"content-type", b"text/html; charset=utf-8")]
        if scope.get("method") != "POST":
            await self._respond(send, 200, html, login_page())
            return
        body = b""
        while True:
            msg = await receive()
            body += msg.get("body", b"")
            if len(body) > MAX_LOGIN_BODY:
                await self._respond(send, *_json(413, "too_large", "الطلب أكبر من المسموح."))
                return
            if not msg.get("more_body"):
                break
        given = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0]
        if not self.config.token_ok(given):
            await self._respond(send, 401, html, login_page(error=True))
            return
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{COOKIE}={quote(self.config.token, safe='')}; Path=/; HttpOnly; SameSite=Strict{secure}"
        await self._respond(send, 303, [(b"location", b"/"), (b"set-cookie", cookie.encode("latin-1"))], b"")

    @staticmethod
    async def _respond(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
