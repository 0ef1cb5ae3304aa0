"""Pure purchasing rules: order statuses and how receipts move them, currency totals in CNY,
the over-receipt tolerance, and the checks of a scanned delivery. No database here."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_
from medtrace.platform.money import (  # noqa: F401  (the names purchasing always had)
    CENT,
    CURRENCIES,
    HOME_CURRENCY,
    MAX_RATE,
    in_home_currency,
    line_amount,
    rate_problem,
)

#: the over-receipt tolerance (percent of the ordered quantity) when the plant set none
DEFAULT_OVER_RECEIPT_PERCENT = 0


class OrderStatus(LabelledEnum):
    """draft → submitted (in approval) → approved → partly_received → received → closed;
    a refused approval ends in rejected; an order not (fully) received may be cancelled."""

    DRAFT = "draft", N_("draft")
    SUBMITTED = "submitted", N_("in approval")
    APPROVED = "approved", N_("approved")
    PARTLY_RECEIVED = "partly_received", N_("partly received")
    RECEIVED = "received", N_("received")
    CLOSED = "closed", N_("closed")
    REJECTED = "rejected", N_("rejected")
    CANCELLED = "cancelled", N_("cancelled")

    @property
    def receivable(self) -> bool:
        """Goods may be received (a received order too, within the over-receipt tolerance,
        until it is closed)."""
        return self in (OrderStatus.APPROVED, OrderStatus.PARTLY_RECEIVED, OrderStatus.RECEIVED)

    @property
    def editable(self) -> bool:
        """Lines, prices and dates may be amended (with a reason once submitted)."""
        return self in (OrderStatus.DRAFT, OrderStatus.APPROVED)

    @property
    def cancellable(self) -> bool:
        return self in (OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED)

    @property
    def final(self) -> bool:
        return self in (OrderStatus.CLOSED, OrderStatus.REJECTED, OrderStatus.CANCELLED)


class RequisitionStatus(LabelledEnum):
    OPEN = "open", N_("open")
    ORDERED = "ordered", N_("ordered")
    CANCELLED = "cancelled", N_("cancelled")


class AmendmentKind(LabelledEnum):
    CHANGE = "change", N_("change")
    CANCEL = "cancel", N_("cancellation")
    CLOSE = "close", N_("closed short")


def received_status(ordered: list[Decimal], received: list[Decimal]) -> OrderStatus:
    """The status the receipts give an approved order: every line received in full (or more,
    within the tolerance) → received; something received → partly received; else approved."""
    if all(got >= want for want, got in zip(ordered, received, strict=True)):
        return OrderStatus.RECEIVED
    if any(got > 0 for got in received):
        return OrderStatus.PARTLY_RECEIVED
    return OrderStatus.APPROVED


def over_receipt_limit(ordered: Decimal, percent: Decimal) -> Decimal:
    """The most that may be received against a line ordered for ``ordered``."""
    return ordered + (ordered * percent / 100)


# --- the checks of a scanned delivery -----------------------------------------------------------
def scan_problems(*, today: dt.date, expiry: dt.date | None, min_remaining_days: int | None,
                  already: Decimal, incoming: Decimal, ordered: Decimal,
                  tolerance_percent: Decimal) -> list[tuple[str, str]]:
    """(field, code) pairs: why a scanned quantity may not be received against its order line.
    ``expired``: the expiry has passed; ``short shelf life``: fewer days left than the item's
    minimum; ``over receipt``: more than the order line and its tolerance."""
    problems: list[tuple[str, str]] = []
    if expiry is not None:
        if expiry < today:
            problems.append(("scan", "expired"))
        elif min_remaining_days is not None and (expiry - today).days < min_remaining_days:
            problems.append(("scan", "short shelf life"))
    if already + incoming > over_receipt_limit(ordered, tolerance_percent):
        problems.append(("quantity", "over receipt"))
    return problems


def on_time(requested: dt.date | None, received_on: dt.date) -> bool:
    """Delivered on time: on or before the requested date (a line without one always is)."""
    return requested is None or received_on <= requested


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, or None without anything to count."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"),
                                                          rounding=ROUND_HALF_UP)
