"""Catalog: items (device master data), units and conversions, packaging levels and their
UDI-DIs, UDI parsing, composing and labels. The public face of the module.

The names are imported on first use (``platform.modules.public_face``), so that importing
the package (its descriptor, its command line) costs nothing of its models and services."""

from medtrace.platform.modules import public_face

__all__, __getattr__, __dir__ = public_face(__name__, {
    "errors": ["AltDiInvalid", "AltDiTaken", "GtinInvalid", "GtinTaken", "ItemCodeTaken",
        "ItemInvalid", "ItemNotFound", "StatusChangeRefused", "UnknownUnit"],
    "events": ["ItemCreated", "ItemStatusChanged"],
    "queries": ["gtins_by_item", "item_ids_by_code", "item_refs", "item_trackings"],
    "rules": ["CLASSES_CN", "gs1_check_digit", "normalize_gtin", "tracks_lot", "tracks_serial"],
    "schemas": ["ItemCreate", "ItemPage", "ItemRead", "ItemUpdate"],
    "service": ["create_item", "factor_of", "find_by_alt_di", "find_by_gtin", "get_item",
        "get_item_by_code", "get_item_or_raise", "item_summary", "label_for", "list_items",
        "list_units", "resolve_udi", "set_status", "to_base_quantity", "update_item"],
})
