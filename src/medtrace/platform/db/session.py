"""One engine and one session factory per process.

SQLite is set up for an ERP's durability needs: WAL (readers never block the writer),
``synchronous=FULL`` (a committed record survives a power cut), foreign keys on and a busy
timeout. Python's sqlite3 module issues its own BEGIN at odd moments, so it is switched to
autocommit and the transaction boundaries are emitted here: ``BEGIN IMMEDIATE`` for units of work
that write (writers queue on the database lock up front instead of failing half-way on an
upgrade from a read lock), plain deferred ``BEGIN`` for read-only work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_BEGIN_OPTION = "medtrace_sqlite_begin"


def _prepare_sqlite_path(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


SQLITE_MMAP_BYTES = 256 << 20
SQLITE_CACHE_KIB = 32 * 1024


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module doc)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Reads go through the OS page cache shared by every connection (memory-mapped I/O)
        # plus a private cache per connection: trace queries walk large indexes.
        cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, *, pool_size: int = 5, connect_timeout: int = 5, **kwargs: Any) -> Engine:
    """Create the engine for ``url`` with MedTrace's connection settings."""
    if url.startswith("sqlite"):
        _prepare_sqlite_path(url)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=pool_size,
            max_overflow=pool_size * 2,
            **kwargs,
        )
        _install_sqlite_hooks(engine)
        return engine
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_pre_ping=True,
        # jit off: the server's JIT compiles queries whose *estimated* cost is high, and the
        # estimate of a recursive trace over millions of edges always is; compiling then costs
        # tens to hundreds of milliseconds for a query that runs in one. OLTP gains nothing.
        connect_args={"connect_timeout": connect_timeout, "options": "-c jit=off"},
        **kwargs,
    )


class Database:
    """The engine (or, in tests, one connection) and the session factories built on it."""

    def __init__(self, bind: Engine | Connection) -> None:
        self.bind = bind
        engine = bind if isinstance(bind, Engine) else bind.engine
        self.engine = engine
        self.dialect = engine.dialect.name
        join = {} if isinstance(bind, Engine) else {"join_transaction_mode": "create_savepoint"}
        self._read = sessionmaker(bind=bind, expire_on_commit=False, **join)
        writer_bind = bind
        if self.dialect == "sqlite" and isinstance(bind, Engine):
            writer_bind = bind.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        self._write = sessionmaker(bind=writer_bind, expire_on_commit=False, **join)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        return cls(make_engine(url, **kwargs))

    def session(self, *, write: bool = True) -> Session:
        return (self._write if write else self._read)()

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def pool_status(self) -> dict[str, int]:
        """Figures of this process's connection pool (for /metrics and the system page)."""
        pool = self.engine.pool
        figures = {}
        for state, name in (("size", "size"), ("idle", "checkedin"), ("in_use", "checkedout"),
                            ("overflow", "overflow")):
            method = getattr(pool, name, None)
            if callable(method):
                figures[state] = max(0, int(method()))
        return figures

    def dispose(self) -> None:
        self.engine.dispose()
