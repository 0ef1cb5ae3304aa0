"""Pure rules of identity and access (no database, no I/O)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from medtrace.platform.i18n import N_

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
ROLE_CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{1,63}$")


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 10
    min_classes: int = 3  # of: lower case, upper case, digits, other characters
    history: int = 5  # a new password may not equal any of the last N
    expiry_days: int = 90  # 0: passwords never expire
    lockout_attempts: int = 5
    lockout_minutes: int = 15


def character_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


def password_problems(
    password: str, policy: PasswordPolicy, username: str = ""
) -> list[tuple[str, dict[str, object]]]:
    """(message id, parameters) of every rule the password breaks; empty: acceptable."""
    problems: list[tuple[str, dict[str, object]]] = []
    if len(password) < policy.min_length:
        problems.append((N_("at least %(n)s characters"), {"n": policy.min_length}))
    if character_classes(password) < policy.min_classes:
        problems.append(
            (N_("at least %(n)s of: lower case, upper case, digits, symbols"),
             {"n": policy.min_classes})
        )
    if username and len(username) >= 3 and username.lower() in password.lower():
        problems.append((N_("must not contain the user name"), {}))
    if len(password) > 256:
        problems.append((N_("at most 256 characters"), {}))
    return problems


def normalize_username(username: str) -> str:
    return username.strip().lower()


def valid_username(username: str) -> bool:
    return bool(USERNAME_PATTERN.match(username))


def is_locked(locked_until: dt.datetime | None, now: dt.datetime) -> bool:
    return locked_until is not None and locked_until > now


def password_expired(changed_at: dt.datetime, policy: PasswordPolicy, now: dt.datetime) -> bool:
    return policy.expiry_days > 0 and now - changed_at > dt.timedelta(days=policy.expiry_days)


def session_idle(last_seen: dt.datetime, idle_minutes: int, now: dt.datetime) -> bool:
    return now - last_seen > dt.timedelta(minutes=idle_minutes)
