"""Checkpoints of a bulk load: a rerun of the same files resumes after the last committed batch,
and a run whose process is gone is marked failed when it is seen.

Each batch writes its checkpoint (file, last line, counts so far, heartbeat) in its own
transaction, so the checkpoint never claims a batch the database does not hold, nor misses one
it does. The files are recognised by a hash of their SHA-256 digests; the batch size of the
first run is kept, so a resumed run cuts the remaining rows into the very batches (and journal
events, one per document within a batch) an uninterrupted run would have made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import socket
from typing import Any

from sqlalchemy import Connection, select, update

from medtrace.modules.traceability.errors import ImportAlreadyRunning
from medtrace.modules.traceability.models import ImportCheckpoint, ImportRun
from medtrace.platform.db.uow import UnitOfWork

#: a run whose heartbeat (one per committed batch) is older than this is taken as dead, even
#: when its process cannot be checked (another machine)
HEARTBEAT_STALE = dt.timedelta(minutes=10)


def content_hash(files: dict[str, dict[str, Any]]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{files[name]['sha256']}\0{files[name]['bytes']}\n".encode())
    return digest.hexdigest()


def this_process() -> tuple[str, int]:
    return socket.gethostname()[:255], os.getpid()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def process_gone(checkpoint: ImportCheckpoint, now: dt.datetime) -> bool:
    """Whether the process that ran this import is no longer there."""
    if now - checkpoint.heartbeat_at > HEARTBEAT_STALE:
        return True
    host, pid = this_process()
    if checkpoint.host != host:
        return False  # another machine: only the heartbeat tells
    return checkpoint.pid != pid and not _pid_alive(checkpoint.pid)


def mark_dead_imports(uow: UnitOfWork) -> list[int]:
    """Mark every ``running`` import whose process is gone as ``failed``; their ids."""
    now = uow.now()
    dead = []
    rows = uow.session.execute(
        select(ImportRun, ImportCheckpoint)
        .outerjoin(ImportCheckpoint, ImportCheckpoint.run_id == ImportRun.id)
        .where(ImportRun.status == "running").order_by(ImportRun.id)
        .with_for_update(of=ImportRun)
    ).all()
    for run, checkpoint in rows:
        if checkpoint is None:  # a run from before checkpoints: only its age tells
            if now - run.started_at <= HEARTBEAT_STALE:
                continue
            where = "no checkpoint"
        elif not process_gone(checkpoint, now):
            continue
        else:
            where = (f"process {checkpoint.pid} on {checkpoint.host} stopped after "
                     f"{checkpoint.file or 'no batch'}"
                     + (f" line {checkpoint.line}" if checkpoint.file else ""))
        run.status = "failed"
        run.finished_at = now
        run.counts = {**(run.counts or {}),
                      **({"rows": checkpoint.rows, "created": checkpoint.created}
                         if checkpoint is not None else {}),
                      "error": f"the import died ({where}); import the same files again to "
                               "resume it"}
        dead.append(run.id)
    return dead


def resumable(uow: UnitOfWork, digest: str) -> tuple[ImportRun, ImportCheckpoint] | None:
    """The latest run of these very files, when it did not finish (it is then resumed).

    Raises ImportAlreadyRunning when that run is still going."""
    found = uow.session.execute(
        select(ImportRun, ImportCheckpoint)
        .join(ImportCheckpoint, ImportCheckpoint.run_id == ImportRun.id)
        .where(ImportCheckpoint.content_hash == digest)
        .order_by(ImportRun.id.desc()).limit(1).with_for_update(of=ImportRun)
    ).first()
    if found is None or found[0].status == "done":
        return None
    run, checkpoint = found
    if run.status == "running":
        raise ImportAlreadyRunning(
            f"import {run.id} of these files is still running (process {checkpoint.pid} on "
            f"{checkpoint.host})")
    return run, checkpoint


def save_checkpoint(conn: Connection, run_id: int, *, file: str, line: int,
                    rows: dict[str, int], created: dict[str, int], now: dt.datetime) -> None:
    """Record a committed batch (call inside the batch's transaction)."""
    table = ImportCheckpoint.__table__
    conn.execute(update(table).where(table.c.run_id == run_id).values(  # type: ignore[attr-defined]
        file=file, line=line, rows=rows, created=created, heartbeat_at=now))
