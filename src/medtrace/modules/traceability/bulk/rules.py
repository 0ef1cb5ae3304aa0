"""Row parsing shared by the bulk import's loaders: every value is checked the way the
services check it, and a bad one raises ``RowError`` with a message for the user."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, Table
from sqlalchemy.dialects import postgresql, sqlite

from medtrace.modules.traceability import rules
from medtrace.platform.db.base import Quantity, UTCDateTime, to_quantity

_DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.psycopg.dialect()}


class RowError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.line: int | str = "?"


@dataclass
class Progress:
    """What the import reports as it goes (the CLI draws a bar from it)."""

    file: str = ""
    rows: int = 0
    total_rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # things created
    file_rows: dict[str, int] = field(default_factory=dict)  # rows loaded per file


# The bulk path keeps times, dates and quantities as canonical strings (what SQLite stores, and
# what PostgreSQL's COPY reads) once they are checked: no datetime or Decimal per value.
_UTC_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_QTY_TEXT = re.compile(r"(\d{1,17})(?:\.(\d{1,6}))?")


def parse_time(value: str) -> str:
    """A time with a zone, as UTC text ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    if _UTC_TEXT.fullmatch(value):
        # still a real date and time (month 13, 25:00 ... are refused)
        if not _real_day(value[:10]) or value[11:13] > "23" or value[14:16] > "59" \
                or value[17:19] > "59":
            raise RowError(f"{value!r} is not a time")
        return f"{value[:10]} {value[11:19]}.000000"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"{value!r} is not a time (YYYY-MM-DDTHH:MM:SSZ)") from None
    if moment.tzinfo is None:
        raise RowError(f"{value!r} has no time zone (times are UTC, ending in Z)")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@functools.lru_cache(maxsize=8192)
def _real_day(day: str) -> bool:
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def parse_date(value: str) -> str | None:
    """A date as ``YYYY-MM-DD`` text, or None for an empty field."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise RowError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def parse_qty(value: str) -> str:
    """A positive exact quantity (at most 6 decimals) as plain decimal text."""
    match = _QTY_TEXT.fullmatch(value)
    if match is None:
        try:
            amount = to_quantity(Decimal(value))
        except (InvalidOperation, ValueError):
            raise RowError(f"{value!r} is not an exact quantity") from None
        if amount <= 0:
            raise RowError(f"quantity {value} is not positive")
        return format(amount, "f")
    if not value.strip("0."):
        raise RowError(f"quantity {value} is not positive")
    return value


def micro_units(text_value: str) -> int:
    """``"12.5"`` -> 12500000: SQLite's storage of a quantity (millionths)."""
    whole, _, frac = text_value.partition(".")
    return int(whole) * 1_000_000 + (int(frac.ljust(6, "0")) if frac else 0)


def check_number(value: str, what: str) -> str:
    problem = rules.number_problem(value)
    if problem:
        raise RowError(f"{what} {value!r}: {problem}")
    return value


def csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each data row; the header is line 1."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row in reader:
            yield reader.line_num, row


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _processor(column: Any, dialect_name: str) -> Callable[[Any], Any] | None:
    """How a value of the bulk path becomes what the driver stores: canonical strings pass
    through (a quantity becomes millionths on SQLite); anything else goes through the column
    type's own bind processor."""
    own = column.type._cached_bind_processor(_DIALECTS[dialect_name])
    is_quantity = isinstance(column.type, Quantity)
    is_text_ok = isinstance(column.type, UTCDateTime | Date)

    def process(value: Any) -> Any:
        if isinstance(value, str):
            if is_quantity:
                return micro_units(value) if dialect_name == "sqlite" else value
            if is_text_ok:
                return value
        return own(value) if own is not None else value

    return process if (own is not None or is_quantity or is_text_ok) else None


def fast_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the caller's transaction, converting each value with the column
    type's own bind processor (so the stored form is exactly what the ORM writes) but without
    the per-row overhead of a generic executemany: SQLite gets the driver's ``executemany``,
    PostgreSQL gets ``COPY FROM STDIN``."""
    if not rows:
        return
    dialect = conn.dialect
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    processors = [_processor(c, dialect.name) for c in columns]
    pairs = [(i, p) for i, p in enumerate(processors) if p is not None]
    raw = conn.connection.driver_connection
    assert raw is not None

    def converted() -> Iterator[list[Any]]:
        for row in rows:
            values = [row[name] for name in names]
            for index, process in pairs:
                values[index] = process(values[index])
            yield values

    if dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for values in converted():
                copy.write_row(values)
        return
    marks = ", ".join("?" * len(names))
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})",  # noqa: S608
                           converted())
    finally:
        cursor.close()


def raw_insert(conn: Connection, table: str, columns: tuple[str, ...],
               rows: list[tuple[Any, ...]]) -> None:
    """Insert rows already in their stored form (the caller converted every value)."""
    if not rows:
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
                           f"({', '.join('?' * len(columns))})", rows)
    finally:
        cursor.close()
