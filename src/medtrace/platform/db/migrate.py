"""Alembic, driven from code: the schema comes only from migrations."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"
FILE_TEMPLATE = (
    "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s"
)


def alembic_config(bind: Engine | Connection | None = None, url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.set_main_option("timezone", "UTC")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if bind is not None:
        config.attributes["connection"] = bind
    return config


def _run(bind: Engine | Connection, fn, *args) -> None:  # type: ignore[no-untyped-def]
    if isinstance(bind, Connection):
        fn(alembic_config(bind), *args)
        return
    with bind.begin() as conn:
        fn(alembic_config(conn), *args)


def upgrade(bind: Engine | Connection, revision: str = "head") -> None:
    _run(bind, command.upgrade, revision)


def downgrade(bind: Engine | Connection, revision: str) -> None:
    _run(bind, command.downgrade, revision)


@cache
def _heads() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def head_revisions() -> set[str]:
    """The latest revision(s) the code knows (read once per process)."""
    return set(_heads())


def current_revisions(bind: Engine | Connection) -> set[str]:
    if isinstance(bind, Connection):
        return set(MigrationContext.configure(bind).get_current_heads())
    with bind.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def is_at_head(bind: Engine | Connection) -> bool:
    return current_revisions(bind) == head_revisions()


def schema_problem(bind: Engine | Connection) -> str | None:
    """Why the application may not run on this database, or None when its schema is the latest
    the code knows (an empty database, or one at an older or unknown revision)."""
    current = current_revisions(bind)
    heads = head_revisions()
    if current == heads:
        return None
    if not current:
        return "the database is empty (no schema yet): run `medtrace db upgrade` first"
    return (f"the database is at revision {', '.join(sorted(current))}, not the latest "
            f"({', '.join(sorted(heads))}): run `medtrace db upgrade` first")
