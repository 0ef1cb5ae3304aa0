"""Numbering patterns: parsing, checking and formatting. Pure functions, no database.

A pattern is text with parts in braces; everything else is literal text:

===============  ========================================================  ==============
part             meaning                                                   example (2026-11-22)
===============  ========================================================  ==============
``{YYYY}``       year                                                      ``2026``
``{YY}``         year, two digits                                          ``26``
``{MM}``         month                                                     ``11``
``{DD}``         day of the month                                          ``22``
``{YYMMDD}``     the date                                                  ``261122``
``{YYDDD}``      Julian date: year, two digits, and day of the year        ``26326``
``{SEQ:n}``      the sequence, zero-padded to ``n`` digits (1 to 12)       ``0042``
===============  ========================================================  ==============

Dates are the plant-local date of issue. The sequence appears exactly once and restarts at 1
each period (``never``, ``yearly``, ``monthly``, ``daily``); a resetting pattern must show the
date parts that tell its periods apart, otherwise two periods would issue the same numbers.
An optional check character is appended at the end, computed over everything before it:
``gs1_mod10`` (GS1 mod-10 check digit, digit-only numbers) or ``iso7064_mod37_36`` (ISO/IEC
7064 MOD 37,36, digits and upper-case letters), both from python-stdnum.

Every number a pattern makes has the same length; lot and serial numbers (GS1 AI 10 and 21)
allow 1 to 20 characters of GS1 character set 82 (braces are not in it, so they cannot be
literal text).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stdnum import ean
from stdnum.iso7064 import mod_37_36

from medtrace.platform.i18n import N_

MAX_LENGTH = 20
MAX_WIDTH = 12
RESETS = ("never", "yearly", "monthly", "daily")
CHECKS = ("none", "gs1_mod10", "iso7064_mod37_36")
GS1_CHARSET_82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = frozenset("0123456789")

DATE_PARTS: dict[str, Callable[[dt.date], str]] = {
    "YYYY": lambda d: f"{d.year:04d}",
    "YY": lambda d: f"{d.year % 100:02d}",
    "MM": lambda d: f"{d.month:02d}",
    "DD": lambda d: f"{d.day:02d}",
    "YYMMDD": lambda d: f"{d.year % 100:02d}{d.month:02d}{d.day:02d}",
    "YYDDD": lambda d: f"{d.year % 100:02d}{d.timetuple().tm_yday:03d}",
}
DATE_WIDTHS = {"YYYY": 4, "YY": 2, "MM": 2, "DD": 2, "YYMMDD": 6, "YYDDD": 5}
# What each date part tells apart, and what each reset period needs told apart.
_SHOWS = {"YYYY": {"year"}, "YY": {"year"}, "MM": {"month"}, "DD": {"day"},
          "YYMMDD": {"year", "month", "day"}, "YYDDD": {"year", "month", "day"}}
_NEEDS = {"never": set(), "yearly": {"year"}, "monthly": {"year", "month"},
          "daily": {"year", "month", "day"}}
_NOT_SHOWN = {
    "yearly": N_("numbers that restart every year must show the year: {YYYY}, {YY}, {YYMMDD} "
                 "or {YYDDD}"),
    "monthly": N_("numbers that restart every month must show the year and the month: {YYYY} "
                  "or {YY} with {MM}, or {YYMMDD} or {YYDDD}"),
    "daily": N_("numbers that restart every day must show the date: {YYMMDD}, {YYDDD}, or a "
                "year with {MM} and {DD}"),
}
_BRACED = re.compile(r"\{([^{}]*)\}")
_SEQ = re.compile(r"^SEQ:(\d{1,2})$")


@dataclass(frozen=True)
class Problem:
    """What is wrong with a rule: the field, an English msgid and its parameters."""

    field: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


class PatternInvalid(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message % p.params if p.params else p.message
                                   for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Part:
    kind: str  # "literal", "date" or "seq"
    value: str = ""  # the literal text, or the date part's name
    width: int = 0  # the sequence's digits

    @property
    def length(self) -> int:
        if self.kind == "literal":
            return len(self.value)
        return DATE_WIDTHS[self.value] if self.kind == "date" else self.width

    def render(self, day: dt.date, sequence: int) -> str:
        if self.kind == "literal":
            return self.value
        if self.kind == "date":
            return DATE_PARTS[self.value](day)
        return f"{sequence:0{self.width}d}"


@dataclass(frozen=True)
class Pattern:
    template: str
    parts: tuple[Part, ...]
    reset: str = "never"
    check: str = "none"

    @property
    def width(self) -> int:
        return next(p.width for p in self.parts if p.kind == "seq")

    @property
    def capacity(self) -> int:
        """The last sequence value the pattern can show (9999 for ``{SEQ:4}``)."""
        return 10**self.width - 1

    @property
    def length(self) -> int:
        """The length of every number it makes (they all have the same)."""
        return sum(p.length for p in self.parts) + (self.check != "none")

    def period(self, day: dt.date) -> str:
        return period_key(self.reset, day)

    def format(self, day: dt.date, sequence: int) -> str:
        if not 1 <= sequence <= self.capacity:
            raise ValueError(f"sequence {sequence} does not fit {self.width} digits")
        body = "".join(part.render(day, sequence) for part in self.parts)
        return body + check_character(self.check, body)


def period_key(reset: str, day: dt.date) -> str:
    """The counter's key for the period ``day`` falls in: all, 2026, 2026-11, 2026-11-22."""
    if reset == "yearly":
        return f"{day.year:04d}"
    if reset == "monthly":
        return f"{day.year:04d}-{day.month:02d}"
    if reset == "daily":
        return day.isoformat()
    return "all"


def check_character(kind: str, body: str) -> str:
    """The check character of ``body`` ('' when the rule has none)."""
    if kind == "gs1_mod10":
        return ean.calc_check_digit(body)
    if kind == "iso7064_mod37_36":
        return mod_37_36.calc_check_digit(body)
    return ""


def _parts(template: str, problems: list[Problem]) -> list[Part]:
    parts: list[Part] = []
    position = 0
    for match in [*_BRACED.finditer(template), None]:
        literal = template[position:match.start() if match else len(template)]
        if "{" in literal or "}" in literal:
            problems.append(Problem("pattern", N_("a { without its } or a } without its {")))
        elif literal:
            parts.append(Part("literal", literal))
        if match is None:
            break
        position = match.end()
        name = match.group(1)
        sequence = _SEQ.match(name)
        if name in DATE_PARTS:
            parts.append(Part("date", name))
        elif sequence:
            width = int(sequence.group(1))
            if not 1 <= width <= MAX_WIDTH:
                problems.append(Problem("pattern", N_("the sequence has 1 to %(max)s digits"),
                                        {"max": MAX_WIDTH}))
            parts.append(Part("seq", width=width))
        else:
            problems.append(Problem("pattern", N_("unknown part {%(part)s}"), {"part": name}))
    return parts


def parse(template: str, reset: str = "never", check: str = "none") -> Pattern:
    """Check a rule's pattern, reset period and check character; raise ``PatternInvalid``
    listing every problem."""
    template = (template or "").strip()
    problems: list[Problem] = []
    if reset not in RESETS:
        problems.append(Problem("reset", N_("is not one of the choices offered"), {}))
    if check not in CHECKS:
        problems.append(Problem("check", N_("is not one of the choices offered"), {}))
    parts = _parts(template, problems) if template else []
    if not template:
        problems.append(Problem("pattern", N_("the pattern is empty")))
    literal = "".join(p.value for p in parts if p.kind == "literal")
    outside = sorted(set(literal) - GS1_CHARSET_82)
    if outside:
        problems.append(Problem("pattern", N_("%(chars)s: not in GS1 character set 82"),
                                {"chars": " ".join(outside)}))
    if template and sum(p.kind == "seq" for p in parts) != 1:
        problems.append(Problem("pattern", N_("the pattern needs exactly one {SEQ:n}")))
    if reset in RESETS and reset != "never":
        shown = set().union(*(_SHOWS[p.value] for p in parts if p.kind == "date"))
        if not _NEEDS[reset] <= shown:
            problems.append(Problem("pattern", _NOT_SHOWN[reset]))
    if check == "gs1_mod10" and not set(literal) <= DIGITS:
        problems.append(Problem("check", N_("a GS1 mod 10 check digit needs digits only")))
    if check == "iso7064_mod37_36" and not set(literal) <= ALPHANUMERIC:
        problems.append(Problem(
            "check", N_("an ISO 7064 MOD 37,36 check character needs digits and A to Z only")))
    length = sum(p.length for p in parts) + (check in CHECKS and check != "none")
    if length > MAX_LENGTH:
        problems.append(Problem(
            "pattern", N_("numbers would have %(length)s characters; at most %(max)s are allowed"),
            {"length": length, "max": MAX_LENGTH}))
    if problems:
        raise PatternInvalid(problems)
    return Pattern(template, tuple(parts), reset, check)
