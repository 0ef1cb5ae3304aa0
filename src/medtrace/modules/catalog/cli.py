"""`medtrace udi parse CODE|-`: the same JSON as `POST /api/v1/udi/parse` of the catalog.

A scanner integration calls this once per code, so it must start fast: the catalog's package
root imports its names on first use, and ``medtrace.modules.catalog.service`` (SQLAlchemy, the
models) is imported only to resolve items.

Up front only the parser (pure, standard library) is imported. The database layer is imported
only when the configured database holds the catalog: a SQLite URL whose file does not exist, or
whose file has no ``catalog_item`` table, is known without it (and no empty database file is
created any more). ``--no-resolve`` skips the database altogether.

With ``-`` the codes are read in blocks, as they arrive: each read from standard input takes
what is there (up to ``BLOCK_BYTES``), its lines are answered, and the output is flushed. An
integration that writes one line and waits gets its answer at once; a batch is answered a block
at a time instead of a flush per line. What a DI resolves to is looked up once and reused for
``ITEM_CACHE_SECONDS``; the lookups of a block share one read-only unit of work.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import typer

from medtrace.standards.udi import UdiResult, parse_udi

app = typer.Typer(help="UDI: parse scanner strings.", no_args_is_help=True)

#: most bytes taken from standard input per block (one read; less when less is waiting)
BLOCK_BYTES = 64 * 1024
#: how long what a DI resolved to is reused (master data changed meanwhile shows after this)
ITEM_CACHE_SECONDS = 5.0
ITEM_CACHE_SIZE = 10_000  # distinct DIs remembered at most (garbage scans make new ones)
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)  # what json.dumps(...) builds
Lookup = Callable[[UdiResult], Any]


def _decode(code: str) -> str:
    """Shells cannot type GS: accept the escapes \\x1d and \\u001d too (the parser also
    knows the usual keyboard-wedge substitutes)."""
    return code.replace("\\x1d", "\x1d").replace("\\u001d", "\x1d")


def _may_hold_catalog(url: str) -> bool:
    """False when a SQLite URL shows, without the database layer, that there is no catalog to
    look in: in memory, no such file, or a file without the ``catalog_item`` table. Any other
    database is asked (see ``_Resolver.open``)."""
    if not url.startswith("sqlite"):
        return True
    rest = url.partition("://")[2]
    path = (rest[1:] if rest.startswith("/") else rest).partition("?")[0]
    if not path or path == ":memory:":
        return False
    if path.startswith("file:"):  # an SQLite URI filename: let the database layer read it
        return True
    file = Path(path)
    if not file.is_file():
        return False
    try:
        probe = sqlite3.connect(f"file:{quote(str(file.resolve()))}?mode=ro", uri=True)
        try:
            found = probe.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                  "AND name = 'catalog_item'").fetchone()
        finally:
            probe.close()
    except sqlite3.Error:
        return True  # locked, damaged...: the database layer decides as before
    return found is not None


class _Resolver:
    """Items of the catalog by DI, as ``service.resolve_parsed`` finds them."""

    def __init__(self, db: Any, locale: str) -> None:
        self.db = db
        self.locale = locale
        self.found: dict[tuple[str | None, ...], tuple[float, Any]] = {}

    @classmethod
    def open(cls) -> _Resolver | None:
        """The configured database when it holds the catalog; None: parse without resolving."""
        from medtrace.settings import get_settings

        settings = get_settings()
        if not _may_hold_catalog(settings.database_url):
            return None
        from sqlalchemy import text

        from medtrace.platform import i18n
        from medtrace.platform.db.session import Database
        from medtrace.platform.db.uow import UnitOfWork
        from medtrace.platform.observability.logging import configure_logging

        # what the root command sets up for the other commands (``udi`` is a quick one)
        configure_logging(settings.log_level, settings.log_format)
        locale = (i18n.normalize_locale(os.environ.get("LANG", "").split(".")[0])
                  or settings.default_locale)
        try:
            db = Database.from_url(settings.database_url)
            with UnitOfWork(db, write=False) as uow:
                uow.session.execute(text("SELECT 1 FROM catalog_item LIMIT 1"))
        except Exception:  # no database or no schema yet
            return None
        return cls(db, locale)

    @contextmanager
    def block(self) -> Iterator[Lookup]:
        """A lookup for one block of codes. What a DI resolved to is reused for
        ``ITEM_CACHE_SECONDS``; the DIs not known by then are looked up in one read-only unit
        of work, opened on the first of them and closed with the block (never held open while
        the command waits for input)."""
        from medtrace.modules.catalog import service
        from medtrace.platform.db.uow import UnitOfWork

        with ExitStack() as stack:
            uow: Any = None

            def lookup(parsed: UdiResult) -> Any:
                nonlocal uow
                key = (parsed.gtin, parsed.agency, parsed.di)  # what resolve_parsed looks at
                now = time.monotonic()
                known = self.found.get(key)
                if known is not None and now - known[0] < ITEM_CACHE_SECONDS:
                    return known[1]
                if uow is None:
                    uow = stack.enter_context(UnitOfWork(self.db, write=False))
                if len(self.found) >= ITEM_CACHE_SIZE:
                    self.found.clear()
                item = service.resolve_parsed(uow, parsed, self.locale)["item"]
                self.found[key] = (now, item)
                return item

            yield lookup

    def close(self) -> None:
        self.db.dispose()


def _blocks(stream: TextIO) -> Iterator[list[str]]:
    """The lines of ``stream`` a block at a time: what one read returns, cut after its last
    line break (``\\n``, ``\\r\\n`` or ``\\r``, as text mode reads lines)."""
    binary = getattr(stream, "buffer", None)
    if binary is None or not hasattr(binary, "read1"):
        yield [line.rstrip("\r\n") for line in stream]
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"

    def lines(data: bytes) -> list[str]:
        text = data.decode(encoding, "replace")
        return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    pending = b""
    while chunk := binary.read1(BLOCK_BYTES):
        data = pending + chunk
        end = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
        pending = data[end:]
        if end:
            yield lines(data[:end])
    if pending:
        yield lines(pending)


def _answer(codes: list[str], lookup: Lookup | None, out: list[str]) -> bool:
    """Append one JSON line per code to ``out``; True when any code has errors."""
    failed = False
    encode = _ENCODER.encode
    for raw in codes:
        parsed = parse_udi(_decode(raw))
        result = parsed.to_dict()
        if lookup is not None:
            item = lookup(parsed)
            if item is not None:
                result["item"] = item
        failed = failed or bool(parsed.errors)
        out.append(encode(result))
        out.append("\n")
    return failed


@app.command("parse")
def parse(
    code: str = typer.Argument(..., help="The scanned text, or - for one per line on stdin."),
    resolve: bool = typer.Option(
        True, "--resolve/--no-resolve",
        help="Look the DI up in the catalog of the configured database, when it has one.",
    ),
) -> None:
    """Print the parsed UDI as JSON; exit 1 when any code has errors."""
    resolver = _Resolver.open() if resolve else None
    blocks = _blocks(sys.stdin) if code == "-" else iter([[code]])
    failed = False
    try:
        for block in blocks:
            codes = [raw for raw in block if raw.strip()] if code == "-" else block
            if not codes:
                continue
            out: list[str] = []
            if resolver is None:
                failed = _answer(codes, None, out) or failed
            else:
                with resolver.block() as lookup:
                    failed = _answer(codes, lookup, out) or failed
            sys.stdout.write("".join(out))
            sys.stdout.flush()
    finally:
        if resolver is not None:
            resolver.close()
    raise typer.Exit(1 if failed else 0)
