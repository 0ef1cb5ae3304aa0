"""Inventory: locations, the stock ledger, balances that never lie, FEFO, reconciliation.
The public face of the module.

The names are imported on first use (``platform.modules.public_face``), so that importing
the package (its descriptor, its command line) costs nothing of its models and services."""

from medtrace.platform.modules import public_face

__all__, __getattr__, __dir__ = public_face(__name__, {
    "errors": ["InsufficientStock", "LocationInvalid", "LocationNotFound", "LotNotIssuable",
        "MoveAlreadyReversed", "MoveInvalid"],
    "events": ["LotExpired", "LotExpiryWindowEntered", "StockMoved", "StockMovedInBulk"],
    "queries": ["BalanceFilter", "balances", "fefo", "find_location_with_status",
        "locations_with_status",
        "virtual_location"],
    "schemas": ["BulkMoveCreate", "LocationCreate", "MoveCreate", "MoveReverse"],
    "service": ["create_location", "get_location_or_raise", "post_move", "post_moves",
        "reverse_move",
        "stock_status_of"],
})
