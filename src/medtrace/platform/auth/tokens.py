"""API tokens: short-lived JWT access tokens (PyJWT, HS256 with the deployment's secret key)
and opaque refresh tokens stored as SHA-256 digests, rotated at each use. Presenting a refresh
token that was already used revokes its whole family (it was stolen or replayed) and records a
security event."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

import jwt
from sqlalchemy import select, update

from medtrace.platform.auth.errors import TokenInvalid
from medtrace.platform.auth.models import RefreshToken, SecurityEvent, User
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.policy import define, get_setting

ALGORITHM = "HS256"
ISSUER = "medtrace"
ACCESS_MINUTES = define("auth.token.access_minutes", int, 15, N_("Access token lifetime (min)"))
REFRESH_DAYS = define("auth.token.refresh_days", int, 7, N_("Refresh token lifetime (days)"))


@dataclass(frozen=True)
class AccessClaims:
    subject: str  # "user:<id>" or "client:<id>"
    kind: str
    id: int
    expires_at: dt.datetime
    generation: int = 0  # the user's token generation when it was issued


def issue_access_token(
    uow: UnitOfWork, *, kind: str, subject_id: int, secret_key: str
) -> tuple[str, int]:
    """A signed access token and its lifetime in seconds."""
    minutes = get_setting(uow, ACCESS_MINUTES)
    now = uow.now()
    user = uow.session.get(User, subject_id) if kind == "user" else None
    claims = {
        "gen": user.token_generation if user is not None else 0,
        "iss": ISSUER,
        "sub": f"{kind}:{subject_id}",
        "typ": "access",
        "iat": int(now.timestamp()),
        "exp": int((now + dt.timedelta(minutes=minutes)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM), minutes * 60


def decode_access_token(token: str, secret_key: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token, secret_key, algorithms=[ALGORITHM], issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenInvalid("the access token has expired") from None
    except jwt.InvalidTokenError:
        raise TokenInvalid("the access token is not valid") from None
    kind, _sep, raw_id = str(claims.get("sub", "")).partition(":")
    if claims.get("typ") != "access" or kind not in ("user", "client") or not raw_id.isdigit():
        raise TokenInvalid("the access token is not valid")
    generation = claims.get("gen", 0)
    if not isinstance(generation, int):
        raise TokenInvalid("the access token is not valid")
    return AccessClaims(claims["sub"], kind, int(raw_id),
                        dt.datetime.fromtimestamp(claims["exp"], dt.UTC), generation)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_refresh_token(
    uow: UnitOfWork, *, user_id: int | None = None, client_id: int | None = None,
    family: str | None = None,
) -> str:
    raw = secrets.token_urlsafe(32)
    now = uow.now()
    uow.session.add(RefreshToken(
        token_hash=_digest(raw), user_id=user_id, client_id=client_id,
        family=family or uuid.uuid4().hex, created_at=now,
        expires_at=now + dt.timedelta(days=get_setting(uow, REFRESH_DAYS)),
    ))
    uow.session.flush()
    return raw


def rotate_refresh_token(uow: UnitOfWork, raw: str) -> tuple[RefreshToken, str]:
    """Use a refresh token once: returns the (now used) row and its successor.

    Raises TokenInvalid for unknown, expired or revoked tokens. A second use of the same
    token revokes the family and raises ``RefreshReuse``: the entrypoint catches it inside its
    unit of work, lets the revocation commit, and raises it afterwards.
    """
    now = uow.now()
    row = uow.session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == _digest(raw)).with_for_update()
    )
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise TokenInvalid("the refresh token is not valid")
    owner = uow.session.get(User, row.user_id) if row.user_id is not None else None
    if row.user_id is not None and (owner is None or not owner.active):
        raise TokenInvalid("the refresh token's user is not active")
    if row.used_at is not None:
        uow.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family == row.family, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        uow.session.add(SecurityEvent(kind="auth.refresh_token.reused", user_id=row.user_id,
                                      detail={"family": row.family}))
        uow.session.flush()
        raise RefreshReuse()
    row.used_at = now
    successor = issue_refresh_token(uow, user_id=row.user_id, client_id=row.client_id,
                                    family=row.family)
    return row, successor


class RefreshReuse(TokenInvalid):
    """A used refresh token came back: the family is revoked (commit, then answer 401)."""

    code = "MT-AUTH-TOKEN-REUSED"
    title = N_("The refresh token was already used; sign in again.")
    help = "A refresh token is single-use; a replay revokes every token issued from it."
