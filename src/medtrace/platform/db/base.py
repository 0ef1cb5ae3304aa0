"""Declarative base, the naming convention and the column types every module uses.

- ``UTCDateTime``: timezone-aware datetimes, always stored as UTC. A naive datetime is refused
  instead of being guessed.
- ``Quantity``: exact decimals. PostgreSQL stores NUMERIC(24, 6). SQLite has no exact decimal
  type (NUMERIC affinity becomes a float), so there the value is stored as a scaled 64-bit integer
  (millionths), which keeps sums, comparisons and ordering exact in SQL as well.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, DateTime, MetaData, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

# Stable constraint names: SQLite batch migrations and reviewers both need them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

QUANTITY_SCALE = 6
_QUANTUM = Decimal(1).scaleb(-QUANTITY_SCALE)
_FACTOR = 10**QUANTITY_SCALE


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime stored in UTC; naive values are a programming error."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)  # stored as ISO text, always UTC
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def to_quantity(value: Decimal | int | str) -> Decimal:
    """Convert to an exact Decimal with at most QUANTITY_SCALE places, or raise ValueError."""
    if isinstance(value, float):
        raise TypeError("quantities are Decimal, never float")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if number != number.quantize(_QUANTUM):
        raise ValueError(f"more than {QUANTITY_SCALE} decimal places: {value!r}")
    return number


def plain_decimal(number: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation: 10.500000 -> 10.5, 10 -> 10."""
    normal = number.normalize()
    if normal.as_tuple().exponent > 0:  # type: ignore[operator]
        normal = normal.quantize(Decimal(1))
    return normal


class Quantity(TypeDecorator[Decimal]):
    """Exact decimal quantity (see the module docstring for the SQLite storage)."""

    impl = Numeric(24, QUANTITY_SCALE, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(24, QUANTITY_SCALE, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = to_quantity(value)
        if dialect.name == "sqlite":
            return int(number * _FACTOR)
        return number

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return plain_decimal(Decimal(int(value)).scaleb(-QUANTITY_SCALE))
        return plain_decimal(Decimal(value))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), Decimal: Quantity()}  # noqa: RUF012


class TimestampMixin:
    """created_at / updated_at, set by the database session, always UTC."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )
