"""Who is calling: a Bearer access token (API) or the session cookie (browser).

``resolve_actor`` runs at most once per request (cached on ``request.state``); the permission
dependencies call it. A malformed or expired Bearer token is an error (401) even on routes that
would otherwise accept a session, so an API client never silently runs as nobody.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request

from medtrace.platform.actor import Actor
from medtrace.platform.auth import actor_cache
from medtrace.platform.auth.errors import (
    AccountInactive,
    CsrfFailed,
    PasswordExpired,
    SessionExpired,
    TokenInvalid,
    Unauthenticated,
)
from medtrace.platform.auth.models import ApiClient, User
from medtrace.platform.auth.service import actor_for_client, actor_for_user, password_must_change
from medtrace.platform.auth.sessions import SESSION_COOKIE, resume_session
from medtrace.platform.auth.tokens import decode_access_token
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.observability.logging import bind_request

_MISSING = object()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _from_bearer(request: Request, token: str) -> Actor:
    claims = decode_access_token(token, request.app.state.secret_key)
    return actor_cache.remembered((id(request.app.state.db), token),
                                  lambda: _load_bearer_actor(request, claims))


def _load_bearer_actor(request: Request, claims: Any) -> Actor:
    with UnitOfWork(request.app.state.db, write=False) as uow:
        if claims.kind == "user":
            user = uow.session.get(User, claims.id)
            if user is None:
                raise TokenInvalid("the access token's user no longer exists")
            if not user.active:
                raise AccountInactive()
            if claims.generation != user.token_generation:
                raise TokenInvalid("the access token was revoked: sign in again")
            if password_must_change(uow, user):
                raise PasswordExpired()
            return actor_for_user(user)
        client = uow.session.get(ApiClient, claims.id)
        if client is None:
            raise TokenInvalid("the access token's client no longer exists")
        if not client.active:
            raise AccountInactive()
        return actor_for_client(client)


def _from_session(request: Request, raw: str) -> Actor | None:
    expired = False
    actor = None
    with UnitOfWork(request.app.state.db) as uow:
        try:
            found = resume_session(uow, raw)
        except SessionExpired:
            expired, found = True, None
        if found is not None:
            session, user = found
            actor = actor_for_user(user)
            request.state.csrf_token = session.csrf_token
            request.state.session_id = session.id
            request.state.user_language = user.language
            request.state.password_must_change = password_must_change(uow, user)
    request.state.session_expired = expired
    return actor


def _check_api_csrf(request: Request) -> None:
    """A write to the API authenticated by the session cookie (the pages' scripts) must carry
    the session's CSRF token (``X-CSRF-Token``) or come from this site (``Origin``): a browser
    sends the cookie with any cross-site request. Bearer tokens are not sent by browsers on
    their own, so they need neither. Page routes have their own check (``web.csrf``)."""
    if request.method in SAFE_METHODS or not request.url.path.startswith("/api/"):
        return
    expected = getattr(request.state, "csrf_token", None)
    given = request.headers.get("x-csrf-token")
    if given and expected and secrets.compare_digest(given, expected):
        return
    origin = request.headers.get("origin")
    host = request.headers.get("host", request.url.netloc)
    if origin and origin != "null" and urlsplit(origin).netloc == host:
        return
    raise CsrfFailed("a cookie-authenticated API write needs X-CSRF-Token or a same-site Origin")


def resolve_actor(request: Request) -> Actor | None:
    cached = getattr(request.state, "actor", _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[return-value]
    actor: Actor | None = None
    header = request.headers.get("authorization")
    if header:
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("use `Authorization: Bearer <access token>`")
        actor = _from_bearer(request, token.strip())
    else:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            actor = _from_session(request, raw)
            if actor is not None:
                _check_api_csrf(request)
    request.state.actor = actor
    if actor is not None:
        bind_request(user=actor.name)
        request.scope.setdefault("state", {})["user"] = actor.name
    return actor
