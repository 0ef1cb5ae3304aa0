"""Database layer: declarative base and column types, engine and sessions, unit of work."""

from medtrace.platform.db.base import Base, Quantity, TimestampMixin, UTCDateTime, utcnow
from medtrace.platform.db.session import Database, make_engine
from medtrace.platform.db.uow import UnitOfWork

__all__ = [
    "Base",
    "Database",
    "Quantity",
    "TimestampMixin",
    "UTCDateTime",
    "UnitOfWork",
    "make_engine",
    "utcnow",
]
