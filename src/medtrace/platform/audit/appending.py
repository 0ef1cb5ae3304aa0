"""When a transaction's entries join the hash chain: at its commit, under the chain lock.

The recorder computes each flush's entries in the flush (old and new values, references, actor,
time) and queues them here, in the session. ``before_commit`` of the outermost transaction then
flushes what is still pending, takes the chain lock, reads the last hash, inserts the queued
entries in order and lets the commit release the lock. So the one chain lock is held for the
append and the commit only, never while the business action runs: writers on unrelated records
in other connections or processes run side by side, and only their last milliseconds queue.

Why no deadlock: a transaction asks for the chain lock after its last flush, i.e. after every
row lock it will take, and after the lock it only inserts into ``audit_entry`` (no trigger, no
foreign key, and the unique ``prev_hash`` cannot collide with an insert of another transaction,
which would need the lock too) and commits (no deferred constraints). The holder of the chain
lock therefore never waits for another lock, and a cycle of waits needs every member waiting:
no cycle can go through the chain lock. The row locks among themselves (balances, number
counters ``FOR UPDATE``) are ordered by their own code as before. The one exception is a
transaction that reads ``audit_entry`` through the session after an audited change of its own
(``read_barrier``): it appends, and so takes the lock, at that read, and may take row locks
afterwards; should that ever close a cycle, PostgreSQL's deadlock detector aborts one
transaction (an error, never a hang). Nothing in MedTrace does that on a hot path.

What the chain proves is unchanged: entries are chained in commit order (``id`` order), each
transaction's entries contiguous and in flush order; ``at`` stays the moment of the change, so
two concurrent transactions' entries may be chained in an order their ``at`` does not show.
On SQLite writers hold the database's write lock from ``BEGIN IMMEDIATE``; the chain lock is a
no-op there.

Savepoints: entries queued inside a savepoint that is rolled back are dropped with it, and
entries that were appended inside it (by a read) are queued again, since their rows are gone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql.util import find_tables

from medtrace.platform.audit.chain import NewEntry, append_entries, lock_chain
from medtrace.platform.audit.models import AuditEntry

_QUEUE = "medtrace.audit.queue"  # the transaction's entries, in order
_APPENDED = "medtrace.audit.appended"  # how many of them are in the chain already
_MARKS = "medtrace.audit.marks"  # savepoint -> (queued, appended) when it began
_COMMITTING = "medtrace.audit.committing"  # the outermost commit has begun: append at once


def queue(session: Session, entries: list[NewEntry]) -> None:
    """Add a flush's entries (in order) to the transaction's queue."""
    session.info.setdefault(_QUEUE, []).extend(entries)
    if session.info.get(_COMMITTING):
        append_queued(session)  # a flush during the commit itself (the lock is held already)


def append_queued(session: Session) -> None:
    """Chain the queued entries not yet appended, under the chain lock (held until the end of
    the transaction)."""
    info = session.info
    entries: list[NewEntry] = info.get(_QUEUE) or []
    done = info.get(_APPENDED, 0)
    if done >= len(entries):
        return
    connection = session.connection(bind_arguments={"mapper": inspect(AuditEntry)})
    # taken again on each call: a lock taken inside a savepoint that was rolled back is gone
    lock_chain(connection)
    append_entries(connection, entries[done:], locked=True)
    info[_APPENDED] = len(entries)


def before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint is released: its entries wait for the outermost commit
    if not _clean(session):
        session.flush()  # every row lock first; the commit's own flush then finds nothing
    session.info[_COMMITTING] = True
    append_queued(session)


def _clean(session: Session) -> bool:
    """Nothing to flush (what the commit's flush loop asks; ``session.dirty`` would compare
    every modified instance's history, on every query)."""
    return session._is_clean()


def _pending(session: Session) -> bool:
    return len(session.info.get(_QUEUE) or ()) > session.info.get(_APPENDED, 0)


def _reads_audit_entry(statement: Any) -> bool:
    table = AuditEntry.__table__
    return any(getattr(found, "name", None) == table.name
               for found in find_tables(statement, check_columns=True, include_aliases=True))


def read_barrier(state: ORMExecuteState) -> None:
    """A query of ``audit_entry`` in a transaction with audited changes chains their entries
    first (flushing first, as the query's autoflush would, which runs after this event), so the
    transaction sees the entries of its own changes (e.g. who created a record it signs)."""
    if not state.is_select:
        return
    session = state.session
    unflushed = not _clean(session)
    if not (unflushed or _pending(session)) or not _reads_audit_entry(state.statement):
        return
    if unflushed and session.autoflush and state.execution_options.get("autoflush", True):
        session.flush()
    append_queued(session)


def after_transaction_create(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        info = session.info
        marks = info.setdefault(_MARKS, {})
        marks[transaction] = (len(info.get(_QUEUE) or ()), info.get(_APPENDED, 0))


def after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    """Forget what the database forgot: the savepoint's (or the whole transaction's) entries."""
    boundary = previous  # the savepoint or the outermost transaction really rolled back
    while boundary.parent is not None and not boundary.nested:
        boundary = boundary.parent
    info = session.info
    mark = info.get(_MARKS, {}).get(boundary) if boundary.nested else None
    if mark is None:
        _forget(session)
        return
    queued, appended = mark
    del (info.get(_QUEUE) or [])[queued:]
    info[_APPENDED] = min(info.get(_APPENDED, 0), appended)


def after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        _forget(session)


def _forget(session: Session) -> None:
    for key in (_QUEUE, _APPENDED, _MARKS, _COMMITTING):
        session.info.pop(key, None)
