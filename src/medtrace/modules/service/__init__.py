"""Service: the installed base (where each serial unit is installed and accepted), service
orders (installation, preventive maintenance, corrective repair, field safety corrective
action) with the technician's signed report, parts replaced in the genealogy, warranty,
software and firmware versions, follow-up visits (售后回访). The public face of the module:
the recall module opens field-action orders with ``create_order``.

The names are imported on first use (``platform.modules.public_face``)."""

from medtrace.platform.modules import public_face

__all__, __getattr__, __dir__ = public_face(__name__, {
    "errors": ["InstallationRefused", "OrderNotFound", "OrderStateConflict",
               "ReplacementRefused", "ServiceInvalid"],
    "rules": ["OrderStatus", "OrderType", "WarrantyState"],
    "schemas": ["ServiceOrderCreate"],
    "service": ["create_order", "get_order_or_raise", "warranty_of"],
    "queries": ["installed_base", "unit_service_view"],
})
