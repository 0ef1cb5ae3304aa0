"""CSRF protection for every form POST of the web pages.

Signed-in users: the form (or the ``X-CSRF-Token`` header) must carry the session's CSRF
token. Before sign-in (the login form): a double-submit cookie. Besides, a cross-site
``Origin`` header is refused outright.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from medtrace.platform.auth.errors import CsrfFailed

PRESESSION_COOKIE = "medtrace_csrf"
FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def presession_token(request: Request) -> str:
    """The login form's token: the cookie's value, or a new one (set by ``remember``)."""
    token = request.cookies.get(PRESESSION_COOKIE)
    if not token or len(token) < 20:
        token = secrets.token_urlsafe(24)
        request.state.new_presession_csrf = token
    request.state.csrf_token = token
    return token


def remember(request: Request, response: Response) -> Response:
    token = getattr(request.state, "new_presession_csrf", None)
    if token:
        response.set_cookie(PRESESSION_COOKIE, token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
    return response


async def csrf_protect(request: Request) -> None:
    """Router-level dependency of every page router."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    host = request.headers.get("host", request.url.netloc)
    if origin and origin != "null" and urlsplit(origin).netloc != host:
        raise CsrfFailed("cross-site form post refused")
    resolve = request.app.state.resolve_actor
    actor = await run_in_threadpool(resolve, request)
    expected = getattr(request.state, "csrf_token", None) if actor is not None else None
    if expected is None:
        expected = request.cookies.get(PRESESSION_COOKIE)
    given = request.headers.get("x-csrf-token")
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(FIELD)
            given = value if isinstance(value, str) else None
    if not expected or not given or not secrets.compare_digest(expected, given):
        raise CsrfFailed()
