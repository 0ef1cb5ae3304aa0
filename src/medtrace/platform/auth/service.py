"""Identity and access: users, roles, passwords, logins, API clients.

Every function runs inside the caller's unit of work and never commits. A failed sign-in must
still be recorded (Part 11 wants attempted misuse visible), so ``attempt_login`` does not raise:
it returns an outcome, the entrypoint commits, and only then raises the outcome's error.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from medtrace.platform.actor import Actor
from medtrace.platform.auth import actor_cache, revocation, rules
from medtrace.platform.auth.errors import (
    AccountInactive,
    AccountLocked,
    BuiltinRoleImmutable,
    InvalidCredentials,
    LastAdministrator,
    PasswordPolicyViolated,
    RateLimited,
    UnknownRole,
    UserExists,
)
from medtrace.platform.auth.models import (
    ApiClient,
    LoginEvent,
    PasswordHistory,
    Role,
    RolePermission,
    SecurityEvent,
    User,
    UserSite,
)
from medtrace.platform.auth.permissions import is_declared
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError, NotFound, ValidationFailed
from medtrace.platform.i18n import N_, gettext
from medtrace.platform.policy import define, get_setting

#: the built-in administrator role: every permission, never changed
ADMIN_ROLE = "admin"

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

PW_MIN_LENGTH = define("auth.password.min_length", int, 10, N_("Minimum password length"))
PW_MIN_CLASSES = define("auth.password.min_classes", int, 3, N_("Character classes required"))
PW_HISTORY = define("auth.password.history", int, 5, N_("Passwords remembered (no reuse)"))
PW_EXPIRY_DAYS = define("auth.password.expiry_days", int, 90, N_("Password expiry (days)"))
LOCKOUT_ATTEMPTS = define("auth.lockout.attempts", int, 5, N_("Failed sign-ins before lockout"))
LOCKOUT_MINUTES = define("auth.lockout.minutes", int, 15, N_("Lockout duration (minutes)"))
#: the longest wait the sign-in back-off imposes
BACKOFF_MAX_SECONDS = 300
IP_FAILURES_PER_10_MIN = define(
    "auth.rate.ip_failures_per_10_minutes", int, 30, N_("Failed sign-ins per address / 10 min")
)


def load_policy(uow: UnitOfWork) -> rules.PasswordPolicy:
    return rules.PasswordPolicy(
        min_length=get_setting(uow, PW_MIN_LENGTH),
        min_classes=get_setting(uow, PW_MIN_CLASSES),
        history=get_setting(uow, PW_HISTORY),
        expiry_days=get_setting(uow, PW_EXPIRY_DAYS),
        lockout_attempts=get_setting(uow, LOCKOUT_ATTEMPTS),
        lockout_minutes=get_setting(uow, LOCKOUT_MINUTES),
    )


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(hashed: str, secret: str) -> bool:
    try:
        return _hasher.verify(hashed, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so timing does not reveal names.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


# -- users -----------------------------------------------------------------------------------


def get_user(uow: UnitOfWork, username: str) -> User | None:
    name = rules.normalize_username(username)
    return uow.session.scalar(select(User).where(User.username == name))


def get_user_or_raise(uow: UnitOfWork, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def list_users(uow: UnitOfWork) -> list[User]:
    return list(uow.session.scalars(select(User).order_by(User.username)))


def _check_password(uow: UnitOfWork, user: User | None, username: str, password: str) -> None:
    policy = load_policy(uow)
    problems = rules.password_problems(password, policy, username)
    if user is not None and policy.history > 0:
        recent = uow.session.scalars(
            select(PasswordHistory.password_hash)
            .where(PasswordHistory.user_id == user.id)
            .order_by(PasswordHistory.id.desc())
            .limit(policy.history)
        )
        if any(verify_secret(h, password) for h in recent):
            problems.append(
                (N_("must differ from the last %(n)s passwords"), {"n": policy.history})
            )
    if problems:
        messages = [gettext(msg, **params) for msg, params in problems]
        raise PasswordPolicyViolated(
            "; ".join(messages),
            errors=[{"field": "password", "message": m, "type": "password_policy"}
                    for m in messages],
        )


def _store_password(uow: UnitOfWork, user: User, password: str, *, temporary: bool) -> None:
    user.password_hash = hash_secret(password)
    user.password_changed_at = uow.now()
    user.must_change_password = temporary
    user.failed_logins = 0
    user.locked_until = None
    uow.session.flush()
    uow.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))


def _roles_by_code(uow: UnitOfWork, codes: list[str]) -> list[Role]:
    wanted = sorted(set(codes))
    found = list(uow.session.scalars(select(Role).where(Role.code.in_(wanted))))
    missing = sorted(set(wanted) - {r.code for r in found})
    if missing:
        raise UnknownRole(f"unknown roles: {', '.join(missing)}")
    return found


def create_user(
    uow: UnitOfWork,
    *,
    username: str,
    printed_name: str,
    password: str,
    email: str | None = None,
    roles: list[str] | None = None,
    language: str = "zh_CN",
    timezone: str | None = None,
    sites: list[str] | None = None,
    temporary_password: bool = False,
) -> User:
    name = rules.normalize_username(username)
    if not rules.valid_username(name):
        raise ValidationFailed(
            gettext("User names are 2 to 64 letters, digits, dots, dashes or underscores."),
            errors=[{"field": "username", "message": "invalid", "type": "value_error"}],
        )
    if not printed_name.strip():
        raise ValidationFailed(
            gettext("The printed name is required: it appears on signatures."),
            errors=[{"field": "printed_name", "message": "required", "type": "missing"}],
        )
    if get_user(uow, name) is not None:
        raise UserExists(f"user {name} exists")
    _check_password(uow, None, name, password)
    user = User(
        username=name,
        printed_name=printed_name.strip(),
        email=(email or None),
        language=language if language in ("zh_CN", "en") else "zh_CN",
        timezone=timezone or uow.timezone.key,
        active=True,
        password_hash="",
        failed_logins=0,
        failed_signings=0,
        signing_locked=False,
    )
    user.roles = _roles_by_code(uow, roles or [])
    user.sites = [UserSite(site_code=s) for s in sorted(set(sites or []))]
    uow.session.add(user)
    _store_password(uow, user, password, temporary=temporary_password)
    return user


def set_password(uow: UnitOfWork, user: User, password: str, *, temporary: bool = False,
                 keep_session_id: int | None = None) -> None:
    """Set a password (administrator reset, or the user's own change after re-auth). Every
    refresh token, session and access token of the user stops working (but the session the user
    changes their own password in)."""
    _check_password(uow, user, user.username, password)
    _store_password(uow, user, password, temporary=temporary)
    revocation.revoke_credentials(uow, user, reason="password", keep_session_id=keep_session_id)


def change_own_password(uow: UnitOfWork, user: User, current: str, new: str, *,
                        keep_session_id: int | None = None) -> None:
    if not verify_secret(user.password_hash, current):
        raise InvalidCredentials(
            gettext("The current password is wrong."),
            errors=[{"field": "current_password", "message": "wrong", "type": "invalid"}],
        )
    set_password(uow, user, new, keep_session_id=keep_session_id)


def sign_out_everywhere(uow: UnitOfWork, user: User) -> None:
    """End every session and token of ``user`` (a lost phone, a shared screen, a departure)."""
    revocation.revoke_credentials(uow, user, reason="sign_out_everywhere")


def update_user(
    uow: UnitOfWork,
    user: User,
    *,
    printed_name: str | None = None,
    email: str | None = None,
    language: str | None = None,
    timezone: str | None = None,
    active: bool | None = None,
    roles: list[str] | None = None,
    sites: list[str] | None = None,
) -> User:
    if printed_name is not None and printed_name.strip():
        user.printed_name = printed_name.strip()
    if email is not None:
        user.email = email or None
    if language in ("zh_CN", "en"):
        user.language = language
    if timezone:
        user.timezone = timezone
    revoke = None
    administrators = active_administrators(uow)
    if active is not None and active != user.active:
        user.active = active
        revoke = "reactivated" if active else "deactivated"
    if roles is not None:
        before = {role.code for role in user.roles}
        user.roles = _roles_by_code(uow, roles)
        if {role.code for role in user.roles} != before:
            revoke = revoke or "roles"
    if sites is not None:
        user.sites = [UserSite(site_code=s) for s in sorted(set(sites))]
    uow.session.flush()
    if revoke is not None:
        ensure_an_administrator_remains(uow, administrators)
        revocation.revoke_credentials(uow, user, reason=revoke)
    uow.after_commit(actor_cache.forget)
    return user


def actor_for_user(user: User) -> Actor:
    return Actor(
        kind="user",
        id=user.id,
        name=user.username,
        printed_name=user.printed_name,
        permissions=frozenset(user.permission_codes()),
        grants_all=user.grants_all(),
    )


# -- sign-in ---------------------------------------------------------------------------------


@dataclass
class LoginOutcome:
    user: User | None
    error: DomainError | None
    client: ApiClient | None = None

    def raise_for_failure(self) -> User:
        if self.error is not None:
            raise self.error
        assert self.user is not None
        return self.user


def _recent_failures(uow: UnitOfWork, now: dt.datetime, *, ip: str | None = None,
                     username: str | None = None) -> tuple[int, dt.datetime | None]:
    """Failed sign-ins in the last 10 minutes from ``ip`` (or for ``username``), and the last."""
    if not ip and not username:
        return 0, None
    since = now - dt.timedelta(minutes=10)
    where = LoginEvent.ip == ip if ip else LoginEvent.username == username
    count, last = uow.session.execute(
        select(func.count(), func.max(LoginEvent.at)).select_from(LoginEvent)
        .where(where, LoginEvent.success.is_(False), LoginEvent.at >= since)).one()
    return count or 0, last


def backoff_wait(uow: UnitOfWork, now: dt.datetime, *, ip: str | None = None,
                 username: str | None = None) -> int:
    """Seconds to wait before the next attempt, or 0. Past the policy's number of failures in
    ten minutes, each further failure doubles the wait (1 s, 2 s, 4 s ... at most 5 minutes),
    counted from the last failure: a brute force from one address slows to a crawl, while the
    real administrator behind the same address signs in after a short wait (no lockout of the
    address, no captcha; the account's own lockout still applies)."""
    failures, last = _recent_failures(uow, now, ip=ip, username=username)
    allowed = get_setting(uow, IP_FAILURES_PER_10_MIN)
    if failures < allowed or last is None:
        return 0
    wait = min(2 ** min(failures - allowed, 9), BACKOFF_MAX_SECONDS)
    remaining = (last + dt.timedelta(seconds=wait) - now).total_seconds()
    return max(0, math.ceil(remaining))


def attempt_login(
    uow: UnitOfWork,
    *,
    username: str,
    password: str,
    channel: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> LoginOutcome:
    now = uow.now()
    policy = load_policy(uow)
    user = get_user(uow, username)

    def record(success: bool, reason: str) -> None:
        uow.session.add(LoginEvent(
            at=now, username=username[:200], user_id=user.id if user else None, channel=channel,
            success=success, reason=reason, ip=ip, user_agent=(user_agent or "")[:400] or None,
        ))
        uow.session.flush()

    wait = backoff_wait(uow, now, ip=ip)
    if wait:
        record(False, "rate_limited")
        return LoginOutcome(None, RateLimited(retry_after=wait))
    if user is None:
        verify_secret(_DUMMY_HASH, password)
        record(False, "unknown_user")
        return LoginOutcome(None, InvalidCredentials())
    if rules.is_locked(user.locked_until, now):
        record(False, "locked")
        return LoginOutcome(None, AccountLocked(locked_until=user.locked_until.isoformat()))
    if not verify_secret(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= policy.lockout_attempts:
            user.locked_until = now + dt.timedelta(minutes=policy.lockout_minutes)
            user.failed_logins = 0
            record(False, "bad_password_locked")
            uow.session.add(SecurityEvent(kind="auth.account.locked", user_id=user.id, ip=ip,
                                          detail={"minutes": policy.lockout_minutes}))
            return LoginOutcome(None, AccountLocked(locked_until=user.locked_until.isoformat()))
        record(False, "bad_password")
        return LoginOutcome(None, InvalidCredentials())
    if not user.active:
        record(False, "inactive")
        return LoginOutcome(None, AccountInactive())
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_secret(password)
    user.failed_logins = 0
    user.locked_until = None
    record(True, "ok")
    return LoginOutcome(user, None)


SIGNING_ATTEMPTS = define(
    "auth.signing.attempts", int, 3, N_("Failed signing attempts before signing is locked")
)


def check_signing_password(uow: UnitOfWork, user: User, password: str) -> bool:
    """Re-authentication at signing. A failure is counted (after the refused action rolled
    back, in its own transaction); the Nth failure in a row locks signing for the user."""
    if verify_secret(user.password_hash, password):
        user.failed_signings = 0
        return True
    user_id = user.id

    def count_failure(failure_uow: UnitOfWork) -> None:
        row = failure_uow.session.get(User, user_id)
        if row is None:
            return
        row.failed_signings += 1
        failure_uow.session.add(LoginEvent(
            at=failure_uow.now(), username=row.username, user_id=row.id, channel="signature",
            success=False, reason="bad_password", ip=failure_uow.context.get("client_ip"),
        ))
        if row.failed_signings >= get_setting(failure_uow, SIGNING_ATTEMPTS):
            row.signing_locked = True
            failure_uow.session.add(SecurityEvent(
                kind="esign.signing.locked", user_id=row.id,
                ip=failure_uow.context.get("client_ip"),
                detail={"failed_attempts": row.failed_signings},
            ))

    uow.on_failure(count_failure)
    return False


def unlock_signing(uow: UnitOfWork, user: User) -> None:
    user.signing_locked = False
    user.failed_signings = 0
    uow.session.flush()


def password_must_change(uow: UnitOfWork, user: User) -> bool:
    return user.must_change_password or rules.password_expired(
        user.password_changed_at, load_policy(uow), uow.now()
    )


# -- roles -----------------------------------------------------------------------------------


def list_roles(uow: UnitOfWork) -> list[Role]:
    return list(uow.session.scalars(select(Role).order_by(Role.code)))


def save_role(
    uow: UnitOfWork,
    *,
    code: str,
    name_zh: str,
    name_en: str,
    permissions: list[str],
    description: str = "",
    grants_all: bool = False,
) -> Role:
    """Create the role, or update it when the code exists. The built-in ``admin`` role is
    created once (``ensure_admin_role``) and never changed; a change that would leave no
    active administrator is refused."""
    if not rules.ROLE_CODE_PATTERN.match(code or "") or not name_zh.strip() or not name_en.strip():
        raise ValidationFailed(
            gettext("A role needs a code (lower-case letters, digits, . _ -) and both names."),
            errors=[{"field": f, "message": "required", "type": "missing"}
                    for f, v in (("code", code), ("name_zh", name_zh), ("name_en", name_en))
                    if not (v or "").strip()],
        )
    unknown = sorted(p for p in set(permissions) if not is_declared(p))
    if unknown:
        raise UnknownRole(f"unknown permissions: {', '.join(unknown)}")
    if code == ADMIN_ROLE:  # made (and repaired) by ensure_admin_role only
        raise BuiltinRoleImmutable()
    role = uow.session.scalar(select(Role).where(Role.code == code))
    administrators = active_administrators(uow)
    if role is None:
        role = Role(code=code)
        uow.session.add(role)
    role.name_zh, role.name_en = name_zh, name_en
    role.description, role.grants_all = description, grants_all
    role.permissions = [RolePermission(permission_code=p) for p in sorted(set(permissions))]
    ensure_an_administrator_remains(uow, administrators)
    uow.after_commit(actor_cache.forget)
    return role


def ensure_admin_role(uow: UnitOfWork) -> Role:
    """The built-in administrator role, created when missing and repaired when a database of
    an older version let it lose its powers: ``medtrace user create NAME --admin`` is the
    documented recovery path and must always produce a working administrator."""
    role = uow.session.scalar(select(Role).where(Role.code == ADMIN_ROLE))
    if role is None:
        role = Role(code=ADMIN_ROLE, name_zh="系统管理员", name_en="Administrator",
                    description="", permissions=[])
        uow.session.add(role)
    if not role.grants_all:
        role.grants_all = True
    uow.session.flush()
    uow.after_commit(actor_cache.forget)
    return role


def active_administrators(uow: UnitOfWork) -> int:
    """Active users holding a role that grants every permission."""
    return uow.session.scalar(
        select(func.count(func.distinct(User.id))).select_from(User)
        .join(User.roles).where(User.active.is_(True), Role.grants_all.is_(True))) or 0


def ensure_an_administrator_remains(uow: UnitOfWork, before: int) -> None:
    """Refuse (``MT-AUTH-LAST-ADMIN``) a change after which no active administrator is left,
    when there were ``before`` (a fresh database has none until its first one is made)."""
    uow.session.flush()
    if before and not active_administrators(uow):
        raise LastAdministrator()


# -- API clients -----------------------------------------------------------------------------


def list_api_clients(uow: UnitOfWork) -> list[ApiClient]:
    return list(uow.session.scalars(select(ApiClient).order_by(ApiClient.client_id)))


def create_api_client(
    uow: UnitOfWork, *, client_id: str, name: str, scopes: list[str]
) -> tuple[ApiClient, str]:
    """Create a machine account; returns it and its secret (shown once, stored hashed)."""
    key = rules.normalize_username(client_id)
    if not rules.valid_username(key):
        raise ValidationFailed(gettext("Client ids are 2 to 64 letters, digits, . _ or -."))
    if uow.session.scalar(select(ApiClient).where(ApiClient.client_id == key)) is not None:
        raise UserExists(f"client {key} exists")
    unknown = sorted(s for s in set(scopes) if not is_declared(s))
    if unknown:
        raise UnknownRole(f"unknown permissions: {', '.join(unknown)}")
    secret = secrets.token_urlsafe(32)
    client = ApiClient(client_id=key, name=name, secret_hash=hash_secret(secret),
                       scopes=sorted(set(scopes)), active=True)
    uow.session.add(client)
    uow.session.flush()
    return client, secret


def authenticate_client(
    uow: UnitOfWork, *, client_id: str, secret: str, ip: str | None = None
) -> LoginOutcome:
    now = uow.now()
    name = f"client:{client_id}"[:200]
    wait = max(backoff_wait(uow, now, ip=ip), backoff_wait(uow, now, username=name))
    if wait:  # failed client credentials slow down per address and per client id
        uow.session.add(LoginEvent(at=now, username=name, user_id=None, channel="api",
                                   success=False, reason="rate_limited", ip=ip))
        uow.session.flush()
        return LoginOutcome(None, RateLimited(retry_after=wait))
    client = uow.session.scalar(
        select(ApiClient).where(ApiClient.client_id == rules.normalize_username(client_id))
    )
    ok = verify_secret(client.secret_hash if client else _DUMMY_HASH, secret)
    uow.session.add(LoginEvent(
        at=now, username=name, user_id=None, channel="api",
        success=bool(client and ok and client.active),
        reason="ok" if client and ok and client.active else ("inactive" if ok else "bad_secret"),
        ip=ip,
    ))
    uow.session.flush()
    if client is None or not ok:
        return LoginOutcome(None, InvalidCredentials())
    if not client.active:
        return LoginOutcome(None, AccountInactive())
    return LoginOutcome(None, None, client)


def actor_for_client(client: ApiClient) -> Actor:
    return Actor(kind="client", id=client.id, name=client.client_id, printed_name=client.name,
                 permissions=frozenset(client.scopes or []))
