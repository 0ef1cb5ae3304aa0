"""The application factory: routers, middleware, problem+json handlers, static files, templates.

``uvicorn --factory medtrace.app:create_app`` and ``medtrace serve`` both call it. Tests pass
their own ``Database`` (bound to one connection inside a savepoint) to see their own data.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, RedirectResponse, Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from medtrace import __version__, registry
from medtrace.platform import i18n
from medtrace.platform.audit import chain as audit_chain
from medtrace.platform.auth.errors import PasswordExpired, SessionExpired, Unauthenticated
from medtrace.platform.auth.resolve import resolve_actor
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.idempotency.middleware import IdempotencyMiddleware
from medtrace.platform.observability.logging import configure_logging
from medtrace.platform.observability.metrics import Metrics
from medtrace.platform.policy import COMPANY_NAME_EN, COMPANY_NAME_ZH, get_setting
from medtrace.platform.web import api_docs
from medtrace.platform.web.limits import BodyLimitMiddleware
from medtrace.platform.web.middleware import RequestContextMiddleware
from medtrace.platform.web.openapi import install_openapi, operation_id
from medtrace.platform.web.problems import install_problem_handlers
from medtrace.platform.web.templating import STATIC_DIR, make_templates, render
from medtrace.settings import Settings, get_settings

API_PREFIX = "/api/v1"


def _company_provider(app: FastAPI) -> Any:
    """Layout context: the company name in the page's language, from the policy settings."""

    def provide(request: Request) -> dict[str, Any]:
        try:
            with UnitOfWork(app.state.db, write=False) as uow:
                names = {"zh_CN": get_setting(uow, COMPANY_NAME_ZH),
                         "en": get_setting(uow, COMPANY_NAME_EN)}
        except Exception:  # the header must render even when the database is down
            names = {}
        locale = getattr(request.state, "locale", i18n.current_locale())
        return {"company": names.get(locale) or names.get("zh_CN") or names.get("en")}

    return provide


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    registry.import_models()  # every mapper, before any query
    registry.register_menus_and_tiles()
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    db = db or Database.from_url(
        settings.database_url,
        pool_size=settings.db_pool_size,
        connect_timeout=settings.db_connect_timeout,
    )
    app = FastAPI(
        title="MedTrace API",
        version=__version__,
        description="Medical-device ERP with UDI / lot / serial traceability.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served from the app's own assets, see platform/web/api_docs.py
        redoc_url=None,
        generate_unique_id_function=operation_id,  # camelCase names, see platform/web/openapi.py
    )
    app.state.settings = settings
    app.state.secret_key = settings.resolved_secret_key()  # generated into var/ on first run
    audit_chain.use_key(settings.resolved_audit_key())  # for a keyed audit chain
    app.state.db = db
    app.state.metrics = Metrics(db.pool_status)
    app.state.templates = make_templates(settings.timezone)
    app.state.layout_context = _company_provider(app)
    app.state.resolve_actor = resolve_actor

    def render_error_page(
        request: Request, status: int, title: str, detail: str | None, code: str
    ) -> HTMLResponse:
        return render(
            app.state.templates,
            request,
            "error.html",
            status_code=status,
            status=status,
            title=title,
            detail=detail,
            code=code,
        )

    on_error = install_problem_handlers(app, render_error_page, _html_redirects)
    app.add_middleware(BodyLimitMiddleware, max_body=settings.max_body_bytes,
                       max_upload=settings.max_upload_bytes)
    app.add_middleware(IdempotencyMiddleware, prefix=API_PREFIX)
    if settings.proxy_hosts():  # X-Forwarded-For only from the configured proxies
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.proxy_hosts())
    app.add_middleware(
        RequestContextMiddleware,
        metrics=app.state.metrics,
        default_locale=settings.default_locale,
        on_error=on_error,
    )

    for router in registry.routers():  # every part's API, then every part's pages
        app.include_router(router)
    install_openapi(app)  # every operation's problem answers
    app.mount(api_docs.ASSETS_PATH, StaticFiles(directory=api_docs.ASSETS_DIR), name="api-docs")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _html_redirects(request: Request, exc: DomainError) -> Response | None:
    """Pages answer some refusals with a redirect instead of an error page."""
    if isinstance(exc, Unauthenticated | SessionExpired):
        expired = isinstance(exc, SessionExpired) or getattr(
            request.state, "session_expired", False
        )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        query = urlencode({"next": target, "reason": "idle" if expired else "signin"})
        return RedirectResponse(f"/login?{query}", status_code=303)
    if isinstance(exc, PasswordExpired):
        return RedirectResponse("/account/password", status_code=303)
    return None
