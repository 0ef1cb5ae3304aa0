"""Fifty moves competing for the last units on PostgreSQL: exactly the quantity on hand goes
out, every other move is refused with MT-INV-INSUFFICIENT, and the ledger still agrees."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import MoveCreate, queries
from medtrace.modules.inventory.models import StockMove
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from tests.conftest import POSTGRES_URL
from tests.factories.trace import gtin

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")

THREADS, ON_HAND = 50, 20


def test_concurrent_moves_never_take_more_than_there_is(scratch):
    db = Database.from_url(scratch.new_url("postgresql"), pool_size=THREADS)
    migrate.upgrade(db.engine)
    with UnitOfWork(db) as uow:
        inventory.create_location(uow, code="WH", name_zh="库", name_en="WH", kind="warehouse",
                                  stock_status="available")
        inventory.create_location(uow, code="SUP", name_zh="供", name_en="SUP", kind="virtual",
                                  role="supplier")
        inventory.create_location(uow, code="CUS", name_zh="客", name_en="CUS", kind="virtual",
                                  role="customer")
        item = catalog.create_item(uow, ItemCreate(
            code="CATH", name_zh="导管", name_en="Catheter", tracking="lot",
            packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}]))
        lot = traceability.create_lot(uow, item_id=item.id, number="L1", status="released")
        inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
            item_id=item.id, quantity=Decimal(ON_HAND),
                                        from_location="SUP", to_location="WH",
                                        purpose="receipt", lot_id=lot.id))
        item_id, lot_id = item.id, lot.id
    shipped, refused, errors = [], [], []
    start = threading.Barrier(THREADS)
    lock = threading.Lock()

    def mover(n: int) -> None:
        try:
            start.wait()
            with UnitOfWork(db, context={"actor": Actor("user", n, f"picker{n}")}) as uow:
                inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
                    item_id=item_id, quantity=Decimal(1),
                                                from_location="WH", to_location="CUS",
                                                purpose="ship", lot_id=lot_id))
            with lock:
                shipped.append(n)
        except inventory.InsufficientStock:
            with lock:
                refused.append(n)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=mover, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert (len(shipped), len(refused)) == (ON_HAND, THREADS - ON_HAND)
    with UnitOfWork(db, write=False) as uow:
        assert queries.reconcile(uow) == []
        ships = uow.session.scalar(select(func.count()).select_from(StockMove)
                                   .where(StockMove.purpose == "ship"))
        assert ships == ON_HAND
        rows, _ = queries.balances(uow, queries.BalanceFilter(item_id=item_id,
                                                              include_zero=True))
        assert [r["quantity"] for r in rows] == ["0"]
    db.dispose()
