"""A count taken while pickers keep moving stock on PostgreSQL: each line's book quantity is
exactly what the ledger held up to the last move committed when it was counted, and after
approval each balance is the counted quantity plus what moved afterwards."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import MoveCreate, queries
from medtrace.modules.inventory.counts import service as counts
from medtrace.modules.inventory.counts.models import CountLine
from medtrace.modules.inventory.counts.service import CountEntry
from medtrace.modules.inventory.models import Balance, StockMove
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from tests.conftest import POSTGRES_URL
from tests.factories.trace import gtin

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")

PICKERS, PAIRS = 6, 25
COUNTER, APPROVER = Actor("user", 1, "counter"), Actor("user", 2, "approver",
                                                     permissions=frozenset({"inventory.stock.adjust"}))


def _ledger(db: Database, up_to: int | None, *, skip_adjustments: bool = False,
            after: int = 0) -> dict[tuple[int, int], Decimal]:
    """(location, thing) -> net quantity of the moves with after < id <= up_to."""
    net: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    with UnitOfWork(db, write=False) as uow:
        query = select(StockMove).where(StockMove.id > after)
        if up_to is not None:
            query = query.where(StockMove.id <= up_to)
        for move in uow.session.scalars(query):
            if skip_adjustments and move.purpose == "adjustment":
                continue
            net[(move.to_location_id, move.thing_key)] += move.quantity
            net[(move.from_location_id, move.thing_key)] -= move.quantity
    return net


def test_a_count_during_busy_picking_allows_for_every_move(scratch):
    db = Database.from_url(scratch.new_url("postgresql"), pool_size=PICKERS + 2)
    migrate.upgrade(db.engine)
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="WH", name_zh="库", name_en="WH", kind="warehouse",
            stock_status="available")
        for code in ("A", "B"):
            loc(uow, code=code, name_zh=code, name_en=code, kind="bin", parent="WH")
        loc(uow, code="SUP", name_zh="供", name_en="SUP", kind="virtual", role="supplier")
        loc(uow, code="ADJ", name_zh="调", name_en="ADJ", kind="virtual", role="adjustment")
        item = catalog.create_item(uow, ItemCreate(
            code="CATH", name_zh="导管", name_en="Catheter", tracking="lot",
            packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}]))
        lot = traceability.create_lot(uow, item_id=item.id, number="L1", status="released")
        inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
            item_id=item.id, quantity=Decimal(1000),
                                        from_location="SUP", to_location="A",
                                        purpose="receipt", lot_id=lot.id))
        item_id, lot_id = item.id, lot.id
    errors: list[BaseException] = []
    start = threading.Barrier(PICKERS + 1)

    def picker(n: int) -> None:
        try:
            start.wait()
            for _ in range(PAIRS):
                for source, target in (("A", "B"), ("B", "A")):
                    with UnitOfWork(db, context={"actor": Actor("user", 100 + n, "p")}) as uow:
                        inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
                            item_id=item_id, quantity=Decimal(1), from_location=source,
                            to_location=target, lot_id=lot_id))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=picker, args=(n,)) for n in range(PICKERS)]
    for thread in threads:
        thread.start()
    start.wait()
    with UnitOfWork(db, context={"actor": APPROVER}) as uow:
        sheet_id = counts.create_count_sheet(uow, location="WH").id
        counts.start_counting(uow, sheet_id)
    with UnitOfWork(db, context={"actor": COUNTER}) as uow:  # B appears during the count
        counts.enter_counts(uow, sheet_id, [CountEntry(location="A", item_id=item_id,
                                                       lot_id=lot_id, quantity=Decimal(990))])
    time.sleep(0.05)
    with UnitOfWork(db, context={"actor": COUNTER}) as uow:
        counts.enter_counts(uow, sheet_id, [CountEntry(location="B", item_id=item_id,
                                                       lot_id=lot_id, quantity=Decimal(50))])
        counts.submit_count_sheet(uow, sheet_id)
    with UnitOfWork(db, context={"actor": APPROVER}) as uow:
        counts.approve_count_sheet(uow, sheet_id, reason="count during picking")
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]

    with UnitOfWork(db, write=False) as uow:
        lines = list(uow.session.scalars(select(CountLine).where(
            CountLine.sheet_id == sheet_id)))
        places = {inventory.get_location_or_raise(uow, c).id: c for c in ("A", "B")}
        balances = {places[b.location_id]: b.quantity for b in uow.session.scalars(
            select(Balance).where(Balance.location_id.in_(places)))}
        assert queries.reconcile(uow) == []
        snapshot = counts.get_count_sheet_or_raise(uow, sheet_id).snapshot_move_id
    assert {places[line.location_id] for line in lines} == {"A", "B"}
    assert any((line.counted_move_id or 0) > snapshot for line in lines)  # moves meanwhile
    for line in lines:
        key = (line.location_id, line.thing_key)
        assert line.book == _ledger(db, line.counted_move_id)[key], places[line.location_id]
        later = _ledger(db, None, skip_adjustments=True, after=line.counted_move_id or 0)
        assert balances[places[line.location_id]] == line.counted + later[key]
    db.dispose()
