"""How fast ``verify_chain`` walks the audit trail.

    .venv/bin/python bench/audit_verify.py [--entries N] [--database-url postgresql://...]

Builds a scratch SQLite database (a temporary file, removed afterwards) and, with
``--database-url``, fills that PostgreSQL database too (it must have no audit entries yet; it is
migrated to head first). N chained entries (default 1,000,000) are bulk-inserted with the same
hashing as the application, then ``verify_chain`` is timed. One JSON line per database:
``{"entries": N, "seconds": ..., "entries_per_second": ..., "database": "sqlite"}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from medtrace.platform.audit.chain import (
    GENESIS,
    canonical_json,
    entry_hash,
    format_time,
)
from medtrace.platform.audit.verify import PARALLEL_FROM, verify_chain
from medtrace.platform.db import migrate
from medtrace.platform.db.session import make_engine

COLUMNS = (
    "action, actor_id, actor_kind, actor_name, at, changes, client_ip, entity_id, entity_ref, "
    "entity_type, prev_hash, reason, request_id, hash"
)
ACTIONS = [("auth_user", "auth.user.update"), ("platform_setting", "platform.setting.update"),
           ("auth_role", "auth.role.update")]
ACTORS = [(1, "admin"), (2, "王芳"), (3, "qa.lead"), (4, "li.wei")]
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def chained_rows(count: int) -> Iterator[tuple[Any, ...]]:
    """Realistic entries: one field changed, a reference, a request id, some reasons."""
    prev = GENESIS
    for n in range(1, count + 1):
        entity_type, action = ACTIONS[n % len(ACTIONS)]
        actor_id, actor_name = ACTORS[n % len(ACTORS)]
        at = START + dt.timedelta(microseconds=n * 1_000_003)
        changes = canonical_json({"printed_name": {"old": f"名称 {n - 1}", "new": f"名称 {n}"}})
        reason = "CAPA-2026-017: corrected" if n % 10 == 0 else None
        fields = (action, actor_id, "user", actor_name, at, changes, "10.20.30.40",
                  str(n // 3 + 1), f"REF-{n // 3 + 1:08d}", entity_type, prev, reason,
                  f"{n:032x}")
        digest = entry_hash(*fields[:4], format_time(at), *fields[5:])
        yield (*fields, digest)
        prev = digest


def fill_sqlite(engine: Engine, count: int, batch: int = 50_000) -> None:
    sql = f"INSERT INTO audit_entry ({COLUMNS}) VALUES ({', '.join('?' * 14)})"
    with engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        rows: list[tuple[Any, ...]] = []
        for row in chained_rows(count):
            at = row[4].replace(tzinfo=None).isoformat(" ", "microseconds")  # SQLite storage
            rows.append((*row[:4], at, *row[5:]))
            if len(rows) == batch:
                cursor.executemany(sql, rows)
                rows.clear()
        cursor.executemany(sql, rows)


def fill_postgresql(engine: Engine, count: int) -> None:
    with engine.begin() as conn:
        if conn.exec_driver_sql("SELECT count(*) FROM audit_entry").scalar():
            raise SystemExit("the PostgreSQL database already has audit entries; use an empty one")
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY audit_entry ({COLUMNS}) FROM STDIN") as copy:
            for row in chained_rows(count):
                copy.write_row(row)


def measure(engine: Engine, database: str, count: int, workers: int) -> dict[str, Any]:
    started = time.perf_counter()
    result = verify_chain(engine, workers=workers or None)
    seconds = time.perf_counter() - started
    if not result.ok or result.count != count:
        raise SystemExit(f"verification failed: {result}")
    return {"entries": count, "seconds": round(seconds, 3),
            "entries_per_second": round(count / seconds), "database": database,
            "workers": workers or ((os.cpu_count() or 1) if count >= PARALLEL_FROM else 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="also fill and verify this PostgreSQL database")
    parser.add_argument("--workers", type=int, default=0,
                        help="verification processes (0: verify_chain's default, one per CPU)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="medtrace-bench-"))
    try:
        engine = make_engine(f"sqlite:///{folder / 'audit.db'}")
        migrate.upgrade(engine)
        fill_sqlite(engine, args.entries)
        print(json.dumps(measure(engine, "sqlite", args.entries, args.workers)), flush=True)
        engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.database_url:
        engine = make_engine(args.database_url)
        migrate.upgrade(engine)
        fill_postgresql(engine, args.entries)
        print(json.dumps(measure(engine, "postgresql", args.entries, args.workers)), flush=True)
        engine.dispose()


if __name__ == "__main__":
    main()
