"""Events of production (see ``medtrace.platform.events``). Quantities are in the item's base
unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from medtrace.platform.events import Event


@dataclass(frozen=True)
class BomReleased(Event):
    type = "production.bom.released"
    version = 1

    bom_id: int
    item_id: int
    bom_version: str
    effective_from: str


@dataclass(frozen=True)
class WorkOrderStatusChanged(Event):
    type = "production.work_order.status_changed"
    version = 1

    number: str
    item_id: int
    previous: str | None
    status: str


@dataclass(frozen=True)
class MaterialIssued(Event):
    type = "production.material.issued"
    version = 1

    work_order: str
    item_id: int
    lot_id: int | None
    unit_id: int | None
    quantity: Decimal
    substitute: bool
    units: int = 0  # serial units among them (a batch of scans: one event per item and lot)


@dataclass(frozen=True)
class OutputReported(Event):
    type = "production.output.reported"
    version = 1

    work_order: str
    item_id: int
    lot_id: int | None
    quantity: Decimal
    serials: int


@dataclass(frozen=True)
class BatchReleased(Event):
    type = "production.batch.released"
    version = 1

    lot_id: int
    code: str
    item_id: int
    work_orders: list[str]
