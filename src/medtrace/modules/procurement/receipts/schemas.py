"""Receiving input schemas and answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from medtrace.modules.procurement.schemas import MAX_QUANTITY

Serial = Annotated[str, Field(min_length=1, max_length=20)]


class ReceiptLineIn(BaseModel):
    scan: str = Field(min_length=1, max_length=400,
                      description="The raw UDI as scanned: GS1 element string (GS separators, "
                                  "`]d2`/`]C1` prefixes, `<GS>`/`^]` keyboard forms), GS1 "
                                  "Digital Link URL, HIBCC; or a case's SSCC with AI 02")
    quantity: Decimal = Field(gt=0, lt=MAX_QUANTITY, decimal_places=6,
                              description="In `uom`")
    uom: str | None = Field(default=None, min_length=1, max_length=10,
                            description="The unit of the scanned packaging level "
                                        "(default the item's base unit)")
    serials: list[Serial] = Field(default_factory=list, max_length=100_000,
                                  description="Serial numbers of a case scanned once (its "
                                              "SSCC or GTIN); one scan per unit otherwise")


class ReceiptCreate(BaseModel):
    purchase_order: str = Field(min_length=1, max_length=40, description="Order number")
    location: str | None = Field(default=None, max_length=40,
                                 description="Quarantine location code (default: the plant's "
                                             "receiving quarantine)")
    note: str = Field(default="", max_length=2000)
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=500)


class ReturnCreate(BaseModel):
    """Rejected goods back to their supplier: a lot's quantity, or serial units."""

    item: str = Field(min_length=1, max_length=40, description="Item code")
    lot: str | None = Field(default=None, max_length=64, description="Lot number")
    serials: list[Serial] = Field(default_factory=list, max_length=100_000)
    quantity: Decimal | None = Field(default=None, gt=0, lt=MAX_QUANTITY, decimal_places=6)
    uom: str | None = Field(default=None, min_length=1, max_length=10)
    from_location: str = Field(min_length=1, max_length=40)
    reason: str = Field(min_length=1, max_length=500)


class ReceivedLot(BaseModel):
    item: str
    lot: str | None
    status: str
    quantity: str
    uom: str
    serials: int
    inspection: str | None


class ReceiptAnswer(BaseModel):
    number: str
    purchase_order: str
    order_status: str
    lots: list[ReceivedLot]
    inspection: str | None
    inspections: list[str]


class ReturnAnswer(BaseModel):
    number: str
    supplier: str
    item: str
    lot: str | None
    quantity: str
    units: int
