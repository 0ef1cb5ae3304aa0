"""Pure rules of service: the statuses and types as enums, the moves between statuses, warranty
coverage at its boundaries, when preventive maintenance falls due. No database here."""

from __future__ import annotations

import calendar
import datetime as dt

from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_


class OrderType(LabelledEnum):
    INSTALLATION = "installation", N_("installation")
    PREVENTIVE = "preventive", N_("preventive maintenance")
    CORRECTIVE = "corrective", N_("corrective repair")
    FSCA = "fsca", N_("field safety corrective action")


class OrderStatus(LabelledEnum):
    OPEN = "open", N_("open")
    SCHEDULED = "scheduled", N_("scheduled")
    IN_PROGRESS = "in_progress", N_("in progress")
    AWAITING_PARTS = "awaiting_parts", N_("awaiting parts")
    DONE = "done", N_("done")
    CLOSED = "closed", N_("closed")
    CANCELLED = "cancelled", N_("cancelled")

    @property
    def active(self) -> bool:
        """Work may still be recorded on it (parts, versions, time)."""
        return self in (OrderStatus.OPEN, OrderStatus.SCHEDULED, OrderStatus.IN_PROGRESS,
                        OrderStatus.AWAITING_PARTS)


#: the statuses a service order may move to from each status (complete and close are their
#: own actions: ``done`` needs the report, ``closed`` the technician's signature)
MOVES: dict[str, frozenset[str]] = {
    OrderStatus.OPEN: frozenset({OrderStatus.SCHEDULED, OrderStatus.IN_PROGRESS,
                                 OrderStatus.CANCELLED}),
    OrderStatus.SCHEDULED: frozenset({OrderStatus.IN_PROGRESS, OrderStatus.AWAITING_PARTS,
                                      OrderStatus.OPEN, OrderStatus.CANCELLED}),
    OrderStatus.IN_PROGRESS: frozenset({OrderStatus.AWAITING_PARTS, OrderStatus.SCHEDULED}),
    OrderStatus.AWAITING_PARTS: frozenset({OrderStatus.IN_PROGRESS, OrderStatus.SCHEDULED}),
    OrderStatus.DONE: frozenset(),
    OrderStatus.CLOSED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


def move_allowed(current: str, target: str) -> bool:
    return target in MOVES.get(current, frozenset())


class WarrantyBasis(LabelledEnum):
    INSTALLATION = "installation", N_("months from installation")
    SHIPMENT = "shipment", N_("months from shipment")


class WarrantyState(LabelledEnum):
    COVERED = "covered", N_("in warranty")
    EXPIRED = "expired", N_("out of warranty")
    NONE = "none", N_("no warranty terms")
    UNKNOWN = "unknown", N_("start date unknown")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it has no such day (31 Jan + 1
    month = 28/29 Feb)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_end(start: dt.date | None, months: int | None) -> dt.date | None:
    """The last day of cover: the day before the same date ``months`` later (12 months from
    2026-03-15 cover up to and including 2027-03-14)."""
    if start is None or months is None:
        return None
    return add_months(start, months) - dt.timedelta(days=1)


def warranty_state(start: dt.date | None, months: int | None, on: dt.date) -> WarrantyState:
    if months is None:
        return WarrantyState.NONE
    end = warranty_end(start, months)
    if start is None or end is None:
        return WarrantyState.UNKNOWN
    return WarrantyState.COVERED if start <= on <= end else WarrantyState.EXPIRED


class VisitStatus(LabelledEnum):
    SCHEDULED = "scheduled", N_("scheduled")
    DONE = "done", N_("done")
    CANCELLED = "cancelled", N_("cancelled")


class VisitOutcome(LabelledEnum):
    SATISFIED = "satisfied", N_("satisfied")
    REMARKS = "remarks", N_("remarks, no complaint")
    COMPLAINT = "complaint", N_("complaint raised")
    UNREACHABLE = "unreachable", N_("customer not reached")


class VersionKind(LabelledEnum):
    SOFTWARE = "software", N_("software")
    FIRMWARE = "firmware", N_("firmware")


class RemovedTo(LabelledEnum):
    QUARANTINE = "quarantine", N_("back to quarantine")
    SCRAP = "scrap", N_("scrapped")


class InstallationStatus(LabelledEnum):
    ACTIVE = "active", N_("installed")
    REMOVED = "removed", N_("removed from site")


#: follow-up visit (售后回访) this many days after an installation or a repair, by default
FOLLOW_UP_DAYS = 14
#: preventive maintenance orders are generated this many days before they fall due
PM_LEAD_DAYS = 30


def pm_due(last: dt.date, interval_months: int) -> dt.date:
    """When the next preventive maintenance falls due after the last one (or installation)."""
    return add_months(last, interval_months)
