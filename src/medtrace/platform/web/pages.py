"""Platform pages: the home dashboard, the language switch, the system status page; and the
error catalogue that every problem's ``type`` points at."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from medtrace import __version__
from medtrace.platform import i18n
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import SYSTEM_VIEW, public, require, require_signed_in
from medtrace.platform.errors import DomainError, NotFound, error_catalog
from medtrace.platform.observability.health import check_readiness
from medtrace.platform.web.dashboard import build_dashboard
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.middleware import LOCALE_COOKIE
from medtrace.platform.web.templating import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["errors"])

ONE_YEAR = 365 * 24 * 3600


@pages.get("/", response_class=HTMLResponse)
def home(request: Request, actor: Actor = require_signed_in()) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        sections = build_dashboard(uow, actor)
    return render(request.app.state.templates, request, "home.html", sections=sections)


@pages.get("/system", response_class=HTMLResponse)
def system(request: Request, _: Actor = require(SYSTEM_VIEW)) -> HTMLResponse:
    readiness = check_readiness(request.app.state.db)
    return render(
        request.app.state.templates,
        request,
        "system.html",
        readiness=readiness,
        version=__version__,
        dialect=request.app.state.db.dialect,
        pool=request.app.state.db.pool_status(),
    )


def local_target(target: str | None) -> str:
    """Only same-site paths: the switch must not become an open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@pages.get("/lang/{locale}", dependencies=[public()])
def switch_language(request: Request, locale: str, next: str | None = None) -> RedirectResponse:
    chosen = i18n.normalize_locale(locale)
    if chosen is None:
        raise NotFound(i18n.N_("Unknown language."))
    actor = request.app.state.resolve_actor(request)
    if actor is not None and actor.kind == "user":  # the choice follows the user everywhere
        from medtrace.platform.auth import service as auth_service

        with new_uow(request) as uow:
            user = auth_service.get_user_or_raise(uow, int(actor.id or 0))
            if user.language != chosen:
                auth_service.update_user(uow, user, language=chosen)
    response = RedirectResponse(local_target(next), status_code=303)
    response.set_cookie(
        LOCALE_COOKIE,
        chosen,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _describe(error: type[DomainError], locale: str) -> dict[str, object]:
    return {
        "code": error.code,
        "status": error.status,
        "title": i18n.translate(error.title, locale),
        "description": error.help,
    }


@api.get("/errors", summary="Every error code the API can answer with",
         dependencies=[public()])
def list_errors(request: Request) -> list[dict[str, object]]:
    return [_describe(e, request.state.locale) for e in error_catalog()]


@api.get("/errors/{code}", summary="One error code (the `type` of a problem points here)",
         dependencies=[public()])
def get_error(request: Request, code: str) -> dict[str, object]:
    error = DomainError.registry.get(code.upper())
    if error is None:
        raise NotFound(f"no error code {code}")
    return _describe(error, request.state.locale)
