"""ICCBBA ISBT 128 device UDIs (ST-001 Technical Specification, ST-011 / ST-017 medical
devices containing MPHO).

A data structure is a data identifier (first character ``=`` or ``&``) and its content. The
UDI uses:

==========  ====  ===========================================  ==============================
identifier  DS    meaning                                      content
==========  ====  ===========================================  ==============================
``=/``      034   Processor Product Identification Code (DI)   16: FIN(P) 5 + FPC 6 + PDC 5
``=,``      032   Product Divisions (the serial number)        6 alphanumeric, not ``000000``
``=`` + α   001   Donation Identification Number               15 (α is also the first data
                                                               character): FIN 5, year 2,
                                                               sequence 6, flags 2
``=>``      004   Expiration Date                              ``cyyjjj``
``&>``      005   Expiration Date and Time                     ``cyyjjjhhmm``
``=*``      006   Collection Date                              ``cyyjjj``
``&*``      007   Collection Date and Time                     ``cyyjjjhhmm``
``=}``      008   Production Date (manufacturing date)         ``cyyjjj``
``&}``      009   Production Date and Time                     ``cyyjjjhhmm``
``&,1``     035   MPHO Lot Number                              up to 18 alphanumeric
``&,2``     036   MPHO Supplemental Identification Number      up to 18 alphanumeric
``=+``      023   Compound Message header                      ``aabbb``: aa structures follow
==========  ====  ===========================================  ==============================

The two flag characters ``ff`` of a Donation Identification Number hold, when they are
``60`` to ``96``, the ISO 7064 mod 37-2 check character of its 13 characters plus 60 (the
value printed in a box as the eye-readable check character); such flags are verified
(``ISBT-CHECK-CHARACTER``). Other flag values (``00`` no flag, process-control flags) are kept
as they are. Collection dates (``=*``, ``&*``) are checked like the other dates but do not fill
a result field.

``cyy`` is the year minus 2000 (``014`` = 2014) and ``jjj`` the day of the year. Linear
symbols may be read back to back, and a 2-D symbol carries a compound message, so a string is
split at every ``=`` / ``&`` (no UDI content contains either). Spaces of the eye-readable
text are ignored. Other ISBT 128 data identifiers are recognised and kept, not decoded.
"""

from __future__ import annotations

from datetime import date

from medtrace.standards.udi import dates
from medtrace.standards.udi.result import UdiError, UdiResult, udi_error

_UPPER_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_DIN_FIRST = frozenset("ABCDEFGHIJKLMNPQRSTUVWXYZ123456789")
_FIN_P = frozenset("0123456789ABCDEFGHIJKLMNPQRSTUVWXYZ")
# identifier -> data structure number (other recognised identifiers are not decoded)
_KNOWN = {
    "=%": "002", "=<": "003", "=>": "004", "&>": "005", "=*": "006", "&*": "007",
    "=}": "008", "&}": "009", "&(": "010", "={": "011", "=\\": "012", "&\\": "013",
    "&{": "014", "=[": "015", '="': "016", "=)": "017", "&)": "018", "=;": "019",
    "='": "020", "=-": "021", "&-": "022", "=+": "023", "=#": "024", "&#": "025",
    "=]": "026", '&"': "027", "=$": "028", "&$": "029", "&%": "030", "=(": "031",
    "=,": "032", "&+": "033", "=/": "034", "&,1": "035", "&,2": "036", "&,3": "037",
    "&,4": "038", "&):": "039", "&/": "040", "&;": "---", "&!": "---",
}  # fmt: skip
_DATE_IDENTIFIERS = {"=>": "expiry", "&>": "expiry", "=}": "production", "&}": "production"}
_CHECKED_DATES = frozenset({*_DATE_IDENTIFIERS, "=*", "&*"})
_SIZES = {"=": 15, "=/": 16, "=,": 6, "=>": 6, "=}": 6, "=*": 6, "&>": 10, "&}": 10, "&*": 10,
          "=+": 5}  # fmt: skip
_NUMERIC = frozenset({"=>", "=}", "=*", "&>", "&}", "&*", "=+"})
# ISO 7064 character values: 0-9, A-Z, then "*"
_MOD37_VALUE = {char: index for index, char in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*")}


def mod37_2(text: str) -> int:
    """ISO 7064 MOD 37-2 check value (0-36) of ``text`` (digits and capital letters)."""
    total = 0
    for char in text:
        total = (total + _MOD37_VALUE[char]) * 2
    return (38 - total % 37) % 37


def _identifier_at(data: str, position: int) -> str:
    if data[position] == "=" and data[position + 1 : position + 2] in _DIN_FIRST:
        return "="
    if data.startswith("&,", position) or data.startswith("&):", position):
        return data[position : position + 3]
    return data[position : position + 2]


def _next_delimiter(data: str, start: int) -> int:
    candidates = [i for i in (data.find("=", start), data.find("&", start)) if i >= 0]
    return min(candidates) if candidates else len(data)


def _cyyjjj(value: str) -> date | None:
    if len(value) < 6 or not set(value[:6]) <= _DIGITS:
        return None
    day = dates.ordinal(2000 + int(value[:3]), int(value[3:6]))
    if len(value) == 10 and not (dates.valid_hour(value[6:8]) and dates.valid_minute(value[8:10])):
        return None
    return day


def _charset_error(
    identifier: str, number: str, content: str, allowed: frozenset[str], position: int
) -> UdiError | None:
    bad = next((char for char in content if char not in allowed), None)
    if bad is None:
        return None
    return udi_error(
        "ISBT-ILLEGAL-CHARACTER", position=position, number=number, identifier=identifier, char=bad
    )


def _check(identifier: str, content: str, position: int) -> tuple[list[UdiError], date | None]:
    """Validate the UDI structures; returns the errors and the date for date structures."""
    number = "001" if identifier == "=" else _KNOWN.get(identifier, "")
    sizes = _SIZES
    errors: list[UdiError] = []

    def length(expected: int | str, found: int) -> None:
        errors.append(
            udi_error(
                "ISBT-LENGTH",
                position=position,
                number=number,
                identifier=identifier,
                expected=expected,
                found=found,
            )
        )

    if identifier in sizes and len(content) != sizes[identifier]:
        length(sizes[identifier], len(content))
    if identifier in ("&,1", "&,2") and not 1 <= len(content) <= 18:
        length(18, len(content))
    charset = _DIGITS if identifier in _NUMERIC else _UPPER_ALNUM
    if identifier in sizes or identifier in ("&,1", "&,2"):
        bad = _charset_error(identifier, number, content, charset, position)
        if identifier == "=/" and bad is None:
            bad = _charset_error(identifier, number, content[:5], _FIN_P, position)
        if identifier == "=" and bad is None:
            bad = _charset_error(identifier, number, content[1:13], _DIGITS, position)
        if bad is not None:
            errors.append(bad)
    if identifier == "=," and content == "000000":
        errors.append(
            udi_error(
                "ISBT-INVALID-VALUE",
                position=position,
                number=number,
                identifier=identifier,
                value=content,
            )
        )
    if identifier == "=" and not errors:
        flags = content[13:15]
        if flags.isdigit() and 60 <= int(flags) <= 96:
            expected = f"{60 + mod37_2(content[:13]):02d}"
            if flags != expected:
                errors.append(
                    udi_error(
                        "ISBT-CHECK-CHARACTER",
                        position=position,
                        number=number,
                        identifier=identifier,
                        found=flags,
                        value=content[:13],
                        expected=expected,
                    )
                )
    day = None
    if identifier in _CHECKED_DATES and not errors:
        day = _cyyjjj(content)
        if day is None:
            fmt = "cyyjjj" if len(content) == 6 else "cyyjjjhhmm"
            errors.append(
                udi_error(
                    "ISBT-INVALID-DATE",
                    position=position,
                    number=number,
                    identifier=identifier,
                    value=content,
                    format=fmt,
                )
            )
    return errors, day


def parse_isbt128(data: str, *, symbology: str | None) -> UdiResult:
    errors: list[UdiError] = []
    structures: list[tuple[str, str, int]] = []
    position = 0
    while position < len(data):
        if data[position] not in "=&":
            end = _next_delimiter(data, position)
            errors.append(udi_error("ISBT-SYNTAX", position=position, char=data[position]))
            position = end
            continue
        identifier = _identifier_at(data, position)
        start = position + (1 if identifier == "=" else len(identifier))
        end = _next_delimiter(data, start)
        structures.append((identifier, data[start:end], position))
        position = end
    values: dict[str, str] = {}
    found_dates: dict[str, date] = {}
    compound: tuple[int, int] | None = None
    for index, (identifier, content, where) in enumerate(structures):
        national = identifier[:1] == "&" and identifier[1:2].islower()
        if identifier != "=" and identifier not in _KNOWN and not national:
            errors.append(
                udi_error("ISBT-UNKNOWN-IDENTIFIER", position=where, identifier=identifier)
            )
        if identifier in values:
            if values[identifier] != content:
                errors.append(
                    udi_error(
                        "ISBT-DUPLICATE",
                        position=where,
                        identifier=identifier,
                        first=values[identifier],
                        second=content,
                    )
                )
            continue
        values[identifier] = content
        problems, day = _check(identifier, content, where)
        errors.extend(problems)
        if day is not None and identifier in _DATE_IDENTIFIERS:
            found_dates.setdefault(_DATE_IDENTIFIERS[identifier], day)
        if identifier == "=+" and not problems and compound is None:
            compound = (int(content[:2]), index)
    if compound is not None:
        expected, index = compound
        following = len(structures) - index - 1
        if expected != following:
            errors.append(udi_error("ISBT-COMPOUND-COUNT", expected=expected, found=following))
    elements = tuple((identifier, content) for identifier, content, _ in structures)
    return UdiResult(
        agency="ICCBBA",
        di=values.get("=/"),
        lot=values.get("&,1"),
        serial=values.get("=,"),
        expiry=found_dates.get("expiry"),
        production_date=found_dates.get("production"),
        errors=tuple(errors),
        elements=elements,
        normalized=data,
        hri="".join(f"{i}{c}" for i, c in elements if i != "=+"),
        symbology=symbology,
        data=data,
    )
