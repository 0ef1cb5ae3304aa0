"""Demo catalog: a serialized class II infusion pump, a class III catheter tracked by lot, and
lot-tracked components (a main board, tubing, a battery pack) and a serialized subassembly
(the pump's drive module), with the catalog permissions of the demo
roles and a purchasing role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from medtrace.modules.catalog import service
from medtrace.modules.catalog.permissions import ROLE_GRANTS
from medtrace.modules.catalog.rules import gs1_check_digit
from medtrace.modules.catalog.schemas import ItemCreate, PackagingIn
from medtrace.platform.auth import roles
from medtrace.platform.db.uow import UnitOfWork


def _grant(uow: UnitOfWork) -> None:
    roles.add_grants(uow, ROLE_GRANTS)


def _items(uow: UnitOfWork) -> dict[str, int]:
    def gtin(body: str) -> str:
        return body + str(gs1_check_digit(body))

    made = {}
    specs = [
        ("IP-200", "容量输液泵", "Volumetric infusion pump", "II", "serial", None, "EA",
         "国械注准20232140001", [("0697123456001", 1)]),
        ("CVC-7F", "一次性使用中心静脉导管", "Single-use central venous catheter", "III",
         "lot", 1095, "EA", "国械注准20233030002", [("0697123456002", 1), ("1697123456002", 10)]),
        ("PCB-MAIN", "输液泵主控板", "Pump main board", None, "lot", None, "EA", None,
         [("0697123456003", 1)]),
        ("TUBE-PVC", "医用PVC管路", "Medical PVC tubing", None, "lot", 730, "M", None,
         [("0697123456004", 1)]),
        ("DRV-200", "输液泵泵送模块", "Pump drive module", None, "serial", None, "EA", None,
         [("0697123456005", 1)]),
        ("BAT-LI", "锂电池组", "Li-ion battery pack", None, "lot", None, "EA", None,
         [("0697123456006", 1)]),
    ]
    kinds = {"PCB-MAIN": "component", "TUBE-PVC": "component", "BAT-LI": "component",
             "DRV-200": "subassembly"}
    for code, zh, en, cls, tracking, shelf, uom, reg, levels in specs:
        data = ItemCreate(
            code=code, name_zh=zh, name_en=en, class_cn=cls, tracking=tracking,
            kind=kinds.get(code, "finished"),
            shelf_life_days=shelf, base_uom=uom, registration_number=reg,
            registration_expiry=dt.date(2029, 12, 31) if reg else None,
            min_remaining_shelf_life_days=180 if shelf else None,
            certificate_required=kinds.get(code, "finished") == "finished",
            packaging=[PackagingIn(level=i, name="unit" if i == 0 else "box", gtin=gtin(body),
                                   quantity=Decimal(qty)) for i, (body, qty) in
                       enumerate(levels)],
            conversions=[{"uom": "BX", "factor": Decimal(10)}] if len(levels) > 1 else [])
        item = service.create_item(uow, data)
        service.set_status(uow, item.id, "active")
        made[code] = item.id
    return made


def load(uow: UnitOfWork) -> None:
    _grant(uow)
    _items(uow)
