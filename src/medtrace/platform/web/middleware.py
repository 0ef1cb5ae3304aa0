"""One ASGI middleware for what every request needs: a request id, the user's language,
metrics and one structured access-log line.

Written as plain ASGI (not BaseHTTPMiddleware) so streaming responses stay streamed and the
overhead per request stays small.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medtrace.platform import i18n
from medtrace.platform.observability.logging import bind_request, clear_request, get_logger
from medtrace.platform.observability.metrics import Metrics

REQUEST_ID_HEADER = b"x-request-id"
LOCALE_COOKIE = "medtrace_lang"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

access_log = get_logger("medtrace.access")

#: on every response; no inline script or style is allowed anywhere in the app
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
    (b"permissions-policy",
     b"camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"),
]
#: answers that may be cached: the static assets (everything else may carry someone's data)
CACHEABLE_PREFIXES = ("/static/", "/api/v1/docs-assets/")


def route_template(scope: Scope) -> str:
    """The matched route's template, so metrics do not explode with raw paths."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if template:
        return str(template)
    path = scope.get("path", "")
    if path.startswith("/static/"):
        return "/static/{path}"
    return "<unmatched>"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


class RequestContextMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        default_locale: str,
        on_error: Callable[[Request, Exception], Awaitable[Response]],
    ) -> None:
        self.app = app
        self.on_error = on_error
        self.metrics = metrics
        self.default_locale = default_locale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = _header(scope, REQUEST_ID_HEADER)
        request_id = (
            incoming if incoming and _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        cookie_value = None
        raw_cookie = _header(scope, b"cookie")
        if raw_cookie:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(raw_cookie)
            except Exception:  # a malformed cookie header must not break the request
                jar = SimpleCookie()
            if LOCALE_COOKIE in jar:
                cookie_value = jar[LOCALE_COOKIE].value
        locale = i18n.negotiate(
            cookie_value, _header(scope, b"accept-language"), self.default_locale
        )
        i18n.set_locale(locale)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["locale"] = locale
        clear_request()
        bind_request(request_id=request_id)
        status_holder = {"status": 500, "started": False}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = [h for h in message.get("headers", []) if h[0] != REQUEST_ID_HEADER]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                present = {h[0] for h in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if b"cache-control" not in present and not str(scope.get("path", "")).startswith(
                        CACHEABLE_PREFIXES):
                    headers.append((b"cache-control", b"no-store"))
                if b"content-language" not in present:
                    headers.append((b"content-language", i18n.HTML_LANG[locale].encode()))
                message["headers"] = headers
            await send(message)

        try:
            try:
                await self.app(scope, receive, send_wrapper)
            except Exception as exc:
                if status_holder["started"]:
                    raise
                response = await self.on_error(Request(scope), exc)
                await response(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            status = status_holder["status"]
            self.metrics.observe(scope["method"], route, status, elapsed)
            access_log.info(
                "http.request",
                method=scope["method"],
                path=scope.get("path"),
                route=route,
                status=status,
                duration_ms=round(elapsed * 1000, 2),
                **({"user": state["user"]} if state.get("user") else {}),
            )
            clear_request()
