"""HIBC Supplier Labeling Standard (HIBC LIC, ANSI/HIBC 2.x) as scanned.

Structures read:

- primary ``+`` LIC(4, first a letter) PCN(1-18) U/M(1 digit) check: ``+A123BJC5D6E71G``;
- secondary ``+`` data link check, where data is ``$lot`` / ``$+serial`` (kept for backward
  compatibility), ``$$`` [``+`` for serial] [``8QQ`` | ``9QQQQQ`` quantity] then the expiry
  format: ``0``/``1`` = MMYY (no format digit; first digit of the month), ``2`` MMDDYY,
  ``3`` YYMMDD, ``4`` YYMMDDHH, ``5`` YYJJJ, ``6`` YYJJJHH, ``7`` no date; then the
  lot or serial (up to 18). The legacy form ``+YYJJJlot`` (a digit after ``+``) is read too;
- supplemental data after the lot/serial, each after ``/``: ``S`` serial, ``16D`` date of
  manufacture YYYYMMDD, ``14D`` expiry YYYYMMDD, ``Q`` quantity;
- concatenated ``+primary/secondary`` + one check character (the primary's check character,
  the secondary's ``+`` and its link character are left out);
- a primary and a secondary symbol read into one string one after the other; the secondary's
  link character must equal the primary's check character.

Every check character is the modulo-43 sum of all characters before it, ``+`` included.
An MMYY expiry is the last day of that month. Two-digit years use the GS1 sliding window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from medtrace.standards.udi import dates
from medtrace.standards.udi.result import UdiError, UdiResult, udi_error

HIBC_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
_VALUE = {char: index for index, char in enumerate(HIBC_CHARS)}
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_MAX_FIELD = 18
# format digit -> (length of the date, name, reader)
_EXPIRY_FORMATS = {"2": (6, "MMDDYY"), "3": (6, "YYMMDD"), "4": (8, "YYMMDDHH"),
                   "5": (5, "YYJJJ"), "6": (7, "YYJJJHH")}  # fmt: skip


def check_character(text: str) -> str:
    """Modulo-43 check character of ``text`` (all characters must be HIBC characters)."""
    return HIBC_CHARS[sum(_VALUE[char] for char in text) % 43]


@dataclass
class _Read:
    errors: list[UdiError] = field(default_factory=list)
    elements: list[tuple[str, str]] = field(default_factory=list)
    di: str | None = None
    lot: str | None = None
    serial: str | None = None
    expiry: date | None = None
    production: date | None = None
    quantity: str | None = None

    def set_once(self, name: str, label: str, value: str | date | None) -> None:
        if value is None or value == "":
            return
        current = getattr(self, name)
        if current is not None and current != value:
            self.errors.append(
                udi_error("HIBCC-CONFLICT", field=label, first=current, second=value)
            )
            return
        setattr(self, name, value)


def _read_date(fmt: str, text: str, today: date) -> date | None:
    if fmt == "MMYY":
        return dates.mmyy_end_of_month(text, today=today)
    if fmt == "MMDDYY":
        return dates.mmddyy(text, today=today)
    if fmt == "YYMMDD":
        return dates.yymmdd(text, today=today, zero_day=False)
    if fmt == "YYMMDDHH":
        day = dates.yymmdd(text[:6], today=today, zero_day=False)
        return day if dates.valid_hour(text[6:]) else None
    if fmt == "YYJJJ":
        return dates.yyjjj(text, today=today)
    day = dates.yyjjj(text[:5], today=today)  # YYJJJHH
    return day if dates.valid_hour(text[5:]) else None


def _primary(body: str, read: _Read) -> None:
    """``body`` = LIC + PCN + U/M (no flag, no check character)."""
    if len(body) < 6:
        read.errors.append(udi_error("HIBCC-TRUNCATED", structure="primary", value="+" + body))
        return
    lic, pcn, uom = body[:4], body[4:-1], body[-1]
    if not (lic[0].isascii() and lic[0].isalpha() and set(lic) <= _ALNUM):
        read.errors.append(udi_error("HIBCC-INVALID-LIC", value=lic))
    if not (1 <= len(pcn) <= _MAX_FIELD and set(pcn) <= _ALNUM):
        read.errors.append(udi_error("HIBCC-INVALID-PRODUCT", value=pcn))
    if uom not in "0123456789":
        read.errors.append(udi_error("HIBCC-INVALID-UOM", value=uom))
    read.elements += [("LIC", lic), ("PCN", pcn), ("UOM", uom)]
    read.di = body


def _lot_or_serial(value: str, *, serial: bool, read: _Read) -> None:
    name, label = ("serial", "serial number") if serial else ("lot", "lot number")
    if len(value) > _MAX_FIELD:
        read.errors.append(
            udi_error("HIBCC-TOO-LONG", field=label, value=value, maximum=_MAX_FIELD)
        )
    if value:
        read.elements.append(("SERIAL" if serial else "LOT", value))
    read.set_once(name, label, value or None)


def _expiry_section(rest: str, read: _Read, today: date, *, required: bool) -> str:
    """Read the expiry format and date at the start of ``rest``; return what follows."""
    first = rest[:1]
    if first in ("0", "1"):
        fmt, size, start = "MMYY", 4, 0
    elif first in _EXPIRY_FORMATS:
        (size, fmt), start = _EXPIRY_FORMATS[first], 1
    elif first == "7":
        return rest[1:]
    elif not required or not rest:
        return rest
    else:
        read.errors.append(udi_error("HIBCC-INVALID-DATE", value=rest[:4], format="MMYY"))
        return rest
    text = rest[start : start + size]
    read.elements.append((f"EXP:{fmt}", text))
    expiry = _read_date(fmt, text, today) if len(text) == size else None
    if expiry is None:
        read.errors.append(udi_error("HIBCC-INVALID-DATE", value=text, format=fmt))
    read.set_once("expiry", "expiry date", expiry)
    return rest[start + size :]


def _secondary(main: str, read: _Read, today: date) -> None:
    """The main secondary data (without ``+``, link and check characters)."""
    if not main:
        read.errors.append(udi_error("HIBCC-TRUNCATED", structure="secondary", value=main))
    elif main[0].isdigit():
        text = main[:5]
        expiry = dates.yyjjj(text, today=today)
        read.elements.append(("EXP:YYJJJ", text))
        if expiry is None:
            read.errors.append(udi_error("HIBCC-INVALID-DATE", value=text, format="YYJJJ"))
        read.set_once("expiry", "expiry date", expiry)
        _lot_or_serial(main[5:], serial=False, read=read)
    elif main.startswith("$$"):
        rest = main[2:]
        serial = rest.startswith("+")
        rest = rest[1:] if serial else rest
        has_quantity = rest[:1] in ("8", "9")
        if has_quantity:
            digits = 2 if rest[0] == "8" else 5
            quantity = rest[1 : 1 + digits]
            if len(quantity) != digits or not quantity.isdigit():
                read.errors.append(
                    udi_error("HIBCC-INVALID-QUANTITY", value=quantity, digits=digits)
                )
            read.elements.append(("QTY", quantity))
            read.set_once("quantity", "quantity", quantity)
            rest = rest[1 + digits :]
        rest = _expiry_section(rest, read, today, required=not has_quantity)
        _lot_or_serial(rest, serial=serial, read=read)
    elif main.startswith("$+"):
        _lot_or_serial(main[2:], serial=True, read=read)
    elif main.startswith("$"):
        _lot_or_serial(main[1:], serial=False, read=read)
    else:
        read.errors.append(udi_error("HIBCC-UNSUPPORTED", value=main))


def _supplemental(part: str, read: _Read) -> None:
    if part.startswith(("16D", "14D")):
        value = part[3:]
        day = dates.yyyymmdd(value)
        read.elements.append((part[:3], value))
        if day is None:
            read.errors.append(udi_error("HIBCC-INVALID-DATE", value=value, format="YYYYMMDD"))
        elif part.startswith("16D"):
            read.set_once("production", "date of manufacture", day)
        else:
            read.set_once("expiry", "expiry date", day)
    elif part.startswith("S"):
        read.elements.append(("S", part[1:]))
        if len(part) - 1 > _MAX_FIELD:
            read.errors.append(
                udi_error("HIBCC-TOO-LONG", field="serial number", value=part[1:], maximum=18)
            )
        read.set_once("serial", "serial number", part[1:] or None)
    elif part.startswith("Q") and part[1:].isdigit():
        read.elements.append(("Q", part[1:]))
        read.set_once("quantity", "quantity", part[1:])
    else:
        read.errors.append(udi_error("HIBCC-UNSUPPORTED", value=part))


def _secondary_with_supplements(body: str, read: _Read, today: date) -> None:
    main, *supplements = body.split("/")
    _secondary(main, read, today)
    for part in supplements:
        _supplemental(part, read)


def _verify(text: str, position: int, read: _Read, *, clean: bool) -> str | None:
    """Check the last character of ``text`` (at ``position``); return it."""
    if len(text) < 2:
        return None
    found = text[-1]
    if clean:
        expected = check_character(text[:-1])
        if expected != found:
            read.errors.append(
                udi_error(
                    "HIBCC-CHECK-CHARACTER",
                    position=position + len(text) - 1,
                    found=found,
                    expected=expected,
                )
            )
    return found


def _primary_end(data: str) -> int:
    end = 1
    while end < len(data) and data[end] in _ALNUM:
        end += 1
    return end


def _split_two_symbols(data: str, clean: bool) -> int | None:
    """Where a standalone secondary follows a standalone primary, if it does."""
    end = _primary_end(data)
    candidates = [
        split
        for split in (end, end + 1)
        if split + 1 < len(data) and data[split] == "+" and (data[split + 1] in "$0123456789")
    ]
    if not candidates:
        return None
    if clean:
        for split in candidates:
            if check_character(data[: split - 1]) == data[split - 1]:
                return split
    return candidates[0]


def parse_hibcc(data: str, *, symbology: str | None, today: date) -> UdiResult:
    read = _Read()
    clean = True
    for position, char in enumerate(data):
        if char not in _VALUE:
            read.errors.append(udi_error("HIBCC-ILLEGAL-CHARACTER", position=position, char=char))
            clean = False
    if data.startswith("+/"):
        read.errors.append(udi_error("HIBCC-UNSUPPORTED", value=data))
    elif len(data) < 4:
        structure = "primary" if data[1:2].isalpha() else "secondary"
        read.errors.append(udi_error("HIBCC-TRUNCATED", structure=structure, value=data))
    elif data[1].isalpha():
        end = _primary_end(data)
        split = _split_two_symbols(data, clean)
        if end < len(data) - 1 and data[end] == "/" and split is None:
            _verify(data, 0, read, clean=clean)
            _primary(data[1:end], read)
            _secondary_with_supplements(data[end + 1 : -1], read, today)
        elif split is not None:
            primary_check = _verify(data[:split], 0, read, clean=clean)
            _primary(data[1 : split - 1], read)
            _standalone_secondary(data[split:], split, read, today, clean=clean)
            link = data[-2]
            if clean and primary_check is not None and link != primary_check:
                read.errors.append(
                    udi_error(
                        "HIBCC-LINK-CHARACTER",
                        position=len(data) - 2,
                        found=link,
                        expected=primary_check,
                    )
                )
        else:
            _verify(data, 0, read, clean=clean)
            _primary(data[1:-1], read)
    elif data[1] == "$" or data[1].isdigit():
        _standalone_secondary(data, 0, read, today, clean=clean)
    else:
        read.errors.append(udi_error("HIBCC-UNSUPPORTED", value=data))
    shown = data[:-1] + "_" if data.endswith(" ") else data
    return UdiResult(
        agency="HIBCC",
        di=read.di,
        lot=read.lot,
        serial=read.serial,
        expiry=read.expiry,
        production_date=read.production,
        errors=tuple(read.errors),
        elements=tuple(read.elements),
        normalized=data,
        hri=f"*{shown}*",
        symbology=symbology,
        data=data,
        quantity=read.quantity,
    )


def _standalone_secondary(
    text: str, position: int, read: _Read, today: date, *, clean: bool
) -> None:
    """``+`` data link check."""
    if len(text) < 4:
        read.errors.append(udi_error("HIBCC-TRUNCATED", structure="secondary", value=text))
        return
    _verify(text, position, read, clean=clean)
    _secondary_with_supplements(text[1:-2], read, today)
