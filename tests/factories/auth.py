from __future__ import annotations

import re

from medtrace.platform.auth import service
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork

PASSWORD = "Test-Passw0rd!"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_role(db: Database, code: str, permissions: list[str] | None = None,
              grants_all: bool = False) -> int:
    with UnitOfWork(db) as uow:
        role = service.save_role(uow, code=code, name_zh=code, name_en=code,
                                 permissions=permissions or [], grants_all=grants_all)
        return role.id


def make_user(db: Database, username: str, *, roles: list[str] | None = None,
              permissions: list[str] | None = None, admin: bool = False,
              password: str = PASSWORD, printed_name: str | None = None) -> int:
    """A user; ``permissions`` creates a private role holding exactly those."""
    role_codes = list(roles or [])
    if admin:
        make_role(db, f"{username}-admin", grants_all=True)
        role_codes.append(f"{username}-admin")
    if permissions is not None:
        make_role(db, f"{username}-role", permissions)
        role_codes.append(f"{username}-role")
    with UnitOfWork(db) as uow:
        user = service.create_user(uow, username=username, password=password,
                                   printed_name=printed_name or username.title(),
                                   roles=role_codes)
        return user.id


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def web_login(client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_from(page.text), "next": "/"},
                       follow_redirects=False)


def api_token(client, username: str, password: str = PASSWORD) -> str:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
