"""Identity and access through real HTTP: sign-in, lockout, CSRF, sessions, tokens, 401/403."""

from __future__ import annotations

import datetime as dt

import jwt
from sqlalchemy import select, update

from medtrace.platform.auth.models import LoginEvent, RefreshToken, SecurityEvent, WebSession
from medtrace.platform.auth.permissions import ADMIN_USERS, AUDIT_VIEW
from medtrace.platform.auth.service import IP_FAILURES_PER_10_MIN
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.policy import set_setting
from tests.factories.auth import PASSWORD, api_token, csrf_from, make_user, web_login

PROBLEM = "application/problem+json"


def _code(response) -> str:
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    return response.json()["code"]


def _reasons(db, username) -> list[str]:
    with UnitOfWork(db, write=False) as uow:
        return list(uow.session.scalars(
            select(LoginEvent.reason).where(LoginEvent.username == username)
            .order_by(LoginEvent.id)))


def test_api_without_credentials_is_401_and_without_permission_403(client, db):
    response = client.get("/api/v1/admin/users")
    assert response.status_code == 401 and _code(response) == "MT-AUTH-UNAUTHENTICATED"
    assert response.headers["www-authenticate"].startswith("Bearer")
    make_user(db, "plain.user", permissions=[AUDIT_VIEW])
    token = api_token(client, "plain.user")
    response = client.get("/api/v1/admin/users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403 and _code(response) == "MT-AUTH-FORBIDDEN"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["name"] == "plain.user" and me["permissions"] == [AUDIT_VIEW]


def test_bad_and_expired_tokens_are_refused(client, app, db):
    garbage = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-jwt"})
    assert garbage.status_code == 401 and _code(garbage) == "MT-AUTH-TOKEN-INVALID"
    basic = client.get("/api/v1/auth/me", headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401
    user_id = make_user(db, "late.user")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    expired = jwt.encode(
        {"iss": "medtrace", "sub": f"user:{user_id}", "typ": "access",
         "iat": int(past.timestamp()), "exp": int((past + dt.timedelta(minutes=15)).timestamp())},
        app.state.secret_key, algorithm="HS256")
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401 and _code(response) == "MT-AUTH-TOKEN-INVALID"
    forged = jwt.encode({"iss": "medtrace", "sub": f"user:{user_id}", "typ": "access",
                         "iat": int(past.timestamp()), "exp": int(past.timestamp()) + 99999},
                        "another-key-of-a-forger-0123456789", algorithm="HS256")
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_lockout_after_repeated_failures_and_every_attempt_is_recorded(client, db):
    make_user(db, "locky")
    codes = []
    for _ in range(5):
        response = client.post("/api/v1/auth/token", data={
            "grant_type": "password", "username": "locky", "password": "wrong-Passw0rd"})
        codes.append(_code(response))
    assert codes[:4] == ["MT-AUTH-INVALID-CREDENTIALS"] * 4
    assert codes[4] == "MT-AUTH-LOCKED"
    right = client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "locky", "password": PASSWORD})
    assert right.status_code == 423 and right.json()["locked_until"]
    reasons = _reasons(db, "locky")
    assert reasons == ["bad_password"] * 4 + ["bad_password_locked", "locked"]
    with UnitOfWork(db, write=False) as uow:
        kinds = list(uow.session.scalars(select(SecurityEvent.kind)))
    assert "auth.account.locked" in kinds


def test_unknown_user_and_wrong_password_look_the_same(client, db):
    make_user(db, "real.user")
    a = client.post("/api/v1/auth/token", data={"grant_type": "password",
                                                 "username": "real.user", "password": "x"})
    b = client.post("/api/v1/auth/token", data={"grant_type": "password",
                                                 "username": "ghost", "password": "x"})
    assert a.status_code == b.status_code == 401
    assert a.json()["title"] == b.json()["title"] and a.json()["detail"] == b.json()["detail"]


def test_failures_from_one_address_are_rate_limited(client, db):
    with UnitOfWork(db) as uow:
        set_setting(uow, IP_FAILURES_PER_10_MIN, 3)
    for _ in range(3):
        client.post("/api/v1/auth/token", data={"grant_type": "password",
                                                 "username": "nobody", "password": "x"})
    response = client.post("/api/v1/auth/token", data={"grant_type": "password",
                                                        "username": "other", "password": "x"})
    assert response.status_code == 429 and _code(response) == "MT-AUTH-RATE-LIMITED"
    assert response.headers["retry-after"]


def test_refresh_tokens_rotate_and_a_replay_revokes_the_family(client, db):
    make_user(db, "rotor")
    first = client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "rotor", "password": PASSWORD}).json()
    assert first["token_type"] == "bearer" and first["expires_in"] == 900
    second = client.post("/api/v1/auth/token", data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    new_refresh = second.json()["refresh_token"]
    assert new_refresh != first["refresh_token"]
    replay = client.post("/api/v1/auth/token", data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and _code(replay) == "MT-AUTH-TOKEN-REUSED"
    after = client.post("/api/v1/auth/token", data={
        "grant_type": "refresh_token", "refresh_token": new_refresh})
    assert after.status_code == 401  # the whole family was revoked
    with UnitOfWork(db, write=False) as uow:
        live = uow.session.scalars(select(RefreshToken).where(RefreshToken.revoked_at.is_(None)))
        assert list(live) == []


def test_client_credentials_with_scopes(admin_client, db):
    created = admin_client.post("/api/v1/admin/clients", json={
        "client_id": "mes-line-1", "name": "MES line 1", "scopes": [AUDIT_VIEW]},
        headers={"X-CSRF-Token": "unused-for-json"})
    assert created.status_code == 201, created.text
    secret = created.json()["client_secret"]
    token = admin_client.post("/api/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": "mes-line-1", "client_secret": secret})
    assert token.status_code == 200, token.text
    body = token.json()
    assert "refresh_token" not in body and body["scope"] == AUDIT_VIEW
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    me = admin_client.get("/api/v1/auth/me", headers=headers).json()
    assert me["kind"] == "client" and me["permissions"] == [AUDIT_VIEW]
    assert admin_client.get("/api/v1/admin/users", headers=headers).status_code == 403
    wrong = admin_client.post("/api/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": "mes-line-1", "client_secret": "nope"})
    assert wrong.status_code == 401
    listed = admin_client.get("/api/v1/admin/clients").json()
    assert listed[0]["client_id"] == "mes-line-1" and "secret" not in str(listed)


def test_admin_creates_a_user_through_the_api(client, db):
    make_user(db, "boss", permissions=[ADMIN_USERS])
    headers = {"Authorization": f"Bearer {api_token(client, 'boss')}"}
    body = {"username": "Zhao.Lei", "printed_name": "赵磊", "email": "zhao@example.com",
            "password": "Another-Passw0rd", "roles": []}
    created = client.post("/api/v1/admin/users", json=body, headers=headers)
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["username"] == "zhao.lei" and "password" not in str(user).lower().replace(
        "password_changed_at", "").replace("must_change_password", "")
    again = client.post("/api/v1/admin/users", json=body, headers=headers)
    assert again.status_code == 409 and _code(again) == "MT-AUTH-USER-EXISTS"
    weak = client.post("/api/v1/admin/users", json={**body, "username": "weak",
                                                    "password": "short"}, headers=headers)
    assert weak.status_code == 422 and _code(weak) == "MT-AUTH-PASSWORD-POLICY"
    assert {e["field"] for e in weak.json()["errors"]} == {"password"}
    bad_role = client.post("/api/v1/admin/users", json={**body, "username": "r2",
                                                        "roles": ["nope"]}, headers=headers)
    assert bad_role.status_code == 422 and _code(bad_role) == "MT-AUTH-UNKNOWN-ROLE"
    login = client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "ZHAO.LEI", "password": "Another-Passw0rd"})
    assert login.status_code == 200


def test_web_sign_in_sets_a_safe_session_cookie_and_sign_out_ends_it(client, db):
    make_user(db, "web.user")
    html = {"Accept": "text/html"}
    assert client.get("/", headers=html, follow_redirects=False).headers["location"].startswith(
        "/login?")
    response = web_login(client, "web.user")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "medtrace_session=" in cookie and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    home = client.get("/")
    assert home.status_code == 200 and "Web.User" in home.text
    out = client.post("/logout", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False)
    assert out.headers["location"] == "/login?reason=signed_out"
    assert client.get("/", headers=html, follow_redirects=False).status_code == 303


def test_form_posts_without_the_csrf_token_are_refused(client, db):
    make_user(db, "csrf.user")
    client.get("/login")
    refused = client.post("/login", data={"username": "csrf.user", "password": PASSWORD},
                          headers={"Accept": "text/html"})
    assert refused.status_code == 403 and "MT-AUTH-CSRF" in refused.text
    web_login(client, "csrf.user")
    refused = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "Brand-New-Pass1",
        "repeat_password": "Brand-New-Pass1", "csrf_token": "forged"})
    assert refused.status_code == 403
    cross_site = client.post("/logout", headers={"Origin": "https://evil.example"},
                             data={"csrf_token": "x"})
    assert cross_site.status_code == 403


def test_an_idle_session_ends_and_leads_back_to_sign_in(client, db):
    make_user(db, "idle.user")
    web_login(client, "idle.user")
    assert client.get("/").status_code == 200
    with UnitOfWork(db) as uow:
        uow.session.execute(update(WebSession).values(
            last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)))
    response = client.get("/system", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert "reason=idle" in response.headers["location"]
    assert "next=%2Fsystem" in response.headers["location"]
    with UnitOfWork(db, write=False) as uow:
        ended = uow.session.scalar(select(WebSession.end_reason))
    assert ended == "idle"


def test_password_change_enforces_policy_and_history(client, db):
    make_user(db, "changer")
    web_login(client, "changer")
    page = client.get("/account/password")
    token = csrf_from(page.text)
    reused = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": PASSWORD, "repeat_password": PASSWORD,
        "csrf_token": token}, headers={"Accept-Language": "en"})
    assert reused.status_code == 422 and "MT-AUTH-PASSWORD-POLICY" in reused.text
    ok = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "Fresh-Passw0rd-2",
        "repeat_password": "Fresh-Passw0rd-2", "csrf_token": token})
    assert ok.status_code == 200 and 'data-testid="saved"' in ok.text


def test_a_temporary_password_must_be_changed_first(client, db):
    make_user(db, "newbie")
    with UnitOfWork(db) as uow:
        from medtrace.platform.auth import service

        service.set_password(uow, service.get_user(uow, "newbie"), "Temp-Passw0rd-9",
                             temporary=True)
    web_login(client, "newbie", "Temp-Passw0rd-9")
    response = client.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/account/password"
    token = client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "newbie", "password": "Temp-Passw0rd-9"})
    assert token.status_code == 403 and _code(token) == "MT-AUTH-PASSWORD-EXPIRED"


def test_security_headers_on_every_response(client):
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script>" not in response.text


def test_no_secret_or_hash_in_responses(admin_client, db):
    users = admin_client.get("/api/v1/admin/users").text
    assert "argon2" not in users and "password_hash" not in users


def test_no_password_or_token_reaches_a_log_line(client, db, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    make_user(db, "quiet.user")
    body = client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "quiet.user", "password": PASSWORD}).json()
    client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "quiet.user", "password": "Wrong-" + PASSWORD})
    logged = "\n".join(str(r.msg) + str(r.args) for r in caplog.records)
    assert PASSWORD not in logged
    assert body["access_token"] not in logged and body["refresh_token"] not in logged
    assert "argon2" not in logged


def test_a_shared_address_slows_down_but_does_not_lock_out_the_administrator(client, db):
    """Failures from one address back off (1 s, 2 s, 4 s...), they do not block the address:
    the real administrator behind it signs in once the short wait is over."""
    make_user(db, "shared.admin", admin=True)
    with UnitOfWork(db) as uow:
        set_setting(uow, IP_FAILURES_PER_10_MIN, 3)
    for _ in range(5):
        client.post("/api/v1/auth/token", data={"grant_type": "password",
                                                 "username": "guesser", "password": "x"})
    waiting = client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "shared.admin", "password": PASSWORD})
    assert waiting.status_code == 429 and 1 <= int(waiting.headers["retry-after"]) <= 300
    with UnitOfWork(db) as uow:  # the wait passes (the failures are a minute old)
        a_minute_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        uow.session.execute(update(LoginEvent).where(LoginEvent.success.is_(False))
                            .values(at=a_minute_ago))
    signed_in = client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "shared.admin", "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text


def test_failed_client_credentials_back_off_per_client(client, db):
    with UnitOfWork(db) as uow:
        set_setting(uow, IP_FAILURES_PER_10_MIN, 3)
    answers = [client.post("/api/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": "wms", "client_secret": "guess"}
    ).status_code for _ in range(5)]
    assert answers[:3] == [401, 401, 401] and 429 in answers[3:]
