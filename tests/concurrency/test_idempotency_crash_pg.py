"""A server process killed in the middle of a write with an Idempotency-Key, on PostgreSQL:
two real `medtrace serve` processes share one database; a write to the first is held inside its
transaction (the test holds a lock on the table it writes to) and the process is SIGKILLed
there. The retry to the second server within the key's lease gets 409 in progress; after the
lease it takes the key over and runs: the user exists exactly once, and a further retry
replays the answer."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from medtrace.platform.auth.models import User
from medtrace.platform.auth.permissions import ADMIN_USERS
from medtrace.platform.db import migrate
from medtrace.platform.db.base import utcnow
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.idempotency.models import IdempotencyRecord
from tests.conftest import POSTGRES_URL
from tests.factories.auth import PASSWORD, make_user

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")

SOURCE = Path(__file__).resolve().parents[2] / "src"
LEASE = 6
BODY = {"username": "crashed.once", "printed_name": "Crashed", "password": "Crash-Passw0rd-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(url: str, var: Path, port: int) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MEDTRACE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(SOURCE), *filter(None, [env.get("PYTHONPATH")])])
    env |= {"MEDTRACE_DATABASE_URL": url, "MEDTRACE_VAR_DIR": str(var),
            "MEDTRACE_SECRET_KEY": "crash-test-secret-key-0123456789abcdef",
            "MEDTRACE_IDEMPOTENCY_LEASE_SECONDS": str(LEASE), "MEDTRACE_PORT": str(port),
            "MEDTRACE_LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "-m", "medtrace.cli", "serve"], cwd=var, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{base} never became ready")


def _users(db: Database) -> int:
    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(User)
                                  .where(User.username == BODY["username"])) or 0


def test_a_request_killed_inside_its_transaction_is_retried_once_after_the_lease(
        scratch, tmp_path):
    url = scratch.new_url("postgresql")
    db = Database.from_url(url)
    migrate.upgrade(db.engine)
    make_user(db, "crash.admin", permissions=[ADMIN_USERS])
    ports = _free_port(), _free_port()
    servers = [_serve(url, tmp_path, port) for port in ports]
    first, second = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        for base, process in zip((first, second), servers, strict=True):
            _wait_ready(base, process)
        token = httpx.post(f"{first}/api/v1/auth/token", data={
            "grant_type": "password", "username": "crash.admin", "password": PASSWORD,
        }).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "crash-1"}

        blocker = db.engine.connect()  # holds the write of the first attempt inside its tx
        blocker.begin()
        blocker.execute(text("LOCK TABLE auth_user IN SHARE MODE"))
        outcome: list[object] = []

        def first_attempt() -> None:
            try:
                outcome.append(httpx.post(f"{first}/api/v1/admin/users", json=BODY,
                                          headers=headers, timeout=60))
            except httpx.TransportError as exc:
                outcome.append(exc)

        thread = threading.Thread(target=first_attempt)
        thread.start()
        deadline = time.monotonic() + 30
        while True:  # until the first attempt waits for the lock, inside its transaction
            with db.engine.connect() as probe:
                waiting = probe.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'")).scalar_one()
            if waiting:
                break
            assert time.monotonic() < deadline, "the first attempt never reached the lock"
            time.sleep(0.05)
        with UnitOfWork(db, write=False) as uow:
            claimed = uow.session.scalars(select(IdempotencyRecord)).one()
            assert claimed.state == "in_progress" and claimed.lease_until is not None
            lease_until = claimed.lease_until
        servers[0].send_signal(signal.SIGKILL)
        servers[0].wait()
        thread.join(30)
        assert isinstance(outcome[0], httpx.TransportError), outcome

        within = httpx.post(f"{second}/api/v1/admin/users", json=BODY, headers=headers)
        assert utcnow() < lease_until, "the test was too slow for the lease"
        assert within.status_code == 409, within.text
        assert within.json()["code"] == "MT-IDEMPOTENCY-IN-PROGRESS"

        blocker.rollback()  # the killed attempt's backend finds its client gone: rolled back
        blocker.close()
        time.sleep(max(0.0, (lease_until - utcnow()).total_seconds()) + 0.3)
        assert _users(db) == 0

        retry = httpx.post(f"{second}/api/v1/admin/users", json=BODY, headers=headers)
        assert retry.status_code == 201, retry.text
        assert "idempotent-replayed" not in retry.headers
        replay = httpx.post(f"{second}/api/v1/admin/users", json=BODY, headers=headers)
        assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
        assert replay.json() == retry.json()
        assert _users(db) == 1
        with UnitOfWork(db, write=False) as uow:
            record = uow.session.scalars(select(IdempotencyRecord)).one()
            assert record.state == "done" and record.expires_at > utcnow() + dt.timedelta(
                hours=23)
    finally:
        for process in servers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        db.dispose()


def _waiting_for_locks(db: Database) -> int:
    with db.engine.connect() as probe:
        return int(probe.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar_one())


def test_an_attempt_that_outlived_its_lease_cannot_commit_after_the_takeover(scratch, tmp_path):
    from fastapi.testclient import TestClient

    from medtrace.app import create_app
    from medtrace.settings import Settings
    from tests.factories.auth import api_token

    url = scratch.new_url("postgresql")
    db = Database.from_url(url, pool_size=10)
    migrate.upgrade(db.engine)
    make_user(db, "slow.admin", permissions=[ADMIN_USERS])
    settings = Settings(_env_file=None, database_url=url, var_dir=tmp_path,  # type: ignore[call-arg]
                        log_format="json", idempotency_lease_seconds=1)
    app = create_app(settings, db=db)
    with TestClient(app) as client:
        token = api_token(client, "slow.admin")
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "slow-1"}
    answers: dict[str, httpx.Response] = {}

    def attempt(name: str) -> None:
        with TestClient(app) as client:
            answers[name] = client.post("/api/v1/admin/users", json=BODY, headers=headers)

    blocker = db.engine.connect()
    blocker.begin()
    blocker.execute(text("LOCK TABLE auth_user IN SHARE MODE"))
    slow = threading.Thread(target=attempt, args=("slow",))
    slow.start()
    while not _waiting_for_locks(db):
        time.sleep(0.05)
    time.sleep(1.2)  # the slow attempt's lease runs out while it waits
    retry = threading.Thread(target=attempt, args=("retry",))
    retry.start()
    deadline = time.monotonic() + 30
    while _waiting_for_locks(db) < 2:  # the retry took the key over and waits as well
        assert time.monotonic() < deadline and retry.is_alive(), answers
        time.sleep(0.05)
    blocker.rollback()
    blocker.close()
    slow.join(30)
    retry.join(30)
    # Once the lock is gone both inserts run. When the slow attempt inserts first, its commit
    # is refused (the key is no longer its own); when the retry inserts first, the slow
    # attempt's insert meets the retry's user at the unique username and fails before its
    # commit. Either way only the retry's write stays.
    assert answers["retry"].status_code == 201, answers["retry"].text
    if answers["slow"].status_code == 409:
        assert answers["slow"].json()["code"] == "MT-IDEMPOTENCY-LEASE-LOST"
    else:
        assert answers["slow"].status_code == 500, answers["slow"].text
    assert _users(db) == 1
    db.dispose()
