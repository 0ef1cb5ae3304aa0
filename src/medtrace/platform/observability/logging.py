"""Structured logs with structlog: JSON lines for machines, readable lines on a terminal.

Everything goes through the standard library's logging (uvicorn's and SQLAlchemy's records too)
and is rendered by one structlog formatter, so every line carries the same fields. Values bound
with ``bind_request`` (request id, user) appear on every line logged while a request runs.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal

import structlog

_configured: tuple[str, str] | None = None


def _choose_renderer(fmt: str) -> Any:
    if fmt == "json" or (fmt == "auto" and not sys.stderr.isatty()):
        return structlog.processors.JSONRenderer(ensure_ascii=False)
    return structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())


def configure_logging(
    level: str = "INFO", fmt: Literal["auto", "json", "console"] | str = "auto"
) -> None:
    """Idempotent: called by every entrypoint (server, CLI, worker)."""
    global _configured
    if _configured == (level, fmt):
        return
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _choose_renderer(fmt),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Our own access log replaces uvicorn's (it carries the request id and the route).
    logging.getLogger("uvicorn.access").handlers[:] = []
    logging.getLogger("uvicorn.access").propagate = False
    # Alembic announces its context on every revision check (readiness); keep it to warnings.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
    # SpiffWorkflow (the BPMN engine) logs every task state change at INFO, with the whole
    # task data; our own workflow events and audit trail say what happened.
    logging.getLogger("spiff").setLevel(max(logging.WARNING, root.level))
    _configured = (level, fmt)


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)


def bind_request(**values: Any) -> None:
    structlog.contextvars.bind_contextvars(**values)


def clear_request() -> None:
    structlog.contextvars.clear_contextvars()
