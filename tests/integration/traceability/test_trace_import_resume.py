"""A killed `medtrace trace import` resumes: the import runs in a process of its own, is killed
(SIGKILL) after some batches of the edges committed, is seen as dead and marked failed, and the
rerun of the same files skips what was committed and ends with exactly what an uninterrupted run
gives: every trace matches the workload's oracle, and every table holds as many rows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from medtrace.modules.traceability.bulk.service import FILES, TraceImport, resume
from medtrace.modules.traceability.errors import ImportAlreadyRunning, ImportRowInvalid
from medtrace.modules.traceability.models import (
    Edge,
    Event,
    EventObject,
    ImportCheckpoint,
    ImportRun,
    TraceObject,
)
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database, make_engine
from medtrace.platform.db.uow import UnitOfWork

from .test_trace_import import check_against_the_oracle

SOURCE = Path(__file__).resolve().parents[3] / "src"
BATCH = 100


def _migrated(scratch, backend) -> Database:  # type: ignore[no-untyped-def]
    url = scratch.new_url(backend)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return Database.from_url(url)


def _start_import(db: Database, data: Path, cwd: Path) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MEDTRACE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(SOURCE), *filter(None, [env.get("PYTHONPATH")])])
    env["MEDTRACE_DATABASE_URL"] = db.engine.url.render_as_string(hide_password=False)
    return subprocess.Popen(
        [sys.executable, "-m", "medtrace.cli", "trace", "import", str(data), "--quiet",
         "--batch-size", str(BATCH)],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _checkpoint(db: Database) -> tuple[str | None, int] | None:
    with UnitOfWork(db, write=False) as uow:
        row = uow.session.execute(select(ImportCheckpoint.file, ImportCheckpoint.line)).first()
    return None if row is None else (row[0], row[1])


def _table_counts(db: Database) -> dict[str, int]:
    with UnitOfWork(db, write=False) as uow:
        return {model.__tablename__: uow.session.scalar(select(func.count()).select_from(model))
                for model in (TraceObject, Edge, Event, EventObject)}


def test_a_killed_import_is_marked_failed_and_resumes_to_the_exact_result(
        backend, scratch, workload, tmp_path):
    db = _migrated(scratch, backend)
    process = _start_import(db, workload, tmp_path)
    deadline = time.monotonic() + 240
    try:
        while True:  # until some batches of the edges (after lots, units, containers) committed
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the import never reached the edges"
            seen = _checkpoint(db)
            if seen and seen[0] and FILES.index(seen[0]) >= FILES.index("edges.csv") \
                    and seen[1] > 3 * BATCH:
                break
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    killed_at = _checkpoint(db)
    assert killed_at is not None

    with UnitOfWork(db) as uow:  # the dead run is seen, and marked failed
        run_id = uow.session.scalar(select(ImportRun.id))
        assert uow.session.get(ImportRun, run_id).status == "running"
        assert resume.mark_dead_imports(uow) == [run_id]
    with UnitOfWork(db, write=False) as uow:
        run = uow.session.get(ImportRun, run_id)
        assert run.status == "failed" and f"stopped after {killed_at[0]} line {killed_at[1]}" \
            in run.counts["error"]

    # the rerun (asking for other batches: the first run's are kept) resumes the same run
    result = TraceImport(db, workload, batch_size=5000).run()
    assert result["import_id"] == run_id and result["resumed"] is True
    check_against_the_oracle(db, workload, result)

    fresh = _migrated(scratch, backend)
    whole = TraceImport(fresh, workload, batch_size=BATCH).run()
    assert whole["resumed"] is False
    assert result["rows"] == whole["rows"] and result["created"] == whole["created"]
    assert _table_counts(db) == _table_counts(fresh)
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.get(ImportRun, run_id).status == "done"
    db.dispose()
    fresh.dispose()


def test_a_running_import_of_the_same_files_is_not_started_twice(backend, scratch, workload):
    db = _migrated(scratch, backend)
    files = {name: {"sha256": "0" * 64, "bytes": 0} for name in FILES}
    with UnitOfWork(db) as uow:  # a live run of these files: this very process holds it
        run = ImportRun(source="w", files=files, counts={}, status="running", actor="test")
        uow.session.add(run)
        uow.session.flush()
        host, pid = resume.this_process()
        uow.session.add(ImportCheckpoint(
            run_id=run.id, content_hash=resume.content_hash(TraceImport(db, workload).files()),
            batch_size=BATCH, file=None, line=0, rows={}, created={}, host=host, pid=pid,
            heartbeat_at=uow.now()))
    with pytest.raises(ImportAlreadyRunning):
        TraceImport(db, workload).run()
    db.dispose()


def test_importing_finished_files_again_names_the_first_line_already_recorded(db, workload):
    TraceImport(db, workload, batch_size=2000).run()
    with pytest.raises(ImportRowInvalid) as caught:
        TraceImport(db, workload, batch_size=2000).run()  # a new run: the first one is done
    assert "lots.csv line 2: lot " in (caught.value.detail or ""), caught.value.detail
    assert "already recorded" in (caught.value.detail or "")
