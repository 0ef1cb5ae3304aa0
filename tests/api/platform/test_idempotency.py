"""Idempotency-Key on API writes: replay, mismatch, scoping per credential."""

from __future__ import annotations

from sqlalchemy import func, select

from medtrace.platform.auth.models import User
from medtrace.platform.auth.permissions import ADMIN_USERS
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import api_token, make_user

BODY = {"username": "once.only", "printed_name": "Once", "password": "Idem-Passw0rd-1"}


def _users(db) -> int:
    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(User)) or 0


def _auth(client, db, name="idem.admin"):
    make_user(db, name, permissions=[ADMIN_USERS])
    return {"Authorization": f"Bearer {api_token(client, name)}"}


def test_same_key_and_body_replays_the_stored_answer(client, db):
    headers = {**_auth(client, db), "Idempotency-Key": "create-once-1"}
    before = _users(db)
    first = client.post("/api/v1/admin/users", json=BODY, headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    second = client.post("/api/v1/admin/users", json=BODY, headers=headers)
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert _users(db) == before + 1


def test_same_key_with_another_body_is_refused(client, db):
    headers = {**_auth(client, db), "Idempotency-Key": "k-2"}
    assert client.post("/api/v1/admin/users", json=BODY, headers=headers).status_code == 201
    other = client.post("/api/v1/admin/users", json={**BODY, "username": "twice"},
                        headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "MT-IDEMPOTENCY-MISMATCH"


def test_refusals_are_replayed_too_and_keys_are_per_credential(client, db):
    admin = {**_auth(client, db), "Idempotency-Key": "weak-1"}
    weak = {**BODY, "password": "weak"}
    first = client.post("/api/v1/admin/users", json=weak, headers=admin)
    assert first.status_code == 422
    again = client.post("/api/v1/admin/users", json=weak, headers=admin)
    assert again.headers.get("idempotent-replayed") == "true"
    other_admin = {**_auth(client, db, "idem.admin2"), "Idempotency-Key": "weak-1"}
    fresh = client.post("/api/v1/admin/users", json=BODY, headers=other_admin)
    assert fresh.status_code == 201 and "idempotent-replayed" not in fresh.headers


def test_an_invalid_key_is_a_clear_error(client, db):
    headers = {**_auth(client, db), "Idempotency-Key": "x" * 300}
    response = client.post("/api/v1/admin/users", json=BODY, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "MT-IDEMPOTENCY-KEY-INVALID"


def test_without_credentials_the_key_changes_nothing(client):
    response = client.post("/api/v1/admin/users", json=BODY, headers={"Idempotency-Key": "a"})
    assert response.status_code == 401
