"""Traceability input schemas: one per write action (lots, units, containers, status changes,
genealogy links and their reversal). The API validates against them; the service checks the
rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from medtrace.modules.traceability.rules import LotStatus

#: the largest id a column holds (64-bit signed)
MAX_ID = 2**63 - 1
#: quantities are NUMERIC(24, 6): below 10^18 in magnitude
MAX_QUANTITY = Decimal(10) ** 18


class LotCreate(BaseModel):
    item_id: int = Field(ge=1, le=MAX_ID)
    number: str | None = Field(default=None, min_length=1, max_length=20,
                               description="None: issued by the item's numbering rule")
    manufacture_date: dt.date | None = None
    expiry_date: dt.date | None = None
    supplier_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    supplier_lot: str | None = Field(default=None, max_length=64)
    quantity: Decimal | None = Field(default=None, gt=-MAX_QUANTITY, lt=MAX_QUANTITY)
    uom: str | None = Field(default=None, max_length=10)


class UnitCreate(BaseModel):
    item_id: int = Field(ge=1, le=MAX_ID)
    serial: str | None = Field(default=None, min_length=1, max_length=20,
                               description="None: issued by the item's numbering rule")
    lot_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class ContainerCreate(BaseModel):
    sscc: str = Field(min_length=1, max_length=40)
    container_type: Literal["case", "pallet", "tote", "other"] = "case"
    item_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class StatusIn(BaseModel):
    status: LotStatus
    reason: str = Field(min_length=1, max_length=500)
    password: str | None = Field(default=None, max_length=200,
                                 description="Signing password (release, reject)")


class LinkIn(BaseModel):
    child_id: int = Field(ge=1, le=MAX_ID)
    parent_id: int = Field(ge=1, le=MAX_ID)
    kind: Literal["production", "split", "merge", "repack", "replacement", "packing"]
    quantity: Decimal | None = Field(default=None, gt=-MAX_QUANTITY, lt=MAX_QUANTITY)
    uom: str | None = Field(default=None, max_length=10)
    doc: str | None = Field(default=None, max_length=64)


class ReverseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)
