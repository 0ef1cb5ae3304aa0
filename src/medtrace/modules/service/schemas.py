"""Service input schemas (one per write action) and the read models of the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from medtrace.modules.service.rules import (
    OrderStatus,
    OrderType,
    RemovedTo,
    VersionKind,
    VisitOutcome,
    WarrantyBasis,
)

MAX_ID = 2**63 - 1
MAX_QUANTITY = Decimal(10) ** 12
Scan = Annotated[str, Field(min_length=1, max_length=400,
                            description="A raw scan (GS1 with or without ]d2 and GS, HIBCC, "
                                        "Digital Link) or a lot number / serial as printed")]
Code = Annotated[str, Field(min_length=1, max_length=40)]
Version = Annotated[str, Field(min_length=1, max_length=40)]


class SignatureIn(BaseModel):
    password: str = Field(min_length=1, max_length=200,
                          description="The signer's password (re-authentication)")


# --- setup --------------------------------------------------------------------------------------
class WarrantyTermWrite(BaseModel):
    item: Code = Field(description="Item code")
    months: int = Field(ge=0, le=240)
    basis: WarrantyBasis = WarrantyBasis.INSTALLATION


class MaintenancePlanWrite(BaseModel):
    item: Code = Field(description="Item code")
    interval_months: int = Field(ge=1, le=120)
    description: str = Field(default="", max_length=2000)


# --- installed base -----------------------------------------------------------------------------
class VersionIn(BaseModel):
    kind: VersionKind
    version: Version


class InstallationCreate(BaseModel):
    """A shipped serial unit installed at the customer's site. ``accepted_by`` is the customer's
    person who signed the acceptance (typed name); a scanned signed form may be attached on the
    page or with ``POST /api/v1/installations/{number}/acceptance-form``."""

    unit: Scan = Field(description="The unit's UDI scan or serial")
    item: str | None = Field(default=None, max_length=40,
                             description="Item code or GTIN, when the serial alone is ambiguous")
    customer: Code | None = Field(default=None, description="Partner code; default the "
                                                            "customer it was shipped to")
    site: str = Field(min_length=1, max_length=100, description="Hospital or site name")
    department: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=300)
    installed_on: dt.date
    installer: str | None = Field(default=None, max_length=100,
                                  description="Default: who records it")
    accepted_by: str = Field(min_length=1, max_length=100)
    accepted_on: dt.date
    versions: list[VersionIn] = Field(default_factory=list, max_length=10)
    order: str | None = Field(default=None, max_length=20,
                              description="The installation service order it completes")


# --- service orders -----------------------------------------------------------------------------
class ServiceOrderCreate(BaseModel):
    type: OrderType
    unit: Scan = Field(description="The unit's UDI scan or serial")
    item: str | None = Field(default=None, max_length=40)
    problem: str = Field(default="", max_length=4000)
    technician: str | None = Field(default=None, max_length=80, description="Username")
    scheduled_for: dt.date | None = None
    parts_location: str | None = Field(default=None, max_length=40,
                                       description="Van or service stock location code")
    field_action: str | None = Field(default=None, max_length=40,
                                     description="The field safety corrective action it "
                                                 "belongs to (FSCA orders)")


class ScheduleIn(BaseModel):
    technician: str | None = Field(default=None, max_length=80, description="Username")
    scheduled_for: dt.date | None = None
    parts_location: str | None = Field(default=None, max_length=40)


class StatusIn(BaseModel):
    status: OrderStatus
    reason: str = Field(default="", max_length=500)


class ReplacementIn(BaseModel):
    """``{"removed": "<scan>", "fitted": "<scan>"}``: the part taken out and the spare fitted."""

    removed: Scan
    fitted: Scan
    quantity: Decimal | None = Field(default=None, gt=0, lt=MAX_QUANTITY,
                                     description="Of a lot part: how many pieces (default all "
                                                 "the lot's pieces in that place)")
    removed_to: RemovedTo = RemovedTo.QUARANTINE
    return_location: str | None = Field(default=None, max_length=40,
                                        description="Quarantine or returns location")
    parts_location: str | None = Field(default=None, max_length=40,
                                       description="Where the spare comes from (default the "
                                                   "order's, else where it is in stock)")


class VersionUpdate(BaseModel):
    kind: VersionKind
    version: Version


class CompleteIn(BaseModel):
    report: str = Field(min_length=1, max_length=8000, description="Work done, findings")
    minutes: int = Field(ge=1, le=100_000, description="Time spent")
    ack_name: str = Field(min_length=1, max_length=100,
                          description="The customer's person who acknowledged the work")
    ack_on: dt.date | None = Field(default=None, description="Default: today")
    signature: SignatureIn
    follow_up_days: int | None = Field(default=None, ge=0, le=365,
                                       description="Follow-up visit after this many days "
                                                   "(default 14 after a repair; 0: none)")


class CloseIn(BaseModel):
    note: str = Field(default="", max_length=500)


# --- follow-up visits ---------------------------------------------------------------------------
class VisitCreate(BaseModel):
    unit: Scan
    item: str | None = Field(default=None, max_length=40)
    due_on: dt.date
    contact: str = Field(default="", max_length=100)


class VisitRecord(BaseModel):
    outcome: VisitOutcome
    contact: str = Field(default="", max_length=100)
    notes: str = Field(default="", max_length=4000)
    complaint: str | None = Field(default=None, max_length=4000,
                                  description="With outcome ``complaint``: what the customer "
                                              "reports (becomes a quality complaint)")
    patient_involved: bool = False
    injury: bool = False


class ScheduleRun(BaseModel):
    on: dt.date | None = Field(default=None, description="Default: today")
    lead_days: int = Field(default=30, ge=0, le=365)


# --- read models (the API's answers) -----------------------------------------------------------
class InstalledUnit(BaseModel):
    installation: str
    unit_id: int
    serial: str | None
    item: str
    customer: str | None
    site: str
    department: str
    address: str
    installed_on: dt.date
    accepted_by: str
    accepted_on: dt.date
    software: str | None = None
    firmware: str | None = None
    warranty: str = Field(description="covered, expired, none (no terms), unknown")
    warranty_end: dt.date | None = None


class InstalledBasePage(BaseModel):
    items: list[InstalledUnit]
    total: int


class PartRef(BaseModel):
    item: str
    code: str | None
    id: int


class ReplacementRead(BaseModel):
    id: int
    order: str | None
    at: dt.datetime
    removed: PartRef
    fitted: PartRef
    fitted_into: str | None = Field(description="The unit or subassembly the spare went into")
    quantity: str | None = None
    fitted_quantity: str | None = None
    removed_to: str
    return_location: str | None = None
    parts_location: str | None = None
    recorded_by: str


class VersionRead(BaseModel):
    kind: str
    version: str
    previous: str | None = None
    at: dt.datetime
    recorded_by: str


class SignatureRead(BaseModel):
    signer: str
    meaning: str
    signed_at: dt.datetime
    valid: bool


class ServiceOrderRead(BaseModel):
    number: str
    type: str
    status: str
    serial: str
    unit_id: int
    item: str
    item_name_zh: str
    item_name_en: str
    customer: str | None = None
    customer_name_zh: str | None = None
    customer_name_en: str | None = None
    site: str | None = None
    department: str | None = None
    problem: str
    technician: str | None = None
    scheduled_for: dt.date | None = None
    parts_location: str | None = None
    field_action: str | None = None
    warranty: str = Field(description="Decided when the order was opened")
    warranty_end: dt.date | None = None
    report: str
    minutes: int
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    completed_by: str | None = None
    ack_name: str | None = None
    ack_on: dt.date | None = None
    signature: SignatureRead | None = None
    closed_at: dt.datetime | None = None
    cancel_reason: str | None = None
    created_at: dt.datetime
    created_by: str
    replacements: list[ReplacementRead]
    versions: list[VersionRead]


class ServiceOrderSummary(BaseModel):
    number: str
    type: str
    status: str
    serial: str | None
    item: str
    customer: str | None = None
    technician: str | None = None
    scheduled_for: dt.date | None = None
    warranty: str
    field_action: str | None = None


class ServiceOrderPage(BaseModel):
    items: list[ServiceOrderSummary]
    total: int


class InstallationRead(BaseModel):
    number: str
    serial: str
    customer: str
    site: str
    installed_on: dt.date
    follow_up: str | None = Field(None, description="The follow-up visit scheduled")


class VisitRead(BaseModel):
    number: str
    serial: str
    unit_id: int
    item: str
    customer: str | None = None
    customer_name_zh: str | None = None
    customer_name_en: str | None = None
    after: str | None = Field(None, description="The installation or service order before it")
    due_on: dt.date
    status: str
    contact: str
    outcome: str | None = None
    notes: str
    complaint: str | None = Field(None, description="The quality complaint it raised")
    done_at: dt.datetime | None = None
    done_by: str | None = None


class VisitPage(BaseModel):
    items: list[VisitRead]
    total: int
