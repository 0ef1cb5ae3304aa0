"""Ending every credential of a user at once: refresh tokens revoked, web sessions ended and the
user's token generation raised, so that access tokens issued before stop working too (they carry
the generation they were issued in). Called by the service on a password change or reset, a
deactivation or reactivation, a role change, and by "sign out everywhere"."""

from __future__ import annotations

from sqlalchemy import update

from medtrace.platform.auth import actor_cache
from medtrace.platform.auth.models import RefreshToken, SecurityEvent, User, WebSession
from medtrace.platform.db.uow import UnitOfWork

#: why credentials were ended (``auth_web_session.end_reason``, the security event's detail)
REASONS = ("password", "deactivated", "reactivated", "roles", "sign_out_everywhere")


def revoke_credentials(uow: UnitOfWork, user: User, *, reason: str,
                       keep_session_id: int | None = None) -> None:
    """End every refresh token and session of ``user`` and invalidate its access tokens, in the
    caller's transaction. ``keep_session_id``: the session the user is changing their own
    password in stays open (it is theirs, and they just proved who they are)."""
    if reason not in REASONS:
        raise ValueError(f"unknown revocation reason {reason!r}")
    now = uow.now()
    user.token_generation = (user.token_generation or 0) + 1
    uow.session.execute(update(RefreshToken).where(
        RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None)).values(revoked_at=now))
    sessions = update(WebSession).where(WebSession.user_id == user.id,
                                        WebSession.ended_at.is_(None))
    if keep_session_id is not None:
        sessions = sessions.where(WebSession.id != keep_session_id)
    uow.session.execute(sessions.values(ended_at=now, end_reason=reason[:20]))
    uow.session.add(SecurityEvent(kind="auth.credentials.revoked", user_id=user.id,
                                  detail={"reason": reason}))
    uow.session.flush()
    uow.after_commit(actor_cache.forget)
