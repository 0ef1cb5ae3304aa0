"""Compose a GS1 UDI element string and its human-readable interpretation (HRI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from medtrace.standards.udi import dates
from medtrace.standards.udi.ai_table import DIGITS, check_element
from medtrace.standards.udi.gs1 import element_string, hri
from medtrace.standards.udi.result import UdiError, udi_error


class UdiComposeError(ValueError):
    """Invalid input to ``compose_gs1``; ``code`` is one of the parser's error codes."""

    def __init__(self, error: UdiError) -> None:
        super().__init__(error.message)
        self.error = error
        self.code = error.code
        self.params = dict(error.params)


@dataclass(frozen=True, slots=True)
class Composed:
    """``element_string`` uses GS (``\\x1d``) after variable-length data that is followed by
    more data; ``hri`` is the text printed under the symbol; ``elements`` the AIs in order."""

    element_string: str
    hri: str
    elements: tuple[tuple[str, str], ...] = ()


def _gtin(value: str) -> str:
    text = str(value).strip()
    if len(text) in (8, 12, 13) and set(text) <= DIGITS:
        return text.zfill(14)
    return text


def _date_field(ai: str, value: date | str, today: date) -> str:
    if isinstance(value, date):
        if not dates.two_digit_year_fits(value.year, today):
            raise UdiComposeError(
                udi_error("GS1-INVALID-DATE", ai=ai, value=value.isoformat(), format="YYMMDD")
            )
        return value.strftime("%y%m%d")
    return str(value).strip()


def compose_gs1(
    gtin: str,
    *,
    lot: str | None = None,
    serial: str | None = None,
    expiry: date | str | None = None,
    production_date: date | str | None = None,
    today: date | None = None,
) -> Composed:
    """GS1 UDI in the order (01), (11), (17), (10), (21): the fixed-length AIs first, then
    the variable-length ones, a GS between them and none at the end.

    ``gtin`` may be a GTIN-8/12/13 (padded to GTIN-14) or a GTIN-14. Dates may be ``date``
    objects or ``YYMMDD`` strings (a ``YYMMDD`` expiry or production date may use day ``00``
    for "end of month"). Raises ``UdiComposeError`` (a ``ValueError``) with the same codes
    as the parser: ``GS1-CHECK-DIGIT``, ``GS1-ILLEGAL-CHARACTER``, ``GS1-TRUNCATED``,
    ``GS1-TOO-LONG``, ``GS1-INVALID-DATE``."""
    today = today or dates.utc_today()
    pairs: list[tuple[str, str]] = [("01", _gtin(gtin))]
    if production_date is not None:
        pairs.append(("11", _date_field("11", production_date, today)))
    if expiry is not None:
        pairs.append(("17", _date_field("17", expiry, today)))
    if lot is not None:
        pairs.append(("10", str(lot)))
    if serial is not None:
        pairs.append(("21", str(serial)))
    for ai, value in pairs:
        errors = check_element(ai, value, position=None, today=today)
        if errors:
            raise UdiComposeError(errors[0])
    return Composed(element_string(pairs), hri(pairs), tuple(pairs))
