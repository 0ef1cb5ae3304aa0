"""Purchasing rules without a database: statuses from receipts, CNY totals and rates, the
scan checks (expiry, remaining shelf life, over-receipt with its tolerance), packaging levels,
serial counts, on-time delivery."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from medtrace.modules.procurement import rules
from medtrace.modules.procurement.receipts import rules as scan_rules
from medtrace.modules.procurement.rules import OrderStatus

TODAY = dt.date(2026, 12, 5)


def test_the_receipts_give_the_status():
    assert rules.received_status([Decimal(10), Decimal(5)], [Decimal(0), Decimal(0)]) == \
        OrderStatus.APPROVED
    assert rules.received_status([Decimal(10), Decimal(5)], [Decimal(10), Decimal(0)]) == \
        OrderStatus.PARTLY_RECEIVED
    assert rules.received_status([Decimal(10), Decimal(5)], [Decimal(11), Decimal(5)]) == \
        OrderStatus.RECEIVED
    assert OrderStatus.RECEIVED.receivable and not OrderStatus.CLOSED.receivable
    assert OrderStatus.SUBMITTED.cancellable and not OrderStatus.PARTLY_RECEIVED.cancellable


def test_amounts_in_cny_and_rates():
    assert rules.line_amount(Decimal("3"), Decimal("12.345")) == Decimal("37.04")
    assert rules.in_home_currency(Decimal("100"), "USD", Decimal("7.2")) == Decimal("720.00")
    assert rules.rate_problem("USD", None) == "required for a foreign currency"
    assert rules.rate_problem("USD", Decimal(0)) == "out of range"
    assert rules.rate_problem("CNY", Decimal("7")) == "CNY has no exchange rate"
    assert rules.rate_problem("XXX", None) == "unknown currency"
    assert rules.rate_problem("EUR", Decimal("7.9")) is None


def _check(expiry, already=0, incoming=10, ordered=100, tolerance=0, minimum=180):  # type: ignore[no-untyped-def]
    return rules.scan_problems(today=TODAY, expiry=expiry, min_remaining_days=minimum,
                               already=Decimal(already), incoming=Decimal(incoming),
                               ordered=Decimal(ordered), tolerance_percent=Decimal(tolerance))


def test_expiry_shelf_life_and_over_receipt():
    assert _check(TODAY + dt.timedelta(days=180)) == []
    assert _check(TODAY + dt.timedelta(days=179)) == [("scan", "short shelf life")]
    assert _check(TODAY - dt.timedelta(days=1)) == [("scan", "expired")]
    assert _check(None, already=95) == [("quantity", "over receipt")]
    assert _check(None, already=95, tolerance=10) == []
    assert _check(None, already=100, incoming=11, tolerance=10) == [("quantity", "over receipt")]


def test_packaging_levels_and_serials():
    assert scan_rules.level_fits(0, None, "EA", "EA")
    assert not scan_rules.level_fits(1, "CS", "EA", "EA")
    assert scan_rules.level_fits(1, None, "BX", "EA", Decimal(10), Decimal(10))
    assert not scan_rules.level_fits(1, None, "EA", "EA", Decimal(1), Decimal(10))
    assert scan_rules.serial_problem([], Decimal(1)) == "serials missing"
    assert scan_rules.serial_problem(["A"], Decimal(2)) == "serials do not match the quantity"
    assert scan_rules.serial_problem(["A", "B"], Decimal(2)) is None


def test_a_scan_with_keyboard_forms_of_gs_is_read():
    for gs in ("\x1d", "<GS>", "^]"):
        scan = scan_rules.read_scan(f"]d20106971234560025172712311 0L1{gs}21S9".replace(" ", ""))
        assert (scan.gtin, scan.lot, scan.serial) == ("06971234560025", "L1", "S9")
        assert scan.expiry == dt.date(2027, 12, 31)


def test_on_time_and_rates():
    assert rules.on_time(TODAY, TODAY) and not rules.on_time(TODAY, TODAY + dt.timedelta(1))
    assert rules.on_time(None, TODAY)
    assert rules.rate(2, 3) == Decimal("66.7") and rules.rate(0, 0) is None
