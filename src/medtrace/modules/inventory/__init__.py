"""Inventory: locations, the stock ledger, balances that never lie, FEFO, reconciliation.
The public face of the module."""

from medtrace.modules.inventory.errors import (
    InsufficientStock,
    LocationInvalid,
    LocationNotFound,
    LotNotIssuable,
    MoveAlreadyReversed,
    MoveInvalid,
)
from medtrace.modules.inventory.events import LotExpired, LotExpiryWindowEntered, StockMoved
from medtrace.modules.inventory.schemas import LocationCreate, MoveCreate, MoveReverse
from medtrace.modules.inventory.service import (
    create_location,
    get_location_or_raise,
    post_move,
    reverse_move,
    stock_status_of,
)

__all__ = [
    "InsufficientStock",
    "LocationCreate",
    "LocationInvalid",
    "LocationNotFound",
    "LotExpired",
    "LotExpiryWindowEntered",
    "LotNotIssuable",
    "MoveAlreadyReversed",
    "MoveCreate",
    "MoveInvalid",
    "MoveReverse",
    "StockMoved",
    "create_location",
    "get_location_or_raise",
    "post_move",
    "reverse_move",
    "stock_status_of",
]
