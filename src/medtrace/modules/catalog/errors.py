"""Typed errors of the catalog."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class ItemNotFound(DomainError):
    code = "MT-CAT-ITEM-NOT-FOUND"
    status = 404
    title = N_("Item not found.")
    help = "No item with this id or code."


class ItemCodeTaken(DomainError):
    code = "MT-CAT-ITEM-EXISTS"
    status = 409
    title = N_("An item with this code already exists.")
    help = "Item codes are unique."


class GtinInvalid(DomainError):
    code = "MT-CAT-GTIN-INVALID"
    status = 422
    title = N_("The GTIN is not valid.")
    help = "A GTIN has 8, 12, 13 or 14 digits and a correct GS1 check digit."


class GtinTaken(DomainError):
    code = "MT-CAT-GTIN-TAKEN"
    status = 409
    title = N_("This GTIN already belongs to another item or packaging level.")
    help = "A UDI-DI (GTIN) identifies one packaging level of one item only."


class AltDiInvalid(DomainError):
    code = "MT-CAT-ALT-DI-INVALID"
    status = 422
    title = N_("The HIBCC or ICCBBA DI is not valid.")
    help = (
        "A packaging level's second DI names its agency and the DI together. HIBCC: labeler "
        "code (4 characters, the first a letter), product or catalogue number (1-18 letters "
        "or digits), one unit-of-measure digit. ICCBBA: the ISBT 128 processor product "
        "identification code (16 characters)."
    )


class AltDiTaken(DomainError):
    code = "MT-CAT-ALT-DI-TAKEN"
    status = 409
    title = N_("This HIBCC or ICCBBA DI already belongs to another item or packaging level.")
    help = "A HIBCC or ICCBBA DI identifies one packaging level of one item only."


class UnknownUnit(DomainError):
    code = "MT-CAT-UNKNOWN-UOM"
    status = 422
    title = N_("Unknown unit of measure.")
    help = "The unit is neither the item's base unit nor one of its conversions."


class ItemInvalid(DomainError):
    code = "MT-CAT-ITEM-INVALID"
    status = 422
    title = N_("The item data is not valid.")
    help = "A field breaks a catalog rule; `errors` names each field."


class StatusChangeRefused(DomainError):
    code = "MT-CAT-STATUS-CHANGE"
    status = 422
    title = N_("This status change is not allowed.")
    help = "Items go draft → active → obsolete (and obsolete → active)."
