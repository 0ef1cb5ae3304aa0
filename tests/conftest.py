"""Test fixtures: real databases built by the migrations, real HTTP through the app.

- ``backend`` is parametrised over ``sqlite`` and, when ``MEDTRACE_TEST_POSTGRES_URL`` is set,
  ``postgresql``. Each backend's schema is built once per test session by ``alembic upgrade
  head`` (never ``create_all``) in a scratch database (a temp file; a fresh PostgreSQL database
  that is dropped at the end).
- ``db`` hands each test a ``Database`` bound to one connection inside a transaction; units of
  work inside the test commit to savepoints, and the outer transaction is rolled back afterwards,
  so every test starts from the migrated, empty schema.
- ``client`` is an HTTP client over the real application bound to that same ``db``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from medtrace.app import create_app
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database, make_engine
from medtrace.platform.db.uow import UnitOfWork
from medtrace.settings import Settings

POSTGRES_URL = os.environ.get("MEDTRACE_TEST_POSTGRES_URL", "").strip()


@pytest.fixture(autouse=True)
def _scratch_var_dir(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Nothing a test runs (a worker job's checkpoint file, a secret key, uploads) writes into
    the checkout's var/ or into another test's: each test's default var directory is its own."""
    from medtrace import settings as settings_module

    monkeypatch.setenv("MEDTRACE_VAR_DIR", str(tmp_path_factory.mktemp("var")))
    settings_module.get_settings.cache_clear()
    yield
    settings_module.get_settings.cache_clear()
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _psycopg_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class ScratchDatabases:
    """Creates empty databases for a backend and removes them at the end of the session."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.created_pg: list[str] = []

    def new_url(self, backend: str) -> str:
        name = f"medtrace_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            return f"sqlite:///{self.tmp_dir / (name + '.db')}"
        admin = create_engine(_psycopg_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created_pg.append(name)
        return make_url(_psycopg_url(POSTGRES_URL)).set(database=name).render_as_string(
            hide_password=False
        )

    def drop_all(self) -> None:
        if not self.created_pg:
            return
        admin = create_engine(_psycopg_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.created_pg:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabases]:
    databases = ScratchDatabases(tmp_path_factory.mktemp("databases"))
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def migrated_engines(scratch: ScratchDatabases) -> Iterator[dict[str, Engine]]:
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(scope="session")
def engine(backend: str, scratch: ScratchDatabases, migrated_engines: dict[str, Engine]) -> Engine:
    """An engine on a database migrated to head, one per backend for the whole session."""
    if backend not in migrated_engines:
        engine = make_engine(scratch.new_url(backend))
        migrate.upgrade(engine)
        migrated_engines[backend] = engine
    return migrated_engines[backend]


@pytest.fixture
def db(engine: Engine) -> Iterator[Database]:
    connection = engine.connect()
    outer = connection.begin()
    try:
        yield Database(connection)
    finally:
        outer.rollback()
        connection.close()
        _forget_cached_master_data()


def _forget_cached_master_data() -> None:
    """Ids are reused after the rollback: per-process caches of codes must not outlive it."""
    from medtrace.modules.catalog.queries import forget_item
    from medtrace.modules.partners.queries import forget_partners

    forget_item()
    forget_partners()


@pytest.fixture
def uow(db: Database) -> UnitOfWork:
    """A fresh (not yet entered) unit of work on the test's database."""
    return UnitOfWork(db)


@pytest.fixture
def settings(tmp_path: Path, engine: Engine) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=engine.url.render_as_string(hide_password=False),
        var_dir=tmp_path / "var",
        log_format="json",
    )


@pytest.fixture
def app(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    return create_app(settings, db=db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def admin_client(client, db) -> TestClient:  # type: ignore[no-untyped-def]
    """The HTTP client, signed in through the login form as an administrator."""
    from tests.factories.auth import make_user, web_login

    make_user(db, "root.admin", admin=True)
    response = web_login(client, "root.admin")
    assert response.status_code == 303, response.text
    client.headers["origin"] = "http://testserver"  # as a browser sends with its writes
    return client
