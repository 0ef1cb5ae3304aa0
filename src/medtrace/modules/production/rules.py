"""Pure production rules: the statuses of BOM versions, work orders and equipment, what a
scanned component must be to be issued, check limits, FEFO allocation. No database here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_


class BomStatus(LabelledEnum):
    """A BOM version (with its routing) is drafted, sent through the engineering change
    workflow, and released; a released version never changes. The version in effect on a day is the
    released one with the latest effective date not after it (``service.effective_bom``); work
    orders keep the version they were planned with."""

    DRAFT = "draft", N_("draft")
    IN_REVIEW = "in_review", N_("in change review")
    RELEASED = "released", N_("released")
    REJECTED = "rejected", N_("rejected")

    @property
    def editable(self) -> bool:
        return self in (BomStatus.DRAFT, BomStatus.REJECTED)

    @property
    def usable(self) -> bool:
        """A work order may be released with it."""
        return self is BomStatus.RELEASED


class WorkOrderStatus(LabelledEnum):
    """Plan → release → in progress (first issue, output or operation) → complete → closed."""

    PLANNED = "planned", N_("planned")
    RELEASED = "released", N_("released")
    IN_PROGRESS = "in_progress", N_("in progress")
    COMPLETED = "completed", N_("completed")
    CLOSED = "closed", N_("closed")
    CANCELLED = "cancelled", N_("cancelled")

    @property
    def running(self) -> bool:
        """Material may be issued and output reported."""
        return self in (WorkOrderStatus.RELEASED, WorkOrderStatus.IN_PROGRESS)

    @property
    def open(self) -> bool:
        return self in (WorkOrderStatus.PLANNED, WorkOrderStatus.RELEASED,
                        WorkOrderStatus.IN_PROGRESS)


class EquipmentStatus(LabelledEnum):
    AVAILABLE = "available", N_("available")
    MAINTENANCE = "maintenance", N_("in maintenance")
    OUT_OF_SERVICE = "out_of_service", N_("out of service")


class EquipmentRecordKind(LabelledEnum):
    CALIBRATION = "calibration", N_("calibration")
    MAINTENANCE = "maintenance", N_("maintenance")
    REPAIR = "repair", N_("repair")
    STATUS = "status", N_("status change")


class EquipmentResult(LabelledEnum):
    PASSED = "passed", N_("passed")
    ADJUSTED = "adjusted", N_("passed after adjustment")
    FAILED = "failed", N_("failed")
    DONE = "done", N_("done")


class SignatureNeed(LabelledEnum):
    """Who signs an operation when it is done."""

    NONE = "none", N_("no signature")
    OPERATOR = "operator", N_("operator signs")
    QA = "qa", N_("QA signs")


class CheckKind(LabelledEnum):
    NUMERIC = "numeric", N_("measured value")
    ATTRIBUTE = "attribute", N_("pass / fail")


class Disposition(LabelledEnum):
    """What is done about a failed in-process check; use as is needs QA's signature."""

    REWORK = "rework", N_("rework")
    SCRAP = "scrap", N_("scrap")
    USE_AS_IS = "use_as_is", N_("use as is")


#: the e-signature meanings production uses (esign_meaning rows, see the migration)
PERFORMED, VERIFIED, APPROVED, RELEASED = "performed", "verified", "approved", "released"


def equipment_problem(status: str, calibration_due: dt.date | None,
                      maintenance_due: dt.date | None, today: dt.date) -> str | None:
    """Why equipment may not be used today, or None: not available, or overdue for its
    calibration or maintenance (the due day itself is still fine)."""
    if status != EquipmentStatus.AVAILABLE:
        return status
    if calibration_due is not None and calibration_due < today:
        return "calibration overdue"
    if maintenance_due is not None and maintenance_due < today:
        return "maintenance overdue"
    return None


def check_passes(kind: str, value: str, lower: Decimal | None, upper: Decimal | None
                 ) -> bool | None:
    """Whether a result meets its check: a number within the limits (both inclusive), or
    ``pass``/``ok``/``合格`` for an attribute. None: the value cannot be read."""
    text = (value or "").strip()
    if kind == CheckKind.ATTRIBUTE:
        lowered = text.lower()
        if lowered in ("pass", "ok", "yes", "y", "1", "合格", "通过"):
            return True
        if lowered in ("fail", "nok", "no", "n", "0", "不合格", "不通过"):
            return False
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    if not number.is_finite():
        return None
    if lower is not None and number < lower:
        return False
    return not (upper is not None and number > upper)


def next_version(versions: list[str]) -> str:
    """The next BOM version code after the given ones: A, B, ... Z, AA, AB... (numbers go
    on as numbers: 1, 2, 3)."""
    if not versions:
        return "A"
    digits = [int(v) for v in versions if v.isdigit()]
    if digits and len(digits) == len(versions):
        return str(max(digits) + 1)
    letters = sorted((v for v in versions if v.isalpha() and v.isupper()),
                     key=lambda v: (len(v), v))
    if not letters:
        return "A"
    last = letters[-1]
    chars = list(last)
    index = len(chars) - 1
    while index >= 0:
        if chars[index] != "Z":
            chars[index] = chr(ord(chars[index]) + 1)
            return "".join(chars)
        chars[index] = "A"
        index -= 1
    return "A" + "".join(chars)


@dataclass(frozen=True)
class Stock:
    """Issuable stock of one component (one lot or serial unit in one place)."""

    lot_id: int | None
    unit_id: int | None
    location_id: int
    location_code: str
    lot_code: str | None
    expiry: dt.date | None
    quantity: Decimal


@dataclass(frozen=True)
class Allocation:
    lot_id: int | None
    unit_id: int | None
    location_id: int
    quantity: Decimal


def allocate_fefo(stock: list[Stock], needed: Decimal) -> tuple[list[Allocation], Decimal]:
    """Take ``needed`` from the stock first expired, first out: (the allocations, what is
    still missing)."""
    taken: list[Allocation] = []
    missing = needed
    ordered = sorted(stock, key=lambda s: (s.expiry is None, s.expiry or dt.date.max,
                                           s.lot_code or "", s.location_code))
    for row in ordered:
        if missing <= 0:
            break
        amount = min(row.quantity, missing)
        if amount <= 0:
            continue
        taken.append(Allocation(row.lot_id, row.unit_id, row.location_id, amount))
        missing -= amount
    return taken, max(missing, Decimal(0))
