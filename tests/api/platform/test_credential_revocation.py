"""What an attacker tried first: tokens that outlive a password, a deactivation or a role
change; one call that strips the administrator role; the last administrator switching
themselves off. Each is refused now, through real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from medtrace.platform.auth.models import Role, WebSession
from medtrace.platform.auth.service import ensure_admin_role
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database, make_engine
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD, csrf_from, make_user, web_login

NEW_PASSWORD = "Another-Passw0rd!"


def _tokens(client: TestClient, username: str, password: str = PASSWORD) -> dict:
    response = client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def _refresh(client: TestClient, refresh: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/token", data={"grant_type": "refresh_token",
                                                   "refresh_token": refresh})


def _me(client: TestClient, access: str) -> int:
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access}"}
                      ).status_code


def _admin_headers(client: TestClient, db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    make_user(db, "sec.admin", admin=True)
    return {"Authorization": f"Bearer {_tokens(client, 'sec.admin')['access_token']}"}


def test_a_password_reset_ends_every_token_and_session(client, db):
    user_id = make_user(db, "reset.me")
    old = _tokens(client, "reset.me")
    admin = _admin_headers(client, db)
    with TestClient(client.app) as browser:
        assert web_login(browser, "reset.me").status_code == 303
        response = client.post(f"/api/v1/admin/users/{user_id}/password", headers=admin,
                               json={"password": NEW_PASSWORD, "temporary": False})
        assert response.status_code == 204, response.text
        assert _refresh(client, old["refresh_token"]).status_code == 401
        assert _me(client, old["access_token"]) == 401
        page = browser.get("/account/password", follow_redirects=False,
                           headers={"Accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
    fresh = _tokens(client, "reset.me", NEW_PASSWORD)
    assert _me(client, fresh["access_token"]) == 200


def test_changing_ones_own_password_keeps_only_this_session(client, db):
    make_user(db, "own.change")
    old = _tokens(client, "own.change")
    with TestClient(client.app) as here, TestClient(client.app) as elsewhere:
        assert web_login(here, "own.change").status_code == 303
        assert web_login(elsewhere, "own.change").status_code == 303
        form = here.get("/account/password")
        changed = here.post("/account/password", data={
            "csrf_token": csrf_from(form.text), "current_password": PASSWORD,
            "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD})
        assert changed.status_code == 200 and 'data-testid="saved"' in changed.text
        assert here.get("/account/password", follow_redirects=False).status_code == 200
        assert elsewhere.get("/account/password", follow_redirects=False,
                             headers={"Accept": "text/html"}).status_code == 303
    assert _refresh(client, old["refresh_token"]).status_code == 401
    assert _me(client, old["access_token"]) == 401


def test_deactivation_ends_tokens_and_reactivation_does_not_revive_them(client, db):
    user_id = make_user(db, "leaver")
    old = _tokens(client, "leaver")
    admin = _admin_headers(client, db)
    off = client.patch(f"/api/v1/admin/users/{user_id}", headers=admin, json={"active": False})
    assert off.status_code == 200, off.text
    assert _refresh(client, old["refresh_token"]).status_code == 401
    assert client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "leaver", "password": PASSWORD}).status_code == 401
    on = client.patch(f"/api/v1/admin/users/{user_id}", headers=admin, json={"active": True})
    assert on.status_code == 200
    assert _refresh(client, old["refresh_token"]).status_code == 401
    assert _me(client, old["access_token"]) == 401
    assert _me(client, _tokens(client, "leaver")["access_token"]) == 200


def test_a_role_change_ends_the_users_tokens(client, db):
    user_id = make_user(db, "promoted", permissions=["platform.audit.view"])
    old = _tokens(client, "promoted")
    admin = _admin_headers(client, db)
    changed = client.patch(f"/api/v1/admin/users/{user_id}", headers=admin,
                           json={"roles": []})
    assert changed.status_code == 200, changed.text
    assert _refresh(client, old["refresh_token"]).status_code == 401
    assert _me(client, old["access_token"]) == 401


def test_sign_out_everywhere_ends_tokens_and_sessions(client, db):
    make_user(db, "lost.phone")
    first, second = _tokens(client, "lost.phone"), _tokens(client, "lost.phone")
    with TestClient(client.app) as browser:
        assert web_login(browser, "lost.phone").status_code == 303
        response = client.post("/api/v1/auth/sign-out-everywhere",
                               headers={"Authorization": f"Bearer {first['access_token']}"})
        assert response.status_code == 204
        for pair in (first, second):
            assert _me(client, pair["access_token"]) == 401
            assert _refresh(client, pair["refresh_token"]).status_code == 401
        assert browser.get("/account/password", follow_redirects=False,
                           headers={"Accept": "text/html"}).status_code == 303
    with TestClient(client.app) as browser:  # the page's button too
        assert web_login(browser, "lost.phone").status_code == 303
        form = browser.get("/account/password")
        out = browser.post("/account/sign-out-everywhere",
                           data={"csrf_token": csrf_from(form.text)}, follow_redirects=False)
        assert out.status_code == 303
        assert browser.get("/account/password", follow_redirects=False,
                           headers={"Accept": "text/html"}).status_code == 303
    with UnitOfWork(db, write=False) as uow:
        assert not uow.session.scalars(select(WebSession).where(
            WebSession.ended_at.is_(None), WebSession.user_id.in_(
                select(WebSession.user_id).where(WebSession.end_reason == "sign_out_everywhere"))
        )).all()


def test_the_builtin_admin_role_cannot_be_changed(client, db):
    admin = _admin_headers(client, db)
    response = client.post("/api/v1/admin/roles", headers=admin, json={
        "code": "admin", "name_zh": "管理员", "name_en": "Admin", "grants_all": False,
        "permissions": []})
    assert response.status_code == 409 and response.json()["code"] == "MT-AUTH-ROLE-BUILTIN"
    assert client.get("/api/v1/admin/users", headers=admin).status_code == 200


def test_the_last_active_administrator_stays(client, db):
    admin = _admin_headers(client, db)
    with UnitOfWork(db, write=False) as uow:
        others = uow.session.scalars(select(Role.code).where(Role.grants_all.is_(True))).all()
    me = client.get("/api/v1/auth/me", headers=admin).json()
    users = client.get("/api/v1/admin/users", headers=admin).json()
    admins = [u for u in users if u["active"] and set(u["roles"]) & set(others)]
    for other in admins:
        if other["id"] != me["id"]:
            client.patch(f"/api/v1/admin/users/{other['id']}", headers=admin,
                         json={"active": False})
    off = client.patch(f"/api/v1/admin/users/{me['id']}", headers=admin, json={"active": False})
    assert off.status_code == 409 and off.json()["code"] == "MT-AUTH-LAST-ADMIN"
    stripped = client.patch(f"/api/v1/admin/users/{me['id']}", headers=admin,
                            json={"roles": []})
    assert stripped.status_code == 409 and stripped.json()["code"] == "MT-AUTH-LAST-ADMIN"
    assert client.get("/api/v1/admin/users", headers=admin).status_code == 200


def test_user_create_admin_always_makes_a_working_administrator(tmp_path: Path):
    """The documented recovery path, even on a database an older version let lose its admin
    role's powers."""
    url = f"sqlite:///{tmp_path / 'recover.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    db = Database.from_url(url)
    with UnitOfWork(db) as uow:
        ensure_admin_role(uow)
    make_user(db, "old.admin", roles=["admin"])
    with UnitOfWork(db) as uow:  # what the old bug left behind
        uow.session.scalar(select(Role).where(Role.code == "admin")).grants_all = False
    env = {**os.environ, "MEDTRACE_DATABASE_URL": url, "MEDTRACE_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "medtrace.cli", "user", "create", "rescuer",
                           "--admin", "--password-stdin"], input=NEW_PASSWORD + "\n",
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.scalar(select(Role.grants_all).where(Role.code == "admin")) is True
    db.dispose()
