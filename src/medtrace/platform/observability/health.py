"""Liveness and readiness, as an operator and a load balancer need them.

- ``/healthz``: the process answers (no database access: a database outage must not make an
  orchestrator kill healthy processes).
- ``/readyz``: the database answers and its schema is at the migrations' head; otherwise 503
  problem+json whose ``detail`` says which, so a load balancer keeps traffic away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medtrace.platform.db.migrate import current_revisions, head_revisions
from medtrace.platform.db.session import Database
from medtrace.platform.observability.logging import get_logger

log = get_logger(__name__)


@dataclass
class Readiness:
    ready: bool
    database: str
    schema: str
    problems: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    head: list[str] = field(default_factory=list)


def check_readiness(db: Database) -> Readiness:
    head = sorted(head_revisions())
    try:
        current = sorted(current_revisions(db.engine))
    except Exception as exc:  # any driver error means "not reachable" here
        log.warning("readiness.database_unreachable", error=f"{type(exc).__name__}: {exc}")
        return Readiness(
            ready=False,
            database="unreachable",
            schema="unknown",
            problems=["database unreachable"],
            head=head,
        )
    if current == head:
        return Readiness(True, "ok", "at head", current=current, head=head)
    problem = (
        "database schema is empty: run `medtrace db upgrade`"
        if not current
        else f"database schema at {', '.join(current)}, code expects {', '.join(head)}: "
        "run `medtrace db upgrade`"
    )
    return Readiness(False, "ok", "behind", [problem], current, head)
