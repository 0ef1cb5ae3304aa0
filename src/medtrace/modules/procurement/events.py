"""Events of purchasing (see ``medtrace.platform.events``). Quantities are in the item's base
unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from medtrace.platform.events import Event


@dataclass(frozen=True)
class OrderStatusChanged(Event):
    type = "procurement.order.status_changed"
    version = 1

    order_id: int
    number: str
    supplier_id: int
    previous: str | None
    status: str


@dataclass(frozen=True)
class GoodsReceived(Event):
    type = "procurement.goods.received"
    version = 1

    receipt: str
    order: str
    supplier_id: int
    lots: list[str]
    inspections: list[str]
    quantity: Decimal


@dataclass(frozen=True)
class GoodsReturned(Event):
    type = "procurement.goods.returned"
    version = 1

    number: str
    supplier_id: int
    item_id: int
    lot_id: int | None
    quantity: Decimal
