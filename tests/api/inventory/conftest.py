"""A small warehouse for the inventory pages, built through the real services: a site with a
warehouse whose quarantine, available (two bins) and rejected zones hold stock of a catheter
(lot: one lot for years, one near expiry, one quarantined, one expired), a pump (serial) and
gauze (untracked, boxes of 10); the virtual supplier, customer and adjustment locations; and
people who may view, move or adjust stock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import MoveCreate
from medtrace.platform.actor import SYSTEM
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import make_user, web_login
from tests.factories.clock import plant_today
from tests.factories.trace import gtin

VIEW = ["inventory.stock.view", "catalog.item.view"]
MOVE = [*VIEW, "inventory.stock.move"]
ADJUST = [*MOVE, "inventory.stock.adjust", "inventory.location.edit"]


def _item(uow, code, tracking, *, uom="EA", min_days=None, conversions=()):  # type: ignore[no-untyped-def]
    code_gtin = gtin()
    item = catalog.create_item(uow, ItemCreate(
        code=code, name_zh=code, name_en=code, tracking=tracking, base_uom=uom,
        min_remaining_shelf_life_days=min_days,
        conversions=[{"uom": u, "factor": f} for u, f in conversions],
        packaging=[{"level": 0, "name": "unit", "gtin": code_gtin, "quantity": "1"}]))
    return item.id, code_gtin


def _move(uow, **fields):  # type: ignore[no-untyped-def]
    return inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(**fields)).id


@pytest.fixture
def store(db):  # type: ignore[no-untyped-def]
    ids: dict[str, object] = {}
    today = plant_today()
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
        loc(uow, code="BJ", name_zh="北京仓", name_en="Beijing", kind="site")
        loc(uow, code="WH2", name_zh="北京库", name_en="Beijing store", kind="warehouse",
            parent="BJ", stock_status="available")
        for code, role in (("V-SUP", "supplier"), ("V-CUS", "customer"),
                           ("V-ADJ", "adjustment")):
            loc(uow, code=code, name_zh=f"虚拟{code}", name_en=f"Virtual {code}",
                kind="virtual", role=role)
        ids["cath"], ids["cath_gtin"] = _item(uow, "CATH", "lot", min_days=180)
        ids["pump"], ids["pump_gtin"] = _item(uow, "PUMP", "serial")
        ids["gauze"], _ = _item(uow, "GAUZE", "none", conversions=[("BX", "10")])
        for number, days, status in (("C-NEW", 400, "released"), ("C-NEAR", 100, "released"),
                                     ("C-Q", 300, "quarantine"), ("C-EXP", -3, "released")):
            ids[number] = traceability.create_lot(
                uow, item_id=ids["cath"], number=number, status=status,
                expiry_date=today + dt.timedelta(days=days)).id
        ids["SN-1"] = traceability.create_unit(uow, item_id=ids["pump"], serial="SN-1",
                                               status="released").id
        cath = ids["cath"]
        _move(uow, item_id=cath, quantity=Decimal(50), from_location="V-SUP", to_location="A-01",
              purpose="receipt", lot_id=ids["C-NEW"], doc="RC-1")
        _move(uow, item_id=cath, quantity=Decimal(8), from_location="V-SUP", to_location="A-02",
              purpose="receipt", lot_id=ids["C-NEAR"], doc="RC-2")
        _move(uow, item_id=cath, quantity=Decimal(30), from_location="V-SUP", to_location="QZ",
              purpose="receipt", lot_id=ids["C-Q"], doc="RC-3")
        _move(uow, item_id=cath, quantity=Decimal(4), from_location="V-SUP", to_location="RZ",
              purpose="receipt", lot_id=ids["C-EXP"], doc="RC-4")
        _move(uow, item_id=ids["pump"], quantity=Decimal(1), from_location="V-SUP",
              to_location="A-01", purpose="receipt", unit_id=ids["SN-1"], doc="RC-5")
        _move(uow, item_id=ids["gauze"], quantity=Decimal(20), from_location="V-SUP",
              to_location="WH2", purpose="receipt", doc="RC-6")
    return ids


def _signed_in(client, db, username, permissions):  # type: ignore[no-untyped-def]
    make_user(db, username, permissions=permissions)
    assert web_login(client, username).status_code == 303
    return client


@pytest.fixture
def viewer(client, db):  # type: ignore[no-untyped-def]
    return _signed_in(client, db, "stock.viewer", VIEW)


@pytest.fixture
def keeper(client, db):  # type: ignore[no-untyped-def]
    """A warehouse keeper: views and moves stock, no adjustments."""
    return _signed_in(client, db, "stock.keeper", MOVE)


@pytest.fixture
def supervisor(client, db):  # type: ignore[no-untyped-def]
    """Views, moves and adjusts stock, reverses moves, creates locations."""
    return _signed_in(client, db, "stock.supervisor", ADJUST)
