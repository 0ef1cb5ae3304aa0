"""Sales actions, one function per action (``verb_noun(uow, *, ..., actor)``), that the API,
the pages and the CLI all call: customers and prices (``customers``), orders and their
approval (``orders``), allocation and picking (``picking``), packing (``packing``), shipping
and delivery (``shipping``), customer returns (``returns``)."""

# the models first: they import ``orders`` at their bottom (the workflow record type), which
# needs ``common`` whole
from medtrace.modules.sales import models as _models  # noqa: F401  (isort: skip)
from medtrace.modules.sales.service.common import get_order_or_raise, order_lines
from medtrace.modules.sales.service.customers import (
    save_price,
    save_ship_to,
    set_shelf_life_rule,
    set_terms,
)
from medtrace.modules.sales.service.orders import (
    cancel_order,
    close_order,
    confirm_order,
    create_order,
)
from medtrace.modules.sales.service.packing import pack, unpack
from medtrace.modules.sales.service.picking import allocate_order, pick_scan, put_back
from medtrace.modules.sales.service.returns import decide_return_line, receive_return
from medtrace.modules.sales.service.shipping import (
    advance_ship_notice,
    confirm_delivery,
    get_shipment_or_raise,
    ship,
)

__all__ = [
    "advance_ship_notice", "allocate_order", "cancel_order", "close_order", "confirm_delivery",
    "confirm_order", "create_order", "decide_return_line", "get_order_or_raise",
    "get_shipment_or_raise", "order_lines", "pack", "pick_scan", "put_back", "receive_return",
    "save_price", "save_ship_to", "set_shelf_life_rule", "set_terms", "ship", "unpack",
]
