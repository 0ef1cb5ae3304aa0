"""Traceability input schemas: one per write action (lots, units, containers, status changes,
genealogy links and their reversal). The API validates against them; the service checks the
rest. Then the shapes of the trace answers, for the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


# --- trace answers (read shapes) ----------------------------------------------------------------
# The published JSON of the traces (docs/traceability.md): fields are only ever added, so every
# shape allows members it does not name, and the API serialises the answer as it is (these models
# describe it in the OpenAPI document and never filter it). Quantities are decimals as text.

class _Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


Quantity = Annotated[str, Field(description="A decimal number as text, e.g. `12.5`")]


class CustomerQuantity(_Answer):
    """How much of a lot one customer received (net of returns)."""

    customer: str
    quantity: Quantity
    uom: str | None = None


class LocationQuantity(_Answer):
    location: str
    quantity: Quantity


class ShippedQuantity(_Answer):
    customer: str
    ship_to: str | None = None
    quantity: Quantity


class ConsumedInto(_Answer):
    kind: str
    code: str
    item: str | None = None
    link: str | None = None
    quantity: Quantity | None = None
    uom: str | None = None


class LotQuantities(_Answer):
    """A lot's whereabouts by quantity: in stock per location, shipped per customer and
    ship-to, consumed into which parents."""

    uom: str | None = None
    in_stock: list[LocationQuantity] = []
    in_stock_total: Quantity | None = None
    shipped: list[ShippedQuantity] = []
    shipped_total: Quantity | None = None
    returned_total: Quantity | None = None
    consumed_into: list[ConsumedInto] = []
    consumed_total: Quantity | None = None


class TraceRoot(_Answer):
    """The traced thing: a lot, a serial unit or a container (the fields of its kind)."""

    kind: Literal["lot", "unit", "container"]
    id: int
    item: str | None = Field(None, description="Item code (none for a container)")
    lot: str | None = Field(None, description="Lot number (a lot; a unit's lot)")
    serial: str | None = None
    sscc: str | None = None
    status: str | None = Field(None, description="A lot's quality status; a unit's or a "
                                                 "container's whereabouts")
    state: str | None = Field(None, description="A lot's whereabouts")
    quality_status: str | None = None
    expiry: dt.date | None = None
    manufacture_date: dt.date | None = None
    supplier: str | None = None
    supplier_lot: str | None = None
    quantity: Quantity | None = None
    uom: str | None = None
    origin: str | None = None
    type: str | None = Field(None, description="Container type")
    customer: str | None = None
    holder: str | None = None
    location: str | None = None
    since: dt.datetime | None = None
    customers: list[CustomerQuantity] = Field(
        [], description="Every customer that received any quantity (a lot)")
    quantities: LotQuantities | None = Field(None, description="A lot's whereabouts by quantity")


class TraceReceipt(_Answer):
    doc: str | None = None
    at: dt.datetime | None = None
    supplier: str | None = None
    quantity: Quantity | None = None
    uom: str | None = None
    documents: list[dict[str, Any]] = []
    inspection: Any = None


class BackwardLot(_Answer):
    item: str | None
    lot: str
    id: int
    status: str
    origin: str | None = None
    supplier: str | None = None
    supplier_lot: str | None = None
    expiry: dt.date | None = None
    receipt: TraceReceipt | None = None


class BackwardUnit(_Answer):
    item: str | None
    serial: str
    id: int
    lot: str | None = None
    quality_status: str


class TraceContainer(_Answer):
    sscc: str
    id: int
    type: str | None = None
    status: str | None = Field(None, description="Whereabouts (forward trace)")
    customer: str | None = Field(None, description="Forward trace")


class ReplacedPart(_Answer):
    """A part the unit once contained, taken out in service (backward trace)."""

    kind: str = Field(description="lot or unit")
    item: str | None
    id: int
    lot: str | None = None
    serial: str | None = None
    status: str | None = None
    quality_status: str | None = None
    removed_at: dt.datetime | None = Field(
        None, description="When it was taken out (None: it left inside another removed part)")
    removed_doc: str | None = Field(None, description="The service order that removed it")


class TraceBackward(_Answer):
    """``GET /api/v1/trace/backward``: every ancestor, the root excluded. ``lots`` and
    ``units`` are what the thing contains now; ``replaced`` what it once contained."""

    root: TraceRoot
    lots: list[BackwardLot]
    units: list[BackwardUnit]
    containers: list[TraceContainer]
    suppliers: list[str] = Field(description="Partner codes of the received lots' suppliers "
                                             "(replaced parts' included)")
    replaced: list[ReplacedPart] = Field([], description="Parts taken out in service, with "
                                                         "when and by which service order")


class ForwardLot(_Answer):
    item: str | None
    lot: str
    id: int
    status: str
    state: str | None = None
    expiry: dt.date | None = None
    uom: str | None = None
    customers: list[CustomerQuantity] = Field(
        [], description="Every customer that received any quantity of this lot")


class ForwardUnit(_Answer):
    item: str
    serial: str
    lot: str | None = None
    status: str = Field(description="Whereabouts: in_stock, shipped, installed, returned, "
                                    "scrapped (consumed, in_production when built in)")
    quality_status: str
    customer: str | None = None
    holder: str | None = None
    location: str | None = None
    id: int


class ForwardReplaced(ForwardUnit):
    """A unit that contained the traced part until it was taken out in service."""

    removed_at: dt.datetime | None = None
    removed_doc: str | None = Field(None, description="The service order that removed it")
    kind: str = "unit"


class CustomerLot(_Answer):
    item: str | None = None
    lot: str
    quantity: Quantity
    uom: str | None = None


class CustomerTotal(_Answer):
    """What one customer received: serial units counted, lots by quantity."""

    customer: str
    units: int
    lots: list[CustomerLot] = []


class ForwardTotals(_Answer):
    """Computed on the whole answer, whatever the page."""

    units: int
    by_customer: dict[str, int]
    customers: list[CustomerTotal] = Field(
        [], description="Every customer reached: units counted, lots by quantity")
    by_status: dict[str, int]
    lots: int
    subassemblies: int
    containers: int
    replaced: int = Field(0, description="Units that no longer contain it (replaced in "
                                         "service): listed in ``replaced``, not counted above")


class TracePage(_Answer):
    offset: int
    limit: int
    next_offset: int | None


class TraceForward(_Answer):
    """``GET /api/v1/trace/forward``: the recall scope, its lists paged."""

    root: TraceRoot
    lots: list[ForwardLot]
    units: list[ForwardUnit] = Field(description="Finished units")
    subassemblies: list[ForwardUnit]
    containers: list[TraceContainer]
    replaced: list[ForwardReplaced] = Field(
        [], description="Units it was built into until a service replacement took it out")
    totals: ForwardTotals
    page: TracePage


class TimelineEvent(_Answer):
    time: dt.datetime = Field(description="In the event's own zone")
    utc: dt.datetime
    step: str
    type: str
    action: str | None = None
    biz_step: str | None = None
    disposition: str | None = None
    doc: str | None = None
    read_point: str | None = None
    biz_location: str | None = None
    role: str | None = None
    quantity: Quantity | None = None
    uom: str | None = None
    via: str | None = Field(None, description="The SSCC, when the event happened to a "
                                              "container holding the thing")
    documents: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    destinations: list[dict[str, Any]] = []
    details: dict[str, Any] = {}
    actor: str | None = None
    origin: str | None = None
    event_id: str | None = None


class TraceTimeline(_Answer):
    """``GET /api/v1/trace/timeline``: every event in the life of the thing, in time order."""

    root: TraceRoot
    events: list[TimelineEvent]
