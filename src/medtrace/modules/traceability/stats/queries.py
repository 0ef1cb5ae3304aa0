"""The traceability panels of the home dashboard: traces today and their median query time
(from the per-day counters), traces per day over the last two weeks, lots to release."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from medtrace.modules.traceability.models import TraceObject
from medtrace.modules.traceability.rules import LotStatus
from medtrace.modules.traceability.stats.models import TraceQueryStat
from medtrace.modules.traceability.stats.rules import median_ms
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.web.charts import day_chart
from medtrace.platform.web.dashboard import Figure, count

CHART_DAYS = 14


def traces_per_day(uow: UnitOfWork, since: dt.date) -> dict[dt.date, int]:
    rows = uow.session.execute(
        select(TraceQueryStat.day, func.sum(TraceQueryStat.queries))
        .where(TraceQueryStat.day >= since).group_by(TraceQueryStat.day))
    return {day: int(n) for day, n in rows}


def trace_figures(uow: UnitOfWork) -> list[Figure]:
    today = uow.today()
    buckets = [(bucket, n) for bucket, n in uow.session.execute(
        select(TraceQueryStat.bucket, TraceQueryStat.queries)
        .where(TraceQueryStat.day == today))]
    week = [(bucket, int(n)) for bucket, n in uow.session.execute(
        select(TraceQueryStat.bucket, func.sum(TraceQueryStat.queries))
        .where(TraceQueryStat.day > today - dt.timedelta(days=7))
        .group_by(TraceQueryStat.bucket))]
    per_day = traces_per_day(uow, today - dt.timedelta(days=CHART_DAYS - 1))
    return [
        Figure(N_("Traces today"), sum(n for _, n in buckets), "number", "/trace"),
        Figure(N_("Median trace query time today"), median_ms(buckets), "ms"),
        Figure(N_("Median trace query time, last 7 days"), median_ms(week), "ms"),
        Figure(N_("Traces per day, last %(days)s days"),
               day_chart(N_("Traces"), today, CHART_DAYS, per_day), "chart",
               params={"days": CHART_DAYS}),
    ]


def lots_to_release(uow: UnitOfWork) -> int:
    return int(uow.session.scalar(
        select(func.count()).select_from(TraceObject)
        .where(TraceObject.kind.in_(("lot", "unit")),
               TraceObject.status == LotStatus.QUARANTINE)) or 0)


def release_figures(uow: UnitOfWork) -> list[Figure]:
    return [count(N_("Lots and units in quarantine, to release"), lots_to_release(uow))]
