"""When entries join the chain: at the commit, in flush order; a transaction still reads the
entries of its own changes; rolled-back work (whole or a savepoint) leaves none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from medtrace.platform.actor import Actor
from medtrace.platform.audit import AuditEntry, history_for, verify_chain
from medtrace.platform.auth.models import User
from medtrace.platform.db.uow import UnitOfWork

CONTEXT = {"actor": Actor(kind="user", id=7, name="admin", printed_name="Admin")}


def _user(name: str) -> User:
    return User(username=name, printed_name=name.title(), password_hash="x")


def _chained(db) -> list[str]:
    """The usernames of the user entries in the chain, in chain order (committed state)."""
    with UnitOfWork(db, write=False) as uow:
        rows = uow.session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "auth_user").order_by(AuditEntry.id))
        return [f"{e.operation}:{e.entity_ref}" for e in rows]


def _raw_count(db) -> int:
    """Rows in audit_entry as plain SQL on the connection sees them (no session, no barrier)."""
    return int(db.bind.exec_driver_sql("SELECT count(*) FROM audit_entry").scalar())


def test_entries_join_the_chain_at_the_commit_in_flush_order(db):
    before = _raw_count(db)
    with UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.add(_user("first"))
        uow.flush()
        uow.session.add(_user("second"))
        uow.flush()
        assert _raw_count(db) == before  # queued in the session, not yet chained
        uow.session.add(_user("third"))  # flushed by the commit itself
    assert _raw_count(db) == before + 3
    assert _chained(db) == ["create:first", "create:second", "create:third"]
    assert verify_chain(db.bind).ok


def test_a_transaction_reads_the_entries_of_its_own_changes(db):
    with UnitOfWork(db, context=CONTEXT) as uow:
        user = _user("author")
        uow.session.add(user)
        uow.flush()
        history = history_for(uow, user)  # the query chains the queued entries first
        assert [e.action for e in history] == ["auth.user.create"]
        assert history[0].actor_name == "admin"
        user.printed_name = "The Author"
        counted = uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity_type == "auth_user"))
        assert counted == 2  # the autoflush's entry too
    assert _chained(db) == ["create:author", "update:author"]  # each once
    assert verify_chain(db.bind).ok


def test_a_rolled_back_unit_of_work_leaves_no_entry(db):
    before = _raw_count(db)
    with pytest.raises(RuntimeError), UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.add(_user("ghost"))
        uow.flush()
        history_for(uow, uow.session.scalars(select(User)).one())  # even once chained
        raise RuntimeError("refused")
    assert _raw_count(db) == before
    with UnitOfWork(db, context=CONTEXT) as uow:  # the next one chains after the last kept
        uow.session.add(_user("kept"))
    assert _chained(db) == ["create:kept"]
    assert verify_chain(db.bind).ok


@pytest.mark.parametrize("read_inside", [False, True], ids=["queued", "chained-by-a-read"])
def test_a_rolled_back_savepoint_takes_its_entries_with_it(db, read_inside):
    with UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.add(_user("before"))
        uow.flush()
        savepoint = uow.session.begin_nested()
        uow.session.add(_user("dropped"))
        uow.flush()
        if read_inside:  # chains "before" and "dropped" inside the savepoint
            assert len(uow.session.scalars(select(AuditEntry)).all()) >= 2
        savepoint.rollback()
        with uow.session.begin_nested():
            uow.session.add(_user("released"))
        uow.session.add(_user("after"))
    assert _chained(db) == ["create:before", "create:released", "create:after"]
    assert verify_chain(db.bind).ok


def test_a_failed_flush_in_a_savepoint_keeps_the_rest(db):
    with UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.add(_user("taken"))
        uow.flush()
        with pytest.raises(IntegrityError), uow.session.begin_nested():
            uow.session.add(_user("taken"))
        uow.session.add(_user("other"))
    assert _chained(db) == ["create:taken", "create:other"]
    assert verify_chain(db.bind).ok
