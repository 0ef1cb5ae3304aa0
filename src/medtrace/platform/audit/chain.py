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

**Keyed chain (optional).** ``medtrace audit key-chain`` appends one entry (action
``audit.chain.keyed``); every entry after it is hashed with HMAC-SHA256 under the audit key
(``MEDTRACE_AUDIT_KEY``), which is not in the database. Someone who can write the database but
does not hold the key can then no longer recompute a consistent chain after an edit; the
checkpoints still catch a truncation. The switch is part of the chain it changes, so the
verifier reads the mode from the chain itself; it cannot be switched back.

Appends are serialised: on PostgreSQL by a transaction-level advisory lock taken before the
last hash is read, at the commit of the transaction that appends (``appending.py``); on SQLite
writers already hold the database's write lock. ``prev_hash`` is unique in the table, so even a
bug in that serialisation fails loudly instead of forking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
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


def entry_hash(*fields: Any, key: bytes | None = None) -> str:
    """SHA-256 hex of ``document(*fields)`` (same positional fields, in key order), or its
    HMAC-SHA256 under ``key`` (a keyed chain)."""
    data = document(*fields).encode()
    if key is not None:
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


#: the entry that switches the chain to HMAC-SHA256 (every later entry is keyed)
KEYED_ACTION = "audit.chain.keyed"
KEYED_ENTITY = "audit_chain"
_keyed_engines: set[str] = set()
_configured_key: bytes | None = None


class AuditKeyMissing(RuntimeError):
    """The chain is keyed and this process has no audit key: appending would break it."""


def use_key(key: str | None) -> None:
    """The audit key of this process (the app and the worker set it from their settings)."""
    global _configured_key
    _configured_key = key.encode() if key else None


def chain_key() -> bytes:
    """The configured audit key, else the one the environment's settings resolve."""
    if _configured_key is not None:
        return _configured_key
    from medtrace.settings import get_settings

    key = get_settings().resolved_audit_key()
    if not key:
        raise AuditKeyMissing("the audit chain is keyed: set MEDTRACE_AUDIT_KEY")
    return key.encode()


def keyed_from(conn: Connection) -> int | None:
    """The id of the entry that keyed the chain, or None (a plain SHA-256 chain)."""
    return conn.exec_driver_sql(
        "SELECT id FROM audit_entry WHERE entity_type = 'audit_chain' "
        "AND action = 'audit.chain.keyed' ORDER BY id LIMIT 1").scalar()


def is_keyed(conn: Connection) -> bool:
    """Whether new entries are keyed (remembered per database once true: it never reverts)."""
    name = conn.engine.url.render_as_string(hide_password=True)
    if name in _keyed_engines:
        return True
    if keyed_from(conn) is not None:
        _keyed_engines.add(name)
        return True
    return False


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
    key = chain_key() if is_keyed(conn) else None
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
            key=key,
        )  # fmt: skip
        conn.execute(
            statement,
            {**row, "at": entry.at, "changes_text": changes_text, "prev_hash": prev,
             "hash": digest},
        )  # fmt: skip
        prev = digest
        if entry.action == KEYED_ACTION and entry.entity_type == KEYED_ENTITY and key is None:
            key = chain_key()  # the entries after the switch are keyed


class ChainAlreadyKeyed(RuntimeError):
    """The chain was keyed before (it cannot be keyed twice nor switched back)."""


def key_chain(conn: Connection, *, actor_name: str) -> int:
    """Switch the chain to HMAC-SHA256 from the next entry: append the switch, in the
    connection's transaction (commit it). Returns the switch entry's id."""
    lock_chain(conn)
    found = keyed_from(conn)
    if found is not None:
        raise ChainAlreadyKeyed(f"the chain is keyed since entry {found}")
    chain_key()  # refuse before writing when no key is configured
    append_entries(conn, [NewEntry(
        action=KEYED_ACTION, entity_type=KEYED_ENTITY, entity_id="hash", entity_ref=None,
        changes={"hash": {"old": "sha256", "new": "hmac-sha256"}}, actor_kind="system",
        actor_id=None, actor_name=actor_name[: LENGTHS["actor_name"]],
        at=dt.datetime.now(dt.UTC))], locked=True)
    return int(conn.exec_driver_sql("SELECT max(id) FROM audit_entry").scalar_one())
