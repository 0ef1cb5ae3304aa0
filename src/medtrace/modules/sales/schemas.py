"""Sales input schemas (one per write action). The paths and fields of orders, allocations,
shipments, deliveries and returns are the contract integrators code against (docs/sales.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

#: quantities are NUMERIC(24, 6): below 10^18; prices and limits are bounded below that
MAX_QUANTITY = Decimal(10) ** 12
MAX_PRICE = Decimal(10) ** 12
MAX_DAYS = 36500


class CustomerTerms(BaseModel):
    """A customer's sales terms: credit limit in CNY (none: no limit), the minimum remaining
    shelf life it accepts, payment terms."""

    credit_limit: Decimal | None = Field(default=None, ge=0, lt=MAX_PRICE, decimal_places=2)
    min_remaining_days: int | None = Field(default=None, ge=0, le=MAX_DAYS)
    payment_days: int | None = Field(default=None, ge=0, le=365)
    note: str = Field(default="", max_length=2000)


class ShipToWrite(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=500)
    contact: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=50)
    gln: str | None = Field(default=None, min_length=13, max_length=13, pattern=r"^\d{13}$",
                            description="Global Location Number (13 digits, GS1 check digit)")
    active: bool = True


class ShelfLifeRuleWrite(BaseModel):
    item: str = Field(min_length=1, max_length=40, description="Item code")
    min_remaining_days: int | None = Field(ge=0, le=MAX_DAYS,
                                           description="None removes the rule")


class PriceWrite(BaseModel):
    item: str = Field(min_length=1, max_length=40, description="Item code")
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    uom: str | None = Field(default=None, min_length=1, max_length=10)
    list_price: Decimal = Field(ge=0, lt=MAX_PRICE, decimal_places=6)
    floor_price: Decimal | None = Field(default=None, ge=0, lt=MAX_PRICE, decimal_places=6,
                                        description="The lowest price without an approval "
                                                    "(default: the list price)")


class OrderLineIn(BaseModel):
    item: str = Field(min_length=1, max_length=40, description="Item code")
    quantity: Decimal = Field(gt=0, lt=MAX_QUANTITY, decimal_places=6,
                              description="In `uom`, exact, positive")
    uom: str | None = Field(default=None, min_length=1, max_length=10,
                            description="Any unit of the item (default its base unit)")
    unit_price: Decimal = Field(ge=0, lt=MAX_PRICE, decimal_places=6,
                                description="Per `uom`, in the order's currency")


class SalesOrderCreate(BaseModel):
    customer: str = Field(min_length=1, max_length=40, description="Partner code")
    ship_to: str = Field(min_length=1, max_length=40, description="The customer's ship-to code")
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    exchange_rate: Decimal | None = Field(
        default=None, gt=0, le=10000, decimal_places=6,
        description="CNY per one unit of `currency`; required unless the currency is CNY")
    customer_reference: str = Field(default="", max_length=60,
                                    description="The customer's purchase order number")
    requested_date: dt.date | None = None
    note: str = Field(default="", max_length=2000)
    quotation: bool = Field(default=False,
                            description="A quotation, confirmed later into an order")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class PickIn(BaseModel):
    """One scan at picking: a UDI (GS1, HIBCC, ICCBBA) of a lot or serial unit."""

    scan: str = Field(min_length=1, max_length=400)
    quantity: Decimal | None = Field(default=None, gt=0, lt=MAX_QUANTITY, decimal_places=6,
                                     description="For a lot: in `uom` (default: what the "
                                                 "allocation of that lot still holds)")
    uom: str | None = Field(default=None, min_length=1, max_length=10)
    location: str | None = Field(default=None, min_length=1, max_length=40,
                                 description="Where it was picked from (default: the "
                                             "allocated location, else the only one)")


class PackIn(BaseModel):
    """A case of open picks, or a pallet of cases, of one order."""

    kind: Literal["case", "pallet"] = "case"
    sscc: str | None = Field(default=None, min_length=18, max_length=30,
                             description="Pre-printed SSCC; default: the next of the "
                                         "numbering rule `sales.sscc`")
    picks: list[int] = Field(default_factory=list, max_length=1000,
                             description="Pick ids (a case)")
    packages: list[Annotated[str, Field(min_length=18, max_length=30)]] = Field(
        default_factory=list, max_length=200, description="SSCCs of cases (a pallet)")


class ShipmentLineIn(BaseModel):
    scan: str = Field(min_length=1, max_length=400,
                      description="The SSCC of a package, or the UDI of a lot or serial unit")
    quantity: Decimal | None = Field(default=None, gt=0, lt=MAX_QUANTITY, decimal_places=6,
                                     description="For a lot, in `uom`")
    uom: str | None = Field(default=None, min_length=1, max_length=10)


class ShipmentCreate(BaseModel):
    sales_order: str = Field(min_length=1, max_length=40)
    lines: list[ShipmentLineIn] = Field(
        default_factory=list, max_length=500,
        description="What goes out; empty: everything picked and packed for the order")
    carrier: str = Field(default="", max_length=100)
    tracking_number: str = Field(default="", max_length=60)


class DeliveryIn(BaseModel):
    """Proof of delivery."""

    delivered_at: dt.datetime | None = Field(default=None,
                                             description="With its zone; default: now")
    received_by: str = Field(min_length=1, max_length=100,
                             description="The person who signed for the goods")
    note: str = Field(default="", max_length=2000)


class ReturnLineIn(BaseModel):
    scan: str = Field(min_length=1, max_length=400)
    quantity: Decimal | None = Field(default=None, gt=0, lt=MAX_QUANTITY, decimal_places=6,
                                     description="For a lot, in `uom`")
    uom: str | None = Field(default=None, min_length=1, max_length=10)


class ReturnCreate(BaseModel):
    customer: str = Field(min_length=1, max_length=40, description="Partner code")
    shipment: str | None = Field(default=None, min_length=1, max_length=40,
                                 description="The original shipment (default: found from "
                                             "each scan)")
    reason: str = Field(min_length=1, max_length=500)
    location: str | None = Field(default=None, min_length=1, max_length=40,
                                 description="A quarantine or returns location (default: "
                                             "the first returns location)")
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=500)


class SignatureIn(BaseModel):
    password: str = Field(min_length=1, max_length=256)


class DispositionIn(BaseModel):
    disposition: Literal["released", "scrapped"]
    findings: str = Field(min_length=1, max_length=2000,
                          description="What the return inspection found")
    to_location: str | None = Field(default=None, min_length=1, max_length=40,
                                    description="Where released goods go (default: an "
                                                "available location)")
    signature: SignatureIn


# --- answers --------------------------------------------------------------------------------------
class StockLineRead(BaseModel):
    item: str
    lot: str | None
    serial: str | None
    location: str
    quantity: str = Field(description="In the item's base unit")
    uom: str
    expiry: str | None


class PickRead(StockLineRead):
    id: int
    packed_in: str | None = Field(description="SSCC of the case it is packed in")


class ShortReason(BaseModel):
    reason: str = Field(description="quarantine, on_hold, rejected, recalled, expired, "
                                    "shelf_life, allocated, location, no_stock")
    quantity: str


class Shortage(BaseModel):
    missing: str
    min_remaining_days: int | None
    reasons: list[ShortReason]


class AllocationLineRead(BaseModel):
    line_no: int
    item: str
    uom: str
    ordered: str
    shipped: str
    picked: str
    allocated: str
    missing: str
    allocations: list[StockLineRead] = Field(description="FEFO order")
    picks: list[PickRead]
    shortage: list[Shortage]


class AllocationRead(BaseModel):
    number: str
    status: str
    lines: list[AllocationLineRead]


class OrderLineRead(BaseModel):
    line_no: int
    item: str
    item_name: str
    item_name_en: str
    quantity: str
    uom: str
    base_quantity: str
    base_uom: str
    unit_price: str
    shipped: str
    returned: str


class PackageRead(BaseModel):
    sscc: str
    kind: str
    on: str | None = Field(description="The pallet it is on")
    shipment: str | None
    packed_at: str
    packed_by: str


class SalesOrderRead(BaseModel):
    number: str
    status: str
    customer: str
    customer_name: str
    customer_name_en: str
    ship_to: str | None
    ship_to_name: str | None
    ship_to_address: str | None
    currency: str
    exchange_rate: str | None
    total: str
    total_cny: str
    customer_reference: str
    requested_date: str | None
    note: str
    exceptions: list[dict[str, object]] = Field(description="Why it needs an approval")
    created_by: str
    created_at: str
    lines: list[OrderLineRead]
    allocation: list[AllocationLineRead]
    packages: list[PackageRead]
    shipments: list[dict[str, str]]


class OrderSummary(BaseModel):
    number: str
    status: str
    customer: str
    customer_name: str
    customer_name_en: str
    currency: str
    total: str
    created_at: str
    requested_date: str | None
    exceptions: int


class OrderPage(BaseModel):
    items: list[OrderSummary]
    total: int


class ContainerRead(BaseModel):
    sscc: str
    kind: str
    on: str | None


class CertificateRead(BaseModel):
    number: str
    item: str
    lot: str | None
    serials: list[str] = Field(description="Serial units without a lot it certifies")
    quantity: str
    uom: str
    made_on: str | None
    expiry: str | None
    released_on: str | None
    released_by: str


class ShipmentDocuments(BaseModel):
    delivery_note: str
    certificates: list[str]
    advance_ship_notice: str


class ShipmentLineRead(StockLineRead):
    item_name: str
    item_name_en: str
    package: str | None
    returned: str


class ShipmentRead(BaseModel):
    number: str
    status: str
    sales_order: str | None
    customer_reference: str
    customer: str
    customer_name: str
    customer_name_en: str
    ship_to: str | None
    ship_to_name: str | None
    ship_to_address: str | None
    ship_to_contact: str | None
    ship_to_phone: str | None
    shipped_at: str
    shipped_by: str
    carrier: str
    tracking_number: str
    delivered_at: str | None
    received_by: str | None
    delivery_remark: str = Field(description="The proof of delivery's remark (the PDF delivery "
                                             "note is at documents.delivery_note)")
    lines: list[ShipmentLineRead]
    containers: list[ContainerRead]
    certificates: list[CertificateRead]
    documents: ShipmentDocuments


class ShipmentSummary(BaseModel):
    number: str
    status: str
    sales_order: str | None
    customer: str
    customer_name: str
    customer_name_en: str
    shipped_at: str
    delivered_at: str | None


class ShipmentPage(BaseModel):
    items: list[ShipmentSummary]
    total: int


class ReturnLineRead(BaseModel):
    id: int
    item: str
    lot: str | None
    serial: str | None
    quantity: str
    uom: str
    shipment: str | None
    disposition: str
    findings: str
    decided_by: str | None
    decided_at: str | None


class ReturnRead(BaseModel):
    number: str
    status: str
    customer: str
    customer_name: str
    customer_name_en: str
    shipment: str | None
    location: str
    reason: str
    received_at: str
    received_by: str
    lines: list[ReturnLineRead]


class ShipToRead(ShipToWrite):
    pass


class ShelfLifeRuleRead(BaseModel):
    item: str
    min_remaining_days: int


class CustomerRead(BaseModel):
    code: str
    name_zh: str
    name_en: str
    customer_type: str | None
    credit_limit: str | None
    min_remaining_days: int | None
    payment_days: int | None
    note: str
    ship_tos: list[ShipToRead]
    shelf_life_rules: list[ShelfLifeRuleRead]


class PriceRead(BaseModel):
    item: str
    item_name: str
    item_name_en: str
    currency: str
    uom: str
    list_price: str
    floor_price: str | None
