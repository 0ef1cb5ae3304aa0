"""GS1 element strings (FNC1 / GS separated) and their human-readable form with parentheses:
splitting into AIs, validation against the AI table, pairing rules, the UDI fields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from medtrace.standards.udi.ai_table import (
    DIGITS,
    ai_table,
    check_digit_ok,
    check_element,
    decode_date,
    match_ai,
    pattern_matches,
    unknown_ai_text,
)
from medtrace.standards.udi.dates import valid_hour, valid_minute
from medtrace.standards.udi.result import UdiError, UdiResult, udi_error

GS = "\x1d"
GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0", "]e1", "]e2", "]J1"})
_HRI_AI = re.compile(r"\((\d{2,4})\)")


@dataclass(frozen=True, slots=True)
class Element:
    """One AI and its data; ``position`` is the 0-based offset of the AI in the data."""

    ai: str
    value: str
    position: int | None = None


def split_element_string(data: str) -> tuple[list[Element], list[UdiError]]:
    """Cut an element string into AIs. Pre-defined/fixed-length AIs take their length (a GS
    inside cuts them short); variable-length AIs run to the next GS or the end. An unknown
    AI cannot be measured, so reading resumes after the next GS."""
    elements: list[Element] = []
    errors: list[UdiError] = []
    position = 0
    while position < len(data):
        if data[position] == GS:
            position += 1
            continue
        ai = match_ai(data, position)
        if ai is None:
            errors.append(
                udi_error("GS1-UNKNOWN-AI", position=position, ai=unknown_ai_text(data, position))
            )
            following = data.find(GS, position)
            if following < 0:
                break
            position = following + 1
            continue
        spec = ai_table()[ai]
        start = position + len(ai)
        if spec.fixed:
            chunk = data[start : start + spec.max_length]
            cut = chunk.find(GS)
            value = chunk if cut < 0 else chunk[:cut]
        else:
            cut = data.find(GS, start)
            value = data[start:] if cut < 0 else data[start:cut]
        elements.append(Element(ai, value, position))
        position = start + len(value)
    return elements, errors


def split_hri(data: str) -> tuple[list[Element], list[UdiError]]:
    """Read ``(01)09506000134352(17)261231(10)ABC``. Spaces around values are ignored. A value
    ends where the next ``(AI)`` of a known AI starts (a fixed-length AI prefers the one right
    after its length), since values may themselves contain parentheses."""
    table = ai_table()
    elements: list[Element] = []
    errors: list[UdiError] = []
    position = 0
    while position < len(data):
        while position < len(data) and data[position] in " \t" + GS:
            position += 1
        if position >= len(data):
            break
        found = _HRI_AI.match(data, position)
        if found is None or found.group(1) not in table:
            name = found.group(1) if found else data[position : position + 4]
            errors.append(udi_error("GS1-UNKNOWN-AI", position=position, ai=name))
            following = _next_known(data, position + 1)
            if following is None:
                break
            position = following.start()
            continue
        ai = found.group(1)
        spec = table[ai]
        start = found.end()
        candidates = [m for m in _HRI_AI.finditer(data, start) if m.group(1) in table]
        end = len(data)
        if candidates:
            end = candidates[0].start()
            if spec.fixed:
                wanted = _skip_spaces(data, start, spec.max_length)
                for candidate in candidates:
                    if candidate.start() == wanted:
                        end = wanted
                        break
        elements.append(Element(ai, data[start:end].strip(" \t" + GS), position))
        position = end
    return elements, errors


def _skip_spaces(data: str, start: int, length: int) -> int:
    """Offset after ``length`` data characters from ``start``, not counting leading spaces."""
    offset = start
    while offset < len(data) and data[offset] == " ":
        offset += 1
    offset += length
    while offset < len(data) and data[offset] == " ":
        offset += 1
    return offset


def _next_known(data: str, start: int) -> re.Match[str] | None:
    table = ai_table()
    return next((m for m in _HRI_AI.finditer(data, start) if m.group(1) in table), None)


def association_errors(ais: Sequence[str]) -> list[UdiError]:
    """The table's ``req`` (needs one of these AIs) and ``ex`` (must not pair) rules."""
    return list(_association_errors(tuple(dict.fromkeys(ais))))


@lru_cache(maxsize=1024)
def _association_errors(present: tuple[str, ...]) -> tuple[UdiError, ...]:
    """The rules depend on the set of AIs only, and scans repeat the same few sets: kept per
    combination (the errors are immutable)."""
    table = ai_table()
    errors: list[UdiError] = []
    reported_pairs: set[frozenset[str]] = set()
    for ai in present:
        spec = table[ai]
        for rule in spec.requires:
            if not any(
                all(any(pattern_matches(p, other) for other in present) for p in alternative)
                for alternative in rule
            ):
                required = ", ".join(
                    "+".join(f"({p})" for p in alternative) for alternative in rule
                )
                errors.append(udi_error("GS1-MISSING-PAIR", ai=ai, required=required))
        for pattern in spec.excludes:
            for other in present:
                pair = frozenset((ai, other))
                if other != ai and pattern_matches(pattern, other) and pair not in reported_pairs:
                    reported_pairs.add(pair)
                    errors.append(udi_error("GS1-INVALID-PAIR", ai=ai, other=other))
    return tuple(errors)


def element_string(pairs: Iterable[tuple[str, str]]) -> str:
    """Canonical element string: a GS after every AI that needs FNC1, except the last."""
    items = list(pairs)
    table = ai_table()
    parts: list[str] = []
    for index, (ai, value) in enumerate(items):
        parts.append(ai + value)
        if table[ai].fnc1_required and index < len(items) - 1:
            parts.append(GS)
    return "".join(parts)


def hri(pairs: Iterable[tuple[str, str]]) -> str:
    return "".join(f"({ai}){value}" for ai, value in pairs)


def gs1_result(
    elements: Sequence[Element],
    errors: Sequence[UdiError],
    *,
    data: str,
    symbology: str | None,
    today: date,
) -> UdiResult:
    """Validate the elements (table rules, duplicates, pairs) and pick the UDI fields."""
    found: list[UdiError] = list(errors)
    values: dict[str, str] = {}
    kept: list[Element] = []
    for element in elements:
        if element.ai in values:
            if values[element.ai] != element.value:
                found.append(
                    udi_error(
                        "GS1-DUPLICATE-AI",
                        position=element.position,
                        ai=element.ai,
                        first=values[element.ai],
                        second=element.value,
                    )
                )
            continue
        values[element.ai] = element.value
        kept.append(element)
        found.extend(
            check_element(element.ai, element.value, position=element.position, today=today)
        )
    found.sort(key=lambda error: (error.position is None, error.position or 0))
    found.extend(association_errors([element.ai for element in kept]))
    pairs = tuple((element.ai, element.value) for element in kept)
    if not pairs and symbology not in GS1_SYMBOLOGIES:
        start = data[:12]
        return UdiResult(
            errors=(udi_error("UDI-UNKNOWN-FORMAT", start=start), *found),
            symbology=symbology,
            data=data,
        )
    gtin = values.get("01")
    return UdiResult(
        agency="GS1",
        di=gtin,
        gtin=gtin,
        lot=values.get("10"),
        serial=values.get("21"),
        expiry=_expiry(values, today),
        production_date=(decode_date("11", values["11"], today=today) if "11" in values else None),
        errors=tuple(found),
        elements=pairs,
        normalized=element_string(pairs),
        hri=hri(pairs),
        symbology=symbology,
        data=data,
        quantity=values.get("30") or values.get("37"),
    )


def _expiry(values: dict[str, str], today: date) -> date | None:
    """AI (17); without it the date of AI (7003), expiry date and time (GS1 General
    Specifications 3.8.23), which short-lived products carry instead."""
    if "17" in values:
        return decode_date("17", values["17"], today=today)
    value = values.get("7003", "")
    if len(value) == 10 and valid_hour(value[6:8]) and valid_minute(value[8:]):
        return decode_date("7003", value[:6], today=today)
    return None


def bare_gtin(digits: str) -> str | None:
    """A GTIN-8/12/13/14 read without an AI (EAN/UPC, ITF-14) as GTIN-14, when its check
    digit holds."""
    if len(digits) not in (8, 12, 13, 14) or not set(digits) <= DIGITS:
        return None
    gtin = digits.zfill(14)
    return gtin if check_digit_ok(gtin)[0] else None
