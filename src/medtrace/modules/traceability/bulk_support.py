"""Row parsing shared by the bulk import's loaders: every value is checked the way the
services check it, and a bad one raises ``RowError`` with a message for the user."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table

from medtrace.modules.traceability import rules
from medtrace.platform.db.base import to_quantity


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


def parse_time(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"{value!r} is not a time (YYYY-MM-DDTHH:MM:SSZ)") from None
    if moment.tzinfo is None:
        raise RowError(f"{value!r} has no time zone (times are UTC, ending in Z)")
    return moment.astimezone(dt.UTC)


def parse_date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RowError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def parse_qty(value: str) -> Decimal:
    try:
        amount = to_quantity(Decimal(value))
    except (InvalidOperation, ValueError):
        raise RowError(f"{value!r} is not an exact quantity") from None
    if amount <= 0:
        raise RowError(f"quantity {value} is not positive")
    return amount


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
    processors = [c.type._cached_bind_processor(dialect) for c in columns]
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
