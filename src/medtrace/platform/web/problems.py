"""RFC 9457 problem details for every failure, and error pages for people.

The API (and any client that does not ask for HTML) gets ``application/problem+json``::

    {"type": "/api/v1/errors/MT-COMMON-NOT-FOUND", "title": "...", "status": 404,
     "detail": "...", "code": "MT-COMMON-NOT-FOUND", "request_id": "...", "instance": "/path",
     "errors": [{"field": "body.quantity", "message": "...", "type": "..."}]}

A browser asking for a page gets the same facts as an HTML page in its language. No stack
trace ever reaches a client: unexpected exceptions are logged with the request id and answered
with ``MT-COMMON-INTERNAL``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response

from medtrace.platform import i18n
from medtrace.platform.errors import (
    DomainError,
    HttpError,
    InternalError,
    MethodNotAllowed,
    NotFound,
    ValidationFailed,
)
from medtrace.platform.i18n.validation import message as validation_message
from medtrace.platform.observability.logging import get_logger

log = get_logger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
ERROR_TYPE_BASE = "/api/v1/errors/"

#: renders an HTML error page: (request, status, title, detail, code) -> HTMLResponse
HtmlRenderer = Callable[[Request, int, str, str | None, str], HTMLResponse]


def problem_body(
    *,
    code: str,
    status: int,
    title: str,
    detail: str | None,
    request_id: str | None,
    instance: str | None,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": ERROR_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail if detail is not None else title,
        "code": code,
        "request_id": request_id,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    for key, value in (extra or {}).items():
        body.setdefault(key, value)
    return body


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(
        content=json.dumps(body, ensure_ascii=False, default=str),
        status_code=body["status"],
        media_type=PROBLEM_CONTENT_TYPE,
        headers=headers,
    )


def wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.method not in ("GET", "HEAD", "POST"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _locale(request: Request) -> str:
    return getattr(request.state, "locale", None) or i18n.current_locale()


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


#: where a refused value came from, as the user reads it
_PLACES = {"query": i18n.N_("address parameter"), "path": i18n.N_("address"),
           "body": i18n.N_("form"), "header": i18n.N_("header"), "cookie": i18n.N_("cookie")}


def _field_label(field: str, locale: str) -> str:
    """``query.code`` -> "address parameter code" in the user's language."""
    place, _sep, name = field.partition(".")
    if place in _PLACES:
        return f"{i18n.translate(_PLACES[place], locale)} {name}".strip()
    return field


def validation_errors(exc: RequestValidationError, locale: str | None = None
                      ) -> list[dict[str, Any]]:
    """Each refused field with its message in ``locale`` (never pydantic's English words)."""
    out = []
    for error in exc.errors():
        kind = error.get("type", "")
        out.append(
            {
                "field": _field_name(error.get("loc", ())),
                "message": validation_message(kind, error.get("ctx"),
                                              locale or i18n.current_locale()),
                "type": kind,
            }
        )
    return out


ErrorResponder = Callable[[Request, Exception], Any]


def install_problem_handlers(
    app: FastAPI,
    render_html: HtmlRenderer | None = None,
    html_override: Callable[[Request, DomainError], Response | None] | None = None,
) -> ErrorResponder:
    """Register the handlers; returns the responder for unexpected exceptions, which the
    request middleware calls so that even a 500 carries the request id header."""
    def respond(
        request: Request,
        error: type[DomainError],
        detail: str | None,
        errors: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        status: int | None = None,
    ) -> Response:
        locale = _locale(request)
        title = i18n.translate(error.title, locale)
        status = status or error.status
        if render_html is not None and wants_html(request):
            shown = i18n.translate_known(detail, locale) if detail else None
            page = render_html(request, status, title, shown, error.code)
            if headers:
                page.headers.update(headers)
            return page
        body = problem_body(
            code=error.code,
            status=status,
            title=title,
            detail=detail,
            request_id=_request_id(request),
            instance=request.url.path,
            errors=errors,
            extra=extra,
        )
        return problem_response(body, headers)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if html_override is not None and wants_html(request):
            overridden = html_override(request, exc)
            if overridden is not None:
                return overridden
        detail = i18n.translate(exc.detail, _locale(request)) if exc.detail else None
        headers = None
        if exc.status == 401:
            headers = {"WWW-Authenticate": 'Bearer realm="medtrace"'}
        elif exc.status == 429:
            headers = {"Retry-After": str((exc.extra or {}).get("retry_after", 600))}
        return respond(request, type(exc), detail, exc.errors, exc.extra, headers=headers)

    app.state.domain_error_responder = _domain

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = validation_errors(exc, _locale(request))
        detail = "; ".join(f"{_field_label(e['field'], _locale(request))}: {e['message']}"
                           for e in errors[:5])
        return respond(request, ValidationFailed, detail, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 404:
            detail = None if exc.detail in (None, "Not Found") else str(exc.detail)
            detail = detail or i18n.translate("No page or resource at %(path)s.", _locale(request),
                                              path=request.url.path)
            return respond(request, NotFound, detail, headers=headers)
        if exc.status_code == 405:
            return respond(request, MethodNotAllowed, None, headers=headers)
        return respond(request, HttpError, str(exc.detail), headers=headers,
                       status=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        if isinstance(exc, DomainError):  # refused by a middleware, outside the routes
            return await _domain(request, exc)
        log.error(
            "http.unhandled_exception",
            path=request.url.path,
            error=f"{type(exc).__name__}: {exc}",
            exc_info=exc,
        )
        return respond(request, InternalError, None)

    return _unexpected
