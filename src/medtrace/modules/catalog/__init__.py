"""Catalog: items (device master data), units and conversions, packaging levels and their
UDI-DIs, UDI parsing, composing and labels. The public face of the module."""

from medtrace.modules.catalog.errors import (
    GtinInvalid,
    GtinTaken,
    ItemCodeTaken,
    ItemInvalid,
    ItemNotFound,
    StatusChangeRefused,
    UnknownUnit,
)
from medtrace.modules.catalog.lookups import item_ids_by_code, item_refs
from medtrace.modules.catalog.rules import (
    CLASSES_CN,
    gs1_check_digit,
    normalize_gtin,
    tracks_lot,
    tracks_serial,
)
from medtrace.modules.catalog.schemas import ItemCreate, ItemPage, ItemRead, ItemUpdate
from medtrace.modules.catalog.service import (
    create_item,
    factor_of,
    find_by_gtin,
    get_item,
    get_item_by_code,
    get_item_or_raise,
    item_summary,
    list_items,
    list_units,
    resolve_udi,
    set_status,
    to_base_quantity,
    update_item,
)

__all__ = [
    "CLASSES_CN",
    "GtinInvalid",
    "GtinTaken",
    "ItemCodeTaken",
    "ItemCreate",
    "ItemInvalid",
    "ItemNotFound",
    "ItemPage",
    "ItemRead",
    "ItemUpdate",
    "StatusChangeRefused",
    "UnknownUnit",
    "create_item",
    "factor_of",
    "find_by_gtin",
    "get_item",
    "get_item_by_code",
    "get_item_or_raise",
    "gs1_check_digit",
    "item_ids_by_code",
    "item_refs",
    "item_summary",
    "list_items",
    "list_units",
    "normalize_gtin",
    "resolve_udi",
    "set_status",
    "to_base_quantity",
    "tracks_lot",
    "tracks_serial",
    "update_item",
]
