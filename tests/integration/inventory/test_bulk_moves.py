"""Many serial units moved at once (``post_moves``): one ledger row and one balance per unit,
the journal once (or not at all when the caller journals), and the rules of a single move:
units of another item, taken from where they are not, or put where they already are, refused
with nothing left behind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medtrace.modules import inventory, traceability
from medtrace.modules.inventory.models import Balance, StockMove
from medtrace.modules.traceability.models import Event
from medtrace.platform.actor import SYSTEM
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.stock import make_store


def _bulk(db, ids, source, target, *, item, purpose="transfer", journal=True):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        return inventory.post_moves(uow, actor=SYSTEM, journal=journal,
                                    moves=inventory.BulkMoveCreate(
            item_id=item, from_location=source, to_location=target, purpose=purpose,
            unit_ids=ids, doc="BULK-1"))


def _count(db, model, **where) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return uow.session.scalar(query) or 0


def test_units_received_and_moved_in_bulk(db):
    ids = make_store(db)
    with UnitOfWork(db) as uow:
        units = traceability.create_units(uow, item_id=ids["pump"],
                                          serials=[f"BK{n:04d}" for n in range(300)],
                                          status="released")
    events_before = _count(db, Event)
    _bulk(db, units, "V-SUP", "QZ", item=ids["pump"], purpose="receipt", journal=False)
    assert _count(db, Event) == events_before  # the caller journals a receipt itself
    moves = _bulk(db, units[:100], "QZ", "A-01", item=ids["pump"])
    assert len(moves) == 100 and _count(db, Event) == events_before + 1
    with UnitOfWork(db, write=False) as uow:
        held = dict(uow.session.execute(select(Balance.location_id, func.sum(Balance.quantity))
                                        .where(Balance.thing_key.in_(units))
                                        .group_by(Balance.location_id)).all())
        qz = inventory.get_location_or_raise(uow, "QZ").id
        a01 = inventory.get_location_or_raise(uow, "A-01").id
        assert held == {qz: Decimal(200), a01: Decimal(100)}
        assert uow.session.scalar(select(func.count()).select_from(StockMove).where(
            StockMove.doc == "BULK-1")) == 400
    # back again: the emptied balance rows are reused
    _bulk(db, units[:100], "A-01", "QZ", item=ids["pump"])
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.scalar(select(func.sum(Balance.quantity)).where(
            Balance.thing_key.in_(units), Balance.location_id == qz)) == Decimal(300)


def test_bulk_moves_keep_the_rules(db):
    ids = make_store(db)
    with UnitOfWork(db) as uow:
        units = traceability.create_units(uow, item_id=ids["pump"], serials=["R1", "R2"],
                                          status="released")
    _bulk(db, units, "V-SUP", "QZ", item=ids["pump"], purpose="receipt")
    moves = _count(db, StockMove)
    with pytest.raises(inventory.MoveInvalid):  # already there
        _bulk(db, units, "V-SUP", "QZ", item=ids["pump"], purpose="receipt")
    with pytest.raises(inventory.InsufficientStock):  # not at A-01
        _bulk(db, units, "A-01", "A-02", item=ids["pump"])
    with pytest.raises(inventory.MoveInvalid):  # another item's units
        _bulk(db, units, "QZ", "A-01", item=ids["cath"])
    with pytest.raises(inventory.MoveInvalid):  # named twice
        _bulk(db, [units[0], units[0]], "QZ", "A-01", item=ids["pump"])
    assert _count(db, StockMove) == moves
