"""Purchasing: requisitions, purchase orders, receiving by UDI scan, returns to the supplier,
supplier performance. The public face of the module.

The names are imported on first use (``platform.modules.public_face``), so that importing
the package (its descriptor) costs nothing of its models and services."""

from medtrace.platform.modules import public_face

__all__, __getattr__, __dir__ = public_face(__name__, {
    "errors": ["NoApprovalProcess", "OrderInvalid", "OrderNotFound", "OrderStateConflict",
        "ReasonRequired", "ReceiptNotFound", "ReceiptRefused", "RequisitionInvalid",
        "RequisitionNotFound", "ReturnRefused", "SupplierNotQualified"],
    "events": ["GoodsReceived", "GoodsReturned", "OrderStatusChanged"],
    "queries": ["list_orders", "order_view"],
    "rules": ["OrderStatus", "RequisitionStatus"],
    "schemas": ["OrderAmend", "OrderCreate", "RequisitionCreate", "RequisitionToOrders"],
    "service": ["amend_order", "cancel_order", "close_order", "create_order",
        "create_requisition", "get_order_or_raise", "order_requisition", "submit_order"],
    "receipts.schemas": ["ReceiptCreate", "ReturnCreate"],
    "receipts.service": ["receive_goods", "return_to_supplier"],
    "receipts.queries": ["supplier_performance"],
})
