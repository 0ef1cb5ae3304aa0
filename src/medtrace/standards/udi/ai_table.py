"""The GS1 Application Identifier table (packaged ``data/gs1-ai-table.json``, Apache-2.0,
derived from the GS1 Barcode Syntax Dictionary) and the validation of one AI's data.

The table is read once per process; nothing else here does I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from medtrace.standards.udi import dates
from medtrace.standards.udi.result import UdiError, udi_error

CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
CSET39 = frozenset("#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
CSET64 = frozenset("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz=")
DIGITS = frozenset("0123456789")
CHARSETS: dict[str, tuple[frozenset[str], str]] = {
    "N": (DIGITS, "numeric"),
    "X": (CSET82, "GS1 character set 82"),
    "Y": (CSET39, "GS1 character set 39"),
    "Z": (CSET64, "GS1 character set 64"),
}
ZERO_DAY_LINTER = "yymmd0"


@dataclass(frozen=True, slots=True)
class Component:
    kind: str
    min_length: int
    max_length: int
    fixed: bool
    optional: bool
    linters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AiSpec:
    ai: str
    title: str
    min_length: int
    max_length: int
    fixed: bool
    fnc1_required: bool
    dl_attribute: bool
    dl_primary_key: bool
    dl_qualifier_sequences: tuple[tuple[str, ...], ...]
    requires: tuple[tuple[tuple[str, ...], ...], ...]
    excludes: tuple[str, ...]
    components: tuple[Component, ...]

    @property
    def predefined_length(self) -> bool:
        """Fixed length and no FNC1 needed after it (GS1 pre-defined length table)."""
        return not self.fnc1_required


def _spec(entry: dict[str, Any]) -> AiSpec:
    components = tuple(
        Component(
            kind=str(c["type"]),
            min_length=int(c["minLength"]),
            max_length=int(c["maxLength"]),
            fixed=bool(c["fixedLength"]),
            optional=bool(c["optional"]),
            linters=tuple(c["linters"]),
        )
        for c in entry["components"]
    )
    return AiSpec(
        ai=str(entry["ai"]),
        title=str(entry["title"]),
        min_length=int(entry["minLength"]),
        max_length=int(entry["maxLength"]),
        fixed=bool(entry["fixedLength"]),
        fnc1_required=bool(entry["fnc1Required"]),
        dl_attribute=bool(entry.get("dlDataAttribute", False)),
        dl_primary_key=bool(entry.get("dlPrimaryKey", False)),
        dl_qualifier_sequences=tuple(tuple(seq) for seq in entry.get("dlQualifierSequences", [])),
        requires=tuple(
            tuple(tuple(alternative) for alternative in rule) for rule in entry.get("requires", [])
        ),
        excludes=tuple(entry.get("excludes", [])),
        components=components,
    )


@cache
def ai_table() -> Mapping[str, AiSpec]:
    """All AIs of the packaged table, by AI."""
    source = resources.files("medtrace.standards.udi") / "data" / "gs1-ai-table.json"
    document = json.loads(source.read_text(encoding="utf-8"))
    return {entry["ai"]: _spec(entry) for entry in document["applicationIdentifiers"]}


@cache
def _prefix_lengths() -> Mapping[str, int]:
    """AI length by its first two digits (the GS1 AI system is prefix-free)."""
    return {ai[:2]: len(ai) for ai in ai_table()}


def match_ai(text: str, position: int) -> str | None:
    """The known AI that starts at ``position``, if any."""
    length = _prefix_lengths().get(text[position : position + 2])
    if length is None:
        return None
    candidate = text[position : position + length]
    return candidate if candidate in ai_table() else None


def unknown_ai_text(text: str, position: int) -> str:
    """The digits to name in an unknown-AI error (the AI length when the prefix is known)."""
    length = _prefix_lengths().get(text[position : position + 2], 2)
    chunk = text[position : position + length]
    digits = ""
    for char in chunk:
        if char not in DIGITS:
            break
        digits += char
    return digits or chunk[:1]


def pattern_matches(pattern: str, ai: str) -> bool:
    """Syntax-dictionary AI patterns: ``n`` stands for any digit (``31nn``, ``394n``)."""
    return len(pattern) == len(ai) and all(p in ("n", a) for p, a in zip(pattern, ai, strict=True))


def check_digit(data: str) -> int:
    """The GS1 standard check digit of ``data`` (General Specifications 7.9.1): from the
    right, digits weighted 3, 1, 3, 1...; the digit that tops the sum up to a multiple of 10."""
    if not data.isdecimal():
        raise ValueError(f"Expected numeric value, got {data!r}.")
    total = 3 * sum(map(int, data[::-1][::2])) + sum(map(int, data[::-1][1::2]))
    return -total % 10


def check_digit_ok(digits: str) -> tuple[bool, int]:
    expected = check_digit(digits[:-1])
    return expected == int(digits[-1]), expected


def _linter_errors(
    ai: str, part: str, linters: tuple[str, ...], *, position: int | None, today: date
) -> list[UdiError]:
    errors: list[UdiError] = []
    for linter in linters:
        if linter == "csum" and len(part) > 1:
            ok, expected = check_digit_ok(part)
            if not ok:
                errors.append(
                    udi_error(
                        "GS1-CHECK-DIGIT",
                        position=position,
                        ai=ai,
                        value=part,
                        found=part[-1],
                        expected=expected,
                    )
                )
        elif linter in ("yymmdd", ZERO_DAY_LINTER):
            zero_day = linter == ZERO_DAY_LINTER
            if dates.yymmdd(part, today=today, zero_day=zero_day) is None:
                errors.append(_bad_date(ai, part, "YYMMDD", position))
        elif linter == "yyyymmdd" and dates.yyyymmdd(part) is None:
            errors.append(_bad_date(ai, part, "YYYYMMDD", position))
        elif linter == "hhmi" and not (
            dates.valid_hour(part[:2]) and dates.valid_minute(part[2:4])
        ):
            errors.append(_bad_date(ai, part, "HHMI", position))
        elif linter == "hh" and not dates.valid_hour(part):
            errors.append(_bad_date(ai, part, "HH", position))
        elif linter in ("mi", "ss") and not dates.valid_minute(part):
            errors.append(_bad_date(ai, part, linter.upper(), position))
    return errors


def _bad_date(ai: str, value: str, fmt: str, position: int | None) -> UdiError:
    return udi_error("GS1-INVALID-DATE", position=position, ai=ai, value=value, format=fmt)


def check_element(ai: str, value: str, *, position: int | None, today: date) -> list[UdiError]:
    """Length, character set, check digits, dates and times of one AI's data, by the table."""
    return list(_checked(ai, value, position, today))


@lru_cache(maxsize=4096)
def _checked(ai: str, value: str, position: int | None, today: date) -> tuple[UdiError, ...]:
    """``check_element``, kept for the values a scanner repeats (GTINs, dates, lots)."""
    return tuple(_check_element(ai, value, position=position, today=today))


def _check_element(ai: str, value: str, *, position: int | None, today: date) -> list[UdiError]:
    spec = ai_table()[ai]
    if len(value) < spec.min_length:
        truncated = udi_error(
            "GS1-TRUNCATED", position=position, ai=ai, expected=spec.min_length, found=len(value)
        )
        return [truncated, *_charset_errors(spec, value, position)]
    if len(value) > spec.max_length:
        too_long = udi_error(
            "GS1-TOO-LONG", position=position, ai=ai, found=len(value), maximum=spec.max_length
        )
        return [too_long, *_charset_errors(spec, value, position)]
    charset_errors = _charset_errors(spec, value, position)
    if charset_errors:
        return charset_errors
    errors: list[UdiError] = []
    offset = 0
    for component in spec.components:
        rest = value[offset:]
        if not rest:
            if not component.optional and component.min_length > 0:
                errors.append(
                    udi_error(
                        "GS1-TRUNCATED",
                        position=position,
                        ai=ai,
                        expected=offset + component.min_length,
                        found=len(value),
                    )
                )
            break
        size = component.max_length if component.fixed else min(len(rest), component.max_length)
        part = rest[:size]
        if len(part) < size:
            errors.append(
                udi_error(
                    "GS1-TRUNCATED",
                    position=position,
                    ai=ai,
                    expected=offset + size,
                    found=len(value),
                )
            )
            break
        errors.extend(_linter_errors(ai, part, component.linters, position=position, today=today))
        offset += size
    return errors


def _charset_errors(spec: AiSpec, value: str, position: int | None) -> list[UdiError]:
    offset = 0
    for component in spec.components:
        size = component.max_length
        part = value[offset : offset + size]
        allowed, name = CHARSETS.get(component.kind, (CSET82, "GS1 character set 82"))
        for char in part:
            if char not in allowed:
                return [
                    udi_error(
                        "GS1-ILLEGAL-CHARACTER",
                        position=position,
                        ai=spec.ai,
                        char=char,
                        charset=name,
                    )
                ]
        offset += size
        if offset >= len(value):
            break
    else:
        leftover = value[offset:]
        for char in leftover:
            if char not in CSET82:
                return [
                    udi_error(
                        "GS1-ILLEGAL-CHARACTER",
                        position=position,
                        ai=spec.ai,
                        char=char,
                        charset="GS1 character set 82",
                    )
                ]
    return []


def decode_date(ai: str, value: str, *, today: date) -> date | None:
    """The date of a YYMMDD AI such as 11 or 17 (day 00 = last day of the month where the
    table's linter allows it), or None when absent or invalid."""
    spec = ai_table().get(ai)
    if spec is None or not spec.components:
        return None
    linters = spec.components[0].linters
    if ZERO_DAY_LINTER in linters:
        return dates.yymmdd(value, today=today, zero_day=True)
    if "yymmdd" in linters:
        return dates.yymmdd(value, today=today, zero_day=False)
    return None
