"""`medtrace audit ...`: check the audit trail's hash chain."""

from __future__ import annotations

import typer

from medtrace.platform.audit.chain import last_hash
from medtrace.platform.audit.verify import verify_chain
from medtrace.platform.db.session import make_engine
from medtrace.settings import get_settings

app = typer.Typer(help="Audit trail: verify the hash chain.", no_args_is_help=True)


@app.command()
def verify(
    workers: int = typer.Option(
        0, min=0, help="Processes checking id ranges side by side (0: one per CPU for long chains)."
    ),
) -> None:
    """Recompute every entry's hash and check every link; exit 1 at the first bad entry."""
    engine = make_engine(get_settings().database_url)
    try:
        result = verify_chain(engine, workers=workers or None)
    finally:
        engine.dispose()
    if result.ok:
        typer.echo(f"OK {result.count} entries")
        return
    typer.echo(f"BAD entry {result.first_bad_id}: {result.reason}")
    raise typer.Exit(1)


@app.command()
def head() -> None:
    """Print the hash of the last entry (to record outside the database, e.g. daily)."""
    engine = make_engine(get_settings().database_url)
    try:
        with engine.connect() as conn:
            typer.echo(last_hash(conn))
    finally:
        engine.dispose()
