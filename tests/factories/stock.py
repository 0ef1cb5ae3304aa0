"""A small store for count and alert tests, built through the real services: a site with a
warehouse whose zones are available (15-25 °C), cold (2-8 °C), quarantine and uncontrolled, the
virtual supplier, customer and adjustment locations, and lot, serial and untracked items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import MoveCreate
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.clock import plant_today
from tests.factories.trace import gtin

COUNTER = Actor("user", 9001, "counter")
OTHER_COUNTER = Actor("user", 9002, "counter.two")
APPROVER = Actor("user", 9003, "approver", permissions=frozenset({"inventory.stock.adjust"}))


def _item(uow: UnitOfWork, code: str, tracking: str, **extra: object) -> int:
    return catalog.create_item(uow, ItemCreate(
        code=code, name_zh=code, name_en=code, tracking=tracking, base_uom="EA",
        packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}],
        **extra)).id


def make_store(db: Database) -> dict[str, int]:
    ids: dict[str, int] = {}
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="SH", name_zh="上海", name_en="Shanghai", kind="site")
        loc(uow, code="WH1", name_zh="一号库", name_en="Store 1", kind="warehouse", parent="SH")
        loc(uow, code="AZ", name_zh="合格区", name_en="Available", kind="zone", parent="WH1",
            stock_status="available", temperature_zone="15-25C")
        for code in ("A-01", "A-02"):
            loc(uow, code=code, name_zh=code, name_en=code, kind="bin", parent="AZ")
        loc(uow, code="CZ", name_zh="冷藏区", name_en="Cold", kind="zone", parent="WH1",
            stock_status="available", temperature_zone="2~8℃")
        loc(uow, code="C-01", name_zh="C-01", name_en="C-01", kind="bin", parent="CZ")
        loc(uow, code="QZ", name_zh="待验区", name_en="Quarantine", kind="zone", parent="WH1",
            stock_status="quarantine")
        loc(uow, code="UZ", name_zh="杂物区", name_en="Odd", kind="zone", parent="WH1",
            stock_status="available", temperature_zone="cool")
        loc(uow, code="WH2", name_zh="二号库", name_en="Store 2", kind="warehouse",
            stock_status="available")
        for code, role in (("V-SUP", "supplier"), ("V-CUS", "customer"),
                           ("V-ADJ", "adjustment")):
            loc(uow, code=code, name_zh=code, name_en=code, kind="virtual", role=role)
        ids["cath"] = _item(uow, "CATH", "lot", storage_min_c=Decimal(10),
                            storage_max_c=Decimal(30))
        ids["pump"] = _item(uow, "PUMP", "serial")
        ids["gauze"] = _item(uow, "GAUZE", "none")
        ids["vacc"] = _item(uow, "VACC", "lot", storage_min_c=Decimal(2),
                            storage_max_c=Decimal(8))
        today = plant_today()
        for item, number, days in (("cath", "C-1", 400), ("cath", "C-2", 20),
                                   ("cath", "C-X", -1), ("vacc", "V-1", 200)):
            ids[number] = traceability.create_lot(
                uow, item_id=ids[item], number=number, status="released",
                expiry_date=today + dt.timedelta(days=days)).id
        for serial in ("SN-1", "SN-2"):
            ids[serial] = traceability.create_unit(uow, item_id=ids["pump"], serial=serial,
                                                   status="released").id
    return ids


def move(db: Database, item_id: int, quantity: int | str, source: str, target: str, *,
         lot_id: int | None = None, unit_id: int | None = None,
         purpose: str = "transfer") -> int:
    with UnitOfWork(db) as uow:
        return inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
            item_id=item_id, quantity=Decimal(quantity), from_location=source,
            to_location=target, purpose=purpose, lot_id=lot_id, unit_id=unit_id)).id


def receive(db: Database, item_id: int, quantity: int | str, target: str, *,
            lot_id: int | None = None, unit_id: int | None = None) -> int:
    return move(db, item_id, quantity, "V-SUP", target, lot_id=lot_id, unit_id=unit_id,
                purpose="receipt")
