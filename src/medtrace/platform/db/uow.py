"""The unit of work: one business action is one transaction.

The entrypoint (API route, page handler, CLI command, worker job) opens ``with uow:``; services
receive the unit of work, use ``uow.session`` and may flush, but never commit. Leaving the block
commits once; an exception rolls everything back. Callbacks registered with ``after_commit`` run
only once the commit succeeded (in-process reactions that must not see uncommitted data).
``publish`` writes an event to the outbox in this transaction and queues its handlers that way
(see ``medtrace.platform.events``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from medtrace.platform.db.base import utcnow
from medtrace.platform.db.session import Database

if TYPE_CHECKING:
    from medtrace.platform.events.service import Event


class UnitOfWork:
    def __init__(
        self,
        db: Database,
        *,
        write: bool = True,
        timezone: str = "Asia/Shanghai",
        context: dict[str, Any] | None = None,
    ) -> None:
        self.db = db
        self.write = write
        self.timezone = ZoneInfo(timezone)
        self.context: dict[str, Any] = dict(context or {})
        self._session: Session | None = None
        self._after_commit: list[Callable[[], None]] = []
        self._on_failure: list[Callable[[UnitOfWork], None]] = []

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("unit of work entered twice")
        self._session = self.db.session(write=self.write)
        self._session.info["uow"] = self
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        callbacks, self._after_commit = self._after_commit, []
        failure_records, self._on_failure = self._on_failure, []
        try:
            if exc_type is None and self.write:
                session.commit()
            elif exc_type is None:
                pass  # read-only: closing ends the transaction and keeps what was loaded
            else:
                session.rollback()
        finally:
            session.close()
            self._session = None
        if exc_type is None:
            for callback in callbacks:
                callback()
        elif failure_records:
            # What must outlive a refused action (a failed signing attempt, a lockout) is
            # written after the rollback, in a transaction of its own.
            with UnitOfWork(self.db, timezone=self.timezone.key, context=self.context) as uow:
                for record in failure_records:
                    record(uow)

    def flush(self) -> None:
        self.session.flush()

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def publish(self, event: Event) -> None:
        """Record ``event`` in the outbox (this transaction); its handlers run after commit."""
        from medtrace.platform.events.service import publish

        publish(self, event)

    def on_failure(self, record: Callable[[UnitOfWork], None]) -> None:
        """Run ``record`` in a new transaction if this unit of work ends in an exception."""
        self._on_failure.append(record)

    def now(self) -> dt.datetime:
        return utcnow()

    def today(self) -> dt.date:
        """Today's date where the plant is (expiry and due dates are plant-local dates)."""
        return self.now().astimezone(self.timezone).date()
