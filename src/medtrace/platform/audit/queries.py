"""Reading the audit trail: filtered lists (newest first), one record's history, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Select, func, inspect, select

from medtrace.platform.audit.chain import canonical_json, format_time
from medtrace.platform.audit.models import AuditEntry
from medtrace.platform.audit.values import entity_id_for, primary_key_of
from medtrace.platform.db.uow import UnitOfWork

CSV_COLUMNS = (
    "id", "at", "action", "entity_type", "entity_id", "entity_ref", "actor_kind", "actor_id",
    "actor_name", "reason", "request_id", "client_ip", "changes", "prev_hash", "hash",
)  # fmt: skip


def _filtered(
    query: Select[Any],
    *,
    entity_type: str | None,
    entity_id: str | None,
    actor_name: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> Select[Any]:
    if entity_type is not None:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    if actor_name is not None:
        query = query.where(AuditEntry.actor_name == actor_name)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return query


def list_entries(
    uow: UnitOfWork,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AuditEntry]:
    """Entries matching every given filter, newest first; ``since`` inclusive, ``until`` not."""
    query = _filtered(
        select(AuditEntry), entity_type=entity_type, entity_id=entity_id,
        actor_name=actor_name, since=since, until=until,
    )  # fmt: skip
    query = query.order_by(AuditEntry.id.desc()).limit(max(0, limit)).offset(max(0, offset))
    return list(uow.session.scalars(query))


def iter_entries(
    uow: UnitOfWork,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    batch: int = 2000,
) -> Iterator[AuditEntry]:
    """All matching entries, oldest first, streamed in batches (for exports of any size)."""
    query = _filtered(
        select(AuditEntry), entity_type=entity_type, entity_id=entity_id,
        actor_name=actor_name, since=since, until=until,
    )  # fmt: skip
    query = query.order_by(AuditEntry.id).execution_options(yield_per=batch)
    yield from uow.session.scalars(query)


def count_entries(
    uow: UnitOfWork,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> int:
    """How many entries ``list_entries`` would page through with the same filters."""
    query = _filtered(
        select(func.count()).select_from(AuditEntry), entity_type=entity_type,
        entity_id=entity_id, actor_name=actor_name, since=since, until=until,
    )  # fmt: skip
    return int(uow.session.scalar(query) or 0)


def history_for(uow: UnitOfWork, instance: Any) -> list[AuditEntry]:
    """Every entry about one record (any mapped instance), oldest first."""
    state = inspect(instance)
    mapper = state.mapper
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == mapper.local_table.name)
        .where(AuditEntry.entity_id == entity_id_for(primary_key_of(mapper, state)))
        .order_by(AuditEntry.id)
    )
    return list(uow.session.scalars(query))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def entries_csv(rows: Iterable[AuditEntry]) -> Iterator[str]:
    """CSV lines (header first, each ending in CRLF) for the given entries, streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[Any]) -> str:
        writer.writerow(values)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(CSV_COLUMNS)
    for row in rows:
        yield line(
            _cell(value) for value in (
                row.id, format_time(row.at), row.action, row.entity_type, row.entity_id,
                row.entity_ref, row.actor_kind, row.actor_id, row.actor_name, row.reason,
                row.request_id, row.client_ip, canonical_json(row.changes), row.prev_hash,
                row.hash,
            )
        )  # fmt: skip
