"""`medtrace serve` starts only on a database at the latest migration: on an empty database or
one a migration behind it stops at once, non-zero, and says to run `medtrace db upgrade`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from medtrace.platform.db import migrate
from medtrace.platform.db.session import make_engine

SOURCE = Path(__file__).resolve().parents[2] / "src"


def _serve(url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MEDTRACE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(SOURCE), *filter(None, [env.get("PYTHONPATH")])])
    env["MEDTRACE_DATABASE_URL"] = url
    env["MEDTRACE_PORT"] = "1"  # never reached: binding it would fail loudly
    return subprocess.run([sys.executable, "-m", "medtrace.cli", "serve"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_serve_refuses_an_empty_database(backend, scratch, tmp_path):
    done = _serve(scratch.new_url(backend), tmp_path)
    assert done.returncode == 1, done.stderr
    assert "empty" in done.stderr and "medtrace db upgrade" in done.stderr
    assert "Uvicorn running" not in done.stderr


def test_serve_refuses_a_database_one_migration_behind(backend, scratch, tmp_path):
    url = scratch.new_url(backend)
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "-1")
        behind = migrate.current_revisions(engine)
    finally:
        engine.dispose()
    done = _serve(url, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "not the latest" in done.stderr and "medtrace db upgrade" in done.stderr
    assert next(iter(behind)) in done.stderr


def test_a_database_at_the_latest_migration_passes_the_check(engine):
    assert migrate.schema_problem(engine) is None
