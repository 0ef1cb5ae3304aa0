"""Cheap look-ups other modules use in bulk (trace answers, imports): ids to codes and back.
A partner's code never changes, so ``partner_codes`` caches what it has read."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import bindparam, select

from medtrace.modules.partners.models import Partner
from medtrace.platform.db.uow import UnitOfWork

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
