"""Idempotency keys: claim a key, store the answer, replay it.

A claim is committed on its own before the request runs, so a concurrent duplicate sees it
(409 ``MT-IDEMPOTENCY-IN-PROGRESS``); the answer is stored right after the request's own
transaction committed. Keys are scoped per credential and kept 24 hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_
from medtrace.platform.idempotency.models import IdempotencyRecord

KEEP = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255


class IdempotencyMismatch(DomainError):
    code = "MT-IDEMPOTENCY-MISMATCH"
    status = 422
    title = N_("This Idempotency-Key was used with a different request.")
    help = "A key may be reused only for the very same method, path and body."


class IdempotencyInProgress(DomainError):
    code = "MT-IDEMPOTENCY-IN-PROGRESS"
    status = 409
    title = N_("A request with this Idempotency-Key is still being processed.")
    help = "Wait and retry with the same key: the stored answer will then be replayed."


class IdempotencyKeyInvalid(DomainError):
    code = "MT-IDEMPOTENCY-KEY-INVALID"
    status = 400
    title = N_("The Idempotency-Key header is not valid.")
    help = "1 to 255 visible ASCII characters."


@dataclass(frozen=True)
class Stored:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(c) < 127 for c in key):
        raise IdempotencyKeyInvalid()


def claim(
    db: Database, *, credential: str, key: str, fingerprint: str, method: str, path: str
) -> tuple[int, Stored | None]:
    """Claim the key: (record id, None) to go ahead, or (id, stored answer) to replay.

    Raises IdempotencyMismatch or IdempotencyInProgress.
    """
    with UnitOfWork(db) as uow:
        now = uow.now()
        uow.session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.credential == credential,
                IdempotencyRecord.key == key,
                IdempotencyRecord.expires_at < now,
            )
        )
        insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
        inserted = uow.session.execute(
            insert(IdempotencyRecord)
            .values(credential=credential, key=key, fingerprint=fingerprint, method=method,
                    path=path[:500], state="in_progress", created_at=now,
                    expires_at=now + KEEP)
            .on_conflict_do_nothing(index_elements=["credential", "key"])
            .returning(IdempotencyRecord.id)
        ).scalar()
        if inserted is not None:
            return inserted, None
        row = uow.session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.credential == credential, IdempotencyRecord.key == key
            )
        )
        assert row is not None
        if row.fingerprint != fingerprint:
            raise IdempotencyMismatch()
        if row.state != "done":
            raise IdempotencyInProgress()
        headers = [(str(k), str(v)) for k, v in (row.response_headers or [])]
        return row.id, Stored(int(row.response_status or 200), headers, row.response_body or b"")


def complete(db: Database, record_id: int, answer: Stored) -> None:
    with UnitOfWork(db) as uow:
        row = uow.session.get(IdempotencyRecord, record_id)
        if row is not None:
            row.state = "done"
            row.response_status = answer.status
            row.response_headers = [list(h) for h in answer.headers]
            row.response_body = answer.body


def release(db: Database, record_id: int) -> None:
    """Forget a claim whose request failed unexpectedly, so the client may retry it."""
    with UnitOfWork(db) as uow:
        uow.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))


def purge_expired(db: Database) -> int:
    with UnitOfWork(db) as uow:
        result = uow.session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < uow.now())
        )
        return int(result.rowcount or 0)
