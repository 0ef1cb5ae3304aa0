"""The traceability permissions of the demo roles: everyone whose job touches a lot or a unit
may trace it; those who make, move, install or judge things record or decide. The demo's
story itself (lots, units, genealogy, shipments) is written by the inventory demo, through the
stock ledger, which journals here."""

from __future__ import annotations

from medtrace.modules.traceability.permissions import (
    LOT_HOLD,
    LOT_RECALL,
    LOT_RELEASE,
    TRACE_RECORD,
    TRACE_VIEW,
)
from medtrace.platform.auth import service as auth_service
from medtrace.platform.db.uow import UnitOfWork

ROLE_GRANTS = {
    "warehouse": [TRACE_VIEW, TRACE_RECORD],
    "warehouse_lead": [TRACE_VIEW, TRACE_RECORD, LOT_HOLD],
    "qa": [TRACE_VIEW, LOT_RELEASE, LOT_HOLD, LOT_RECALL],
    "production": [TRACE_VIEW, TRACE_RECORD],
    "sales": [TRACE_VIEW],
    "service": [TRACE_VIEW, TRACE_RECORD],
    "purchasing": [TRACE_VIEW],
}


def load(uow: UnitOfWork) -> None:
    for role in auth_service.list_roles(uow):
        extra = ROLE_GRANTS.get(role.code)
        if extra:
            auth_service.save_role(uow, code=role.code, name_zh=role.name_zh,
                                   name_en=role.name_en, description=role.description,
                                   grants_all=role.grants_all,
                                   permissions=sorted(set(role.permission_codes) | set(extra)))
