"""Pages: sign-in and sign-out, change password, administration of users and roles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medtrace.platform.actor import Actor
from medtrace.platform.auth import permissions as perms
from medtrace.platform.auth import service
from medtrace.platform.auth.sessions import SESSION_COOKIE, end_session, start_session
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import translate
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import client_ip, new_uow
from medtrace.platform.web.forms import form_error
from medtrace.platform.web.middleware import LOCALE_COOKIE
from medtrace.platform.web.pages import local_target
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

LOGIN_REASONS = {"idle", "signin", "signed_out", "password_changed"}


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status, **context)


# -- sign-in ---------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse, dependencies=[perms.public()])
def login_form(request: Request, next: str | None = None, reason: str | None = None) -> Response:
    csrf.presession_token(request)
    page = _page(request, "auth/login.html", next=local_target(next),
                 reason=reason if reason in LOGIN_REASONS else None)
    return csrf.remember(request, page)


@router.post("/login", response_class=HTMLResponse, dependencies=[perms.public()])
async def login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username", ""))
    password = str(form.get("password", ""))
    target = local_target(str(form.get("next", "/")))
    return await _finish_login(request, username, password, target)


async def _finish_login(request: Request, username: str, password: str, target: str) -> Response:
    from starlette.concurrency import run_in_threadpool

    def work() -> tuple[service.LoginOutcome, str | None, str | None]:
        with new_uow(request) as uow:
            outcome = service.attempt_login(
                uow, username=username, password=password, channel="web",
                ip=client_ip(request), user_agent=request.headers.get("user-agent"),
            )
            raw, language = None, None
            if outcome.user is not None:
                raw, _row = start_session(uow, outcome.user, ip=client_ip(request),
                                          user_agent=request.headers.get("user-agent"))
                language = outcome.user.language
        return outcome, raw, language

    outcome, raw, language = await run_in_threadpool(work)
    if outcome.error is not None or raw is None:
        csrf.presession_token(request)
        page = _page(request, "auth/login.html", status=outcome.error.status if outcome.error
                     else 401, next=target, username=username,
                     **form_error(request, outcome.error or DomainError()))
        return csrf.remember(request, page)
    response = RedirectResponse(target, status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, raw, httponly=True, samesite="lax", secure=secure)
    if language and not request.cookies.get(LOCALE_COOKIE):
        response.set_cookie(LOCALE_COOKIE, language, max_age=365 * 24 * 3600, httponly=True,
                            samesite="lax", secure=secure)
    response.delete_cookie(csrf.PRESESSION_COOKIE)
    return response


@router.post("/logout", dependencies=[perms.public()])
def logout(request: Request) -> Response:
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        with new_uow(request) as uow:
            end_session(uow, raw)
    response = RedirectResponse("/login?reason=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- own password ----------------------------------------------------------------------------


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, actor: Actor = perms.require_signed_in()) -> Response:
    return _page(request, "auth/password.html")


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(
    request: Request, actor: Actor = perms.require_signed_in()
) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    current, new = str(form.get("current_password", "")), str(form.get("new_password", ""))
    repeat = str(form.get("repeat_password", ""))

    def work() -> dict[str, Any] | None:
        if new != repeat:
            return {"error": translate("The two new passwords differ.", request.state.locale),
                    "field_errors": {"repeat_password": ""}}
        try:
            with new_uow(request) as uow:
                user = service.get_user_or_raise(uow, int(actor.id or 0))
                service.change_own_password(
                    uow, user, current, new,
                    keep_session_id=getattr(request.state, "session_id", None))
        except DomainError as exc:
            return form_error(request, exc)
        return None

    problem = await run_in_threadpool(work)
    if problem is not None:
        return _page(request, "auth/password.html", status=422, **problem)
    request.state.password_must_change = False
    return _page(request, "auth/password.html", saved=True)


@router.post("/account/sign-out-everywhere")
async def sign_out_everywhere(request: Request, actor: Actor = perms.require_signed_in()
                              ) -> Response:
    """End every session (this one too) and every token of the signed-in user."""
    from starlette.concurrency import run_in_threadpool

    def work() -> None:
        with new_uow(request) as uow:
            service.sign_out_everywhere(uow, service.get_user_or_raise(uow, int(actor.id or 0)))

    await run_in_threadpool(work)
    response = RedirectResponse("/login?reason=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
