"""`medtrace user ...`: create users and set passwords from the command line."""

from __future__ import annotations

import getpass
import sys

import typer

from medtrace.platform.actor import Actor
from medtrace.platform.auth import service
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import gettext
from medtrace.settings import get_settings

app = typer.Typer(help="Users: create, set passwords.", no_args_is_help=True)


def _uow(db: Database) -> UnitOfWork:
    actor = Actor(kind="system", id=None, name=f"cli:{getpass.getuser()}", printed_name="CLI")
    return UnitOfWork(db, timezone=get_settings().timezone,
                      context={"actor": actor, "reason": "command line"})


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            typer.echo("no password on standard input", err=True)
            raise typer.Exit(2)
        return line.rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        typer.echo("the two passwords differ", err=True)
        raise typer.Exit(2)
    return first


def _fail(exc: DomainError) -> None:
    title = gettext(exc.title)
    detail = gettext(exc.detail) if exc.detail else ""
    typer.echo(f"{exc.code}: {title}" + (f" {detail}" if detail and detail != title else ""),
               err=True)
    raise typer.Exit(1)


@app.command("create")
def create(
    username: str = typer.Argument(..., help="Login name (lower case; letters, digits . _ -)."),
    printed_name: str = typer.Option(None, help="Name printed on signatures (default: username)."),
    email: str = typer.Option(None, help="E-mail address."),
    admin: bool = typer.Option(False, "--admin", help="Give the admin role (every permission)."),
    role: list[str] = typer.Option([], "--role", help="Role code; repeat for several."),
    language: str = typer.Option("zh_CN", help="zh_CN or en."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the password from standard input."),
) -> None:
    """Create a user (the password is asked for, or read with --password-stdin)."""
    password = _read_password(password_stdin)
    roles = sorted(set(role) | ({"admin"} if admin else set()))
    db = Database.from_url(get_settings().database_url)
    try:
        with _uow(db) as uow:
            if admin:
                service.ensure_admin_role(uow)
            user = service.create_user(uow, username=username, password=password,
                                       printed_name=printed_name or username, email=email,
                                       roles=roles, language=language)
            typer.echo(f"created user {user.username} (roles: {', '.join(roles) or 'none'})")
    except DomainError as exc:
        _fail(exc)
    finally:
        db.dispose()


@app.command("set-password")
def set_password(
    username: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the password from standard input."),
    temporary: bool = typer.Option(False, help="The user must change it at the next sign-in."),
) -> None:
    """Set a user's password (also unlocks a locked account)."""
    password = _read_password(password_stdin)
    db = Database.from_url(get_settings().database_url)
    try:
        with _uow(db) as uow:
            user = service.get_user(uow, username)
            if user is None:
                typer.echo(f"no user {username}", err=True)
                raise typer.Exit(1)
            service.set_password(uow, user, password, temporary=temporary)
            typer.echo(f"password set for {user.username}")
    except DomainError as exc:
        _fail(exc)
    finally:
        db.dispose()
