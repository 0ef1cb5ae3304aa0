"""Browser sessions: a random token in an HttpOnly cookie, its SHA-256 in ``auth_session``,
a CSRF token per session, and an idle timeout after which the session ends."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from medtrace.platform.auth import rules
from medtrace.platform.auth.errors import SessionExpired
from medtrace.platform.auth.models import User, WebSession
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.policy import define, get_setting

SESSION_COOKIE = "medtrace_session"
IDLE_MINUTES = define("auth.session.idle_minutes", int, 15, N_("Session idle timeout (min)"))
TOUCH_EVERY = dt.timedelta(seconds=30)  # last_seen_at is written at most this often


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    uow: UnitOfWork, user: User, *, ip: str | None, user_agent: str | None
) -> tuple[str, WebSession]:
    raw = secrets.token_urlsafe(32)
    now = uow.now()
    row = WebSession(
        token_hash=_digest(raw), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
        created_at=now, last_seen_at=now, ip=ip, user_agent=(user_agent or "")[:400] or None,
    )
    uow.session.add(row)
    uow.session.flush()
    return raw, row


def resume_session(uow: UnitOfWork, raw: str) -> tuple[WebSession, User] | None:
    """The live session for a cookie value, touched; None when unknown or ended.

    Raises SessionExpired (after ending the session) when it was idle too long: the caller
    commits that, then sends the user to the sign-in page with the reason.
    """
    row = uow.session.scalar(select(WebSession).where(WebSession.token_hash == _digest(raw)))
    if row is None or row.ended_at is not None:
        return None
    now = uow.now()
    if rules.session_idle(row.last_seen_at, get_setting(uow, IDLE_MINUTES), now):
        row.ended_at, row.end_reason = now, "idle"
        uow.session.flush()
        raise SessionExpired()
    user = uow.session.get(User, row.user_id)
    if user is None or not user.active:
        row.ended_at, row.end_reason = now, "inactive"
        uow.session.flush()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        uow.session.flush()
    return row, user


def end_session(uow: UnitOfWork, raw: str, reason: str = "logout") -> None:
    row = uow.session.scalar(select(WebSession).where(WebSession.token_hash == _digest(raw)))
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason = uow.now(), reason
        uow.session.flush()
