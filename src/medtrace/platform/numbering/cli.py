"""`medtrace numbering ...`: list rules, define one, preview the next numbers."""

from __future__ import annotations

import datetime as dt

import typer

from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.numbering import service
from medtrace.settings import get_settings

app = typer.Typer(help="Numbering rules for lot and serial numbers.", no_args_is_help=True)


def _uow(db: Database, *, write: bool) -> UnitOfWork:
    return UnitOfWork(db, write=write, timezone=get_settings().timezone)


def _fail(exc: DomainError) -> typer.Exit:
    typer.echo(f"{exc.code}: {exc.detail or exc.title}", err=True)
    for error in exc.errors or []:
        typer.echo(f"  {error['field']}: {error['message']}", err=True)
    return typer.Exit(1)


@app.command("rules")
def rules() -> None:
    """List the rules: scope, pattern, reset period, check character, active."""
    db = Database.from_url(get_settings().database_url)
    try:
        with _uow(db, write=False) as uow:
            rows, _total = service.list_rules(uow, limit=10_000)
            for rule in rows:
                typer.echo(f"{rule.scope}\t{rule.pattern}\t{rule.reset}\t{rule.check_char}\t"
                           f"{'active' if rule.active else 'inactive'}")
    finally:
        db.dispose()


@app.command("set")
def set_rule(
    scope: str = typer.Argument(..., help="e.g. traceability.lot or traceability.lot:item:42"),
    pattern: str = typer.Argument(..., help="e.g. 'L{YYMMDD}{SEQ:3}'"),
    reset: str = typer.Option("never", help="never, yearly, monthly or daily"),
    check: str = typer.Option("none", help="none, gs1_mod10 or iso7064_mod37_36"),
    description: str = typer.Option("", help="What the rule is for."),
    inactive: bool = typer.Option(False, "--inactive", help="Define it switched off."),
) -> None:
    """Define the rule of SCOPE, or change it."""
    db = Database.from_url(get_settings().database_url)
    try:
        with _uow(db, write=True) as uow:
            rule = service.save_rule(uow, scope=scope, pattern=pattern, reset=reset,
                                     check=check, description=description,
                                     active=not inactive)
            typer.echo(f"{rule.scope}: {rule.pattern} (reset {rule.reset}, check "
                       f"{rule.check_char})")
    except DomainError as exc:
        raise _fail(exc) from None
    finally:
        db.dispose()


@app.command("preview")
def preview(
    scope: str = typer.Argument(..., help="The rule's scope."),
    count: int = typer.Option(5, min=1, max=service.MAX_PREVIEW, help="How many numbers."),
    date: str = typer.Option(None, help="Date of issue, YYYY-MM-DD (default: today)."),
) -> None:
    """Print the next numbers of SCOPE's rule without issuing them."""
    day = dt.date.fromisoformat(date) if date else None
    db = Database.from_url(get_settings().database_url)
    try:
        with _uow(db, write=False) as uow:
            shown = service.preview(uow, scope=scope, count=count, today=day)
    except DomainError as exc:
        raise _fail(exc) from None
    finally:
        db.dispose()
    for number in shown.numbers:
        typer.echo(number)
    if shown.exhausted:
        typer.echo(f"(the sequence is exhausted for period {shown.period})", err=True)
