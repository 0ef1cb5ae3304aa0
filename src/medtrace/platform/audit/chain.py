"""The hash chain: canonical content, SHA-256 links, appending under a lock.

An entry's ``hash`` is the SHA-256 (hex) of the canonical JSON of this object::

    {"action", "actor_id", "actor_kind", "actor_name", "at", "changes", "client_ip",
     "entity_id", "entity_ref", "entity_type", "prev_hash", "reason", "request_id"}

canonical = ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``; ``at`` is
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC, microseconds, what both databases give back exactly) and
``changes`` the entry's ``{field: {"old", "new"}}`` object, stored as its own canonical text so
that what is hashed is byte for byte what is read back. ``prev_hash`` is the previous entry's
``hash`` (64 zeros for the first). The document is assembled field by field, which gives the
same bytes as ``json.dumps`` (a test checks) at a fraction of the cost: verification has to
walk millions of entries.

Appends are serialised: on PostgreSQL by a transaction-level advisory lock taken before the
last hash is read, at the commit of the transaction that appends (``appending.py``); on SQLite
writers already hold the database's write lock. ``prev_hash`` is unique in the table, so even a
bug in that serialisation fails loudly instead of forking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from sqlalchemy import JSON, Connection, Insert, Text, bindparam, cast

from medtrace.platform.audit.models import LENGTHS, AuditEntry

GENESIS = "0" * 64
#: pg_advisory_xact_lock key serialising appends to the chain ("mt_audit")
CHAIN_LOCK_KEY = 0x6D745F6175646974
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def format_time(moment: dt.datetime) -> str:
    """The hashed form of a time: UTC, microseconds, ``Z``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime in the audit trail; attach a time zone")
    return moment.astimezone(dt.UTC).strftime(TIME_FORMAT)


def document(
    action: str,
    actor_id: int | None,
    actor_kind: str,
    actor_name: str,
    at: str,
    changes: str,
    client_ip: str | None,
    entity_id: str,
    entity_ref: str | None,
    entity_type: str,
    prev_hash: str,
    reason: str | None,
    request_id: str | None,
) -> str:
    """The canonical JSON that is hashed (``at`` formatted, ``changes`` as canonical text)."""
    q = encode_basestring
    return (
        f'{{"action":{q(action)},"actor_id":{"null" if actor_id is None else int(actor_id)},'
        f'"actor_kind":{q(actor_kind)},"actor_name":{q(actor_name)},"at":{q(at)},'
        f'"changes":{changes},"client_ip":{"null" if client_ip is None else q(client_ip)},'
        f'"entity_id":{q(entity_id)},'
        f'"entity_ref":{"null" if entity_ref is None else q(entity_ref)},'
        f'"entity_type":{q(entity_type)},"prev_hash":{q(prev_hash)},'
        f'"reason":{"null" if reason is None else q(reason)},'
        f'"request_id":{"null" if request_id is None else q(request_id)}}}'
    )


def entry_hash(*fields: Any) -> str:
    """SHA-256 hex of ``document(*fields)`` (same positional fields, in key order)."""
    return hashlib.sha256(document(*fields).encode()).hexdigest()


@dataclass(frozen=True)
class NewEntry:
    """One change to append; ``changes`` must already be JSON-safe."""

    action: str
    entity_type: str
    entity_id: str
    entity_ref: str | None
    changes: dict[str, Any]
    actor_kind: str
    actor_id: int | None
    actor_name: str
    at: dt.datetime
    reason: str | None = None
    request_id: str | None = None
    client_ip: str | None = None


def _clip(value: Any, field: str) -> Any:
    if value is None:
        return None
    text = str(value)
    return text[: LENGTHS[field]]


@cache
def _insert_statement(dialect: str) -> Insert:
    changes: Any = bindparam("changes_text", type_=Text())
    if dialect == "postgresql":
        changes = cast(changes, JSON)  # a json column keeps the text verbatim
    return AuditEntry.__table__.insert().values(changes=changes)  # type: ignore[attr-defined]


def lock_chain(conn: Connection) -> None:
    """Serialise appends until the end of the transaction (PostgreSQL; no-op on SQLite)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})")


def last_hash(conn: Connection) -> str:
    found = conn.exec_driver_sql("SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1").scalar()
    return str(found) if found is not None else GENESIS


def append_entries(conn: Connection, entries: Sequence[NewEntry], *, locked: bool = False) -> None:
    """Chain ``entries`` after the last entry, in order, in the connection's transaction."""
    if not entries:
        return
    if not locked:
        lock_chain(conn)
    prev = last_hash(conn)
    statement = _insert_statement(conn.dialect.name)
    for entry in entries:
        row = {
            "action": _clip(entry.action, "action"),
            "actor_id": entry.actor_id,
            "actor_kind": _clip(entry.actor_kind, "actor_kind"),
            "actor_name": _clip(entry.actor_name, "actor_name"),
            "client_ip": _clip(entry.client_ip, "client_ip"),
            "entity_id": _clip(entry.entity_id, "entity_id"),
            "entity_ref": _clip(entry.entity_ref, "entity_ref"),
            "entity_type": _clip(entry.entity_type, "entity_type"),
            "reason": entry.reason,
            "request_id": _clip(entry.request_id, "request_id"),
        }
        changes_text = canonical_json(entry.changes)
        digest = entry_hash(
            row["action"], row["actor_id"], row["actor_kind"], row["actor_name"],
            format_time(entry.at), changes_text, row["client_ip"], row["entity_id"],
            row["entity_ref"], row["entity_type"], prev, row["reason"], row["request_id"],
        )  # fmt: skip
        conn.execute(
            statement,
            {**row, "at": entry.at, "changes_text": changes_text, "prev_hash": prev,
             "hash": digest},
        )  # fmt: skip
        prev = digest
