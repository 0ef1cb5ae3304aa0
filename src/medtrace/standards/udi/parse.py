"""``parse_udi``: clean what a scanner sent, recognise the issuing agency, parse."""

from __future__ import annotations

import re
from datetime import date

from medtrace.standards.udi.ai_table import DIGITS
from medtrace.standards.udi.dates import utc_today
from medtrace.standards.udi.digital_link import is_digital_link, parse_digital_link
from medtrace.standards.udi.gs1 import (
    GS,
    Element,
    bare_gtin,
    gs1_result,
    split_element_string,
    split_hri,
)
from medtrace.standards.udi.hibcc import parse_hibcc
from medtrace.standards.udi.isbt128 import parse_isbt128
from medtrace.standards.udi.result import UdiResult, udi_error

# ISO/IEC 15424 symbology identifier: "]" + symbology letter + modifier character.
_SYMBOLOGY = re.compile(r"\][A-Za-z][0-9A-Za-z]")
# What keyboard-wedge scanners, decoders and people type for FNC1 / GS (ASCII 29). None of
# these characters is in GS1 character set 82, so none can be part of GS1 data.
GS_SUBSTITUTES = (
    "<GS>", "{GS}", "[GS]", "<FNC1>", "{FNC1}", "[FNC1]", "^]", "\u241d",
    "\\u001d", "\\x1d", "\\035", "~1", "\u00e8",
)  # fmt: skip
_GS_PATTERN = re.compile("|".join(re.escape(s) for s in GS_SUBSTITUTES), re.IGNORECASE)
_RS = r"(?:\x1e|<RS>|\u241e)"
_EOT = r"(?:\x04|<EOT>|\u2404)"
_ENVELOPE = re.compile(
    r"\[\)>" + _RS + r"(\d\d)(?:\x1d|<GS>|\u241d)?(.*?)(?:" + _RS + _EOT + "?|" + _EOT + ")?",
    re.IGNORECASE | re.DOTALL,
)
# Where a scanner reads several GS1 symbols at once (a UDI too long for one GS1-128 symbol is
# printed as two or three; DataBar Expanded Stacked rows): a line break or the next symbol's
# identifier between them. Neither "]" nor a line break is in GS1 character set 82, so both
# can only separate element strings.
_GS1_AIM = r"\](?:C1|e0|e1|e2|d2|Q3|J1)"
_GS1_JOIN = re.compile(rf"[ \t]*(?:[\r\n]+[ \t]*)*{_GS1_AIM}|[ \t]*[\r\n]+[ \t]*")
_BRACKETED_AI = re.compile(r"\[(\d{2,4})\]")
_EAN_SYMBOLOGIES = {"]E0": 13, "]E3": 13, "]E4": 8, "]I1": 14}
_LINE_NOISE = "\r\n\t\x00\x04\x1e"
_NO_LINE_BREAKS = str.maketrans("", "", "\r\n\t")


def parse_udi(code: str, *, today: date | None = None) -> UdiResult:
    """Parse what a scanner sent for a medical-device UDI of any FDA-accredited issuing
    agency. Never raises: problems are returned in ``UdiResult.errors``. ``today`` anchors
    the century of two-digit years (GS1 General Specifications 7.12); default: today (UTC)."""
    if isinstance(code, bytes):
        code = code.decode("utf-8", errors="replace")
    if not isinstance(code, str):
        code = "" if code is None else str(code)
    try:
        return _parse(code, today or utc_today())
    except Exception:  # a safety net (the tests make sure it is never needed)
        return UdiResult(errors=(udi_error("UDI-UNREADABLE"),), data=code)


def _parse(code: str, today: date) -> UdiResult:
    text = code.strip(_LINE_NOISE).lstrip(" " + _LINE_NOISE)
    if not text.strip(" " + GS):
        return UdiResult(errors=(udi_error("UDI-EMPTY"),), data=text)
    symbology = None
    found = _SYMBOLOGY.match(text)
    if found:
        symbology = found.group()
        text = text[found.end() :].lstrip(" ")
    envelope = _ENVELOPE.fullmatch(text)
    if envelope:
        if envelope.group(1) != "05":
            return _unknown(text, symbology)
        text = envelope.group(2)
    if not _GS_PATTERN.sub("", text).strip(" " + GS):
        return UdiResult(errors=(udi_error("UDI-EMPTY"),), symbology=symbology, data=text)
    trimmed = text.strip(" ")
    if is_digital_link(trimmed):
        return parse_digital_link(trimmed, symbology=symbology, today=today)
    hibc = _hibc_text(text)
    if hibc.startswith("+"):
        result = parse_hibcc(hibc, symbology=symbology, today=today)
        if hibc.endswith(" ") and "HIBCC-CHECK-CHARACTER" in result.error_codes:
            # a space appended by the scanner rather than a space check character
            retry = parse_hibcc(hibc.rstrip(" "), symbology=symbology, today=today)
            if "HIBCC-CHECK-CHARACTER" not in retry.error_codes:
                return retry
        return result
    if trimmed[:1] in ("=", "&"):
        return parse_isbt128("".join(trimmed.split()), symbology=symbology)
    gs1 = _GS_PATTERN.sub(GS, trimmed)
    if "]" in gs1 or "\n" in gs1 or "\r" in gs1:
        gs1 = _GS1_JOIN.sub(GS, gs1)
    gs1 = gs1.strip(" " + GS)
    if _BRACKETED_AI.match(gs1):  # "[01]...[10]..." as typed for encoders (zint, BWIPP)
        gs1 = _BRACKETED_AI.sub(r"(\1)", gs1)
    if gs1.startswith("("):
        elements, errors = split_hri(gs1)
        return gs1_result(elements, errors, data=gs1, symbology=symbology, today=today)
    if gs1[:1] in DIGITS:
        return _gs1_digits(gs1, symbology, today)
    return _unknown(text, symbology)


def _hibc_text(text: str) -> str:
    """HIBC as printed under the bar code: ``*+A123BJC5D6E71G*``; ``_`` stands for a space
    check character. Line breaks between two symbols read in one go are dropped."""
    hibc = text.translate(_NO_LINE_BREAKS)
    if hibc.startswith("*+"):
        hibc = hibc[1:].rstrip(" ")
        hibc = hibc[:-1] if hibc.endswith("*") else hibc
    if hibc.startswith("+") and hibc.endswith("_"):
        hibc = hibc[:-1] + " "
    return hibc


def _gs1_digits(data: str, symbology: str | None, today: date) -> UdiResult:
    """An element string, or a bare GTIN (EAN/UPC, ITF-14) read without AI."""
    size = _EAN_SYMBOLOGIES.get(symbology or "")
    if size is not None and set(data) <= DIGITS and len(data) >= 8:
        # UPC-A may come as 12 digits; an EAN add-on (]E3) follows the 13 digits
        digits = data if len(data) in (8, 12, 13, 14) else data[:size]
        gtin = digits.zfill(14)
        return gs1_result([Element("01", gtin, 0)], [], data=data, symbology=symbology, today=today)
    elements, errors = split_element_string(data)
    result = gs1_result(elements, errors, data=data, symbology=symbology, today=today)
    bare = bare_gtin(data) if symbology is None else None
    if bare is not None and any(code != "GS1-MISSING-PAIR" for code in result.error_codes):
        return gs1_result([Element("01", bare, 0)], [], data=data, symbology=None, today=today)
    return result


def _unknown(text: str, symbology: str | None) -> UdiResult:
    start = text.strip()[:12]
    return UdiResult(
        errors=(udi_error("UDI-UNKNOWN-FORMAT", start=start),), symbology=symbology, data=text
    )
