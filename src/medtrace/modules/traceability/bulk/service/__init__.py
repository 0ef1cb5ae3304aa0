"""Bulk loading of traceability history (``medtrace trace import DIR``): the CSV format of
docs/trace-import.md, which is also what ``../shared/bench/gen_trace_workload.py`` writes.

Every row goes through the same rules as the services (``rules.py`` and the catalog's and
partners' own services for master data); rows are written in batches, one transaction each, with
set-based statements instead of one ORM object per row. A bad row stops the import with its file
and line, and nothing of its batch is kept. The audit trail records the run (files with their
SHA-256, counts, outcome) as one ``traceability_import`` record rather than an entry per row;
every imported thing and event carries on in the journal like any other.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Connection, Table, select, text
from sqlalchemy.exc import IntegrityError

from medtrace.modules import catalog, partners
from medtrace.modules.traceability import rules
from medtrace.modules.traceability.bulk.rules import (
    Progress,
    RowError,
    csv_rows,
    fast_insert,
    sha256_of,
    utc_text,
)
from medtrace.modules.traceability.bulk.service import resume
from medtrace.modules.traceability.bulk.service.links import LinkLoader
from medtrace.modules.traceability.bulk.service.things import ThingLoader
from medtrace.modules.traceability.errors import ImportRowInvalid
from medtrace.modules.traceability.models import (
    Edge,
    Event,
    EventObject,
    ImportCheckpoint,
    ImportRun,
    TraceObject,
)
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork

IMPORT_CACHE_KIB = 128 * 1024
STATISTICS_EVERY = 10  # batches between fresh planner statistics (PostgreSQL)
INTEGRITY_ERRORS = (IntegrityError, sqlite3.IntegrityError, psycopg.errors.IntegrityError)
FILES = ("partners.csv", "items.csv", "lots.csv", "receipts.csv", "units.csv",
         "logistic_units.csv", "edges.csv", "shipments.csv", "service_events.csv")
KIND_CODE = {"lot": 1, "unit": 2, "container": 3}


class TraceImport(ThingLoader, LinkLoader):
    """One run of the bulk import of a directory of CSV files."""

    def __init__(self, db: Database, directory: Path, *, actor: Actor = SYSTEM,
                 batch_size: int = 20000, timezone: str = "Asia/Shanghai",
                 progress: Callable[[Progress], None] | None = None) -> None:
        self.db, self.dir, self.actor = db, Path(directory), actor
        self.batch_size, self.timezone = batch_size, timezone
        self.report = progress or (lambda _: None)
        self.ids: dict[str, int] = {}  # workload id -> object id
        self.kind = bytearray()  # object id -> 1 lot, 2 unit, 3 container
        self.was_child = bytearray()  # object id -> 1 when it is a child of an edge
        self.items: dict[str, int] = {}
        self.item_tracking: dict[int, str] = {}
        self.partners: dict[str, int] = {}
        self.lot_info: dict[int, tuple[int, str | None, str | None]] = {}
        self.progress = Progress()
        self.run_id: int | None = None
        # Numbers this import could collide with: only kinds the database held before it
        # are searched ahead; inside one import the unique constraints catch a repeat, and
        # the failed batch is then searched for the line (see _write).
        self.existing_kinds: set[str] = set()
        # Resuming a run of the same files: the rows up to ``done_line`` of ``done_file`` (and
        # every file before it) are in the database already (see resume.py).
        self.resumed = False
        self.done_file: str | None = None
        self.done_line = 0

    # --- driver -------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        missing = [f for f in FILES if not (self.dir / f).is_file()]
        if missing:
            raise ImportRowInvalid(f"{self.dir}: missing {', '.join(missing)}")
        self._start(self.files())
        # The import builds millions of small objects that live as long as the run (the id
        # maps): the cyclic garbage collector would walk them again and again for nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._load_existing()
            self._master_data()
            self._stream("lots.csv", self._lots)
            self._stream("receipts.csv", self._receipts)
            self._stream("units.csv", self._units)
            self._stream("logistic_units.csv", self._containers)
            self._stream("edges.csv", self._edges)
            self._stream("shipments.csv", self._shipments)
            self._stream("service_events.csv", self._service_events)
        except ImportRowInvalid as exc:
            self._finish("failed", {"error": exc.detail or str(exc)})
            raise
        except Exception as exc:
            self._finish("failed", {"error": f"{type(exc).__name__}: {exc}"[:2000]})
            raise
        finally:
            if collecting:
                gc.enable()
        self._finish("done", {})
        self._analyze()
        return {"import_id": self.run_id, "rows": dict(self.progress.file_rows),
                "created": dict(self.progress.counts), "resumed": self.resumed}

    def files(self) -> dict[str, dict[str, Any]]:
        """Each file's SHA-256 and size."""
        return {name: {"sha256": sha256_of(self.dir / name),
                       "bytes": (self.dir / name).stat().st_size} for name in FILES}

    def _start(self, files: dict[str, dict[str, Any]]) -> None:
        """A new run, or the resumption of the unfinished run of these very files."""
        digest = resume.content_hash(files)
        host, pid = resume.this_process()
        with self._uow() as uow:
            resume.mark_dead_imports(uow)
            found = resume.resumable(uow, digest)
            if found is not None:
                run, checkpoint = found
                run.status, run.finished_at = "running", None
                checkpoint.host, checkpoint.pid, checkpoint.heartbeat_at = host, pid, uow.now()
                self.resumed = True
                self.batch_size = checkpoint.batch_size  # the same batches as the first run
                self.done_file, self.done_line = checkpoint.file, checkpoint.line
                self.progress.file_rows = dict(checkpoint.rows)
                self.progress.counts = dict(checkpoint.created)
                self.progress.rows = sum(self.progress.file_rows.values())
            else:
                run = ImportRun(source=self.dir.name, files=files, counts={}, status="running",
                                actor=self.actor.key)
                uow.session.add(run)
                uow.session.flush()
                uow.session.add(ImportCheckpoint(
                    run_id=run.id, content_hash=digest, batch_size=self.batch_size, file=None,
                    line=0, rows={}, created={}, host=host, pid=pid, heartbeat_at=uow.now()))
            self.run_id = run.id

    def _done_rows(self, name: str) -> int | None:
        """The last line of ``name`` a previous run committed: 0 for none, None for all."""
        if self.done_file is None:
            return 0
        mine, theirs = FILES.index(name), FILES.index(self.done_file)
        if mine < theirs:
            return None
        return self.done_line if mine == theirs else 0

    def _checkpoint(self, conn: Connection, name: str, line: int, added: int) -> None:
        rows = dict(self.progress.file_rows)
        rows[name] = rows.get(name, 0) + added
        resume.save_checkpoint(conn, self.run_id or 0, file=name, line=line, rows=rows,
                               created=dict(self.progress.counts), now=dt.datetime.now(dt.UTC))

    def _analyze(self) -> None:
        """Fresh planner statistics after a bulk load."""
        with self._uow() as uow:
            conn = uow.session.connection()
            sqlite = conn.dialect.name == "sqlite"
            for table in ("traceability_object", "traceability_edge", "traceability_event",
                          "traceability_event_object"):
                if not (sqlite and table == "traceability_edge"):
                    conn.exec_driver_sql(f"ANALYZE {table}")
            if sqlite:
                # With statistics on the edge table SQLite (3.38+) builds a Bloom filter over
                # the whole edge index in each step of a trace's recursion, a full index scan
                # per trace; without them every step is a plain covering-index probe.
                conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'traceability_edge'")

    def _uow(self, reason: str | None = None) -> UnitOfWork:
        context = {"actor": self.actor, "reason": reason or f"trace import {self.dir.name}"}
        return UnitOfWork(self.db, timezone=self.timezone, context=context)

    def _finish(self, status: str, extra: dict[str, Any]) -> None:
        with self._uow() as uow:
            run = uow.session.get(ImportRun, self.run_id)
            assert run is not None
            run.status = status
            run.counts = {"rows": dict(self.progress.file_rows),
                          "created": dict(self.progress.counts), **extra}
            run.finished_at = uow.now()

    def _count(self, name: str, n: int) -> None:
        self.progress.counts[name] = self.progress.counts.get(name, 0) + n

    def _stream(self, name: str, handler: Callable[[Connection, list[tuple[int, list[str]]]],
                                                   None]) -> None:
        self.progress.file = name
        path = self.dir / name
        done = self._done_rows(name)
        recover = self._recovery(name) if done != 0 else None
        batch: list[tuple[int, list[str]]] = []
        written = 0
        for line, row in csv_rows(path):
            if done is None or line <= done:
                if recover is not None:
                    recover(line, row)
                continue
            batch.append((line, row))
            if len(batch) >= self.batch_size:
                self._write(name, handler, batch)
                batch = []
                written += 1
                if written % STATISTICS_EVERY == 0:
                    self._fresh_statistics()
        if batch:
            self._write(name, handler, batch)
        self._fresh_statistics()

    def _fresh_statistics(self) -> None:
        """PostgreSQL plans the look-ups of the next batches (the cycle check's recursion, the
        updates by id) from statistics; tables that grow by millions of rows need them renewed
        as they grow, or a probe of a few rows becomes a scan of the whole table. ANALYZE reads a
        sample, a fraction of a second. (SQLite plans these look-ups well without statistics.)"""
        if self.db.dialect != "postgresql":
            return
        with self._uow() as uow:
            conn = uow.session.connection()
            for table in ("traceability_object", "traceability_edge"):
                conn.exec_driver_sql(f"ANALYZE {table}")

    def _write(self, name: str, handler: Callable[..., None],
               batch: list[tuple[int, list[str]]]) -> None:
        try:
            with self._uow() as uow:
                conn = uow.session.connection()
                if conn.dialect.name == "sqlite":  # a bigger page cache for this connection
                    conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
                    conn.exec_driver_sql("PRAGMA mmap_size = 0")
                handler(conn, batch)
                self._checkpoint(conn, name, batch[-1][0], len(batch))
        except RowError as exc:
            line = getattr(exc, "line", "?")
            if line == "?" and getattr(exc, "code", None):
                line = self._line_of(name, batch, exc.code)  # type: ignore[attr-defined]
            raise ImportRowInvalid(f"{name} line {line}: {exc.message}") from None
        except INTEGRITY_ERRORS:
            raise ImportRowInvalid(f"{name} {self._find_repeat(name, batch)}") from None
        self.progress.rows += len(batch)
        self.progress.file_rows[name] = self.progress.file_rows.get(name, 0) + len(batch)
        self.report(self.progress)

    # --- what is already there ------------------------------------------------------------------
    def _load_existing(self) -> None:
        with self._uow() as uow:
            self.items = catalog.item_ids_by_code(uow)
            self.partners = partners.partner_ids_by_code(uow)
            top = uow.session.scalar(select(TraceObject.id).order_by(TraceObject.id.desc())
                                     .limit(1)) or 0
            self._grow(top)
            for object_id, kind in uow.session.execute(select(TraceObject.id, TraceObject.kind)):
                self.kind[object_id] = KIND_CODE[kind]
                self.existing_kinds.add(kind)
            for (child,) in uow.session.execute(select(Edge.child_id).distinct()):
                self.was_child[child] = 1

    def _grow(self, top: int) -> None:
        if top >= len(self.kind):
            extra = top + 1 - len(self.kind) + 1024
            self.kind.extend(bytes(extra))
            self.was_child.extend(bytes(extra))

    def _reserve(self, conn: Connection, table: str, n: int) -> list[int]:
        """``n`` fresh primary keys of ``table`` (safe next to other writers)."""
        if conn.dialect.name == "postgresql":
            rows = conn.execute(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                     "FROM generate_series(1, :n)"), {"n": n, "table": table})
            return [r[0] for r in rows]
        top = conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
                           ).scalar_one()
        return list(range(top + 1, top + 1 + n))  # SQLite: we hold the write lock

    # --- master data, through the owning modules' services ---------------------------------------
    def _master_data(self) -> None:
        self.progress.file = "partners.csv"
        with self._uow() as uow:
            line, done = 0, self._done_rows("partners.csv")
            for line, row in csv_rows(self.dir / "partners.csv"):
                if done is None or line <= done:
                    continue
                try:
                    self._partner(uow, row)
                except RowError as exc:
                    raise ImportRowInvalid(f"partners.csv line {line}: {exc.message}") from None
                except Exception as exc:  # a service's DomainError: keep its message
                    raise ImportRowInvalid(f"partners.csv line {line}: {exc}") from None
                self.progress.file_rows["partners.csv"] = \
                    self.progress.file_rows.get("partners.csv", 0) + 1
            self._checkpoint(uow.session.connection(), "partners.csv", line, 0)
        self.progress.file = "items.csv"
        with self._uow() as uow:
            line, done = 0, self._done_rows("items.csv")
            for line, row in csv_rows(self.dir / "items.csv"):
                if done is None or line <= done:
                    continue
                try:
                    self._item(uow, row)
                except RowError as exc:
                    raise ImportRowInvalid(f"items.csv line {line}: {exc.message}") from None
                except Exception as exc:
                    raise ImportRowInvalid(f"items.csv line {line}: {exc}") from None
                self.progress.file_rows["items.csv"] = \
                    self.progress.file_rows.get("items.csv", 0) + 1
            self._checkpoint(uow.session.connection(), "items.csv", line, 0)
            self.item_tracking.update(catalog.item_trackings(uow))
        self.report(self.progress)

    def _partner(self, uow: UnitOfWork, row: list[str]) -> None:
        code, kind, name = row[0], row[1], row[2]
        if code in self.partners:
            return
        if kind not in ("supplier", "distributor", "hospital", "manufacturer"):
            raise RowError(f"unknown partner kind {kind!r}")
        partner = partners.create_partner(uow, partners.PartnerCreate(
            code=code, name_zh=name, name_en=name, is_supplier=kind == "supplier",
            is_manufacturer=kind == "manufacturer",
            is_customer=kind in ("distributor", "hospital"),
            customer_type=kind if kind in ("distributor", "hospital") else None))
        self.partners[code] = partner.id

    def _item(self, uow: UnitOfWork, row: list[str]) -> None:
        code, gtin, name, kind, tracking, uom, shelf_life = row[:7]
        if code in self.items:
            return
        item = catalog.create_item(uow, catalog.ItemCreate(
            code=code, name_zh=name, name_en=name, kind=kind, tracking=tracking,
            base_uom=uom.upper(), shelf_life_days=int(shelf_life) if shelf_life else None,
            packaging=[{"level": 0, "name": "unit", "gtin": gtin, "quantity": "1"}]))
        catalog.set_status(uow, item.id, "active")
        self.items[code] = item.id

    # --- helpers for rows -------------------------------------------------------------------
    def _item_id(self, code: str) -> int:
        item_id = self.items.get(code)
        if item_id is None:
            raise RowError(f"unknown item {code!r}")
        return item_id

    def _partner_id(self, code: str) -> int:
        partner_id = self.partners.get(code)
        if partner_id is None:
            raise RowError(f"unknown partner {code!r}")
        return partner_id

    def _object(self, key: str, kind: str | None = None) -> int:
        object_id = self.ids.get(key)
        if object_id is None:
            raise RowError(f"unknown {kind or 'lot, unit or container'} {key!r}")
        if kind is not None and self.kind[object_id] != KIND_CODE[kind]:
            raise RowError(f"{key!r} is not a {kind}")
        return object_id

    def _taken(self, conn: Connection, kind: str, keys: list[tuple[int | None, str]],
               *, always: bool = False) -> None:
        """Refuse numbers already recorded (unique per item; SSCCs unique)."""
        if not always and kind not in self.existing_kinds:
            return
        codes = sorted({code for _, code in keys})
        wanted = set(keys)
        clashes: set[str] = set()
        for start in range(0, len(codes), 900):
            chunk = codes[start:start + 900]
            found = conn.execute(select(TraceObject.item_id, TraceObject.code).where(
                TraceObject.kind == kind, TraceObject.code.in_(chunk))).all()
            clashes.update(code for item_id, code in found
                           if kind == "container" or (item_id, code) in wanted)
        if clashes:  # name the first row (in the file's order) that clashes
            code = next(code for _, code in keys if code in clashes)
            error = RowError(f"{kind} {code} is already recorded")
            error.code = code  # type: ignore[attr-defined]
            raise error

    def _keyed(self, name: str, batch: list[tuple[int, list[str]]]
               ) -> tuple[str, list[tuple[int, tuple[int | None, str]]]] | None:
        """The kind of thing a file records, and each line's (item id, number) key."""
        shapes = {"lots.csv": ("lot", 1, 2), "units.csv": ("unit", 1, 0),
                  "logistic_units.csv": ("container", None, 0)}
        if name not in shapes:
            return None
        kind, item_col, code_col = shapes[name]
        keyed = []
        for line, row in batch:
            code = row[code_col]
            if kind == "container":
                code = rules.normalize_sscc(code) or code
            keyed.append((line, (self.items.get(row[item_col]) if item_col is not None
                                 else None, code)))
        return kind, keyed

    def _line_of(self, name: str, batch: list[tuple[int, list[str]]], code: str) -> int | str:
        """The line of ``batch`` that records the number ``code``."""
        shape = self._keyed(name, batch)
        keyed = shape[1] if shape else []
        return next((n for n, key in keyed if key[1] == code), "?")

    def _find_repeat(self, name: str, batch: list[tuple[int, list[str]]]) -> str:
        """After the database refused a batch for a repeated number: which line repeats."""
        shape = self._keyed(name, batch)
        if shape is None:
            return (f"lines {batch[0][0]}-{batch[-1][0]}: a row repeats something that must be "
                    "unique")
        kind, keyed = shape
        with self._uow() as uow:
            try:
                self._taken(uow.session.connection(), kind, [k for _, k in keyed], always=True)
            except RowError as exc:
                return f"line {self._line_of(name, batch, getattr(exc, 'code', ''))}: " \
                       f"{exc.message}"
        seen: dict[tuple[int | None, str], int] = {}
        for line, key in keyed:  # a number repeated inside the batch itself
            if key in seen:
                return f"line {line}: {kind} {key[1]} repeats line {seen[key]}"
            seen[key] = line
        return (f"lines {batch[0][0]}-{batch[-1][0]}: a row repeats a number that must be "
                "unique")

    def _insert(self, conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
        fast_insert(conn, table, rows)

    def _events(self, conn: Connection, events: list[dict[str, Any]],
                objects: list[dict[str, Any]]) -> None:
        self._insert(conn, Event.__table__, events)  # type: ignore[arg-type]
        self._insert(conn, EventObject.__table__, objects)  # type: ignore[arg-type]
        self._count("events", len(events))

    def _event(self, event_id: int, step: str, at: dt.datetime, **fields: Any) -> dict[str, Any]:
        spec = rules.STEPS[step]
        kind = fields.pop("type", None) or spec.type
        return {"id": event_id, "event_uid": f"urn:uuid:{uuid.uuid4()}", "type": kind,
                "action": None if kind == "TransformationEvent" else spec.action,
                "step": step, "biz_step": spec.biz_step, "disposition": spec.disposition,
                "event_time": at, "tz_offset": "+00:00", "record_time": self._now,
                "read_point": None, "biz_location": None, "doc": None, "biz_transactions": [],
                "sources": [], "destinations": [], "extra": {}, "actor": self.actor.key,
                "request_id": None, "origin": "import"} | fields

    @property
    def _now(self) -> str:
        return utc_text(dt.datetime.now(dt.UTC))

    def _new_objects(self, conn: Connection, kind: str, parsed: list[dict[str, Any]],
                     keys: list[str]) -> list[int]:
        ids = self._reserve(conn, "traceability_object", len(parsed))
        self._grow(ids[-1])
        code = KIND_CODE[kind]
        for object_id, row, key in zip(ids, parsed, keys, strict=True):
            row["id"] = object_id
            self.kind[object_id] = code
            self.ids[key] = object_id
        self._insert(conn, TraceObject.__table__, parsed)  # type: ignore[arg-type]
        self._count(f"{kind}s", len(parsed))
        return ids
