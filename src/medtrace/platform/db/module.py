"""The database schema and its migrations."""

from medtrace.platform.modules import Command, Module

MODULE = Module(
    name="db",
    package="medtrace.platform.db",
    summary="Engine, units of work, migrations.",
    commands=(Command("db", "medtrace.platform.db.cli:app",
                      "Database schema: upgrade, downgrade, current revision."),),
)
