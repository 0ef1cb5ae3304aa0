"""Events of the inventory module (see ``medtrace.platform.events``).

- ``StockMoved``: a stock move was posted (receipt, issue, transfer, adjustment, reversal...).
- ``LotExpiryWindowEntered``: stock of a lot (or serial unit) now expires within
  ``threshold_days`` days; published once per lot, expiry date and threshold by the
  ``inventory.expiry_alerts`` job.
- ``LotExpired``: stock of a lot (or serial unit) is past its expiry date; once per lot and
  expiry date, by the same job.

Quantities are in the item's base unit of measure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from medtrace.platform.events import Event


@dataclass(frozen=True)
class StockMoved(Event):
    type = "inventory.stock.moved"
    version = 1

    move_id: int
    item_id: int
    item: str
    lot_id: int | None
    lot: str | None
    unit_id: int | None
    serial: str | None
    quantity: Decimal
    uom: str
    from_location_id: int
    from_location: str
    to_location_id: int
    to_location: str
    purpose: str
    at: dt.datetime
    doc: str | None
    reverses_id: int | None


def stock_moved(move: Any, item: Any, source: Any, target: Any, lot: Any, unit: Any
                ) -> StockMoved:
    """The event of a posted move (``service.post_move`` publishes it)."""
    return StockMoved(
        move_id=move.id, item_id=item.id, item=item.code,
        lot_id=lot.id if lot else None, lot=lot.code if lot else None,
        unit_id=unit.id if unit else None, serial=unit.code if unit else None,
        quantity=move.quantity, uom=item.base_uom,
        from_location_id=source.id, from_location=source.code,
        to_location_id=target.id, to_location=target.code,
        purpose=move.purpose, at=move.at, doc=move.doc, reverses_id=move.reverses_id)


@dataclass(frozen=True)
class _ExpiryEvent(Event):
    """Fields shared by the two expiry events (no type of its own)."""

    item_id: int
    item: str
    lot_id: int | None
    lot: str | None
    unit_id: int | None
    serial: str | None
    expiry: dt.date
    days_left: int
    quantity: Decimal
    uom: str
    locations: tuple[str, ...]


@dataclass(frozen=True)
class LotExpiryWindowEntered(_ExpiryEvent):
    type = "inventory.lot.expiry_window_entered"
    version = 1

    threshold_days: int


@dataclass(frozen=True)
class LotExpired(_ExpiryEvent):
    type = "inventory.lot.expired"
    version = 1


@dataclass(frozen=True)
class StockMovedInBulk(Event):
    """Many serial units of one item moved together (``service.post_moves``): one event for
    the whole set, with the number of units."""

    type = "inventory.stock.moved_in_bulk"
    version = 1

    item_id: int
    item: str
    lot_id: int | None
    lot: str | None
    units: int
    uom: str
    from_location_id: int
    from_location: str
    to_location_id: int
    to_location: str
    purpose: str
    doc: str | None
