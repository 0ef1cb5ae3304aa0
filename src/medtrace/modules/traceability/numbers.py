"""Lot numbers and serials issued by the platform's numbering rules, when none is entered: the
item's own rule (scope ``traceability.lot:item:<id>`` / ``traceability.serial:item:<id>``),
else the default rule of the kind (``traceability.lot`` / ``traceability.serial``). A number
the item already uses (entered by hand earlier) is passed over."""

from __future__ import annotations

from sqlalchemy import select

from medtrace.modules.traceability.models import TraceObject
from medtrace.platform import numbering
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_

LOT_NUMBERS, SERIAL_NUMBERS = "traceability.lot", "traceability.serial"
numbering.register_kind(LOT_NUMBERS, N_("Lot numbers"))
numbering.register_kind(SERIAL_NUMBERS, N_("Serial numbers"))


def item_scope(kind: str, item_id: int) -> str:
    """The scope of one item's rule: ``traceability.lot:item:42``."""
    return f"{kind}:item:{item_id}"


def _next(uow: UnitOfWork, kind: str, thing: str, item_id: int) -> str:
    def taken(number: str) -> bool:
        return uow.session.scalar(select(TraceObject.id).where(
            TraceObject.kind == thing, TraceObject.item_id == item_id,
            TraceObject.code == number).limit(1)) is not None

    return numbering.next_number(uow, item_scope(kind, item_id), fallback=kind, skip=taken)


def next_lot_number(uow: UnitOfWork, item_id: int) -> str:
    return _next(uow, LOT_NUMBERS, "lot", item_id)


def next_serial(uow: UnitOfWork, item_id: int) -> str:
    return _next(uow, SERIAL_NUMBERS, "unit", item_id)
