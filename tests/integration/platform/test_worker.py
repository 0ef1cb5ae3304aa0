"""The audit-checkpoint job, and `medtrace worker --once` through the real CLI on a migrated
SQLite file."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from typer.testing import CliRunner

from medtrace import settings as settings_module
from medtrace.cli import app as medtrace_cli
from medtrace.platform.audit import AuditEntry
from medtrace.platform.audit.checkpoint import record_checkpoint
from medtrace.platform.audit.checkpoint_models import AuditCheckpoint
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database, make_engine
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.jobs import JobSpec, job_rows, register_job, unregister_job
from tests.factories.auth import make_user


def _checkpoints(db) -> list[tuple[int, str]]:
    with UnitOfWork(db, write=False) as uow:
        return [(c.entry_id, c.head_hash) for c in
                uow.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id))]


def _head(db) -> tuple[int, str]:
    with UnitOfWork(db, write=False) as uow:
        last = uow.session.execute(select(AuditEntry.id, AuditEntry.hash)
                                   .order_by(AuditEntry.id.desc()).limit(1)).one()
        return last.id, last.hash


def test_the_checkpoint_job_records_the_head_when_the_chain_grew(db):
    with UnitOfWork(db) as uow:
        assert record_checkpoint(uow) == "the audit trail is empty"
    make_user(db, "alice")
    with UnitOfWork(db) as uow:
        summary = record_checkpoint(uow)
    head = _head(db)
    assert summary == f"entry {head[0]} {head[1]}"
    assert _checkpoints(db) == [head]
    with UnitOfWork(db) as uow:
        assert record_checkpoint(uow) == f"head unchanged at entry {head[0]}"
    make_user(db, "bob")
    with UnitOfWork(db) as uow:
        record_checkpoint(uow)
    assert _checkpoints(db) == [head, _head(db)]


def test_the_worker_command_runs_the_due_jobs_once(scratch, monkeypatch):
    url = scratch.new_url("sqlite")
    engine = make_engine(url)
    migrate.upgrade(engine)
    make_user(Database(engine), "alice")
    monkeypatch.setenv("MEDTRACE_DATABASE_URL", url)
    monkeypatch.setenv("MEDTRACE_LOG_FORMAT", "json")
    settings_module.get_settings.cache_clear()

    def broken(uow):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    register_job(JobSpec("tests.broken", every=dt.timedelta(minutes=5), run=broken))
    try:
        runner = CliRunner()
        listed = runner.invoke(medtrace_cli, ["worker", "--list"])
        assert listed.exit_code == 0
        assert "audit.checkpoint" in listed.output
        assert "inventory.expiry_alerts" in listed.output
        first = runner.invoke(medtrace_cli, ["worker", "--once", "--only", "audit.checkpoint",
                                             "--only", "inventory.expiry_alerts"])
        assert first.exit_code == 0, first.output
        lines = sorted(first.stdout.strip().splitlines())
        assert lines[0].startswith("audit.checkpoint: ok entry ")
        assert lines[1] == "inventory.expiry_alerts: ok 0 expiry events, 0 lots in the window"
        again = runner.invoke(medtrace_cli, ["worker", "--once", "--only", "audit.checkpoint"])
        assert (again.exit_code, again.stdout.strip()) == (0, "no job is due")
        failed = runner.invoke(medtrace_cli, ["worker", "--once", "--only", "tests.broken"])
        assert failed.exit_code == 1
        assert failed.stdout.strip() == "tests.broken: FAILED RuntimeError: disk full"
        unknown = runner.invoke(medtrace_cli, ["worker", "--once", "--only", "tests.nope"])
        assert unknown.exit_code == 2
        rows = {row.name: row for row in job_rows(Database(engine))}
        assert (rows["audit.checkpoint"].last_status, rows["audit.checkpoint"].run_count) == (
            "ok", 1)
        assert (rows["tests.broken"].last_status, rows["tests.broken"].last_error) == (
            "failed", "RuntimeError: disk full")
        assert _checkpoints(Database(engine)) == [_head(Database(engine))]
    finally:
        unregister_job("tests.broken")
        settings_module.get_settings.cache_clear()
        engine.dispose()
