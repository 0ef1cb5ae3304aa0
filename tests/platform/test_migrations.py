"""The schema comes only from the migrations, and the migrations match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from medtrace.models import metadata
from medtrace.platform.db import migrate
from medtrace.platform.db.session import make_engine


def _diff(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_migrated_schema_equals_the_models(engine):
    assert _diff(engine) == []
    assert migrate.is_at_head(engine)


def test_downgrade_to_base_and_upgrade_again(backend, scratch):
    engine = make_engine(scratch.new_url(backend))
    try:
        migrate.upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        assert "platform_setting" in tables
        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert migrate.current_revisions(engine) == set()
        migrate.upgrade(engine)
        assert set(inspect(engine).get_table_names()) == tables
        assert _diff(engine) == []
    finally:
        engine.dispose()


def test_there_is_one_head_and_files_follow_the_naming_rule():
    import re

    assert len(migrate.head_revisions()) == 1
    pattern = re.compile(r"^\d{4}_\d{2}_\d{2}_\d{4}-[0-9a-f]{12}_[a-z0-9_]+\.py$")
    files = sorted((migrate.MIGRATIONS_DIR / "versions").glob("*.py"))
    assert files
    for path in files:
        assert pattern.match(path.name), path.name


def test_every_table_name_is_prefixed_by_its_owner():
    import pkgutil

    import medtrace.modules

    modules = [m.name for m in pkgutil.iter_modules(medtrace.modules.__path__) if m.ispkg]
    owners = ("platform_", "auth_", "audit_", "esign_", "idempotency_", "customfields_", "events_",
              "jobs_", "numbering_", "workflow_",
              *(f"{name}_" for name in modules))
    for name in metadata.tables:
        assert name.startswith(owners), f"{name} has no owner prefix"
