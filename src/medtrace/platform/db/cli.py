"""`medtrace db ...`: the schema is managed by migrations only."""

from __future__ import annotations

import logging

import typer

from medtrace.platform.db import migrate
from medtrace.platform.db.session import make_engine
from medtrace.settings import get_settings

app = typer.Typer(
    help="Database schema: upgrade, downgrade, current revision.", no_args_is_help=True
)


def _engine():  # type: ignore[no-untyped-def]
    logging.getLogger("alembic").setLevel(logging.INFO)  # show each migration as it runs
    return make_engine(get_settings().database_url)


@app.command()
def upgrade(
    revision: str = typer.Argument("head", help="Target revision (default: head)."),
) -> None:
    """Apply migrations up to REVISION (all of them by default)."""
    engine = _engine()
    migrate.upgrade(engine, revision)
    typer.echo(f"database at {', '.join(sorted(migrate.current_revisions(engine))) or 'base'}")
    engine.dispose()


@app.command()
def downgrade(
    revision: str = typer.Argument(..., help="Target revision: an id, -1, or base."),
) -> None:
    """Revert migrations down to REVISION (data in dropped tables is lost)."""
    engine = _engine()
    migrate.downgrade(engine, revision)
    typer.echo(f"database at {', '.join(sorted(migrate.current_revisions(engine))) or 'base'}")
    engine.dispose()


@app.command()
def current() -> None:
    """Print the database's revision and whether it is the latest."""
    engine = _engine()
    revisions = sorted(migrate.current_revisions(engine))
    heads = sorted(migrate.head_revisions())
    state = "(head)" if revisions == heads else f"(behind; head is {', '.join(heads)})"
    typer.echo(f"{', '.join(revisions) or 'base'} {state}")
    engine.dispose()


@app.command()
def revision(
    message: str = typer.Option(..., "-m", "--message", help="Short slug-like description."),
    autogenerate: bool = typer.Option(True, help="Diff the models against the database."),
) -> None:
    """(Developers) write a new migration file from the models' changes."""
    from alembic import command

    engine = _engine()
    with engine.begin() as conn:
        command.revision(
            migrate.alembic_config(conn), message=message, autogenerate=autogenerate
        )
    engine.dispose()
