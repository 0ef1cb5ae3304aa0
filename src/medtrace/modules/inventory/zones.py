"""Temperature zones of locations, as written by people, and whether an item's storage range
fits them. Pure functions, no database.

A location's ``temperature_zone`` is a range in degrees Celsius:

- ``2-8C``, ``15-25°C``, ``2~8℃``, ``-25--15C``, ``2..8C``, ``2 to 8 C``: from the first number
  to the second (each may be negative or have decimals; the first is not above the second);
- ``<=-20C``, ``≤-20C``, ``<25C``: at most that temperature (no lower bound);
- ``>=15C``, ``≥15C``, ``>0C``: at least that temperature (no upper bound).

Spaces and case do not matter; the unit (``C``, ``°C``, ``℃``) may be left out. A location
without a zone of its own is in its nearest ancestor's zone. Anything else is unreadable and is
reported as such by the alerts rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

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
