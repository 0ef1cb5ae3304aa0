"""Sales and distribution: customers' sales terms and ship-to addresses, the price list,
licence-checked quotations and orders with credit and price approval, FEFO allocation with
customers' shelf-life minimums, scan-first picking, SSCC packing, shipping with its journal
events, delivery note, certificates of conformity and advance ship notice, proof of delivery,
customer returns. The public face of the module.

The names are imported on first use (``platform.modules.public_face``), so that importing
the package (its descriptor) costs nothing of its models and services."""

from medtrace.platform.modules import public_face

__all__, __getattr__, __dir__ = public_face(__name__, {
    "errors": ["CustomerInvalid", "CustomerNotLicensed", "DispositionRefused",
        "NoApprovalProcess", "OrderInvalid", "OrderNotFound", "OrderStateConflict",
        "PackingInvalid", "PriceInvalid", "ReturnNotFound", "ReturnRefused", "ScanRefused",
        "ShipmentInvalid", "ShipmentNotFound", "ShipmentStateConflict"],
    "events": ["GoodsReturned", "OrderStatusChanged", "ReturnDispositioned",
        "ShipmentDelivered", "ShipmentShipped"],
    "queries": ["list_orders", "list_shipments", "order_view", "shipment_view"],
    "rules": ["Disposition", "OrderStatus", "PickStatus", "ShipmentStatus"],
    "schemas": ["CustomerTerms", "DeliveryIn", "DispositionIn", "PackIn", "PickIn",
        "PriceWrite", "ReturnCreate", "SalesOrderCreate", "ShelfLifeRuleWrite",
        "ShipmentCreate", "ShipToWrite"],
    "service": ["advance_ship_notice", "allocate_order", "cancel_order", "close_order",
        "confirm_delivery", "confirm_order", "create_order", "decide_return_line",
        "get_order_or_raise", "get_shipment_or_raise", "pack", "pick_scan", "put_back",
        "receive_return", "save_price", "save_ship_to", "set_shelf_life_rule", "set_terms",
        "ship", "unpack"],
})
