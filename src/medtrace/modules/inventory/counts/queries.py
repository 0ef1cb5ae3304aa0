"""Reads of the counts for the home dashboard: count sheets waiting for a decision."""

from __future__ import annotations

from sqlalchemy import func, select

from medtrace.modules.inventory.counts.models import CountSheet
from medtrace.modules.inventory.counts.rules import CountStatus
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure, count


def sheets_in(uow: UnitOfWork, *statuses: CountStatus) -> int:
    return int(uow.session.scalar(select(func.count()).select_from(CountSheet)
                                  .where(CountSheet.status.in_(statuses))) or 0)


def approval_figures(uow: UnitOfWork) -> list[Figure]:
    """For who approves counts (posting their variances adjusts stock)."""
    return [count(N_("Count sheets to approve"), sheets_in(uow, CountStatus.SUBMITTED),
                  f"/inventory/counts?status={CountStatus.SUBMITTED.value}")]


def counting_figures(uow: UnitOfWork) -> list[Figure]:
    """For who counts: sheets open for counting."""
    return [count(N_("Count sheets open for counting"), sheets_in(uow, CountStatus.COUNTING),
                  f"/inventory/counts?status={CountStatus.COUNTING.value}")]
