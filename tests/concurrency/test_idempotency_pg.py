"""Concurrent duplicates with one Idempotency-Key on PostgreSQL: exactly one effect."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from medtrace.app import create_app
from medtrace.platform.auth.models import User
from medtrace.platform.auth.permissions import ADMIN_USERS
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.settings import Settings
from tests.conftest import POSTGRES_URL
from tests.factories.auth import api_token, make_user

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")


def test_concurrent_duplicates_have_one_effect(scratch, tmp_path):
    url = scratch.new_url("postgresql")
    db = Database.from_url(url, pool_size=10)
    migrate.upgrade(db.engine)
    make_user(db, "pg.admin", permissions=[ADMIN_USERS])
    settings = Settings(_env_file=None, database_url=url, var_dir=tmp_path, log_format="json")
    app = create_app(settings, db=db)
    with TestClient(app) as client:
        token = api_token(client, "pg.admin")
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "race-1"}
    body = {"username": "raced", "printed_name": "Raced", "password": "Race-Passw0rd-1"}
    results: list[tuple[int, str | None]] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        with TestClient(app) as client:
            barrier.wait()
            response = client.post("/api/v1/admin/users", json=body, headers=headers)
            results.append((response.status_code, response.headers.get("idempotent-replayed")))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with UnitOfWork(db, write=False) as uow:
        created = uow.session.scalar(
            select(func.count()).select_from(User).where(User.username == "raced"))
    db.dispose()
    assert created == 1
    statuses = sorted(status for status, _ in results)
    assert len(results) == 8
    assert set(statuses) <= {201, 409}
    fresh = [r for r in results if r == (201, None)]
    assert len(fresh) == 1, results
