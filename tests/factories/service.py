"""A field-service setting for the service tests, built through the real services: a store
with an available zone, a quarantine zone and a technician's van (available stock); a pump
(finished, serial) built from a drive board (subassembly, serial) made of a PCB lot, and a
battery lot; the pump shipped to a hospital; spares in the van (a released battery lot, a
quarantined battery lot, a released spare board); a technician and a service lead."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import MoveCreate
from medtrace.modules.partners import PartnerCreate
from medtrace.modules.partners import service as partners_service
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import make_user
from tests.factories.clock import plant_today
from tests.factories.purchasing import actor
from tests.factories.trace import gtin

TECHNICIAN = ["service.order.view", "service.installation.record", "service.order.work",
              "service.order.edit", "service.visit.record", "quality.complaint.create",
              "quality.complaint.view", "traceability.trace.view", "inventory.stock.move",
              "inventory.stock.view"]
LEAD = ["service.order.view", "service.order.edit", "service.setup.edit",
        "service.visit.record", "quality.complaint.view", "traceability.trace.view"]


def _item(uow: UnitOfWork, code: str, kind: str, tracking: str) -> int:
    item = catalog.create_item(uow, ItemCreate(
        code=code, name_zh=f"{code}中文", name_en=code, kind=kind, tracking=tracking,
        base_uom="EA", packaging=[{"level": 0, "name": "unit", "gtin": gtin(),
                                   "quantity": "1"}]))
    return item.id


def _receive(uow: UnitOfWork, item_id: int, quantity: str, location: str, *,
             lot_id: int | None = None, unit_id: int | None = None) -> None:
    inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
        item_id=item_id, quantity=Decimal(quantity), from_location="V-SUP",
        to_location=location, purpose="receipt", lot_id=lot_id, unit_id=unit_id))


def make_field(db: Database, *, shipped_days_ago: int = 30) -> dict[str, Any]:
    """The setting described in the module docstring; ids by name."""
    import medtrace.modules.quality.permissions
    import medtrace.modules.service.permissions
    import medtrace.modules.traceability.permissions  # noqa: F401

    make_user(db, "svc.tech", permissions=TECHNICIAN, printed_name="Tech One")
    make_user(db, "svc.lead", permissions=LEAD, printed_name="Lead One")
    ids: dict[str, Any] = {}
    today = plant_today()
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="SH", name_zh="上海", name_en="Shanghai", kind="site")
        loc(uow, code="WH1", name_zh="一号库", name_en="Store 1", kind="warehouse", parent="SH")
        loc(uow, code="AZ", name_zh="合格区", name_en="Available", kind="zone", parent="WH1",
            stock_status="available")
        loc(uow, code="QZ", name_zh="待验区", name_en="Quarantine", kind="zone", parent="WH1",
            stock_status="quarantine")
        loc(uow, code="VAN-1", name_zh="服务车1", name_en="Van 1", kind="warehouse",
            parent="SH", stock_status="available")
        for code, role in (("V-SUP", "supplier"), ("V-CUS", "customer"),
                           ("V-PRD", "production")):
            loc(uow, code=code, name_zh=code, name_en=code, kind="virtual", role=role)
        ids["pump"] = _item(uow, "PUMP", "finished", "serial")
        ids["board"] = _item(uow, "BOARD", "subassembly", "serial")
        ids["pcb"] = _item(uow, "PCB", "component", "lot")
        ids["bat"] = _item(uow, "BAT", "component", "lot")
        for item in ("pump", "board", "pcb", "bat"):
            catalog.set_status(uow, ids[item], "active")
        hospital = partners_service.create_partner(uow, PartnerCreate(
            code="HSP-1", name_zh="第一医院", name_en="First Hospital", is_customer=True,
            customer_type="hospital"))
        ids["hospital"] = hospital.id
        other = partners_service.create_partner(uow, PartnerCreate(
            code="HSP-2", name_zh="第二医院", name_en="Second Hospital", is_customer=True,
            customer_type="hospital"))
        ids["other"] = other.id
        mk_lot = traceability.create_lot
        pcb = mk_lot(uow, item_id=ids["pcb"], number="PCB-1", status="released")
        bat = mk_lot(uow, item_id=ids["bat"], number="BAT-1", status="released")
        spare = mk_lot(uow, item_id=ids["bat"], number="BAT-SP", status="released")
        held = mk_lot(uow, item_id=ids["bat"], number="BAT-QH", status="quarantine")
        _receive(uow, ids["bat"], "5", "VAN-1", lot_id=spare.id)
        _receive(uow, ids["bat"], "3", "VAN-1", lot_id=held.id)
        board = traceability.create_unit(uow, item_id=ids["board"], serial="SA-1",
                                         status="released")
        spare_board = traceability.create_unit(uow, item_id=ids["board"], serial="SA-9",
                                               status="released")
        _receive(uow, ids["board"], "1", "VAN-1", unit_id=spare_board.id)
        made = dt.datetime.combine(today - dt.timedelta(days=shipped_days_ago + 10),
                                   dt.time(9), tzinfo=uow.timezone)
        traceability.record_event(uow, step="produced",
                                  inputs=[traceability.Part(pcb, Decimal(2), "EA")],
                                  outputs=[board], at=made, doc="WO-B", edge_kind="production")
        pump = traceability.create_unit(uow, item_id=ids["pump"], serial="SN-1",
                                        status="released")
        traceability.record_event(uow, step="produced",
                                  inputs=[board, traceability.Part(bat, Decimal(1), "EA")],
                                  outputs=[pump], at=made + dt.timedelta(hours=2), doc="WO-P",
                                  edge_kind="production")
        stocked = traceability.create_unit(uow, item_id=ids["pump"], serial="SN-2",
                                           status="released")
        traceability.record_event(
            uow, step="shipped", what=[pump],
            at=dt.datetime.combine(today - dt.timedelta(days=shipped_days_ago), dt.time(10),
                                   tzinfo=uow.timezone),
            doc="DN-1", destinations=[traceability.Party("owning_party", hospital.id)])
        ids |= {"pcb_lot": pcb.id, "bat_lot": bat.id, "spare_lot": spare.id,
                "held_lot": held.id, "board_unit": board.id, "spare_board": spare_board.id,
                "pump_unit": pump.id, "stocked_unit": stocked.id}
    return ids


def tech(db: Database) -> Actor:
    return actor(db, "svc.tech")


def lead(db: Database) -> Actor:
    return actor(db, "svc.lead")
