"""Idempotency keys: claim a key, record that the write took effect, store the answer, replay.

A claim is committed on its own before the request runs, so a concurrent duplicate sees it
(409 ``MT-IDEMPOTENCY-IN-PROGRESS``). It carries an owner (one per attempt) and a lease
(``MEDTRACE_IDEMPOTENCY_LEASE_SECONDS``). While the request runs, the claim is the current
``Claim`` of its context: the first transaction of the request that writes anything also moves
the key to ``applied``, in that same transaction and only if this attempt still owns it, so the
key says whether the write happened however the process ends. The answer is stored right after
(``done``). A retry of a key still ``in_progress`` after its lease takes it over (its first
attempt died without committing; were that attempt alive, its commit is now refused, so the
write happens once). Keys are scoped per credential and kept 24 hours; the worker job
``idempotency.purge`` deletes expired ones.
"""

from __future__ import annotations

import datetime as dt
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy import delete, event, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_
from medtrace.platform.idempotency.models import IdempotencyRecord
from medtrace.platform.jobs import JobSpec, register_job

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


class IdempotencyLeaseLost(DomainError):
    code = "MT-IDEMPOTENCY-LEASE-LOST"
    status = 409
    title = N_("This request took longer than its Idempotency-Key lease; a retry took it over.")
    help = ("Nothing of this attempt was kept; the retry's answer is replayed for the key. "
            "Raise MEDTRACE_IDEMPOTENCY_LEASE_SECONDS above the slowest write.")


class IdempotencyAnswerLost(DomainError):
    code = "MT-IDEMPOTENCY-ANSWER-LOST"
    status = 409
    title = N_("The request with this Idempotency-Key took effect, but its answer was lost.")
    help = ("The write was committed once (the server stopped before it stored the answer); "
            "read the resource instead of retrying.")


class IdempotencyKeyInvalid(DomainError):
    code = "MT-IDEMPOTENCY-KEY-INVALID"
    status = 400
    title = N_("The Idempotency-Key header is not valid.")
    help = "1 to 255 visible ASCII characters."


@dataclass
class Claim:
    """This attempt's hold on a key, the context of the request while it runs."""

    record_id: int
    owner: str
    applied: bool = field(default=False)


#: the claim of the request running in this context (set by the middleware)
current_claim: ContextVar[Claim | None] = ContextVar("idempotency_claim", default=None)


@dataclass(frozen=True)
class Stored:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(c) < 127 for c in key):
        raise IdempotencyKeyInvalid()


def claim(
    db: Database, *, credential: str, key: str, fingerprint: str, method: str, path: str,
    lease: dt.timedelta,
) -> tuple[Claim | None, Stored | None]:
    """Claim the key: (claim, None) to go ahead, or (None, stored answer) to replay.

    Raises IdempotencyMismatch, IdempotencyInProgress or IdempotencyAnswerLost.
    """
    owner = uuid.uuid4().hex
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
                    path=path[:500], state="in_progress", owner=owner,
                    lease_until=now + lease, created_at=now, expires_at=now + KEEP)
            .on_conflict_do_nothing(index_elements=["credential", "key"])
            .returning(IdempotencyRecord.id)
        ).scalar()
        if inserted is not None:
            return Claim(inserted, owner), None
        row = uow.session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.credential == credential, IdempotencyRecord.key == key
            )
        )
        assert row is not None
        if row.fingerprint != fingerprint:
            raise IdempotencyMismatch()
        if row.state == "done":
            headers = [(str(k), str(v)) for k, v in (row.response_headers or [])]
            return None, Stored(int(row.response_status or 200), headers,
                                row.response_body or b"")
        if row.lease_until is not None and row.lease_until > now:
            raise IdempotencyInProgress()
        if row.state == "applied":
            raise IdempotencyAnswerLost()
        # in progress, its lease over: the attempt died (or is too slow); take the key over
        taken = uow.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == row.id, IdempotencyRecord.state == "in_progress",
                   IdempotencyRecord.owner.is_(None) if row.owner is None
                   else IdempotencyRecord.owner == row.owner)
            .values(owner=owner, lease_until=now + lease)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not taken:
            raise IdempotencyInProgress()  # another retry took it over first
        return Claim(row.id, owner), None


@event.listens_for(Session, "before_commit")
def _record_applied(session: Session) -> None:
    """The first transaction of a claimed request that writes something moves the key to
    ``applied`` in that same transaction, if this attempt still owns the key."""
    claimed = current_claim.get()
    if claimed is None or claimed.applied or session.info.get("idempotency"):
        return
    if not (session.new or session.dirty or session.deleted or session.info.get("flushed")):
        return
    table = IdempotencyRecord.__table__
    done = session.connection().execute(
        update(table).where(table.c.id == claimed.record_id,  # type: ignore[attr-defined]
                            table.c.owner == claimed.owner,  # type: ignore[attr-defined]
                            table.c.state == "in_progress")  # type: ignore[attr-defined]
        .values(state="applied")).rowcount
    if not done:
        raise IdempotencyLeaseLost()
    claimed.applied = True


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: object) -> None:
    if current_claim.get() is not None:
        session.info["flushed"] = True


def complete(db: Database, claimed: Claim, answer: Stored) -> bool:
    """Store the answer of the claimed request (unless another attempt took the key over)."""
    with UnitOfWork(db) as uow:
        uow.session.info["idempotency"] = True
        return bool(uow.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == claimed.record_id,
                   IdempotencyRecord.owner == claimed.owner)
            .values(state="done", lease_until=None, response_status=answer.status,
                    response_headers=[list(h) for h in answer.headers],
                    response_body=answer.body)
            .execution_options(synchronize_session=False)
        ).rowcount)


def release(db: Database, claimed: Claim) -> None:
    """Forget a claim whose request wrote nothing and failed unexpectedly, so the client may
    retry it at once."""
    with UnitOfWork(db) as uow:
        uow.session.info["idempotency"] = True
        uow.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.id == claimed.record_id,
            IdempotencyRecord.owner == claimed.owner,
            IdempotencyRecord.state == "in_progress"))


def purge_expired(uow: UnitOfWork) -> str:
    """Delete the keys older than 24 hours (the worker job ``idempotency.purge``)."""
    result = uow.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < uow.now())
    )
    return f"{int(result.rowcount or 0)} expired keys deleted"


PURGE_EXPIRED = register_job(JobSpec(
    name="idempotency.purge", every=dt.timedelta(hours=1), run=purge_expired,
    description="Delete Idempotency-Keys older than 24 hours."))
