"""`medtrace trace import DIR` and `medtrace trace backward|forward|timeline CODE`: the same
service calls and the same JSON as the API."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from medtrace.modules.traceability import queries
from medtrace.modules.traceability.bulk.rules import Progress
from medtrace.modules.traceability.bulk.service import TraceImport
from medtrace.platform.actor import Actor
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.settings import get_settings

app = typer.Typer(help="Traceability: bulk import, backward and forward traces, timelines.",
                  no_args_is_help=True)
CLI_ACTOR = Actor(kind="system", id=None, name="cli:trace", printed_name="medtrace trace")


class Format(StrEnum):
    json = "json"
    jsonl = "jsonl"
    table = "table"


def _db() -> tuple[Database, str]:
    settings = get_settings()
    return Database.from_url(settings.database_url), settings.timezone


def _fail(exc: DomainError) -> None:
    typer.echo(json.dumps({"code": exc.code, "detail": exc.detail or str(exc),
                           "errors": exc.errors}, ensure_ascii=False), err=True)
    raise typer.Exit(2)


@app.command("import")
def import_(directory: Path = typer.Argument(..., exists=True, file_okay=False,
                                             help="Folder of the CSV files (docs/trace-import.md)"),
            batch_size: int = typer.Option(20000, min=100, max=1_000_000,
                                           help="Rows per transaction"),
            quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar")) -> None:
    """Load traceability history from CSV files, checked row by row like the services."""
    db, timezone = _db()
    total = _row_count(directory)
    started = time.perf_counter()
    with typer.progressbar(length=total, label="importing", file=sys.stderr,
                           hidden=quiet) as bar:
        done = [0]

        def report(progress: Progress) -> None:
            bar.label = progress.file
            bar.update(progress.rows - done[0])
            done[0] = progress.rows

        try:
            result = TraceImport(db, directory, actor=CLI_ACTOR, batch_size=batch_size,
                                 timezone=timezone, progress=report).run()
        except DomainError as exc:
            _fail(exc)
            return
    seconds = time.perf_counter() - started
    rows = sum(result["rows"].values())
    typer.echo(json.dumps({**result, "total_rows": rows, "seconds": round(seconds, 2),
                           "rows_per_s": round(rows / seconds) if seconds else None}))


def _row_count(directory: Path) -> int:
    """Data rows to load: from the workload's manifest when there is one, else counted."""
    manifest = directory / "manifest.json"
    if manifest.is_file():
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
        return sum(int(f.get("rows") or 0) for f in files.values())
    total = 0
    for path in directory.glob("*.csv"):
        with open(path, "rb") as handle:
            total += max(0, sum(1 for _ in handle) - 1)
    return total


def _answer(kind: str, code: str, item: str | None) -> dict[str, Any]:
    db, timezone = _db()
    with UnitOfWork(db, write=False, timezone=timezone) as uow:
        try:
            thing = queries.resolve(uow, code.replace("\\x1d", "\x1d"), item=item)
            return getattr(queries, kind)(uow, thing)
        except DomainError as exc:
            _fail(exc)
            raise


def _print(answer: dict[str, Any], fmt: Format, rows_key: str) -> None:
    if fmt is Format.json:
        typer.echo(json.dumps(answer, ensure_ascii=False))
        return
    rows = answer.get(rows_key, [])
    if fmt is Format.jsonl:
        head = {k: v for k, v in answer.items() if not isinstance(v, list)}
        typer.echo(json.dumps(head, ensure_ascii=False))
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        typer.echo("(none)")
        return
    columns = [c for c in rows[0] if not isinstance(rows[0][c], (dict, list)) and c != "id"]
    widths = {c: max(len(c), *(len(str(r.get(c) or "")) for r in rows)) for c in columns}
    typer.echo("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        typer.echo("  ".join(str(row.get(c) or "").ljust(widths[c]) for c in columns))


CODE_HELP = ("A raw UDI scan, an SSCC, or a lot number / serial / SSCC as printed "
             "(shells cannot type GS: write \\x1d)")


@app.command("backward")
def backward(code: str = typer.Argument(..., help=CODE_HELP),
             item: str | None = typer.Option(None, help="Item code or GTIN, when a number "
                                             "is used by several items"),
             fmt: Format = typer.Option(Format.json, "--format")) -> None:
    """Everything the lot or unit was made of, down to the supplier receipts."""
    answer = _answer("backward", code, item)
    _print(answer, fmt, "lots")


@app.command("forward")
def forward(code: str = typer.Argument(..., help=CODE_HELP),
            item: str | None = typer.Option(None, help="Item code or GTIN"),
            fmt: Format = typer.Option(Format.json, "--format")) -> None:
    """The recall scope: every finished unit made from it, where it is, who received it."""
    _print(_answer("forward", code, item), fmt, "units")


@app.command("timeline")
def timeline(code: str = typer.Argument(..., help=CODE_HELP),
             item: str | None = typer.Option(None, help="Item code or GTIN"),
             fmt: Format = typer.Option(Format.json, "--format")) -> None:
    """Every event in the life of the lot, unit or container, in time order."""
    _print(_answer("timeline", code, item), fmt, "events")
