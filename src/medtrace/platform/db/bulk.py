"""Set-based inserts for the few business actions that write thousands of rows at once (a
receipt of a case of serials): fresh primary keys reserved in one statement, rows written with
``COPY FROM STDIN`` on PostgreSQL and the driver's ``executemany`` on SQLite, each value
converted by its column type's own bind processor (so the stored form is what the ORM writes).

They write through the connection, not the session: the caller owns the audit of what it
inserts (its business document is audited; see ``traceability.create_units``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Integer, Table, any_, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY


def reserve_ids(conn: Connection, table: Table, n: int) -> list[int]:
    """``n`` fresh ids of ``table``'s ``id`` column, safe next to other writers (a sequence on
    PostgreSQL; on SQLite the writing transaction holds the database's write lock)."""
    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                 "FROM generate_series(1, :n)"), {"n": n, "table": table.name})
        return [row[0] for row in rows]
    top = conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table.name}")  # noqa: S608
                       ).scalar_one()
    return list(range(top + 1, top + 1 + n))


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (every row with the same keys) in the caller's transaction."""
    if not rows:
        return
    names = list(rows[0])
    processors = [(index, process) for index, process in enumerate(
        table.c[name].type._cached_bind_processor(conn.dialect) for name in names)
        if process is not None]
    raw = conn.connection.driver_connection
    assert raw is not None

    def converted() -> Any:
        for row in rows:
            values = [row[name] for name in names]
            for index, process in processors:
                values[index] = process(values[index])
            yield values

    columns = ", ".join(names)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for values in converted():
                copy.write_row(values)
        return
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({columns}) VALUES "  # noqa: S608
                           f"({', '.join('?' * len(names))})", converted())
    finally:
        cursor.close()


def among(conn: Connection, column: Any, ids: Sequence[int]) -> list[Any]:
    """Conditions ``column IN ids``, as few as the database allows: one ``= ANY(array)`` on
    PostgreSQL (one parameter, however many ids), IN lists of 900 on SQLite."""
    values = list(ids)
    if conn.dialect.name == "postgresql":
        return [column == any_(bindparam(None, values, type_=ARRAY(Integer)))]
    return [column.in_(values[i:i + 900]) for i in range(0, len(values), 900)]
