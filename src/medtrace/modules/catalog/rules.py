"""Pure catalog rules: GTIN check digits, DIs of the other issuing agencies (HIBCC, ICCBBA),
tracking modes, device classes, unit conversion."""

from __future__ import annotations

import re
from decimal import Decimal

from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_
from medtrace.standards.udi import parse_udi

TRACKING_MODES = ("none", "lot", "serial", "lot_serial")
CLASSES_CN = ("I", "II", "III")
CLASSES_US = ("I", "II", "III")
CLASSES_EU = ("I", "IIa", "IIb", "III")


class ItemStatus(LabelledEnum):
    """An item's life: drafted, active (may be bought, made, stocked and sold), obsolete."""

    DRAFT = "draft", N_("draft")
    ACTIVE = "active", N_("active")
    OBSOLETE = "obsolete", N_("obsolete")

    @property
    def controlled(self) -> bool:
        """A change to an item in this status needs a reason."""
        return self is not ItemStatus.DRAFT


STATUSES = ItemStatus.values()
STATUS_LABELS = ItemStatus.labels()
TRACKING_LABELS = {"none": N_("not tracked"), "lot": N_("by lot"),
                   "serial": N_("by serial number"), "lot_serial": N_("by lot and serial")}
KIND_LABELS = {"finished": N_("finished device"), "subassembly": N_("subassembly"),
               "component": N_("component")}
STATUS_MOVES = {ItemStatus.DRAFT: {ItemStatus.ACTIVE, ItemStatus.OBSOLETE},
                ItemStatus.ACTIVE: {ItemStatus.OBSOLETE}, ItemStatus.OBSOLETE: {ItemStatus.ACTIVE}}


def gs1_check_digit(digits: str) -> int:
    """GS1 mod-10 check digit of ``digits`` (the number without its check digit)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def normalize_gtin(value: str) -> str | None:
    """GTIN-8/12/13/14 as a GTIN-14, or None when it is not a valid GTIN (length, digits,
    check digit)."""
    raw = (value or "").strip()
    if not raw.isdigit() or len(raw) not in (8, 12, 13, 14) or not raw.isascii():
        return None
    gtin = raw.zfill(14)
    if gs1_check_digit(gtin[:-1]) != int(gtin[-1]):
        return None
    return gtin


#: issuing agencies besides GS1 whose DI a packaging level may carry
ALT_AGENCIES = ("HIBCC", "ICCBBA")
# HIBC LIC primary data without flag and check character: labeler identification code (4, the
# first a letter), product or catalogue number (1-18 letters or digits), unit of measure digit.
_HIBCC_DI = re.compile(r"[A-Z][A-Z0-9]{3}[A-Z0-9]{1,18}[0-9]")
ALT_DI_HINTS = {
    "HIBCC": N_("A HIBCC DI is the 4-character labeler code (the first a letter), the product "
                "or catalogue number (1 to 18 letters or digits) and one unit-of-measure digit."),
    "ICCBBA": N_("An ICCBBA DI is the 16-character ISBT 128 processor product identification "
                 "code (data structure =/)."),
}


def normalize_alt_di(agency: str, value: str) -> str | None:
    """The DI exactly as ``parse_udi`` reports it (``UdiResult.di``) for a label of ``agency``,
    or None when ``value`` is not a valid DI of that agency. Spaces are dropped and letters
    upper-cased; an ICCBBA DI may be given with its data identifier ``=/``."""
    text = "".join((value or "").split()).upper()
    if agency == "HIBCC":
        return text if _HIBCC_DI.fullmatch(text) else None
    if agency == "ICCBBA":
        text = text.removeprefix("=/")
        parsed = parse_udi("=/" + text)
        return text if parsed.ok and parsed.agency == "ICCBBA" and parsed.di == text else None
    return None


def tracks_lot(tracking: str) -> bool:
    return tracking in ("lot", "lot_serial")


def tracks_serial(tracking: str) -> bool:
    return tracking in ("serial", "lot_serial")


def to_base(quantity: Decimal, factor: Decimal) -> Decimal:
    """Quantity in the base unit (exact; factors are Decimal)."""
    return quantity * factor


def from_base(quantity: Decimal, factor: Decimal) -> Decimal:
    return quantity / factor
