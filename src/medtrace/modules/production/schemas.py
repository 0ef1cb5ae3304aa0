"""Production input schemas (one per write action) and the answers of the API (the contract
an MES codes against: ``WorkOrderRead``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from medtrace.modules.production.rules import (
    CheckKind,
    Disposition,
    EquipmentRecordKind,
    EquipmentResult,
    EquipmentStatus,
    SignatureNeed,
)

#: quantities are NUMERIC(24, 6): below 10^18; a work order's far below that
MAX_QUANTITY = Decimal(10) ** 9
MAX_ID = 2**63 - 1
Code = Field(min_length=1, max_length=40)


class SignatureIn(BaseModel):
    """An electronic signature: the signed-in user re-authenticates with the password."""

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)
    comment: str = Field(default="", max_length=500)


# --- master data --------------------------------------------------------------------------------
class WorkCenterWrite(BaseModel):
    code: str = Code
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    line_location: str | None = Field(default=None, max_length=40,
                                      description="Location code line-side stock is issued from")


class EquipmentWrite(BaseModel):
    code: str = Code
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    work_center: str | None = Field(default=None, max_length=40)
    calibration_interval_days: int | None = Field(default=None, ge=1, le=3650)
    calibration_due: dt.date | None = None
    maintenance_interval_days: int | None = Field(default=None, ge=1, le=3650)
    maintenance_due: dt.date | None = None


class EquipmentRecordCreate(BaseModel):
    """A calibration, maintenance or repair done, or a status change. The next due date is
    the one given, else the work's date plus the equipment's interval."""

    kind: EquipmentRecordKind
    result: EquipmentResult = EquipmentResult.DONE
    performed_on: dt.date
    next_due: dt.date | None = None
    status: EquipmentStatus | None = Field(default=None,
                                           description="The status afterwards (default: "
                                                       "unchanged, or out of service when a "
                                                       "calibration failed)")
    certificate: str = Field(default="", max_length=80)
    note: str = Field(default="", max_length=2000)


class CheckIn(BaseModel):
    characteristic: str = Field(min_length=1, max_length=100)
    kind: CheckKind = CheckKind.NUMERIC
    lower: Decimal | None = Field(default=None, gt=-MAX_QUANTITY, lt=MAX_QUANTITY,
                                  decimal_places=6)
    upper: Decimal | None = Field(default=None, gt=-MAX_QUANTITY, lt=MAX_QUANTITY,
                                  decimal_places=6)
    unit: str = Field(default="", max_length=20)
    sample_size: int = Field(default=1, ge=0, le=10000,
                             description="Results per work order; 0: one per unit")


class OperationIn(BaseModel):
    sequence: int = Field(ge=1, le=9999)
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    work_center: str = Code
    equipment: str | None = Field(default=None, max_length=40)
    instructions: str = Field(default="", max_length=4000)
    signature: SignatureNeed = SignatureNeed.NONE
    checks: list[CheckIn] = Field(default_factory=list, max_length=50)


class SubstituteIn(BaseModel):
    item: str = Code
    priority: int = Field(default=1, ge=1, le=99)
    factor: Decimal = Field(default=Decimal(1), gt=0, lt=10000, decimal_places=6,
                            description="Substitute quantity per quantity of the line's item")


class BomLineIn(BaseModel):
    item: str = Field(min_length=1, max_length=40, description="Component item code")
    quantity: Decimal = Field(gt=0, lt=MAX_QUANTITY, decimal_places=6,
                              description="Per unit of the product, in `uom`")
    uom: str | None = Field(default=None, min_length=1, max_length=10)
    critical: bool = Field(default=True, description="Must be scanned at the line")
    substitutes: list[SubstituteIn] = Field(default_factory=list, max_length=10)


class BomCreate(BaseModel):
    """A new BOM version (with its routing), as a draft. Without ``version`` the next one is
    chosen (A, B, C...)."""

    item: str = Code
    version: str | None = Field(default=None, min_length=1, max_length=10,
                                pattern=r"^[A-Za-z0-9.\-]+$")
    change_reason: str = Field(min_length=1, max_length=2000)
    effective_from: dt.date
    based_on: int | None = Field(default=None, ge=1, le=MAX_ID,
                                 description="The version this one changes (its id)")
    lines: list[BomLineIn] = Field(min_length=1, max_length=300)
    operations: list[OperationIn] = Field(default_factory=list, max_length=100)


# --- work orders --------------------------------------------------------------------------------
class WorkOrderCreate(BaseModel):
    """The contract: ``{"item", "quantity", "uom", "bom_version"}``."""

    item: str = Field(min_length=1, max_length=40, description="Item code of the product")
    quantity: Decimal = Field(gt=0, lt=MAX_QUANTITY, decimal_places=6)
    uom: str | None = Field(default=None, min_length=1, max_length=10)
    bom_version: str | None = Field(default=None, min_length=1, max_length=10,
                                    description="Default: the item's released version in "
                                                "effect today")
    line_location: str | None = Field(default=None, max_length=40,
                                      description="Where components are issued from (default:"
                                                  " the first operation's work centre's)")
    planned_start: dt.date | None = None
    note: str = Field(default="", max_length=2000)


class IssueCreate(BaseModel):
    """The contract: ``{"scan", "quantity", "uom", "output_serial"}``. ``scan`` is the raw UDI
    (GS1 with its group separators, HIBCC, ICCBBA) or a lot number or serial as printed."""

    scan: str = Field(min_length=1, max_length=400)
    quantity: Decimal = Field(default=Decimal(1), gt=0, lt=MAX_QUANTITY, decimal_places=6)
    uom: str | None = Field(default=None, min_length=1, max_length=10)
    output_serial: str | None = Field(default=None, min_length=1, max_length=20,
                                      description="The product serial the component goes into")
    location: str | None = Field(default=None, max_length=40,
                                 description="Default: the work order's line location")


class IssueBatch(BaseModel):
    """Many scans at once (a line controller's buffer): all issued, or none."""

    scans: list[IssueCreate] = Field(min_length=1, max_length=10_000)


class IssueReturn(BaseModel):
    quantity: Decimal | None = Field(default=None, gt=0, lt=MAX_QUANTITY, decimal_places=6,
                                     description="Default: all that is left of the issue")
    reason: str = Field(min_length=1, max_length=500)


class OutputCreate(BaseModel):
    """The contract: ``{"quantity"}`` for a lot-tracked product, ``{"serials": [...]}`` for a
    serialized one (``{"quantity": n}`` alone numbers n new serials by the numbering rule)."""

    quantity: Decimal | None = Field(default=None, gt=0, lt=MAX_QUANTITY, decimal_places=6)
    serials: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default_factory=list, max_length=10_000)
    location: str | None = Field(default=None, max_length=40,
                                 description="Quarantine location (default: the plant's)")

    @model_validator(mode="after")
    def _one_of(self) -> OutputCreate:
        if self.quantity is None and not self.serials:
            raise ValueError("give quantity or serials")
        return self


class LabelPrint(BaseModel):
    """UDI labels of the work order's output: the given serials, else every unit produced
    (or the lot, for a product not serialized)."""

    serials: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default_factory=list, max_length=10_000)
    copies: int = Field(default=1, ge=1, le=100)


class ResultIn(BaseModel):
    check_id: int = Field(ge=1, le=MAX_ID)
    value: str = Field(min_length=1, max_length=40)
    serial: str | None = Field(default=None, max_length=20)


class OperationRecordCreate(BaseModel):
    operation: int = Field(ge=1, le=9999, description="The routing operation's sequence")
    equipment: str | None = Field(default=None, max_length=40,
                                  description="Default: the operation's equipment")
    serial: str | None = Field(default=None, max_length=20,
                               description="The unit the operation was done on, if per unit")
    started_at: dt.datetime | None = None
    results: list[ResultIn] = Field(default_factory=list, max_length=200)
    note: str = Field(default="", max_length=2000)
    signature: SignatureIn | None = None


class DispositionCreate(BaseModel):
    disposition: Disposition
    reason: str = Field(min_length=1, max_length=1000)
    quantity: Decimal | None = Field(default=None, gt=0, lt=MAX_QUANTITY, decimal_places=6,
                                     description="For a scrap of the lot (a check of the whole "
                                                 "work order): how much")
    signature: SignatureIn | None = Field(default=None,
                                          description="Required for use as is (QA)")


class SubstituteApprove(BaseModel):
    line_no: int = Field(ge=1, le=10000)
    item: str = Code
    reason: str = Field(min_length=1, max_length=1000)
    signature: SignatureIn


class Resequence(BaseModel):
    sequence: int = Field(ge=0, le=1_000_000)
    reason: str = Field(min_length=1, max_length=500)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class BatchReleaseIn(BaseModel):
    """``POST /api/v1/lots/{id}/release``: QA's signed review of the device history record."""

    signature: SignatureIn
    comment: str = Field(default="", max_length=1000)


# --- answers ------------------------------------------------------------------------------------
class OutputRead(BaseModel):
    item: str
    lot: str | None
    serials: list[str]


class WorkOrderRead(BaseModel):
    model_config = ConfigDict(extra="allow")

    number: str
    status: str
    item: str
    quantity: str
    uom: str
    bom_version: str
    produced: str
    sequence: int
    line_location: str | None
    output: OutputRead


class WorkOrderPage(BaseModel):
    items: list[WorkOrderRead]
    total: int


class IssueRead(BaseModel):
    id: int
    work_order: str
    item: str
    lot: str | None
    serial: str | None
    quantity: str
    uom: str
    substitute: bool
    output_serial: str | None
    stock_move: int | None


class OutputResult(BaseModel):
    work_order: str
    lot: str | None
    serials: list[str]
    quantity: str
    produced: str


class AnyAnswer(BaseModel):
    """A document answered as it is (the DHR), fields described in docs/production.md."""

    model_config = ConfigDict(extra="allow")

