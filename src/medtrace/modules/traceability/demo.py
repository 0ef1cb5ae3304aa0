"""Demo data of traceability: what each demo role may do with lots, units and traces (the lots
themselves are made by the inventory demo's receipts)."""

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
    "qa": [TRACE_VIEW, LOT_RELEASE, LOT_HOLD, LOT_RECALL],
    "production": [TRACE_VIEW, TRACE_RECORD],
    "sales": [TRACE_VIEW],
    "service": [TRACE_VIEW],
}


def load(uow: UnitOfWork) -> None:
    for role in auth_service.list_roles(uow):
        extra = ROLE_GRANTS.get(role.code)
        if extra:
            auth_service.save_role(uow, code=role.code, name_zh=role.name_zh,
                                   name_en=role.name_en, description=role.description,
                                   grants_all=role.grants_all,
                                   permissions=sorted(set(role.permission_codes) | set(extra)))
