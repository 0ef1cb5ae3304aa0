"""Many writers on PostgreSQL: the audit chain stays one line, never a fork."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select

from medtrace.platform.actor import Actor
from medtrace.platform.audit import AuditEntry, verify_chain
from medtrace.platform.audit import verify as verify_module
from medtrace.platform.auth.models import User
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database, make_engine
from medtrace.platform.db.uow import UnitOfWork

pytestmark = pytest.mark.skipif(
    not os.environ.get("MEDTRACE_TEST_POSTGRES_URL"), reason="MEDTRACE_TEST_POSTGRES_URL unset"
)

THREADS, CHANGES = 8, 25


def test_concurrent_writers_keep_a_single_chain(scratch, monkeypatch):
    url = scratch.new_url("postgresql")
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(number: int) -> None:
        db = Database.from_url(url, pool_size=1)
        actor = Actor("user", number, f"writer{number}")
        try:
            start.wait()
            for change in range(CHANGES):
                with UnitOfWork(db, context={"actor": actor}) as uow:
                    uow.session.add(User(username=f"u{number}_{change}", printed_name="W",
                                         password_hash="x"))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors

    engine = make_engine(url)
    try:
        result = verify_chain(engine)
        assert result.ok, result
        monkeypatch.setattr(verify_module, "MIN_PER_PROCESS", 1)
        assert verify_chain(engine, workers=2) == result  # id ranges in two processes
        assert result.count >= THREADS * CHANGES
        with engine.connect() as conn:
            distinct = conn.scalar(select(func.count(func.distinct(AuditEntry.prev_hash))))
            total = conn.scalar(select(func.count()).select_from(AuditEntry))
        assert distinct == total == result.count
    finally:
        engine.dispose()
