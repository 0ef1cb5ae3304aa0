"""Cheap look-ups other modules use in bulk (trace answers, imports): ids to codes and back.
A partner's code never changes, so ``partner_codes`` caches what it has read."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable

from sqlalchemy import bindparam, func, select

from medtrace.modules.partners.models import FirstApproval, Partner, QualificationDocument
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure, count

_cache: dict[int, str] = {}
_lock = threading.Lock()


def forget_partners() -> None:
    with _lock:
        _cache.clear()


def partner_codes(uow: UnitOfWork, ids: Iterable[int | None]) -> dict[int, str]:
    """``{partner id: code}`` for the given ids (unknown ids are left out)."""
    found: dict[int, str] = {}
    missing: list[int] = []
    for partner_id in {i for i in ids if i is not None}:
        code = _cache.get(partner_id)
        if code is None:
            missing.append(partner_id)
        else:
            found[partner_id] = code
    if missing:
        missing.sort()
        query = select(Partner.id, Partner.code).where(
            Partner.id.in_(bindparam("ids", expanding=True)))
        connection = uow.session.connection()
        for start in range(0, len(missing), 900):
            rows = connection.execute(query, {"ids": missing[start:start + 900]}).all()
            with _lock:
                for partner_id, code in rows:
                    found[partner_id] = code
                    if not uow.write:  # only what is committed is cached
                        _cache[partner_id] = code
    return found


def partner_ids_by_code(uow: UnitOfWork) -> dict[str, int]:
    """Every partner's id by its code."""
    return {code: pid for pid, code in uow.session.execute(select(Partner.id, Partner.code))}


# --- the home dashboard ------------------------------------------------------------------------
#: licences and certificates expiring within this many days are an alert (and to renew)
LICENCE_DAYS = 30


def documents_ending(uow: UnitOfWork, *, after: dt.date | None, until: dt.date) -> int:
    """Live (not withdrawn) documents whose validity ends after ``after`` (if given) and on or
    before ``until``."""
    query = (select(func.count()).select_from(QualificationDocument)
             .where(QualificationDocument.withdrawn.is_(False),
                    QualificationDocument.valid_to.is_not(None),
                    QualificationDocument.valid_to <= until))
    if after is not None:
        query = query.where(QualificationDocument.valid_to > after)
    return int(uow.session.scalar(query) or 0)


def licence_alert_figures(uow: UnitOfWork) -> list[Figure]:
    today = uow.today()
    return [
        count(N_("Licences expiring within %(days)s days"),
              documents_ending(uow, after=today - dt.timedelta(days=1),
                               until=today + dt.timedelta(days=LICENCE_DAYS)),
              f"/partners/expiring?days={LICENCE_DAYS}", days=LICENCE_DAYS),
        count(N_("Expired licences"),
              documents_ending(uow, after=None, until=today - dt.timedelta(days=1)),
              "/partners/expiring?days=0"),
    ]


def renewal_figures(uow: UnitOfWork) -> list[Figure]:
    """For who keeps the partners' documents: expired or expiring ones to renew."""
    until = uow.today() + dt.timedelta(days=LICENCE_DAYS)
    return [count(N_("Licences to renew"), documents_ending(uow, after=None, until=until),
                  f"/partners/expiring?days={LICENCE_DAYS}")]


def approval_figures(uow: UnitOfWork) -> list[Figure]:
    """For who decides first-operation approvals."""
    pending = int(uow.session.scalar(select(func.count()).select_from(FirstApproval)
                                     .where(FirstApproval.status == "pending")) or 0)
    return [count(N_("First-operation approvals to decide"), pending,
                  "/partners/approvals?status=pending")]
