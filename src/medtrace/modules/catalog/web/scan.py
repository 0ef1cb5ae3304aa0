"""Scans on pages: what a scan field shows and fills (see docs/scan-fields.md).

Parse errors are translated by their code: the English templates live in ``udi.result.MESSAGES``
with ``{name}`` placeholders; the same texts with ``%(name)s`` placeholders are the msgids here
(a test keeps both in step). The values a scan carries are flattened into ``fill``, keyed by
what a form field marks with ``data-scan-fill``; ``rows`` is the whole result as label/value
pairs for the scan tester.
"""

from __future__ import annotations

from typing import Any

from medtrace.modules.catalog import rules, service
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_, translate
from medtrace.standards.udi import UdiError, UdiResult, parse_udi
from medtrace.standards.udi.gs1 import GS

UDI_MESSAGES: dict[str, str] = {
    "UDI-EMPTY": N_("The scanned code is empty."),
    "UDI-UNKNOWN-FORMAT": N_(
        "The scanned code is not a GS1, HIBCC or ICCBBA UDI (it starts with '%(start)s')."),
    "UDI-UNREADABLE": N_("The scanned code could not be read."),
    "UDI-LABEL-FAILED": N_("The label barcode could not be created: %(reason)s."),
    "GS1-UNKNOWN-AI": N_(
        "The data '%(ai)s' is not a known GS1 Application Identifier, so what follows it "
        "cannot be read."),
    "GS1-TRUNCATED": N_(
        "AI (%(ai)s) is cut short: it needs at least %(expected)s characters but has only "
        "%(found)s."),
    "GS1-TOO-LONG": N_(
        "AI (%(ai)s) has %(found)s characters but allows at most %(maximum)s; a group "
        "separator (FNC1) may be missing after it."),
    "GS1-ILLEGAL-CHARACTER": N_(
        "AI (%(ai)s) contains the character '%(char)s', which is not allowed in its "
        "%(charset)s data."),
    "GS1-CHECK-DIGIT": N_(
        "AI (%(ai)s) value %(value)s ends in check digit %(found)s, but its check digit must "
        "be %(expected)s."),
    "GS1-INVALID-DATE": N_("AI (%(ai)s) value '%(value)s' is not a valid %(format)s date or time."),
    "GS1-DUPLICATE-AI": N_(
        "AI (%(ai)s) appears more than once with different values ('%(first)s' and "
        "'%(second)s')."),
    "GS1-MISSING-PAIR": N_(
        "AI (%(ai)s) must be used together with one of %(required)s, none of which is in this "
        "scan (it may be in another barcode on the same item)."),
    "GS1-INVALID-PAIR": N_("AI (%(ai)s) must not be used together with AI (%(other)s)."),
    "GS1-DL-SYNTAX": N_("The GS1 Digital Link URI path is malformed near '%(segment)s'."),
    "GS1-DL-QUALIFIER": N_(
        "AI (%(ai)s) is not allowed at this place in a GS1 Digital Link path after AI "
        "(%(key)s); the allowed qualifier sequences are %(allowed)s."),
    "GS1-DL-ATTRIBUTE": N_(
        "AI (%(ai)s) may not be given as a GS1 Digital Link query attribute; it belongs in the "
        "URI path or is not allowed in a Digital Link."),
    "GS1-DL-EMPTY-SEGMENT": N_(
        "The GS1 Digital Link URI path '%(path)s' has an empty segment (two '/' in a row or a "
        "'/' at its end)."),
    "GS1-DL-PERCENT-ENCODING": N_(
        "The GS1 Digital Link URI contains '%(text)s', which is not valid percent-encoding: a "
        "'%%' must be followed by two hexadecimal digits."),
    "HIBCC-ILLEGAL-CHARACTER": N_(
        "The character '%(char)s' is not allowed in HIBC data (allowed: A-Z, 0-9, space and "
        "- . $ / + %%)."),
    "HIBCC-CHECK-CHARACTER": N_(
        "The HIBC check character is '%(found)s', but the data requires '%(expected)s'."),
    "HIBCC-LINK-CHARACTER": N_(
        "The link character '%(found)s' of the secondary data structure does not match the "
        "check character '%(expected)s' of the primary data structure."),
    "HIBCC-INVALID-LIC": N_(
        "The Labeler Identification Code '%(value)s' must be 4 letters or digits, the first "
        "one a letter."),
    "HIBCC-INVALID-PRODUCT": N_(
        "The product or catalogue number '%(value)s' must be 1 to 18 letters or digits."),
    "HIBCC-INVALID-UOM": N_("The unit of measure '%(value)s' must be a single digit 0-9."),
    "HIBCC-TRUNCATED": N_(
        "The HIBC %(structure)s data structure '%(value)s' is too short to be complete."),
    "HIBCC-TOO-LONG": N_("The HIBC %(field)s '%(value)s' is longer than %(maximum)s characters."),
    "HIBCC-INVALID-DATE": N_("The HIBC date '%(value)s' is not a valid %(format)s date."),
    "HIBCC-INVALID-QUANTITY": N_(
        "The HIBC quantity '%(value)s' must be exactly %(digits)s digits."),
    "HIBCC-UNSUPPORTED": N_(
        "The data '%(value)s' is not a HIBC Supplier Labeling data structure (primary, "
        "secondary or supplemental data) that can be read."),
    "HIBCC-CONFLICT": N_(
        "The HIBC %(field)s is given twice with different values ('%(first)s' and "
        "'%(second)s')."),
    "ISBT-SYNTAX": N_(
        "An ISBT 128 data identifier starting with '=' or '&' was expected, but '%(char)s' was "
        "found."),
    "ISBT-UNKNOWN-IDENTIFIER": N_("The ISBT 128 data identifier '%(identifier)s' is not known."),
    "ISBT-LENGTH": N_(
        "ISBT 128 data structure %(number)s ('%(identifier)s') must have %(expected)s data "
        "characters but has %(found)s."),
    "ISBT-ILLEGAL-CHARACTER": N_(
        "ISBT 128 data structure %(number)s ('%(identifier)s') contains '%(char)s', which is "
        "not allowed there."),
    "ISBT-INVALID-DATE": N_(
        "ISBT 128 data structure %(number)s ('%(identifier)s') value '%(value)s' is not a "
        "valid %(format)s date."),
    "ISBT-CHECK-CHARACTER": N_(
        "ISBT 128 data structure %(number)s ('%(identifier)s'): the flag characters "
        "'%(found)s' do not match the ISO 7064 mod 37-2 check of donation identification "
        "number %(value)s, which needs '%(expected)s'."),
    "ISBT-INVALID-VALUE": N_(
        "ISBT 128 data structure %(number)s ('%(identifier)s') value '%(value)s' is not "
        "allowed."),
    "ISBT-COMPOUND-COUNT": N_(
        "The ISBT 128 compound message announces %(expected)s data structures but %(found)s "
        "follow it."),
    "ISBT-DUPLICATE": N_(
        "ISBT 128 data identifier '%(identifier)s' appears more than once with different "
        "contents ('%(first)s' and '%(second)s')."),
}
POSITION = N_("At position %(position)s: ")
#: English words the parser uses as parameter values (``udi.result.PARAMETER_WORDS``)
PARAMETER_WORDS = frozenset({
    N_("numeric"), N_("GS1 character set 82"), N_("GS1 character set 39"),
    N_("GS1 character set 64"), N_("primary"), N_("secondary"), N_("lot number"),
    N_("serial number"), N_("expiry date"), N_("date of manufacture"), N_("quantity"),
})
#: errors after which what was read may still be filled in (the partner AI may be in another
#: barcode on the same label)
FILL_DESPITE = frozenset({"GS1-MISSING-PAIR"})

ROW_LABELS = (
    ("agency", N_("Issuing agency")), ("di", N_("Device identifier (DI)")), ("gtin", "GTIN"),
    ("lot", N_("Lot")), ("serial", N_("Serial number")), ("expiry", N_("Expiry date")),
    ("production_date", N_("Production date")), ("quantity", N_("Quantity")),
    ("item", N_("Item")), ("packaging", N_("Packaging level")),
    ("hri", N_("Human-readable interpretation")), ("data", N_("Data as read")),
    ("elements", N_("Data elements")), ("symbology", N_("Symbology identifier")),
)


def problem_message(problem: dict[str, Any], locale: str) -> str:
    """One entry of a refusal's ``errors`` in ``locale``: a UDI error by its code and
    parameters, a catalog msgid translated, anything else as it is."""
    code, params = problem.get("code"), problem.get("params")
    if code in UDI_MESSAGES and isinstance(params, dict):
        return error_message(UdiError(code, tuple(params.items())), locale)
    return translate(str(problem.get("message", "")), locale)


def error_message(error: UdiError, locale: str) -> str:
    """The error in ``locale``, with its parameters (and position) filled in."""
    params = {key: translate(value, locale) if value in PARAMETER_WORDS else value
              for key, value in error.params}
    text = translate(UDI_MESSAGES[error.code], locale, **params)
    if error.position is not None:
        text = translate(POSITION, locale, position=error.position) + text
    return text


def _fill(parsed: UdiResult, item: dict[str, Any] | None) -> dict[str, str]:
    values: dict[str, Any] = {
        "agency": parsed.agency, "di": parsed.di, "gtin": parsed.gtin, "lot": parsed.lot,
        "serial": parsed.serial, "quantity": parsed.quantity,
        "expiry": parsed.expiry.isoformat() if parsed.expiry else None,
        "production_date": parsed.production_date.isoformat() if parsed.production_date else None,
    }
    if parsed.agency in rules.ALT_AGENCIES and parsed.di:
        values |= {"alt_agency": parsed.agency, "alt_di": parsed.di}
    if item is not None:
        values |= {"item": item["id"], "item_code": item["code"],
                   "packaging_level": item["packaging_level"]}
    return {key: str(value) for key, value in values.items() if value not in (None, "")}


def _elements(parsed: UdiResult) -> str:
    if parsed.agency == "GS1":
        return " ".join(f"({name}){value}" for name, value in parsed.elements)
    return " ".join(f"{name}: {value}" for name, value in parsed.elements)


def _rows(parsed: UdiResult, item: dict[str, Any] | None, locale: str) -> list[list[str]]:
    fill = _fill(parsed, None)
    shown = {
        **fill, "symbology": parsed.symbology or "", "hri": parsed.hri or "",
        "data": parsed.data.replace(GS, "<GS>"), "elements": _elements(parsed),
        "item": f"{item['code']} · {item['name']}" if item else "",
        "packaging": (f"{item['packaging_level']} · {item['packaging_name']} · "
                      f"×{item['quantity']}" if item else ""),
    }
    return [[translate(label, locale), shown.get(key) or "—"] for key, label in ROW_LABELS]


def read_scan(uow: UnitOfWork, code: str, locale: str) -> dict[str, Any]:
    """What a page shows for a raw scan: the resolved result of ``udi parse`` with the errors
    in ``locale`` (``code``, ``message``), ``fill`` (the values for ``data-scan-fill``
    targets; empty when an error makes the scan unusable), ``hri`` and ``rows``."""
    parsed = parse_udi(code)
    result = service.resolve_parsed(uow, parsed, locale)
    usable = all(error.code in FILL_DESPITE for error in parsed.errors)
    result["errors"] = [{"code": error.code, "message": error_message(error, locale)}
                        for error in parsed.errors]
    result["ok"] = parsed.ok
    result["fill"] = _fill(parsed, result["item"]) if usable else {}
    result["hri"] = parsed.hri
    result["rows"] = _rows(parsed, result["item"], locale)
    return result
