"""Date fields of UDI carriers: two-digit years, YYMMDD with day 00, Julian days."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache


def utc_today() -> date:
    return datetime.now(UTC).date()


def full_year(yy: int, today: date) -> int:
    """Century of a two-digit year by the GS1 General Specifications 7.12 sliding window:
    a year 51 to 99 years ahead of the current year is in the previous century, one 50 to 99
    years behind it in the next century, anything else in the current century (so the
    window runs from 49 years back to 50 years ahead)."""
    century = today.year - today.year % 100
    difference = yy - today.year % 100
    if difference >= 51:
        return century - 100 + yy
    if difference <= -50:
        return century + 100 + yy
    return century + yy


def two_digit_year_fits(year: int, today: date) -> bool:
    """Whether ``year`` survives a round trip through two digits and ``full_year``."""
    return full_year(year % 100, today) == year


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def safe_date(year: int, month: int, day: int) -> date | None:
    if not (1 <= month <= 12) or year < 1:
        return None
    if not (1 <= day <= last_day(year, month)):
        return None
    return date(year, month, day)


@lru_cache(maxsize=1024)  # scans repeat the same few dates
def yymmdd(value: str, *, today: date, zero_day: bool) -> date | None:
    """``YYMMDD``; with ``zero_day`` a day of ``00`` means the last day of the month."""
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        return None
    year = full_year(int(value[:2]), today)
    month, day = int(value[2:4]), int(value[4:6])
    if day == 0 and zero_day and 1 <= month <= 12:
        return date(year, month, last_day(year, month))
    return safe_date(year, month, day)


def yyyymmdd(value: str) -> date | None:
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        return None
    return safe_date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def mmddyy(value: str, *, today: date) -> date | None:
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        return None
    return safe_date(full_year(int(value[4:6]), today), int(value[:2]), int(value[2:4]))


def mmyy_end_of_month(value: str, *, today: date) -> date | None:
    """``MMYY`` expiry: the product expires at the end of that month."""
    if len(value) != 4 or not value.isascii() or not value.isdigit():
        return None
    month, year = int(value[:2]), full_year(int(value[2:]), today)
    if not 1 <= month <= 12:
        return None
    return date(year, month, last_day(year, month))


def ordinal(year: int, day_of_year: int) -> date | None:
    """Julian (ordinal) day 001-365, or 366 in a leap year."""
    if year < 1 or not 1 <= day_of_year <= (366 if calendar.isleap(year) else 365):
        return None
    return date(year, 1, 1) + timedelta(days=day_of_year - 1)


def yyjjj(value: str, *, today: date) -> date | None:
    if len(value) != 5 or not value.isascii() or not value.isdigit():
        return None
    return ordinal(full_year(int(value[:2]), today), int(value[2:]))


def valid_hour(value: str) -> bool:
    return len(value) == 2 and value.isascii() and value.isdigit() and int(value) <= 23


def valid_minute(value: str) -> bool:
    return len(value) == 2 and value.isascii() and value.isdigit() and int(value) <= 59
