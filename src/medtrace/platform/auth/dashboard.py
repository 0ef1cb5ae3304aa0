"""The home page's access panel: who can sign in, who is locked out, what failed lately."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from medtrace.platform.audit import AuditEntry
from medtrace.platform.auth.models import LoginEvent, User, WebSession
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure


def _count(uow: UnitOfWork, query) -> int:  # type: ignore[no-untyped-def]
    return int(uow.session.scalar(query) or 0)


def access_figures(uow: UnitOfWork) -> list[Figure]:
    now = uow.now()
    day_ago = now - dt.timedelta(hours=24)
    last_entry = uow.session.scalar(select(func.max(AuditEntry.at)))
    return [
        Figure(N_("Active users"), _count(uow, select(func.count()).select_from(User)
                                          .where(User.active.is_(True))), "number",
               "/admin/users"),
        Figure(N_("Locked accounts"), _count(uow, select(func.count()).select_from(User)
                                             .where(User.locked_until > now)), "number"),
        Figure(N_("Failed sign-ins (24 h)"), _count(
            uow, select(func.count()).select_from(LoginEvent)
            .where(LoginEvent.success.is_(False), LoginEvent.at >= day_ago)), "number"),
        Figure(N_("Open sessions"), _count(uow, select(func.count()).select_from(WebSession)
                                           .where(WebSession.ended_at.is_(None))), "number"),
        Figure(N_("Audit trail entries"), _count(
            uow, select(func.count()).select_from(AuditEntry)), "number", "/audit"),
        Figure(N_("Last audited change"), last_entry, "datetime"),
    ]

