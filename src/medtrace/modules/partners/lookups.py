"""Cheap look-ups other modules use in bulk (trace answers, imports): ids to codes and back."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from medtrace.modules.partners.models import Partner
from medtrace.platform.db.uow import UnitOfWork


def partner_codes(uow: UnitOfWork, ids: Iterable[int | None]) -> dict[int, str]:
    """``{partner id: code}`` for the given ids (unknown ids are left out)."""
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        found.update(uow.session.execute(
            select(Partner.id, Partner.code).where(Partner.id.in_(chunk))).all())
    return found


def partner_ids_by_code(uow: UnitOfWork) -> dict[str, int]:
    """Every partner's id by its code."""
    return {code: pid for pid, code in uow.session.execute(select(Partner.id, Partner.code))}
