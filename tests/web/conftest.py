"""A real server (uvicorn in a thread, its own SQLite file, migrated, demo data loaded) and a
real browser (Debian's chromium driven by Playwright; never a browser download)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from medtrace.app import create_app
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.registry import load_demo
from medtrace.settings import Settings

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("MEDTRACE_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_demo(tmp_path_factory.mktemp("live"))


def serve_demo(folder: Path) -> Iterator[str]:
    """Serve a migrated SQLite database with the demo data from ``folder`` until resumed."""
    for base, _ in serve(folder, lambda db: _load_demo(db)):
        yield base


def _load_demo(db: Database) -> None:
    with UnitOfWork(db) as uow:
        load_demo(uow)


def serve(folder: Path, prepare: Callable[[Database], Any]) -> Iterator[tuple[str, Any]]:
    """Serve a migrated SQLite database in ``folder``, filled by ``prepare(db)`` (through the
    real services), until resumed: yields the base URL and what ``prepare`` returned."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{folder / 'medtrace.db'}",
        var_dir=folder,
        log_format="json",
    )
    db = Database.from_url(settings.database_url)
    migrate.upgrade(db.engine)
    prepared = prepare(db)
    port = _free_port()
    config = uvicorn.Config(create_app(settings, db=db), host="127.0.0.1", port=port,
                            log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", prepared
    server.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no chromium binary (install Debian's `chromium`; `make test` tries to)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
