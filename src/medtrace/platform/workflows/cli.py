"""`medtrace workflows ...`: list definitions, export a version's BPMN, import a file."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import typer

from medtrace.platform.actor import Actor
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.settings import get_settings

app = typer.Typer(help="Workflows: BPMN 2.0 definitions and their versions.",
                  no_args_is_help=True)


def _uow(db: Database, *, write: bool) -> UnitOfWork:
    actor = Actor(kind="system", id=None, name=f"medtrace workflows ({getpass.getuser()})",
                  grants_all=True)
    return UnitOfWork(db, write=write, timezone=get_settings().timezone,
                      context={"actor": actor})


def _fail(exc: DomainError) -> typer.Exit:
    typer.echo(f"{exc.code}: {exc.title}", err=True)
    for error in exc.errors or []:
        typer.echo(f"  {error.get('message') or error.get('field')}", err=True)
    if not exc.errors and exc.detail:
        typer.echo(f"  {exc.detail}", err=True)
    return typer.Exit(1)


@app.command("list")
def list_definitions() -> None:
    """Each definition: key, record type, its versions and their status."""
    from medtrace.platform.workflows import queries

    db = Database.from_url(get_settings().database_url)
    try:
        with _uow(db, write=False) as uow:
            for definition, versions in queries.list_definitions(uow):
                shown = ", ".join(f"v{v.version} {v.status}" for v in versions)
                typer.echo(f"{definition.key}\t{definition.record_type}\t{shown}")
    finally:
        db.dispose()


@app.command("export")
def export(key: str = typer.Argument(..., help="The BPMN process id"),
           version: int = typer.Option(None, min=1, help="A version (default: the latest)")
           ) -> None:
    """Write a version's BPMN 2.0 XML to standard output."""
    from medtrace.platform.workflows import queries

    db = Database.from_url(get_settings().database_url)
    try:
        with _uow(db, write=False) as uow:
            try:
                row = queries.version_or_raise(uow, key, version)
            except DomainError as exc:
                raise _fail(exc) from None
            sys.stdout.write(row.xml)
    finally:
        db.dispose()


@app.command("import")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="A BPMN 2.0 file"),
    record_type: str = typer.Option(None, help="The kind of record it governs (required for "
                                               "a new definition)"),
    note: str = typer.Option(None, help="Change note"),
) -> None:
    """Import a file as a new draft version; exits 1 with the reasons when it is refused."""
    from medtrace.platform.workflows import queries, service
    from medtrace.platform.workflows.errors import WorkflowInvalid, WorkflowNotFound

    text = file.read_bytes()
    db = Database.from_url(get_settings().database_url)
    try:
        with _uow(db, write=True) as uow:
            try:
                process = service.read_diagram(text)
                kind = record_type
                if kind is None:
                    try:
                        kind = queries.definition_or_raise(uow, process.key).record_type
                    except WorkflowNotFound:
                        raise WorkflowInvalid("a new definition needs --record-type") from None
                row = service.import_version(uow, xml=text.decode("utf-8", "replace"),
                                             record_type=kind, actor=uow.context["actor"],
                                             change_note=note)
            except DomainError as exc:
                raise _fail(exc) from None
            typer.echo(f"{process.key} v{row.version} imported as a draft "
                       f"(sha256 {row.checksum[:12]})")
    finally:
        db.dispose()


@app.command("defaults")
def defaults() -> None:
    """Import MedTrace's shipped definitions as drafts (those whose kind of record is installed
    and that the plant has not defined); publish them after review."""
    from medtrace.platform.workflows.defaults import install_defaults

    db = Database.from_url(get_settings().database_url)
    try:
        with _uow(db, write=True) as uow:
            keys = install_defaults(uow, actor=uow.context["actor"])
        typer.echo("imported as drafts: " + (", ".join(keys) or "none"))
    finally:
        db.dispose()
