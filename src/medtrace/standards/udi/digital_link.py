"""GS1 Digital Link URIs on any domain: ``https://{any host}/{optional prefix}/01/{gtin}
[/22/{cpv}][/10/{lot}][/21/{serial}]?17=261231&...``.

Path values are percent-decoded after splitting on ``/`` (so ``%2F`` stays inside a value);
query values are percent-decoded without turning ``+`` into a space (``+`` is a legal GS1
character). A path with an empty segment (``//`` anywhere, or a ``/`` at its end) is refused
with ``GS1-DL-EMPTY-SEGMENT``, as the GS1 Digital Link URI syntax has no empty path elements;
a ``%`` that is not followed by two hexadecimal digits with ``GS1-DL-PERCENT-ENCODING``
(RFC 3986 2.1: a literal ``%`` in a value is written ``%25``). Query keys that are not all
digits (``linkType``, tracking parameters...) are ignored. A GTIN-8/12/13 in the path is padded
to GTIN-14. The deprecated convenience names ``gtin``, ``itip``, ``cpv``, ``lot``, ``ser``,
``sscc`` and ``gln`` are read as their AIs.
Compressed Digital Link URIs are not supported.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote, urlsplit

from medtrace.standards.udi.ai_table import DIGITS, ai_table
from medtrace.standards.udi.gs1 import Element, gs1_result
from medtrace.standards.udi.result import UdiError, UdiResult, udi_error

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ALIASES = {
    "gtin": "01",
    "itip": "8006",
    "cpv": "22",
    "lot": "10",
    "ser": "21",
    "sscc": "00",
    "gln": "414",
}


def is_digital_link(text: str) -> bool:
    lowered = text[:8].lower()
    return lowered.startswith(("http://", "https://"))


def _ai_of(segment: str) -> str | None:
    if segment and set(segment) <= DIGITS:
        return segment if segment in ai_table() else None
    return _ALIASES.get(segment.lower())


def _in_order(items: list[str], sequence: tuple[str, ...]) -> bool:
    last = -1
    for item in items:
        if item not in sequence or sequence.index(item) <= last:
            return False
        last = sequence.index(item)
    return True


def _gtin14(ai: str, value: str) -> str:
    if ai == "01" and len(value) in (8, 12, 13) and set(value) <= DIGITS:
        return value.zfill(14)
    return value


def parse_digital_link(uri: str, *, symbology: str | None, today: date) -> UdiResult:
    table = ai_table()
    try:
        parts = urlsplit(uri)
    except ValueError:
        return UdiResult(
            errors=(udi_error("UDI-UNKNOWN-FORMAT", start=uri[:12]),), symbology=symbology, data=uri
        )
    raw_segments = parts.path.split("/")[1:]  # the path starts with "/"
    segments = [unquote(raw) for raw in raw_segments if raw]
    start = next(
        (
            index
            for index, segment in enumerate(segments)
            if (ai := _ai_of(segment)) is not None
            and table[ai].dl_primary_key
            and index + 1 < len(segments)
        ),
        None,
    )
    if start is None:
        return UdiResult(
            errors=(udi_error("UDI-UNKNOWN-FORMAT", start=uri[:12]),), symbology=symbology, data=uri
        )
    if "" in raw_segments:  # only now: a URI without a GS1 key is no Digital Link at all
        return UdiResult(
            agency="GS1",
            errors=(udi_error("GS1-DL-EMPTY-SEGMENT", path=parts.path),),
            symbology=symbology,
            data=uri,
        )
    errors: list[UdiError] = [
        udi_error("GS1-DL-PERCENT-ENCODING", text=part[found.start() : found.start() + 3])
        for part in (parts.path, parts.query)
        for found in _BAD_PERCENT.finditer(part)
    ]
    tail = segments[start:]
    if len(tail) % 2:
        errors.append(udi_error("GS1-DL-SYNTAX", segment=tail[-1]))
        tail = tail[:-1]
    key = _ai_of(tail[0]) or ""
    elements = [Element(key, _gtin14(key, tail[1]))]
    sequences = table[key].dl_qualifier_sequences
    accepted: list[str] = []
    for index in range(2, len(tail), 2):
        name, value = tail[index], tail[index + 1]
        ai = _ai_of(name)
        if ai is None:
            errors.append(udi_error("GS1-UNKNOWN-AI", ai=name))
            continue
        if any(_in_order([*accepted, ai], sequence) for sequence in sequences):
            accepted.append(ai)
        else:
            allowed = " | ".join(",".join(sequence) for sequence in sequences) or "-"
            errors.append(udi_error("GS1-DL-QUALIFIER", ai=ai, key=key, allowed=allowed))
        elements.append(Element(ai, _gtin14(ai, value)))
    for chunk in parts.query.split("&"):
        name, _, value = chunk.partition("=")
        name = unquote(name)
        if not name or not set(name) <= DIGITS:
            continue
        if name not in table:
            errors.append(udi_error("GS1-UNKNOWN-AI", ai=name))
            continue
        if not table[name].dl_attribute:
            errors.append(udi_error("GS1-DL-ATTRIBUTE", ai=name))
        elements.append(Element(name, _gtin14(name, unquote(value))))
    return gs1_result(elements, errors, data=uri, symbology=symbology, today=today)
