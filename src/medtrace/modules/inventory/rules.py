"""Pure inventory rules: location kinds and stock statuses, move purposes and what each allows,
issuability of a lot, exact unit conversion, FEFO order. No database here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from medtrace.modules import traceability
from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_


class LocationKind(LabelledEnum):
    """Locations nest in this order (a bin in a zone in a warehouse in a site); virtual ones
    stand for partners and bookkeeping and hold no stock of ours."""

    SITE = "site", N_("site")
    WAREHOUSE = "warehouse", N_("warehouse")
    ZONE = "zone", N_("zone")
    BIN = "bin", N_("bin")
    VIRTUAL = "virtual", N_("virtual")

    @property
    def holds_stock(self) -> bool:
        return self in HOLDING_KINDS


class StockStatus(LabelledEnum):
    """What stock in a location may be used for; a location without one inherits its parent's.
    Only ``available`` stock may be issued or shipped (``queries.issuable_clause``)."""

    QUARANTINE = "quarantine", N_("quarantine")
    AVAILABLE = "available", N_("available")
    REJECTED = "rejected", N_("rejected goods")
    RETURNS = "returns", N_("returns")
    HOLD = "hold", N_("on hold")

    @property
    def issuable(self) -> bool:
        return self in ISSUABLE_STOCK_STATUSES


class VirtualRole(LabelledEnum):
    SUPPLIER = "supplier", N_("supplier")
    CUSTOMER = "customer", N_("customer")
    PRODUCTION = "production", N_("production")
    SCRAP = "scrap", N_("scrap")
    ADJUSTMENT = "adjustment", N_("adjustment")
    TRANSIT = "transit", N_("transit")


LOCATION_KINDS = LocationKind.values()
HOLDING_KINDS = ("warehouse", "zone", "bin")  # internal locations that hold stock
STOCK_STATUSES = StockStatus.values()
ISSUABLE_STOCK_STATUSES = frozenset({StockStatus.AVAILABLE})
VIRTUAL_ROLES = VirtualRole.values()
#: why stock is adjusted: every adjustment names one (``count``: an approved count sheet)
ADJUSTMENT_REASONS = ("count_difference", "damaged", "found", "lost", "data_correction", "other",
                      "count")
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
    # production: finished goods into (quarantine) stock, material returned from the line
    Purpose("output", "moved", any_stock=True),
    Purpose("production_return", "moved", any_stock=True),
    # a spare part fitted in service into a unit (at a customer's site or in the depot)
    Purpose("service", "installed"),
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
    if lot_status is not None and lot_status not in traceability.ISSUABLE_STATUSES:
        return lot_status
    if expiry is not None and expiry < today:
        return "expired"
    if location_status is not None and location_status not in ISSUABLE_STOCK_STATUSES:
        return f"location {location_status}"
    return None


def remaining_days(expiry: dt.date | None, today: dt.date) -> int | None:
    return None if expiry is None else (expiry - today).days


def fefo_key(expiry: dt.date | None, lot_code: str | None, location_code: str) -> tuple:
    """First expired, first out: earliest expiry first (none last), then lot, then place."""
    return (expiry is None, expiry or dt.date.max, lot_code or "", location_code)



# -------------------- formerly zones.py --------------------
# Temperature zones of locations, as written by people, and whether an item's storage range
# fits them. Pure functions, no database.
#
# A location's ``temperature_zone`` is a range in degrees Celsius:
#
# - ``2-8C``, ``15-25°C``, ``2~8℃``, ``-25--15C``, ``2..8C``, ``2 to 8 C``: from the first number
#   to the second (each may be negative or have decimals; the first is not above the second);
# - ``<=-20C``, ``≤-20C``, ``<25C``: at most that temperature (no lower bound);
# - ``>=15C``, ``≥15C``, ``>0C``: at least that temperature (no upper bound).
#
# Spaces and case do not matter; the unit (``C``, ``°C``, ``℃``) may be left out. A location
# without a zone of its own is in its nearest ancestor's zone. Anything else is unreadable and is
# reported as such by the alerts rather than guessed at.

_NUMBER = r"(-?\d+(?:\.\d+)?)"
_UNIT = r"(?:°?c|℃)?"
_RANGE = re.compile(rf"^{_NUMBER}{_UNIT}(?:-|~|～|–|\.\.|to){_NUMBER}{_UNIT}$")
_BOUND = re.compile(rf"^(<=|≤|<|>=|≥|>){_NUMBER}{_UNIT}$")


@dataclass(frozen=True)
class Zone:
    low: Decimal | None  # None: no lower bound
    high: Decimal | None  # None: no upper bound

    def label(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{self.low}..{self.high} °C"
        if self.high is not None:
            return f"≤ {self.high} °C"
        return f"≥ {self.low} °C"


def parse_zone(text: str | None) -> Zone | None:
    """The range a zone text stands for, or None when it cannot be read (see the module)."""
    if text is None:
        return None
    compact = re.sub(r"\s+", "", text).lower()
    match = _RANGE.match(compact)
    if match:
        low, high = Decimal(match.group(1)), Decimal(match.group(2))
        return Zone(low, high) if low <= high else None
    match = _BOUND.match(compact)
    if match:
        sign, value = match.group(1), Decimal(match.group(2))
        return Zone(None, value) if sign in ("<=", "≤", "<") else Zone(value, None)
    return None


def storage_fits(zone: Zone, storage_min: Decimal | None, storage_max: Decimal | None) -> bool:
    """True when every temperature the zone allows is within the item's storage range (a
    missing item bound allows anything on that side; a missing zone bound is unbounded)."""
    if storage_min is not None and (zone.low is None or zone.low < storage_min):
        return False
    return not (storage_max is not None and (zone.high is None or zone.high > storage_max))
