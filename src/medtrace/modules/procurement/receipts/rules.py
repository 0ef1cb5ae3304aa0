"""Pure receiving rules: what a scan identifies, and whether it fits the order line. The field
messages are the codes the pages translate (``FIELD_MESSAGES``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from medtrace.platform.i18n import N_
from medtrace.standards.udi import UdiResult, parse_udi


@dataclass(frozen=True)
class Scan:
    """What one scanned code says, for receiving."""

    gtin: str | None
    agency: str | None
    di: str | None
    lot: str | None
    serial: str | None
    expiry: Any
    sscc: str | None
    errors: tuple[str, ...]


def read_scan(text: str) -> Scan:
    """Parse a raw scan. A logistic label (SSCC, AI 00) names its content's GTIN in AI 02."""
    parsed: UdiResult = parse_udi(text)
    elements = dict(parsed.elements)
    gtin = parsed.gtin or elements.get("02")
    sscc = elements.get("00")
    # a lone serial or lot without (01) is reported as a missing pair; with (02) it is fine
    errors = tuple(code for code in parsed.error_codes
                   if not (code == "GS1-MISSING-PAIR" and gtin))
    return Scan(gtin=gtin, agency=parsed.agency, di=parsed.di, lot=parsed.lot,
                serial=parsed.serial, expiry=parsed.expiry, sscc=sscc, errors=errors)


def level_fits(level_number: int, level_uom: str | None, uom: str, base_uom: str,
               uom_factor: Decimal | None = None, level_factor: Decimal | None = None) -> bool:
    """The scanned packaging level is the one the line's unit names: its own unit; the base
    unit for the unit level (0); for a level without a unit, a unit holding as many base units
    as the level does."""
    if level_uom:
        return level_uom.upper() == uom.upper()
    if level_number == 0:
        return uom.upper() == base_uom.upper()
    return uom_factor is not None and uom_factor == level_factor


def serial_problem(serials: list[str], base_quantity: Decimal) -> str | None:
    """A serialized line lists one serial per piece."""
    if not serials:
        return "serials missing"
    if Decimal(len(serials)) != base_quantity:
        return "serials do not match the quantity"
    return None


#: the service's messages (``errors[].message``), for the pages and the API
FIELD_MESSAGES = {
    "unreadable": N_("the scan cannot be read as a UDI"),
    "unknown GTIN": N_("no item has this GTIN"),
    "not on the order": N_("this item is not on the order"),
    "other packaging level": N_("the GTIN is of another packaging level than the unit given"),
    "not a unit of the item": N_("not a unit of the item"),
    "lot missing": N_("the scan has no lot number, and the item is tracked by lot"),
    "expiry missing": N_("the scan has no expiry date, and the item has a shelf life"),
    "expired": N_("the expiry date has passed"),
    "short shelf life": N_("less shelf life left than the item's minimum"),
    "over receipt": N_("more than ordered (with the tolerance)"),
    "serials missing": N_("list the serial numbers (or scan each unit)"),
    "serials do not match the quantity": N_("the number of serials differs from the quantity"),
    "serial repeated": N_("a serial number is given twice"),
    "serial known": N_("a serial number is already known"),
    "lot of another supplier": N_("this lot number was received from another supplier"),
    "whole pieces": N_("whole pieces only"),
    "not rejected stock": N_("only rejected stock goes back to the supplier"),
    "no supplier": N_("the lot has no supplier"),
    "unknown lot": N_("no such lot of this item"),
    "unknown item": N_("unknown item"),
    "unknown location": N_("no such location"),
    "give the lot or the serials": N_("give the lot or the serial numbers"),
    "give the quantity": N_("give the quantity"),
    "unknown serial": N_("a serial number is not a unit of this item"),
}
