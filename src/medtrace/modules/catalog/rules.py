"""Pure catalog rules: GTIN check digits, tracking modes, device classes, unit conversion."""

from __future__ import annotations

from decimal import Decimal

from medtrace.platform.i18n import N_

TRACKING_MODES = ("none", "lot", "serial", "lot_serial")
CLASSES_CN = ("I", "II", "III")
CLASSES_US = ("I", "II", "III")
CLASSES_EU = ("I", "IIa", "IIb", "III")
STATUSES = ("draft", "active", "obsolete")
STATUS_LABELS = {"draft": N_("draft"), "active": N_("active"), "obsolete": N_("obsolete")}
TRACKING_LABELS = {"none": N_("not tracked"), "lot": N_("by lot"),
                   "serial": N_("by serial number"), "lot_serial": N_("by lot and serial")}
STATUS_MOVES = {"draft": {"active", "obsolete"}, "active": {"obsolete"}, "obsolete": {"active"}}


def gs1_check_digit(digits: str) -> int:
    """GS1 mod-10 check digit of ``digits`` (the number without its check digit)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def normalize_gtin(value: str) -> str | None:
    """GTIN-8/12/13/14 as a GTIN-14, or None when it is not a valid GTIN (length, digits,
    check digit)."""
    raw = (value or "").strip()
    if not raw.isdigit() or len(raw) not in (8, 12, 13, 14) or not raw.isascii():
        return None
    gtin = raw.zfill(14)
    if gs1_check_digit(gtin[:-1]) != int(gtin[-1]):
        return None
    return gtin


def tracks_lot(tracking: str) -> bool:
    return tracking in ("lot", "lot_serial")


def tracks_serial(tracking: str) -> bool:
    return tracking in ("serial", "lot_serial")


def to_base(quantity: Decimal, factor: Decimal) -> Decimal:
    """Quantity in the base unit (exact; factors are Decimal)."""
    return quantity * factor


def from_base(quantity: Decimal, factor: Decimal) -> Decimal:
    return quantity / factor
