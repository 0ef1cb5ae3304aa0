"""Audited writers on PostgreSQL no longer queue behind one lock for their whole transaction:
an open transaction that has flushed audited changes does not hold up a whole business action
on another record in another connection; the chain still verifies, one line, no fork."""

from __future__ import annotations

import threading
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import MoveCreate, queries
from medtrace.platform import numbering
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.audit import AuditEntry, verify_chain
from medtrace.platform.auth.models import User
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from tests.conftest import POSTGRES_URL
from tests.factories.trace import gtin

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")

WAIT_S = 10  # how long the second transaction may take, the first one staying open
numbering.register_kind("tests.free", "Free")


def _plant(db: Database, items: int) -> list[tuple[int, int]]:
    """Two bins, and ``items`` lot-tracked items with 1,000 of one lot each in bin A."""
    made = []
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="WH", name_zh="库", name_en="WH", kind="warehouse",
            stock_status="available")
        for code in ("A", "B"):
            loc(uow, code=code, name_zh=code, name_en=code, kind="bin", parent="WH")
        loc(uow, code="SUP", name_zh="供", name_en="SUP", kind="virtual", role="supplier")
        for n in range(items):
            item = catalog.create_item(uow, ItemCreate(
                code=f"CATH-{n}", name_zh=f"导管{n}", name_en=f"Catheter {n}", tracking="lot",
                packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}]))
            lot = traceability.create_lot(uow, item_id=item.id, number=f"L{n}",
                                          status="released")
            inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
                item_id=item.id, quantity=Decimal(1000), from_location="SUP", to_location="A",
                purpose="receipt", lot_id=lot.id))
            made.append((item.id, lot.id))
        numbering.save_rule(uow, scope="tests.free", pattern="F{SEQ:6}")
    return made


def _move(uow: UnitOfWork, stock: tuple[int, int], source: str = "A", target: str = "B"
          ) -> None:
    inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(item_id=stock[0], quantity=Decimal(1),
                                    from_location=source, to_location=target, lot_id=stock[1]))


def _check_chain(db: Database) -> int:
    result = verify_chain(db.engine)
    assert result.ok, result
    with UnitOfWork(db, write=False) as uow:
        distinct = uow.session.scalar(select(func.count(func.distinct(AuditEntry.prev_hash))))
        total = uow.session.scalar(select(func.count()).select_from(AuditEntry))
        assert queries.reconcile(uow) == []
    assert distinct == total == result.count  # one line: no two entries follow the same one
    return result.count


def _second_action(kind: str, stock: tuple[int, int]) -> Any:
    def action(uow: UnitOfWork) -> None:
        if kind == "stock-move":
            _move(uow, stock)
        elif kind == "catalog-item":
            catalog.create_item(uow, ItemCreate(
                code="NEW-1", name_zh="新", name_en="New", tracking="none",
                packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}]))
        else:  # a number, and the record it names
            number = numbering.next_number(uow, "tests.free")
            uow.session.add(User(username=f"n{number}", printed_name="N", password_hash="x"))
    return action


@pytest.mark.parametrize("kind", ["stock-move", "catalog-item", "number"])
def test_an_open_audited_transaction_holds_up_no_writer_on_another_record(scratch, kind):
    db = Database.from_url(scratch.new_url("postgresql"), pool_size=4)
    migrate.upgrade(db.engine)
    first, second = _plant(db, 2)
    flushed, release = threading.Event(), threading.Event()
    committed = threading.Event()
    errors: list[BaseException] = []

    def t1() -> None:  # a stock move and a user, flushed, then left open
        try:
            with UnitOfWork(db, context={"actor": Actor("user", 1, "slow")}) as uow:
                _move(uow, first)
                uow.session.add(User(username="slow.one", printed_name="S", password_hash="x"))
                uow.flush()
                if kind != "number":  # holds that counter's row too (not the one T2 takes)
                    numbering.next_number(uow, "tests.free")
                flushed.set()
                assert release.wait(60), "never released"
            committed.set()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            flushed.set()

    def t2() -> None:
        try:
            with UnitOfWork(db, context={"actor": Actor("user", 2, "quick")}) as uow:
                _second_action(kind, second)(uow)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    slow, quick = threading.Thread(target=t1), threading.Thread(target=t2)
    slow.start()
    try:
        assert flushed.wait(WAIT_S) and not errors, errors
        quick.start()
        quick.join(WAIT_S)
        blocked = quick.is_alive()
        open_meanwhile = not committed.is_set()
    finally:
        release.set()
        slow.join(60)
        if quick.ident is not None:
            quick.join(60)
    assert not errors, errors
    assert not blocked, f"the {kind} waited for the open transaction"
    assert open_meanwhile and committed.is_set()
    _check_chain(db)
    with UnitOfWork(db, write=False) as uow:  # chained in commit order: the quick one first
        by_actor = dict(uow.session.execute(select(AuditEntry.actor_name, func.min(AuditEntry.id))
                                            .group_by(AuditEntry.actor_name)).all())
    assert by_actor["quick"] < by_actor["slow"]
    db.dispose()


THREADS, ACTIONS = 8, 12


def test_parallel_writers_leave_one_chain_each_transaction_in_one_piece(scratch):
    db = Database.from_url(scratch.new_url("postgresql"), pool_size=THREADS)
    migrate.upgrade(db.engine)
    stock = _plant(db, THREADS)
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        actor = Actor("user", 100 + n, f"writer{n}")
        try:
            start.wait()
            for k in range(ACTIONS):
                context = {"actor": actor, "request_id": f"w{n}-{k}"}
                with UnitOfWork(db, context=context) as uow:
                    if k % 3 == 0:
                        _move(uow, stock[n], *(("A", "B") if k % 2 == 0 else ("B", "A")))
                    elif k % 3 == 1:
                        number = numbering.next_number(uow, "tests.free")
                        uow.session.add(User(username=f"u{number}", printed_name="W",
                                             password_hash="x"))
                    else:
                        uow.session.add(User(username=f"w{n}.{k}", printed_name="W",
                                             password_hash="x"))
                        uow.flush()
                        _move(uow, stock[(n + 1) % THREADS])  # a neighbour's item as well
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors[:3]
    _check_chain(db)
    ids: dict[str, list[int]] = defaultdict(list)
    with UnitOfWork(db, write=False) as uow:
        for request_id, entry_id in uow.session.execute(
                select(AuditEntry.request_id, AuditEntry.id)
                .where(AuditEntry.request_id.is_not(None))):
            ids[request_id].append(entry_id)
    assert len(ids) == THREADS * ACTIONS
    for request_id, found in ids.items():  # a transaction's entries follow one another
        assert max(found) - min(found) + 1 == len(found), request_id
    db.dispose()
