"""Permissions: dotted codes declared in code, granted to roles, required by every route.

Deny by default: every API route and page declares what it needs with ``require(code)`` (a
permission), ``require_signed_in()`` (any signed-in user or client) or ``public()``; the census
test enumerates the app's routes and fails on any route without a declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request

from medtrace.platform.actor import Actor
from medtrace.platform.auth.errors import Forbidden, PasswordExpired, Unauthenticated
from medtrace.platform.i18n import N_


@dataclass(frozen=True)
class PermissionDef:
    code: str
    label: str  # msgid


_catalog: dict[str, PermissionDef] = {}


def declare(code: str, label: str) -> str:
    """Declare a permission code once (modules call this at import time)."""
    parts = code.split(".")
    if len(parts) < 3 or not all(p and p.replace("_", "").isalnum() and p.islower() for p in parts):
        raise ValueError(f"permission codes are dotted lower-case words: {code!r}")
    _catalog.setdefault(code, PermissionDef(code, label))
    return code


def permission_catalog() -> list[PermissionDef]:
    return [_catalog[c] for c in sorted(_catalog)]


def is_declared(code: str) -> bool:
    return code in _catalog


ADMIN_USERS = declare("platform.admin.users", N_("Manage users"))
ADMIN_ROLES = declare("platform.admin.roles", N_("Manage roles and permissions"))
ADMIN_CLIENTS = declare("platform.admin.clients", N_("Manage API clients"))
AUDIT_VIEW = declare("platform.audit.view", N_("View and export the audit trail"))
SYSTEM_VIEW = declare("platform.system.view", N_("View system status"))

#: how a route's declaration is recognised by the census
DECLARATION_ATTR = "__medtrace_access__"

ActorResolver = Callable[[Request], Actor | None]


#: pages a user whose password must change may still reach
PASSWORD_CHANGE_PATHS = frozenset({"/account/password", "/logout"})


def _resolver(request: Request) -> Actor | None:
    resolve: ActorResolver = request.app.state.resolve_actor
    actor = resolve(request)
    if (
        actor is not None
        and getattr(request.state, "password_must_change", False)
        and request.url.path not in PASSWORD_CHANGE_PATHS
    ):
        raise PasswordExpired()
    return actor


def require(permission: str) -> Any:
    if not is_declared(permission):
        raise ValueError(f"undeclared permission {permission!r}")

    def dependency(request: Request) -> Actor:
        actor = _resolver(request)
        if actor is None:
            raise Unauthenticated()
        if not actor.can(permission):
            raise Forbidden(permission=permission)
        return actor

    setattr(dependency, DECLARATION_ATTR, ("permission", permission))
    return Depends(dependency)


def require_signed_in() -> Any:
    def dependency(request: Request) -> Actor:
        actor = _resolver(request)
        if actor is None:
            raise Unauthenticated()
        return actor

    setattr(dependency, DECLARATION_ATTR, ("signed_in", None))
    return Depends(dependency)


def public() -> Any:
    def dependency() -> None:
        return None

    setattr(dependency, DECLARATION_ATTR, ("public", None))
    return Depends(dependency)


def route_declaration(dependant: Any) -> tuple[str, str | None] | None:
    """The access declaration found among a route's dependencies (recursively), if any."""
    for sub in getattr(dependant, "dependencies", []):
        found = getattr(sub.call, DECLARATION_ATTR, None)
        if found is not None:
            return found
        nested = route_declaration(sub)
        if nested is not None:
            return nested
    return None
