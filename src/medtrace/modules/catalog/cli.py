"""`medtrace udi parse CODE|-`: the same JSON as `POST /api/v1/udi/parse`."""

from __future__ import annotations

import json
import sys

import typer
from sqlalchemy import text

from medtrace.modules.catalog import service
from medtrace.platform import i18n
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.settings import get_settings

app = typer.Typer(help="UDI: parse scanner strings.", no_args_is_help=True)


def _decode(code: str) -> str:
    """Shells cannot type GS: accept the escapes \\x1d and \\u001d too (the parser also
    knows the usual keyboard-wedge substitutes)."""
    return code.replace("\\x1d", "\x1d").replace("\\u001d", "\x1d")


def _database() -> Database | None:
    """The configured database when it holds the catalog; None: parse without resolving."""
    try:
        db = Database.from_url(get_settings().database_url)
        with UnitOfWork(db, write=False) as uow:
            uow.session.execute(text("SELECT 1 FROM catalog_item LIMIT 1"))
    except Exception:  # no database or no schema yet
        return None
    return db


@app.command("parse")
def parse(code: str = typer.Argument(..., help="The scanned text, or - for one per line on stdin.")
          ) -> None:
    """Print the parsed UDI as JSON; exit 1 when any code has errors."""
    locale = i18n.current_locale()
    codes = [line.rstrip("\r\n") for line in sys.stdin] if code == "-" else [code]
    db = _database()
    failed = False
    for raw in codes:
        if code == "-" and not raw.strip():
            continue
        if db is not None:
            with UnitOfWork(db, write=False) as uow:
                result = service.resolve_udi(uow, _decode(raw), locale)
        else:
            result = service.parse_udi(_decode(raw)).to_dict()
        failed = failed or bool(result["errors"])
        typer.echo(json.dumps(result, ensure_ascii=False, default=str))
    if db is not None:
        db.dispose()
    raise typer.Exit(1 if failed else 0)
