"""Purchasing input schemas (one per write action) and the answers of the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field

#: quantities are NUMERIC(24, 6): below 10^18; prices and rates are bounded below that
MAX_QUANTITY = Decimal(10) ** 12
MAX_PRICE = Decimal(10) ** 12
MAX_ID = 2**63 - 1


class OrderLineIn(BaseModel):
    item: str = Field(min_length=1, max_length=40, description="Item code")
    quantity: Decimal = Field(gt=0, lt=MAX_QUANTITY, decimal_places=6,
                              description="In `uom`, exact, positive")
    uom: str | None = Field(default=None, min_length=1, max_length=10,
                            description="Any unit of the item (default its base unit)")
    unit_price: Decimal = Field(ge=0, lt=MAX_PRICE, decimal_places=6,
                                description="Per `uom`, in the order's currency")
    requested_date: dt.date | None = None


class OrderCreate(BaseModel):
    supplier: str = Field(min_length=1, max_length=40, description="Partner code")
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    exchange_rate: Decimal | None = Field(
        default=None, gt=0, le=10000, decimal_places=6,
        description="CNY per one unit of `currency`; required unless the currency is CNY")
    note: str = Field(default="", max_length=2000)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)


class LineChange(BaseModel):
    line_no: int = Field(ge=1, le=10000)
    quantity: Decimal | None = Field(default=None, gt=0, lt=MAX_QUANTITY, decimal_places=6)
    unit_price: Decimal | None = Field(default=None, ge=0, lt=MAX_PRICE, decimal_places=6)
    requested_date: dt.date | None = None


class OrderAmend(BaseModel):
    """A change of an order's lines (quantity, price, requested date), exchange rate or note.
    An approved order whose total grows goes back to draft for a new approval."""

    reason: str = Field(min_length=1, max_length=500)
    lines: list[LineChange] = Field(default_factory=list, max_length=500)
    exchange_rate: Decimal | None = Field(default=None, gt=0, le=10000, decimal_places=6)
    note: str | None = Field(default=None, max_length=2000)


class OrderReason(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class RequisitionLineIn(BaseModel):
    item: str = Field(min_length=1, max_length=40)
    quantity: Decimal = Field(gt=0, lt=MAX_QUANTITY, decimal_places=6)
    uom: str | None = Field(default=None, min_length=1, max_length=10)
    supplier: str | None = Field(default=None, max_length=40,
                                 description="Suggested supplier (partner code)")
    unit_price: Decimal | None = Field(default=None, ge=0, lt=MAX_PRICE, decimal_places=6)
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    requested_date: dt.date | None = None


class RequisitionCreate(BaseModel):
    note: str = Field(default="", max_length=2000)
    lines: list[RequisitionLineIn] = Field(min_length=1, max_length=500)


class RequisitionToOrders(BaseModel):
    """Turn a requisition into orders: one per supplier and currency. Lines without a
    supplier or price take them from here."""

    supplier: str | None = Field(default=None, max_length=40)
    exchange_rates: dict[str, Decimal] = Field(default_factory=dict, max_length=20)


# --- answers --------------------------------------------------------------------------------
class OrderLineRead(BaseModel):
    line_no: int
    item: str
    quantity: str
    uom: str
    base_quantity: str
    base_uom: str
    unit_price: str
    amount: str
    requested_date: dt.date | None
    received_base_quantity: str
    returned_base_quantity: str


class OrderRead(BaseModel):
    id: int
    number: str
    status: str
    supplier: str
    currency: str
    exchange_rate: str | None
    total: str
    total_cny: str
    note: str
    created_by: str
    created_at: dt.datetime
    lines: list[OrderLineRead]


class OrderPage(BaseModel):
    items: list[OrderRead]
    total: int


class RequisitionRead(BaseModel):
    id: int
    number: str
    status: str
    note: str
    requested_by: str
    lines: list[dict[str, str | None]]
    orders: list[str]


class RequisitionPage(BaseModel):
    items: list[RequisitionRead]
    total: int
