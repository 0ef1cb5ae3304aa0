"""The ``medtrace`` command. Each area's Typer app is mounted here by name and imported only
when it runs, so ``medtrace --help`` and quick commands start without the application."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from medtrace import __version__, registry

#: The command groups: (name, "package.module:attribute" of its Typer app or click command, the
#: help shown in ``medtrace --help``), from every part's descriptor (``medtrace.registry``). A
#: group's module is imported when the group is invoked, never for the overview.
GROUPS: list[tuple[str, str, str]] = [
    (command.name, command.app, command.help) for command in registry.commands()]
#: Commands that set up only what they use themselves (scanners call ``udi parse`` once per
#: code); every other command gets settings, logging and the message locale from ``setup``.
QUICK_COMMANDS = frozenset({"version", "udi"})


def load_group(name: str, reference: str) -> Any:
    """The click command of a ``GROUPS`` entry: a Typer app becomes a group (as ``add_typer``
    makes it); a click command is used as it is. Either takes the entry's name."""
    module_name, _, attribute = reference.partition(":")
    target = getattr(importlib.import_module(module_name), attribute)
    command = typer.main.get_group(target) if isinstance(target, typer.Typer) else target
    command.name = name
    return command


class LazyGroups(TyperGroup):
    """The root group: the ``GROUPS`` entries are listed from the table and imported on use
    (click's lazy loading of subcommands). Commands come first, then the table's groups, then
    the groups defined in this file."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        table = [name for name, _, _ in GROUPS]
        own = [name for name in super().list_commands(ctx) if name not in table]
        commands = [name for name in own if not isinstance(self.commands[name], TyperGroup)]
        return [*commands, *table, *(name for name in own if name not in commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = next((e for e in GROUPS if e[0] == cmd_name), None)
        if entry is None:
            return None
        name, reference, help_text = entry
        if self._listing:  # the overview needs the name and the help only
            return TyperGroup(name=name, help=help_text)
        command = load_group(name, reference)
        self.commands[name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False


app = typer.Typer(
    cls=LazyGroups,
    help="MedTrace: medical-device ERP with UDI / lot / serial traceability.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

demo_app = typer.Typer(help="Demo data for trying MedTrace out.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")

roles_app = typer.Typer(help="The built-in job roles a new plant starts from.",
                        no_args_is_help=True)
app.add_typer(roles_app, name="roles")

errors_app = typer.Typer(help="The catalogue of error codes.", no_args_is_help=True)
app.add_typer(errors_app, name="errors")


def setup() -> None:
    """Settings, structured logging and the message locale (the terminal's language, else the
    plant default)."""
    from medtrace.platform import i18n
    from medtrace.platform.observability.logging import configure_logging
    from medtrace.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    i18n.set_locale(i18n.normalize_locale(os.environ.get("LANG", "").split(".")[0])
                    or settings.default_locale)


@app.callback()
def _setup(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand not in QUICK_COMMANDS:
        setup()


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

    from medtrace.settings import get_settings

    settings = get_settings()
    _refuse_an_old_schema(settings.database_url)
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
        proxy_headers=False,  # the app believes X-Forwarded-* of MEDTRACE_TRUSTED_PROXIES only
        server_header=False,
    )


def _refuse_an_old_schema(url: str) -> None:
    """``serve`` starts only on a database at the latest migration (else every page would
    answer 500 "no such table")."""
    from medtrace.platform.db import migrate
    from medtrace.platform.db.session import make_engine

    engine = make_engine(url)
    try:
        problem = migrate.schema_problem(engine)
    except Exception as exc:  # any driver error: say it and stop
        problem = f"cannot read the database's schema revision: {exc}"
    finally:
        engine.dispose()
    if problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(code=1)


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
    from medtrace.settings import get_settings

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
    from medtrace.settings import get_settings

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


@roles_app.command("init")
def roles_init() -> None:
    """Create the job roles (warehouse, warehouse_lead, qa, production, sales, service,
    purchasing) with every module's permissions for them; existing roles are not changed."""
    from medtrace.platform.db.session import Database
    from medtrace.platform.db.uow import UnitOfWork
    from medtrace.registry import init_roles
    from medtrace.settings import get_settings

    settings = get_settings()
    db = Database.from_url(settings.database_url)
    with UnitOfWork(db, timezone=settings.timezone) as uow:
        created = init_roles(uow)
    db.dispose()
    typer.echo(f"roles created: {', '.join(created)}" if created else "every job role exists")


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
