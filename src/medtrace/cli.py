"""The ``medtrace`` command. Each area mounts its own Typer app here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from medtrace import __version__, registry
from medtrace.platform import i18n
from medtrace.platform.jobs.cli import worker_command
from medtrace.platform.modules import resolve
from medtrace.platform.observability.logging import configure_logging
from medtrace.settings import get_settings

app = typer.Typer(
    help="MedTrace: medical-device ERP with UDI / lot / serial traceability.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
for _command in registry.commands():  # every part's command group, from its descriptor
    app.add_typer(resolve(_command.app), name=_command.name, help=_command.help)
app.command("worker")(worker_command("medtrace.jobs"))

demo_app = typer.Typer(help="Demo data for trying MedTrace out.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")

errors_app = typer.Typer(help="The catalogue of error codes.", no_args_is_help=True)
app.add_typer(errors_app, name="errors")


@app.callback()
def _setup() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    # Messages follow the operator's terminal language, else the plant default.
    i18n.set_locale(i18n.normalize_locale(os.environ.get("LANG", "").split(".")[0])
                    or settings.default_locale)


@app.command()
def version() -> None:
    """Print the MedTrace version."""
    typer.echo(__version__)


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to bind (default: MEDTRACE_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, help="Port to bind (default: MEDTRACE_PORT, 8000)."),
    workers: int = typer.Option(None, help="Server processes (default: MEDTRACE_WORKERS, 1)."),
    reload: bool = typer.Option(False, help="Restart on code changes (development only)."),
) -> None:
    """Run the web and API server (uvicorn)."""
    import uvicorn

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    workers = workers or settings.workers
    if workers > 1 and settings.is_sqlite:
        typer.echo("note: several processes on SQLite serialise on its write lock; "
                   "use PostgreSQL for more than one process.", err=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
    typer.echo(f"MedTrace {__version__} on http://{shown}:{port}/  (database: "
               f"{'SQLite' if settings.is_sqlite else 'PostgreSQL'})")
    uvicorn.run(
        "medtrace.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        server_header=False,
    )


@demo_app.command("load")
def demo_load(
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Only when the database holds no data at all (used by make run)."
    ),
) -> None:
    """Load the demo data (a realistic small device maker). Runs once; later calls say so."""
    from medtrace.platform.db.session import Database
    from medtrace.platform.db.uow import UnitOfWork
    from medtrace.registry import load_demo

    settings = get_settings()
    db = Database.from_url(settings.database_url)
    with UnitOfWork(db, timezone=settings.timezone) as uow:
        result = load_demo(uow, only_if_empty=if_empty)
    db.dispose()
    typer.echo(result.reason + (f": {', '.join(result.steps)}" if result.steps else ""))


@demo_app.command("logins")
def demo_logins() -> None:
    """Print the demo users and their password (while the demo password still works)."""
    from medtrace.platform.auth import service
    from medtrace.platform.auth.demo import demo_logins as logins
    from medtrace.platform.db.session import Database
    from medtrace.platform.db.uow import UnitOfWork

    settings = get_settings()
    db = Database.from_url(settings.database_url)
    rows = []
    with UnitOfWork(db, write=False) as uow:
        for username, password, role in logins():
            user = service.get_user(uow, username)
            if user is not None and service.verify_secret(user.password_hash, password):
                rows.append((username, password, role))
    db.dispose()
    if not rows:
        typer.echo("no demo login works any more (passwords changed or no demo data)")
        return
    typer.echo("Demo logins (user / password / role):")
    for username, password, role in rows:
        typer.echo(f"  {username:<12} {password:<16} {role}")


@errors_app.command("docs")
def errors_docs(
    output: Path = typer.Option(Path("docs/errors.md"), help="File to write ('-' for stdout)."),
    check: bool = typer.Option(False, help="Exit 1 if the file differs instead of writing it."),
) -> None:
    """Generate docs/errors.md from the error classes in the code."""
    from medtrace.platform.errors import render_errors_markdown

    text = render_errors_markdown()
    if str(output) == "-":
        sys.stdout.write(text)
        return
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            typer.echo(f"{output} is stale: run `medtrace errors docs`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{output} is up to date")
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
