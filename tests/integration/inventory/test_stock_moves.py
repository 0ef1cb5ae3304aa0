"""The stock ledger on a real database: balances that never go negative, lots that may not be
issued, a serial unit in one place, exact unit conversion, reversals, FEFO, reconciliation, and
a failed move that leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import MoveCreate, queries
from medtrace.modules.inventory.models import Balance, StockMove
from medtrace.modules.traceability.models import Event
from medtrace.platform.actor import SYSTEM
from medtrace.platform.audit.models import AuditEntry
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.clock import plant_today
from tests.factories.trace import gtin, make_partner


def _item(uow, code, tracking, *, uom="EA", conversions=(), min_days=None):  # type: ignore[no-untyped-def]
    item = catalog.create_item(uow, ItemCreate(
        code=code, name_zh=code, name_en=code, tracking=tracking, base_uom=uom,
        min_remaining_shelf_life_days=min_days,
        conversions=[{"uom": u, "factor": f} for u, f in conversions],
        packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}]))
    return item.id


@pytest.fixture
def wh(db):  # type: ignore[no-untyped-def]
    ids: dict[str, int] = {}
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="SH", name_zh="上海工厂", name_en="Shanghai plant", kind="site")
        loc(uow, code="WH1", name_zh="成品库", name_en="FG store", kind="warehouse", parent="SH")
        loc(uow, code="QZ", name_zh="待验区", name_en="Quarantine", kind="zone", parent="WH1",
            stock_status="quarantine")
        loc(uow, code="AZ", name_zh="合格区", name_en="Available", kind="zone", parent="WH1",
            stock_status="available", temperature_zone="15-25C")
        loc(uow, code="A-01", name_zh="货位A-01", name_en="Bin A-01", kind="bin", parent="AZ")
        loc(uow, code="A-02", name_zh="货位A-02", name_en="Bin A-02", kind="bin", parent="AZ")
        loc(uow, code="RZ", name_zh="不合格区", name_en="Rejected", kind="zone", parent="WH1",
            stock_status="rejected")
        for code, role in (("V-SUP", "supplier"), ("V-CUS", "customer"), ("V-SCRAP", "scrap"),
                           ("V-ADJ", "adjustment"), ("V-PROD", "production")):
            loc(uow, code=code, name_zh=code, name_en=code, kind="virtual", role=role)
        ids["cath"] = _item(uow, "CATH", "lot")
        ids["pump"] = _item(uow, "PUMP", "serial")
        ids["gauze"] = _item(uow, "GAUZE", "none", conversions=[("BX", "10")])
        today = plant_today()
        for number, days, status in (("C-OLD", 40, "released"), ("C-NEW", 400, "released"),
                                     ("C-Q", 300, "quarantine"), ("C-EXP", -1, "released")):
            lot = traceability.create_lot(uow, item_id=ids["cath"], number=number,
                                          expiry_date=today + dt.timedelta(days=days),
                                          status=status)
            ids[number] = lot.id
        ids["sn1"] = traceability.create_unit(uow, item_id=ids["pump"], serial="SN-1",
                                              status="released").id
    ids["customer"] = make_partner(db, "HSP-9", customer=True)
    return ids


def _move(db, **fields):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        return inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(**fields)).id


def _on_hand(db, location: str, thing_key: int) -> Decimal:
    with UnitOfWork(db, write=False) as uow:
        loc = inventory.get_location_or_raise(uow, location)
        row = uow.session.scalars(select(Balance).where(
            Balance.location_id == loc.id, Balance.thing_key == thing_key)).first()
        return row.quantity if row else Decimal(0)


def _counts(db) -> tuple[int, int, int]:
    with UnitOfWork(db, write=False) as uow:
        return (uow.session.scalar(select(func.count()).select_from(StockMove)),
                uow.session.scalar(select(func.count()).select_from(Event)),
                uow.session.scalar(select(func.count()).select_from(AuditEntry)))


def test_receive_release_ship_keeps_balances_and_journals_each_move(db, wh):
    _move(db, item_id=wh["cath"], quantity=Decimal(100), from_location="V-SUP",
          to_location="QZ", purpose="receipt", lot_id=wh["C-NEW"], doc="RC-1")
    _move(db, item_id=wh["cath"], quantity=Decimal(60), from_location="QZ", to_location="A-01",
          purpose="release", lot_id=wh["C-NEW"])
    _move(db, item_id=wh["cath"], quantity=Decimal(25), from_location="A-01",
          to_location="V-CUS", purpose="ship", lot_id=wh["C-NEW"], doc="SH-1",
          partner_id=wh["customer"])
    assert _on_hand(db, "QZ", wh["C-NEW"]) == 40
    assert _on_hand(db, "A-01", wh["C-NEW"]) == 35
    with UnitOfWork(db, write=False) as uow:
        line = traceability.timeline(uow, traceability.get_object_or_raise(uow, wh["C-NEW"]))
        assert [e["step"] for e in line["events"]] == ["received", "moved", "shipped"]
        assert line["events"][2]["details"]["from"] == "A-01"
        assert queries.reconcile(uow) == []


def test_taking_more_than_there_is_fails_and_leaves_nothing_behind(db, wh):
    _move(db, item_id=wh["cath"], quantity=Decimal(10), from_location="V-SUP", to_location="A-01",
          purpose="receipt", lot_id=wh["C-NEW"])
    before = _counts(db)
    with pytest.raises(inventory.InsufficientStock):
        _move(db, item_id=wh["cath"], quantity=Decimal(11), from_location="A-01",
              to_location="V-CUS", purpose="ship", lot_id=wh["C-NEW"])
    assert _counts(db) == before
    assert _on_hand(db, "A-01", wh["C-NEW"]) == 10


@pytest.mark.parametrize(("lot", "source", "reason"), [
    ("C-EXP", "A-01", "expired"), ("C-Q", "A-01", "quarantine"), ("C-NEW", "QZ",
                                                                    "location quarantine")])
def test_stock_that_may_not_be_issued_is_refused_with_its_reason(db, wh, lot, source, reason):
    _move(db, item_id=wh["cath"], quantity=Decimal(5), from_location="V-SUP", to_location=source,
          purpose="receipt", lot_id=wh[lot])
    with pytest.raises(inventory.LotNotIssuable) as refused:
        _move(db, item_id=wh["cath"], quantity=Decimal(1), from_location=source,
              to_location="V-CUS", purpose="ship", lot_id=wh[lot])
    assert refused.value.extra["reason"] == reason
    # scrapping or returning to the supplier is allowed
    _move(db, item_id=wh["cath"], quantity=Decimal(1), from_location=source,
          to_location="V-SCRAP", purpose="scrap", lot_id=wh[lot])
    _move(db, item_id=wh["cath"], quantity=Decimal(1), from_location=source,
          to_location="V-SUP", purpose="return_to_supplier", lot_id=wh[lot])


def test_a_recalled_lot_cannot_be_shipped(db, wh):
    _move(db, item_id=wh["cath"], quantity=Decimal(5), from_location="V-SUP", to_location="A-01",
          purpose="receipt", lot_id=wh["C-OLD"])
    with UnitOfWork(db) as uow:
        lot = traceability.get_object_or_raise(uow, wh["C-OLD"])
        lot.status = "recalled"
    with pytest.raises(inventory.LotNotIssuable):
        _move(db, item_id=wh["cath"], quantity=Decimal(1), from_location="A-01",
              to_location="V-CUS", purpose="ship", lot_id=wh["C-OLD"])


def test_a_serial_unit_is_in_one_place_with_quantity_one(db, wh):
    _move(db, item_id=wh["pump"], quantity=Decimal(1), from_location="V-SUP", to_location="A-01",
          purpose="receipt", unit_id=wh["sn1"])
    with pytest.raises(inventory.MoveInvalid):  # a second receipt would put it in two places
        _move(db, item_id=wh["pump"], quantity=Decimal(1), from_location="V-SUP",
              to_location="A-02", purpose="receipt", unit_id=wh["sn1"])
    with pytest.raises(inventory.MoveInvalid):
        _move(db, item_id=wh["pump"], quantity=Decimal(2), from_location="A-01",
              to_location="A-02", unit_id=wh["sn1"])
    with pytest.raises(inventory.MoveInvalid):  # tracked by serial: the unit is required
        _move(db, item_id=wh["pump"], quantity=Decimal(1), from_location="A-01",
              to_location="A-02")
    _move(db, item_id=wh["pump"], quantity=Decimal(1), from_location="A-01", to_location="A-02",
          unit_id=wh["sn1"])
    assert (_on_hand(db, "A-01", wh["sn1"]), _on_hand(db, "A-02", wh["sn1"])) == (0, 1)


def test_quantities_convert_exactly_or_are_refused(db, wh):
    _move(db, item_id=wh["gauze"], quantity=Decimal("1.5"), uom="BX", from_location="V-SUP",
          to_location="A-01", purpose="receipt")
    assert _on_hand(db, "A-01", 0) == 15
    for quantity, uom in ((Decimal("0.5"), "EA"), (Decimal("0.05"), "BX")):
        with pytest.raises(inventory.MoveInvalid):
            _move(db, item_id=wh["gauze"], quantity=quantity, uom=uom, from_location="A-01",
                  to_location="A-02")
    with pytest.raises(inventory.MoveInvalid):
        _move(db, item_id=wh["gauze"], quantity=Decimal(-1), from_location="A-01",
              to_location="A-02")


def test_a_reversal_restores_the_balances_once(db, wh):
    _move(db, item_id=wh["cath"], quantity=Decimal(10), from_location="V-SUP", to_location="A-01",
          purpose="receipt", lot_id=wh["C-NEW"])
    moved = _move(db, item_id=wh["cath"], quantity=Decimal(4), from_location="A-01",
                  to_location="A-02", lot_id=wh["C-NEW"])
    with UnitOfWork(db) as uow:
        back = inventory.reverse_move(uow, actor=SYSTEM, move_id=moved, reason="wrong bin")
        assert back.reverses_id == moved
    assert (_on_hand(db, "A-01", wh["C-NEW"]), _on_hand(db, "A-02", wh["C-NEW"])) == (10, 0)
    with UnitOfWork(db) as uow, pytest.raises(inventory.MoveAlreadyReversed):
        inventory.reverse_move(uow, actor=SYSTEM, move_id=moved, reason="again")
    with pytest.raises(DBAPIError), db.bind.begin_nested():
        db.bind.execute(text("UPDATE inventory_stock_move SET note = 'x'"))


def test_fefo_picks_the_earliest_expiry_with_enough_shelf_life_left(db, wh):
    for lot, bin_ in (("C-NEW", "A-01"), ("C-OLD", "A-02"), ("C-EXP", "A-02")):
        _move(db, item_id=wh["cath"], quantity=Decimal(10), from_location="V-SUP",
              to_location=bin_, purpose="receipt", lot_id=wh[lot])
    with UnitOfWork(db, write=False) as uow:
        plan = queries.fefo(uow, item_id=wh["cath"], quantity=Decimal(15))
        assert [(p["lot"], p["pick"]) for p in plan["picks"]] == [("C-OLD", "10"),
                                                                  ("C-NEW", "5")]
        assert {s["lot"] for s in plan["skipped"]} == {"C-EXP"}
        picky = queries.fefo(uow, item_id=wh["cath"], quantity=Decimal(15),
                             min_remaining_days=90)
        assert [(p["lot"], p["pick"]) for p in picky["picks"]] == [("C-NEW", "10")]
        assert picky["short"] == "5"


def test_reconcile_reports_a_balance_that_disagrees_with_the_ledger(db, wh):
    _move(db, item_id=wh["cath"], quantity=Decimal(10), from_location="V-SUP", to_location="A-01",
          purpose="receipt", lot_id=wh["C-NEW"])
    with db.bind.begin_nested():
        db.bind.execute(text("UPDATE inventory_balance SET quantity = quantity + quantity"))
    with UnitOfWork(db, write=False) as uow:
        differences = queries.reconcile(uow)
    assert len(differences) == 1 and differences[0]["ledger"] == "10"
