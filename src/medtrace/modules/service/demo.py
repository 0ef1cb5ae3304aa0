"""Demo data of service (written below)."""

from __future__ import annotations

from medtrace.platform.db.uow import UnitOfWork


def load(uow: UnitOfWork) -> None:
    return None
