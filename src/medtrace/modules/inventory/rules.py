"""Pure inventory rules: location kinds and stock statuses, move purposes and what each allows,
issuability of a lot, exact unit conversion, FEFO order. No database here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

LOCATION_KINDS = ("site", "warehouse", "zone", "bin", "virtual")
HOLDING_KINDS = ("warehouse", "zone", "bin")  # internal locations that hold stock
STOCK_STATUSES = ("quarantine", "available", "rejected", "returns", "hold")
VIRTUAL_ROLES = ("supplier", "customer", "production", "scrap", "adjustment", "transit")
# Units counted in whole pieces: a quantity in them is a whole number.
COUNT_UNITS = frozenset({"EA", "PCS", "SET", "KIT", "BX", "CS", "PK", "BG", "PR", "RL", "BT",
                         "VL", "TB", "SH", "PAL"})
QUANTUM = Decimal("0.000001")


@dataclass(frozen=True)
class Purpose:
    """Why goods move, and what the move may do."""

    name: str
    step: str  # the traceability journal step it records
    # may take stock that is not issuable (expired, recalled, rejected, on hold, quarantined)
    any_stock: bool = False


PURPOSES: dict[str, Purpose] = {p.name: p for p in (
    Purpose("receipt", "received", any_stock=True),
    Purpose("transfer", "moved"),
    Purpose("quarantine", "moved", any_stock=True),  # into or within quarantine / hold areas
    Purpose("release", "moved"),  # from quarantine to available after QA release
    Purpose("issue", "moved"),  # to production
    Purpose("ship", "shipped"),
    Purpose("return_to_supplier", "shipped", any_stock=True),
    Purpose("customer_return", "returned", any_stock=True),
    Purpose("scrap", "scrapped", any_stock=True),
    Purpose("adjustment", "observed", any_stock=True),
    Purpose("reversal", "observed", any_stock=True),
)}


def whole_or_exact(quantity: Decimal, base_uom: str) -> str | None:
    """Why a base quantity is not acceptable (not exact to 6 places, or a fraction of a piece),
    or None."""
    if quantity != quantity.quantize(QUANTUM):
        return "more than 6 decimal places in the base unit"
    if base_uom.upper() in COUNT_UNITS and quantity != quantity.to_integral_value():
        return f"a fraction of a {base_uom}"
    return None


def not_issuable_reason(*, lot_status: str | None, expiry: dt.date | None, today: dt.date,
                        location_status: str | None) -> str | None:
    """Why stock may not be issued or shipped (``MT-INV-LOT-NOT-ISSUABLE``), or None."""
    if lot_status in ("recalled", "rejected", "on_hold", "quarantine"):
        return lot_status
    if expiry is not None and expiry < today:
        return "expired"
    if location_status not in (None, "available"):
        return f"location {location_status}"
    return None


def remaining_days(expiry: dt.date | None, today: dt.date) -> int | None:
    return None if expiry is None else (expiry - today).days


def fefo_key(expiry: dt.date | None, lot_code: str | None, location_code: str) -> tuple:
    """First expired, first out: earliest expiry first (none last), then lot, then place."""
    return (expiry is None, expiry or dt.date.max, lot_code or "", location_code)
