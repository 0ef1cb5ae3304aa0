"""Independent helpers for the UDI tests: check digits and check characters are computed here
from the standards' definitions, never with the code under test."""

from __future__ import annotations

from datetime import date

TODAY = date(2026, 11, 22)
GS = "\x1d"
HIBC_TABLE = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"


def gs1_check(body: str) -> str:
    """GS1 mod-10 (General Specifications 7.9.1): weights 3, 1, 3... from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def mod43(text: str) -> str:
    """HIBC / Code 39 modulo-43 check character over ``text``."""
    return HIBC_TABLE[sum(HIBC_TABLE.index(c) for c in text) % 43]


def hibc(text: str) -> str:
    """``text`` followed by its check character."""
    return text + mod43(text)


def hibc_secondary(body: str, link: str) -> str:
    """A standalone secondary: ``+`` body, link character, check character."""
    return hibc("+" + body + link)


def codes(result) -> list[str]:
    return [error.code for error in result.errors]
