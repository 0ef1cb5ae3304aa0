"""Idempotency-Key leases: the key's outcome is committed with the write itself; a key whose
first attempt died (in progress, lease over) is taken over by the retry, which runs once; a
retry within the lease is told the request is in progress; a key whose write committed but
whose answer was lost says so instead of running again. The expired keys are purged by a job."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import event, func, select

from medtrace.platform.auth.models import User
from medtrace.platform.auth.permissions import ADMIN_USERS
from medtrace.platform.db.base import utcnow
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.idempotency.middleware import fingerprint
from medtrace.platform.idempotency.models import IdempotencyRecord
from medtrace.platform.jobs import registered_jobs
from tests.factories.auth import api_token, make_user

BODY = {"username": "leased.once", "printed_name": "Leased", "password": "Lease-Passw0rd-1"}
RAW = json.dumps(BODY).encode()


def _auth(client, db, name="lease.admin"):  # type: ignore[no-untyped-def]
    make_user(db, name, permissions=[ADMIN_USERS])
    return {"Authorization": f"Bearer {api_token(client, name)}"}


def _created(db) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(User)
                                  .where(User.username == BODY["username"])) or 0


def _dead_attempt(client, db, headers, key: str, *, state: str,  # type: ignore[no-untyped-def]
                  lease: dt.timedelta) -> dict[str, str]:
    """The key as a first attempt that died leaves it: claimed and nothing written
    (``in_progress``), or written without a stored answer (``applied``). The headers to retry
    it with."""
    probe = client.post("/api/v1/admin/users", content=b"{}", headers={
        **headers, "Idempotency-Key": f"probe-{key}", "Content-Type": "application/json"})
    assert probe.status_code == 422
    with UnitOfWork(db) as uow:
        credential = uow.session.scalars(select(IdempotencyRecord.credential)).one()
        now = utcnow()
        uow.session.add(IdempotencyRecord(
            credential=credential, key=key, method="POST", path="/api/v1/admin/users",
            fingerprint=fingerprint("POST", "/api/v1/admin/users", "", "application/json",
                                    RAW),
            state=state, owner="dead-attempt", lease_until=now + lease, created_at=now,
            expires_at=now + dt.timedelta(hours=24)))
    return {**headers, "Idempotency-Key": key, "Content-Type": "application/json"}


def test_the_write_and_the_keys_outcome_commit_in_one_transaction(client, db):
    headers = {**_auth(client, db), "Idempotency-Key": "same-tx-1"}
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()[:3]))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert client.post("/api/v1/admin/users", json=BODY, headers=headers).status_code == 201
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    insert = next(i for i, s in enumerate(statements) if s.startswith("INSERT INTO auth_user"))
    applied = next(i for i, s in enumerate(statements) if s.startswith("UPDATE idempotency_key"))
    assert insert < applied  # the key moves to applied inside the user's transaction ...
    stored = [i for i, s in enumerate(statements) if s.startswith("UPDATE idempotency_key")]
    assert len(stored) == 2  # ... and the answer is stored after it
    with UnitOfWork(db, write=False) as uow:
        record = uow.session.scalars(select(IdempotencyRecord)).one()
        assert record.state == "done" and record.lease_until is None


def test_a_retry_after_the_lease_of_a_dead_attempt_runs_once(client, db):
    headers = _dead_attempt(client, db, _auth(client, db), "dead-1", state="in_progress",
                            lease=dt.timedelta(seconds=30))
    within = client.post("/api/v1/admin/users", content=RAW, headers=headers)
    assert within.status_code == 409 and within.json()["code"] == "MT-IDEMPOTENCY-IN-PROGRESS"
    assert _created(db) == 0
    with UnitOfWork(db) as uow:  # the lease runs out
        uow.session.scalars(select(IdempotencyRecord).where(
            IdempotencyRecord.key == "dead-1")).one().lease_until = \
            utcnow() - dt.timedelta(seconds=1)
    retry = client.post("/api/v1/admin/users", content=RAW, headers=headers)
    assert retry.status_code == 201, retry.text
    assert "idempotent-replayed" not in retry.headers
    again = client.post("/api/v1/admin/users", content=RAW, headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert _created(db) == 1


def test_a_write_committed_without_its_answer_is_not_run_again(client, db):
    headers = _dead_attempt(client, db, _auth(client, db), "lost-1", state="applied",
                            lease=-dt.timedelta(seconds=1))
    retry = client.post("/api/v1/admin/users", content=RAW, headers=headers)
    assert retry.status_code == 409 and retry.json()["code"] == "MT-IDEMPOTENCY-ANSWER-LOST"
    assert _created(db) == 0  # (the dead attempt's write is simulated: nothing ran here)


def test_expired_keys_are_purged_by_a_worker_job(client, db):
    job = next(j for j in registered_jobs() if j.name == "idempotency.purge")
    headers = {**_auth(client, db), "Idempotency-Key": "old-1"}
    assert client.post("/api/v1/admin/users", json=BODY, headers=headers).status_code == 201
    with UnitOfWork(db) as uow:
        uow.session.scalars(select(IdempotencyRecord)).one().expires_at = \
            utcnow() - dt.timedelta(seconds=1)
    with UnitOfWork(db) as uow:
        assert job.run(uow) == "1 expired keys deleted"
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0
