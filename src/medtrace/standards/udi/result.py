"""Result types of UDI parsing and the catalogue of error codes with their English templates.

Every error carries a stable upper-case ``code``, its ``params`` and, when it points into the
scanned data, a 1-based ``position`` (counted in ``UdiResult.data``). ``message`` is the English
rendering: ``POSITION_TEMPLATE`` (when there is a position) followed by ``MESSAGES[code]``
formatted with ``params``. A translation layer translates both templates by code and formats
them with the same parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Agency = Literal["GS1", "HIBCC", "ICCBBA"]

POSITION_TEMPLATE = "At position {position}: "

MESSAGES: dict[str, str] = {
    # General
    "UDI-EMPTY": "The scanned code is empty.",
    "UDI-UNKNOWN-FORMAT": (
        "The scanned code is not a GS1, HIBCC or ICCBBA UDI (it starts with '{start}')."
    ),
    "UDI-UNREADABLE": "The scanned code could not be read.",
    "UDI-LABEL-FAILED": "The label barcode could not be created: {reason}.",
    # GS1 element strings, HRI and Digital Link
    "GS1-UNKNOWN-AI": (
        "The data '{ai}' is not a known GS1 Application Identifier, so what follows it "
        "cannot be read."
    ),
    "GS1-TRUNCATED": (
        "AI ({ai}) is cut short: it needs at least {expected} characters but has only {found}."
    ),
    "GS1-TOO-LONG": (
        "AI ({ai}) has {found} characters but allows at most {maximum}; a group separator "
        "(FNC1) may be missing after it."
    ),
    "GS1-ILLEGAL-CHARACTER": (
        "AI ({ai}) contains the character '{char}', which is not allowed in its {charset} data."
    ),
    "GS1-CHECK-DIGIT": (
        "AI ({ai}) value {value} ends in check digit {found}, but its check digit must be "
        "{expected}."
    ),
    "GS1-INVALID-DATE": "AI ({ai}) value '{value}' is not a valid {format} date or time.",
    "GS1-DUPLICATE-AI": (
        "AI ({ai}) appears more than once with different values ('{first}' and '{second}')."
    ),
    "GS1-MISSING-PAIR": (
        "AI ({ai}) must be used together with one of {required}, none of which is in this "
        "scan (it may be in another barcode on the same item)."
    ),
    "GS1-INVALID-PAIR": "AI ({ai}) must not be used together with AI ({other}).",
    "GS1-DL-SYNTAX": "The GS1 Digital Link URI path is malformed near '{segment}'.",
    "GS1-DL-QUALIFIER": (
        "AI ({ai}) is not allowed at this place in a GS1 Digital Link path after AI ({key}); "
        "the allowed qualifier sequences are {allowed}."
    ),
    "GS1-DL-ATTRIBUTE": (
        "AI ({ai}) may not be given as a GS1 Digital Link query attribute; it belongs in "
        "the URI path or is not allowed in a Digital Link."
    ),
    "GS1-DL-EMPTY-SEGMENT": (
        "The GS1 Digital Link URI path '{path}' has an empty segment (two '/' in a row or a "
        "'/' at its end)."
    ),
    "GS1-DL-PERCENT-ENCODING": (
        "The GS1 Digital Link URI contains '{text}', which is not valid percent-encoding: a "
        "'%' must be followed by two hexadecimal digits."
    ),
    # HIBCC
    "HIBCC-ILLEGAL-CHARACTER": (
        "The character '{char}' is not allowed in HIBC data (allowed: A-Z, 0-9, space and "
        "- . $ / + %)."
    ),
    "HIBCC-CHECK-CHARACTER": (
        "The HIBC check character is '{found}', but the data requires '{expected}'."
    ),
    "HIBCC-LINK-CHARACTER": (
        "The link character '{found}' of the secondary data structure does not match the "
        "check character '{expected}' of the primary data structure."
    ),
    "HIBCC-INVALID-LIC": (
        "The Labeler Identification Code '{value}' must be 4 letters or digits, the first "
        "one a letter."
    ),
    "HIBCC-INVALID-PRODUCT": (
        "The product or catalogue number '{value}' must be 1 to 18 letters or digits."
    ),
    "HIBCC-INVALID-UOM": "The unit of measure '{value}' must be a single digit 0-9.",
    "HIBCC-TRUNCATED": "The HIBC {structure} data structure '{value}' is too short to be complete.",
    "HIBCC-TOO-LONG": "The HIBC {field} '{value}' is longer than {maximum} characters.",
    "HIBCC-INVALID-DATE": "The HIBC date '{value}' is not a valid {format} date.",
    "HIBCC-INVALID-QUANTITY": "The HIBC quantity '{value}' must be exactly {digits} digits.",
    "HIBCC-UNSUPPORTED": (
        "The data '{value}' is not a HIBC Supplier Labeling data structure (primary, "
        "secondary or supplemental data) that can be read."
    ),
    "HIBCC-CONFLICT": (
        "The HIBC {field} is given twice with different values ('{first}' and '{second}')."
    ),
    # ICCBBA ISBT 128
    "ISBT-SYNTAX": (
        "An ISBT 128 data identifier starting with '=' or '&' was expected, but '{char}' was found."
    ),
    "ISBT-UNKNOWN-IDENTIFIER": "The ISBT 128 data identifier '{identifier}' is not known.",
    "ISBT-LENGTH": (
        "ISBT 128 data structure {number} ('{identifier}') must have {expected} data "
        "characters but has {found}."
    ),
    "ISBT-ILLEGAL-CHARACTER": (
        "ISBT 128 data structure {number} ('{identifier}') contains '{char}', which is not "
        "allowed there."
    ),
    "ISBT-INVALID-DATE": (
        "ISBT 128 data structure {number} ('{identifier}') value '{value}' is not a valid "
        "{format} date."
    ),
    "ISBT-CHECK-CHARACTER": (
        "ISBT 128 data structure {number} ('{identifier}'): the flag characters '{found}' do "
        "not match the ISO 7064 mod 37-2 check of donation identification number {value}, "
        "which needs '{expected}'."
    ),
    "ISBT-INVALID-VALUE": (
        "ISBT 128 data structure {number} ('{identifier}') value '{value}' is not allowed."
    ),
    "ISBT-COMPOUND-COUNT": (
        "The ISBT 128 compound message announces {expected} data structures but {found} follow it."
    ),
    "ISBT-DUPLICATE": (
        "ISBT 128 data identifier '{identifier}' appears more than once with different "
        "contents ('{first}' and '{second}')."
    ),
}


# English words that appear as parameter values (translate them too):
# {charset}: "numeric", "GS1 character set 82", "GS1 character set 39", "GS1 character set 64";
# {structure}: "primary", "secondary";
# {field}: "lot number", "serial number", "expiry date", "date of manufacture", "quantity".
# {format} values are date patterns (YYMMDD, MMYY, cyyjjj, HHMI...) and stay as they are.
PARAMETER_WORDS = (
    "numeric", "GS1 character set 82", "GS1 character set 39", "GS1 character set 64",
    "primary", "secondary",
    "lot number", "serial number", "expiry date", "date of manufacture", "quantity",
)  # fmt: skip


def _printable(value: object) -> str:
    """Parameters as shown in messages: control characters made visible, long values cut."""
    text = str(value)
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


@dataclass(frozen=True, slots=True)
class UdiError:
    """One problem found in a scanned code (never raised; collected in ``UdiResult.errors``)."""

    code: str
    params: tuple[tuple[str, str], ...] = ()
    position: int | None = None

    @property
    def message(self) -> str:
        text = MESSAGES[self.code].format(**dict(self.params))
        if self.position is not None:
            text = POSITION_TEMPLATE.format(position=self.position) + text
        return text

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def udi_error(code: str, *, position: int | None = None, **params: object) -> UdiError:
    """Build an error; ``position`` is 0-based here and stored 1-based."""
    if code not in MESSAGES:  # pragma: no cover - programming error
        raise KeyError(code)
    pairs = tuple((key, _printable(value)) for key, value in params.items())
    return UdiError(code, pairs, None if position is None else position + 1)


@dataclass(frozen=True, slots=True)
class UdiResult:
    """What a scanned UDI says. ``to_dict()`` is the stable public shape.

    ``elements`` keeps every field read, in order: ``(ai, value)`` for GS1, ``(name, value)``
    for HIBCC (``LIC``, ``PCN``, ``UOM``, ``QTY``, ``EXP:<format>``, ``LOT``, ``SERIAL``,
    ``S``, ``16D``, ``14D``, ``Q``) and ``(data identifier, content)`` for ISBT 128.
    ``normalized`` is the canonical data: the GS1 element string with real GS (``\\x1d``)
    separators and no symbology identifier, or the cleaned HIBC / ISBT 128 data.
    ``data`` is the cleaned input that error positions count in.
    """

    agency: Agency | None = None
    di: str | None = None
    gtin: str | None = None
    lot: str | None = None
    serial: str | None = None
    expiry: date | None = None
    production_date: date | None = None
    item: Any = None
    errors: tuple[UdiError, ...] = ()
    elements: tuple[tuple[str, str], ...] = ()
    normalized: str | None = None
    hri: str | None = None
    symbology: str | None = None
    data: str = ""
    quantity: str | None = field(default=None)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_codes(self) -> tuple[str, ...]:
        return tuple(error.code for error in self.errors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "di": self.di,
            "gtin": self.gtin,
            "lot": self.lot,
            "serial": self.serial,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "production_date": (self.production_date.isoformat() if self.production_date else None),
            "item": self.item,
            "errors": [error.to_dict() for error in self.errors],
        }
