"""The sales demo story (filled in below)."""

from __future__ import annotations

from typing import Any

from medtrace.platform.db.uow import UnitOfWork


def load(uow: UnitOfWork) -> Any:
    return None
