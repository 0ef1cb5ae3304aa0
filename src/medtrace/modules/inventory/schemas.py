"""Inventory input schemas: one per write action. The API validates its body against them, the
pages map their form fields onto them, the CLI its options; the service takes them and checks
everything else (permission, reasons, purposes, stock), so every caller gets the same answer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field

from medtrace.modules.inventory.rules import LocationKind, StockStatus, VirtualRole

#: the largest id a column holds (64-bit signed)
MAX_ID = 2**63 - 1
#: quantities are NUMERIC(24, 6): below 10^18 in magnitude
MAX_QUANTITY = Decimal(10) ** 18

#: a location by code (or by id, as the pages and other modules give it)
LocationRef = Annotated[int, Field(ge=1, le=MAX_ID)] | Annotated[
    str, Field(min_length=1, max_length=40)]

Purpose = Literal["receipt", "transfer", "quarantine", "release", "issue", "ship",
                  "return_to_supplier", "customer_return", "scrap", "adjustment",
                  "output", "production_return", "service"]


class LocationCreate(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    kind: LocationKind
    parent: str | None = Field(default=None, max_length=40, description="Parent location code")
    stock_status: StockStatus | None = None
    temperature_zone: str | None = Field(default=None, max_length=20)
    role: VirtualRole | None = None


class MoveCreate(BaseModel):
    """A stock move. An adjustment needs ``inventory.stock.adjust`` and a ``reason_code`` from
    the adjustment reasons (``count_difference``, ``damaged``, ``found``, ``lost``,
    ``data_correction``, ``other``, and ``count`` for approved counts)."""

    item_id: int = Field(ge=1, le=MAX_ID)
    quantity: Decimal = Field(gt=-MAX_QUANTITY, lt=MAX_QUANTITY,
                              description="In `uom` (default the item's base unit); exact, "
                                          "positive, at most 6 decimals")
    uom: str | None = Field(default=None, min_length=1, max_length=10)
    from_location: LocationRef = Field(description="Location code")
    to_location: LocationRef = Field(description="Location code")
    purpose: Purpose = "transfer"
    lot_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    unit_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    reason_code: str | None = Field(default=None, max_length=40)
    note: str = Field(default="", max_length=1000)
    doc: str | None = Field(default=None, max_length=64)
    at: AwareDatetime | None = Field(default=None, description="When it happened (with zone)")
    partner_id: int | None = Field(default=None, ge=1, le=MAX_ID,
                                   description="Customer shipped to, supplier received from")


class MoveReverse(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class BulkMoveCreate(BaseModel):
    """Many serial units of one item (or one lot's quantity) moving together between the same
    two locations: one validation, set-based balance changes, one journal event. ``unit_ids``
    each move one piece; without them ``quantity`` of ``lot_id`` moves as with ``MoveCreate``."""

    item_id: int = Field(ge=1, le=MAX_ID)
    from_location: LocationRef
    to_location: LocationRef
    purpose: Purpose = "transfer"
    lot_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    unit_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(default_factory=list,
                                                                    max_length=100_000)
    reason_code: str | None = Field(default=None, max_length=40)
    note: str = Field(default="", max_length=1000)
    doc: str | None = Field(default=None, max_length=64)
    at: AwareDatetime | None = None
    partner_id: int | None = Field(default=None, ge=1, le=MAX_ID)
