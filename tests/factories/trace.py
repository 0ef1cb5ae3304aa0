"""Master data and things for traceability tests, made through the real services."""

from __future__ import annotations

from medtrace.modules import catalog, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.catalog.rules import gs1_check_digit
from medtrace.modules.partners.schemas import PartnerCreate
from medtrace.modules.partners.service import create_partner
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork

_gtin_seq = [100]


def gtin() -> str:
    _gtin_seq[0] += 1
    body = f"0697123{_gtin_seq[0]:06d}"
    return body + str(gs1_check_digit(body))


def sscc(n: int) -> str:
    body = f"0069012340{n:07d}"
    return body + str(gs1_check_digit(body))


def make_item(db: Database, code: str, *, kind: str = "finished", tracking: str = "serial",
              uom: str = "EA") -> int:
    with UnitOfWork(db) as uow:
        item = catalog.create_item(uow, ItemCreate(
            code=code, name_zh=code, name_en=code, kind=kind, tracking=tracking, base_uom=uom,
            packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}]))
        return item.id


def make_partner(db: Database, code: str, *, supplier: bool = False,
                 customer: bool = False) -> int:
    with UnitOfWork(db) as uow:
        partner = create_partner(uow, PartnerCreate(
            code=code, name_zh=code, name_en=code, is_supplier=supplier, is_customer=customer,
            customer_type="hospital" if customer else None))
        return partner.id


def lot(uow: UnitOfWork, item_id: int, number: str, **kw):  # type: ignore[no-untyped-def]
    return traceability.create_lot(uow, item_id=item_id, number=number, **kw)


def unit(uow: UnitOfWork, item_id: int, serial: str, **kw):  # type: ignore[no-untyped-def]
    return traceability.create_unit(uow, item_id=item_id, serial=serial, **kw)
