"""Many takers of numbers on PostgreSQL: every number once, no gaps, rollbacks give theirs back."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from medtrace.platform import numbering
from medtrace.platform.actor import Actor
from medtrace.platform.auth.models import User
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.numbering import NumberingCounter
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")

THREADS, TAKES = 50, 4
DAY = dt.date(2026, 11, 22)
numbering.register_kind("tests.race", "Race")


class Failed(Exception):
    """The caller's action failed after it took a number."""


@pytest.mark.parametrize("audited", [True, False], ids=["with-audited-writes", "row-lock-alone"])
def test_concurrent_takers_get_distinct_gap_free_numbers(scratch, audited):
    """With audited writes before or after the number (the audit chain's lock is taken at the
    commit, after the counter's row lock: no deadlock); and with the counter's row lock alone
    (no audited write of the caller's own)."""
    url = scratch.new_url("postgresql")
    db = Database.from_url(url, pool_size=THREADS)
    migrate.upgrade(db.engine)
    with UnitOfWork(db) as uow:  # a fresh daily rule: the first takers race to create its row
        numbering.save_rule(uow, scope="tests.race", pattern="R{YYMMDD}{SEQ:5}", reset="daily")
    taken: list[str] = []
    given_back: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    lock = threading.Lock()

    def taker(number: int) -> None:
        actor = Actor("user", number, f"taker{number}")
        try:
            start.wait()
            for take in range(TAKES):
                try:
                    with UnitOfWork(db, context={"actor": actor}) as uow:
                        if audited and number % 2:  # an audited write before the number
                            uow.session.add(User(username=f"u{number}_{take}", printed_name="T",
                                                 password_hash="x"))
                            uow.flush()
                        issued = numbering.next_number(uow, "tests.race", today=DAY)
                        if audited and not number % 2:  # or after it
                            uow.session.add(User(username=f"u{number}_{take}", printed_name="T",
                                                 password_hash="x"))
                        if take == 2 and number % 5 == 0:
                            with lock:
                                given_back.append(issued)
                            raise Failed()
                except Failed:
                    continue
                with lock:
                    taken.append(issued)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=taker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    rolled_back = sum(1 for n in range(THREADS) if n % 5 == 0)
    assert len(given_back) == rolled_back
    assert len(taken) == THREADS * TAKES - rolled_back
    assert len(set(taken)) == len(taken)  # never issued twice
    assert sorted(taken) == [f"R261122{n:05d}" for n in range(1, len(taken) + 1)]  # no gaps
    with UnitOfWork(db, write=False) as uow:
        counter = uow.session.scalars(select(NumberingCounter)).one()
        users = len(uow.session.scalars(select(User.id)).all())
    assert (counter.period, counter.value) == ("2026-11-22", len(taken))
    assert users == (len(taken) if audited else 0)
    db.dispose()
