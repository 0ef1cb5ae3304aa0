"""Alembic environment: runs on the connection handed in by medtrace.platform.db.migrate."""

from __future__ import annotations

from alembic import context

from medtrace.models import metadata
from medtrace.platform.db.base import Quantity, UTCDateTime
from medtrace.platform.db.session import make_engine

config = context.config


def _render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Render MedTrace's column types as `mt.X()` in generated migrations."""
    if type_ == "type" and isinstance(obj, (Quantity, UTCDateTime)):
        autogen_context.imports.add("from medtrace.platform.db import base as mt")
        return f"mt.{type(obj).__name__}()"
    return False


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        transaction_per_migration=False,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `medtrace db upgrade`")
run_migrations_online()
