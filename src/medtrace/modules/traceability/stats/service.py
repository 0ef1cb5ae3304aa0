"""Counting a trace query: one upsert of its day and duration bucket.

Called by the trace API and the trace page after the (read-only) trace, in a short unit of
work of its own, so that the trace itself never holds a write lock; concurrent traces of the
same bucket queue on that one row for the time of an increment."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from medtrace.modules.traceability.stats.models import TraceQueryStat
from medtrace.modules.traceability.stats.rules import duration_bucket
from medtrace.platform.db.uow import UnitOfWork


def record_trace_query(uow: UnitOfWork, *, seconds: float) -> None:
    """Add one trace query that took ``seconds`` to today's (plant-local) figures."""
    dialect = postgresql if uow.db.dialect == "postgresql" else sqlite
    table = TraceQueryStat.__table__
    statement = dialect.insert(table).values(day=uow.today(), bucket=duration_bucket(seconds),
                                             queries=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.day, table.c.bucket],
        set_={"queries": table.c.queries + 1})
    uow.session.execute(statement)
