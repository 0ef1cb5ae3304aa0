"""Demo purchasing data (filled in below)."""

from medtrace.platform.db.uow import UnitOfWork


def load(uow: UnitOfWork) -> None:
    return None
