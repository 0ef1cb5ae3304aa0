"""Events of sales (see ``medtrace.platform.events``). Quantities are in the item's base
unit. ``ShipmentShipped`` carries the advance ship notice as an EPCIS 2.0 document, so that a
webhook or broker subscriber (the customer's WMS) receives it with the shipment."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from medtrace.platform.events import Event


@dataclass(frozen=True)
class OrderStatusChanged(Event):
    type = "sales.order.status_changed"
    version = 1

    order_id: int
    number: str
    customer_id: int
    previous: str | None
    status: str


@dataclass(frozen=True)
class ShipmentShipped(Event):
    type = "sales.shipment.shipped"
    version = 1

    number: str
    order: str
    customer: str
    ship_to: str
    containers: list[str]
    lots: list[str]
    units: int
    epcis: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ShipmentDelivered(Event):
    type = "sales.shipment.delivered"
    version = 1

    number: str
    customer: str
    delivered_at: str
    received_by: str


@dataclass(frozen=True)
class GoodsReturned(Event):
    type = "sales.goods.returned"
    version = 1

    number: str
    customer: str
    shipment: str | None
    lots: list[str]
    units: int
    quantity: Decimal


@dataclass(frozen=True)
class ReturnDispositioned(Event):
    type = "sales.return.dispositioned"
    version = 1

    number: str
    line_id: int
    disposition: str
