"""Verifying the audit chain: walk the entries in id order, recompute every hash, check links.

The walk streams (a server-side cursor on PostgreSQL, SQLite's own stepping cursor) through the
raw DB-API cursor as plain tuples: SQLAlchemy rows would cost as much again per entry. Every
hash is recomputed here, in Python, from the stored fields; the database only hands back
``at`` and ``changes`` as the very text that was hashed.

- PostgreSQL rows arrive as text; the document is assembled with one f-string, each string
  JSON-escaped (the same bytes as ``chain.document``).
- SQLite rows are read as UTF-8 bytes (no decoding, no re-encoding). A row whose strings hold
  no character JSON escapes (``"``, ``\\``, controls) is assembled by plain formatting; any
  other row goes through ``chain.document``. Both give the canonical bytes.

A long chain can be split into id ranges verified by several processes (``workers``). Each
range starts from the stored hash of the entry just before it, which the range before checks,
so together the ranges check every link; the first bad entry of the lowest failing range wins.
Ranges are fixed when verification starts, so entries appended meanwhile are left for next time.
"""

from __future__ import annotations

import hashlib
import hmac
import multiprocessing
import os
import sys
import threading
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, text

from medtrace.platform.audit.chain import (
    GENESIS,
    KEYED_ACTION,
    KEYED_ENTITY,
    AuditKeyMissing,
    chain_key,
    document,
    keyed_from,
)

#: with ``workers=None``, chains shorter than this are verified by one process
PARALLEL_FROM = 100_000
#: a process is not worth starting for fewer entries than this
MIN_PER_PROCESS = 1_000

_COLUMNS = {
    "sqlite": (  # at: 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's storage), made ISO in Python
        "SELECT id, action, actor_id, actor_kind, actor_name, at, changes, client_ip, "
        "entity_id, entity_ref, entity_type, prev_hash, reason, request_id, hash "
        "FROM audit_entry"
    ),
    "postgresql": (
        "SELECT id, action, actor_id, actor_kind, actor_name, "
        """to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), """
        "changes::text, client_ip, entity_id, entity_ref, entity_type, prev_hash, reason, "
        "request_id, hash FROM audit_entry"
    ),
}
_RANGES = {
    (False, False): " ORDER BY id",
    (True, False): " WHERE id >= {p} ORDER BY id",
    (False, True): " WHERE id < {p} ORDER BY id",
    (True, True): " WHERE id >= {p} AND id < {p} ORDER BY id",
}


class VerifyResult(NamedTuple):
    """``count``: entries found intact (all of them when ``ok``; those before the bad one else)."""

    ok: bool
    count: int
    first_bad_id: int | None = None
    reason: str | None = None


def verify_chain(
    bind: Engine | Connection, *, workers: int | None = 1, batch_size: int = 10_000,
    key: bytes | None = None,
) -> VerifyResult:
    """Check the whole chain. ``workers``: processes for an Engine's database (``None``: one
    per CPU for chains of ``PARALLEL_FROM`` entries or more). A Connection is walked by this
    process, inside the connection's transaction (so it sees that transaction's entries).
    ``key``: the audit key of a keyed chain (default: the process's, ``chain.chain_key``)."""
    if isinstance(bind, Connection):
        return verify_range(bind, batch_size=batch_size, key=key)
    url = bind.url
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if workers != 1 and not in_memory:
        with bind.connect() as conn:
            total = int(conn.execute(text("SELECT count(*) FROM audit_entry")).scalar() or 0)
            wanted = workers or ((os.cpu_count() or 1) if total >= PARALLEL_FROM else 1)
            bounds = _split(conn, total, wanted)
        if bounds:
            return _verify_in_processes(url.render_as_string(hide_password=False), bounds,
                                        batch_size, key)
    with bind.connect() as conn:
        return verify_range(conn, batch_size=batch_size, key=key)


def _split(conn: Connection, total: int, parts: int) -> list[tuple[int | None, int | None]]:
    """Id ranges holding about ``total / parts`` entries each (none if one part is enough)."""
    parts = min(parts, total // MIN_PER_PROCESS)
    if parts < 2:
        return []
    query = text("SELECT id FROM audit_entry ORDER BY id LIMIT 1 OFFSET :n")
    cuts = [int(conn.execute(query, {"n": total * i // parts}).scalar_one())
            for i in range(1, parts)]
    top = int(conn.execute(text("SELECT max(id) FROM audit_entry")).scalar_one())
    return list(zip([None, *cuts], [*cuts, top + 1], strict=True))


def _verify_in_processes(url: str, bounds: Sequence[tuple[int | None, int | None]],
                         batch_size: int, key: bytes | None) -> VerifyResult:
    # fork starts in milliseconds but is unsafe once threads run (web servers): spawn then
    single = threading.active_count() == 1
    method = "fork" if single and sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=len(bounds), mp_context=context) as pool:
        results = list(pool.map(_verify_range_at, [url] * len(bounds),
                                [lo for lo, _hi in bounds], [hi for _lo, hi in bounds],
                                [batch_size] * len(bounds), [key] * len(bounds)))
    count = 0
    for result in results:
        if not result.ok:
            return VerifyResult(False, count + result.count, result.first_bad_id, result.reason)
        count += result.count
    return VerifyResult(True, count)


def _verify_range_at(url: str, low: int | None, high: int | None, batch_size: int,
                     key: bytes | None) -> VerifyResult:
    """In a worker process: a connection of its own (never one inherited from the parent)."""
    from medtrace.platform.db.session import make_engine

    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return verify_range(conn, low, high, batch_size=batch_size, key=key)
    finally:
        engine.dispose()


def verify_range(conn: Connection, low: int | None = None, high: int | None = None, *,
                 batch_size: int = 10_000, key: bytes | None = None) -> VerifyResult:
    """Verify the entries with ``low <= id < high`` (bounds optional), linked to the one before."""
    dialect = conn.dialect.name
    if dialect not in _COLUMNS:
        raise NotImplementedError(f"no audit verification for {dialect}")
    if not conn.in_transaction():
        conn.begin()  # what autobegin would do: the raw cursor below runs in this transaction
    switch = keyed_from(conn)
    if switch is not None and key is None:
        try:
            key = chain_key()
        except AuditKeyMissing:
            return VerifyResult(False, 0, switch, "the chain is keyed: the audit key is needed")
    mode = Mode(key, keyed=switch is not None and low is not None and switch < low)
    expected, previous_id = GENESIS, None
    if low is not None:
        before = conn.execute(
            text("SELECT id, hash FROM audit_entry WHERE id < :low ORDER BY id DESC LIMIT 1"),
            {"low": low},
        ).first()
        if before is not None:
            previous_id, expected = int(before[0]), str(before[1])
    placeholder = "?" if dialect == "sqlite" else "%s"
    sql = _COLUMNS[dialect] + _RANGES[low is not None, high is not None].format(p=placeholder)
    params = [bound for bound in (low, high) if bound is not None]
    driver: Any = conn.connection.driver_connection
    if dialect == "sqlite":
        text_factory, driver.text_factory = driver.text_factory, bytes
        cursor = driver.cursor()
        try:
            cursor.execute(sql, params)
            return walk_bytes(iter(lambda: cursor.fetchmany(batch_size), []), expected.encode(),
                              previous_id, mode)
        finally:
            cursor.close()
            driver.text_factory = text_factory
    cursor = driver.cursor(name=f"medtrace_audit_{uuid.uuid4().hex[:12]}")
    try:
        cursor.execute(sql, params)
        return walk(iter(lambda: cursor.fetchmany(batch_size), []), expected, previous_id, mode)
    finally:
        cursor.close()


def _broken_link(id_: int, previous_id: int | None, count: int) -> VerifyResult:
    why = (
        "the first entry does not start the chain" if previous_id is None
        else f"prev_hash does not match the hash of entry {previous_id}"
    )  # fmt: skip
    return VerifyResult(False, count, id_, why)


_BAD_HASH = "hash does not match the entry's content"


class Mode:
    """How entries are hashed at this point of the walk: SHA-256, or HMAC-SHA256 under the audit
    key once the walk has passed the entry that keyed the chain."""

    def __init__(self, key: bytes | None = None, *, keyed: bool = False) -> None:
        self.key = key
        self.keyed = False
        self.digest: Any = lambda data: hashlib.sha256(data).hexdigest()
        if keyed:
            self.switch()

    def switch(self) -> None:
        if self.key is None:
            raise AuditKeyMissing("the chain is keyed: the audit key is needed")
        base = hmac.new(self.key, digestmod=hashlib.sha256)

        def digest(data: bytes) -> str:
            mac = base.copy()
            mac.update(data)
            return mac.hexdigest()

        self.keyed, self.digest = True, digest


def walk(batches: Iterable[Sequence[Any]], expected: str = GENESIS,
         previous_id: int | None = None, mode: Mode | None = None) -> VerifyResult:
    """Check rows ``(id, <content in key order with at and changes as hashed text>, hash)``."""
    q = encode_basestring
    mode = mode or Mode()
    sha = mode.digest
    count = 0
    for batch in batches:
        for (
            id_, action, actor_id, actor_kind, actor_name, at, changes, client_ip, entity_id,
            entity_ref, entity_type, prev, reason, request_id, stored,
        ) in batch:  # fmt: skip
            if prev != expected:
                return _broken_link(id_, previous_id, count)
            text = (
                f'{{"action":{q(action)},"actor_id":{"null" if actor_id is None else actor_id},'
                f'"actor_kind":{q(actor_kind)},"actor_name":{q(actor_name)},"at":"{at}",'
                f'"changes":{changes},"client_ip":{"null" if client_ip is None else q(client_ip)},'
                f'"entity_id":{q(entity_id)},'
                f'"entity_ref":{"null" if entity_ref is None else q(entity_ref)},'
                f'"entity_type":{q(entity_type)},"prev_hash":"{prev}",'
                f'"reason":{"null" if reason is None else q(reason)},'
                f'"request_id":{"null" if request_id is None else q(request_id)}}}'
            )
            if sha(text.encode()) != stored:
                return VerifyResult(False, count, id_, _BAD_HASH)
            expected = stored
            previous_id = id_
            count += 1
            if action == KEYED_ACTION and entity_type == KEYED_ENTITY and not mode.keyed:
                mode.switch()
                sha = mode.digest
    return VerifyResult(True, count)


_PLAIN = (
    b'{"action":"%s","actor_id":%s,"actor_kind":"%s","actor_name":"%s","at":"%sT%sZ",'
    b'"changes":%s,"client_ip":%s,"entity_id":"%s","entity_ref":%s,"entity_type":"%s",'
    b'"prev_hash":"%s","reason":%s,"request_id":%s}'
)
_PLAIN_QUOTES = 40  # in _PLAIN with every optional field null


def _text_of(row: Sequence[Any]) -> bytes:
    """The document of a SQLite bytes row, through ``chain.document`` (exact for any content)."""
    fields = [v.decode() if isinstance(v, bytes) else v for v in row[1:14]]
    if fields[1] is not None and type(fields[1]) is not int:
        raise TypeError("actor_id is not an integer")
    at = fields[4]
    fields[4] = f"{at[:10]}T{at[11:]}Z"
    return document(*fields).encode()


def walk_bytes(batches: Iterable[Iterable[Sequence[Any]]], expected: bytes = GENESIS.encode(),
               previous_id: int | None = None, mode: Mode | None = None) -> VerifyResult:
    """``walk`` for SQLite rows read as bytes, ``at`` as stored.

    Fast path: the fields are dropped into the document unescaped. That is the canonical
    document exactly when no field holds a character JSON escapes; quotes and backslashes are
    ruled out by counting them (the template has 40 quotes and no backslash, ``changes`` is
    JSON already), control characters need no test (a canonical document never holds one raw,
    so such a row cannot match its hash). Any other row, or a mismatch, takes the exact path.
    """
    mode = mode or Mode()
    sha = mode.digest
    plain = _PLAIN
    count = 0
    keyed_action, keyed_entity = KEYED_ACTION.encode(), KEYED_ENTITY.encode()
    for batch in batches:
        for row in batch:
            (
                id_, action, actor_id, actor_kind, actor_name, at, changes, client_ip,
                entity_id, entity_ref, entity_type, prev, reason, request_id, stored,
            ) = row  # fmt: skip
            if prev != expected:
                return _broken_link(id_, previous_id, count)
            try:
                if type(actor_id) is int or actor_id is None:
                    data = plain % (
                        action, b"null" if actor_id is None else b"%d" % actor_id, actor_kind,
                        actor_name, at[:10], at[11:], changes,
                        b"null" if client_ip is None else b'"%s"' % client_ip, entity_id,
                        b"null" if entity_ref is None else b'"%s"' % entity_ref, entity_type,
                        prev, b"null" if reason is None else b'"%s"' % reason,
                        b"null" if request_id is None else b'"%s"' % request_id,
                    )  # fmt: skip
                    intact = (
                        data.count(b'"') == _PLAIN_QUOTES + changes.count(b'"') + 2 * (
                            (client_ip is not None) + (entity_ref is not None)
                            + (reason is not None) + (request_id is not None))
                        and data.count(b"\\") == changes.count(b"\\")
                        and sha(data).encode() == stored
                    )  # fmt: skip
                else:
                    intact = False
                if not intact and sha(_text_of(row)).encode() != stored:
                    return VerifyResult(False, count, id_, _BAD_HASH)
            except (TypeError, ValueError):  # a value of the wrong type: tampered with
                return VerifyResult(False, count, id_, _BAD_HASH)
            expected = stored
            previous_id = id_
            count += 1
            if action == keyed_action and entity_type == keyed_entity and not mode.keyed:
                mode.switch()
                sha = mode.digest
    return VerifyResult(True, count)
