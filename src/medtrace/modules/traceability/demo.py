"""The traceability permissions of the demo roles: everyone whose job touches a lot or a unit
may trace it; those who make, move, install or judge things record or decide. The demo's
story itself (lots, units, genealogy, shipments) is written by the inventory demo, through the
stock ledger, which journals here."""

from __future__ import annotations

from medtrace.modules.traceability.permissions import ROLE_GRANTS
from medtrace.platform.auth import service as auth_service
from medtrace.platform.db.uow import UnitOfWork


def load(uow: UnitOfWork) -> None:
    for role in auth_service.list_roles(uow):
        extra = ROLE_GRANTS.get(role.code)
        if extra:
            auth_service.save_role(uow, code=role.code, name_zh=role.name_zh,
                                   name_en=role.name_en, description=role.description,
                                   grants_all=role.grants_all,
                                   permissions=sorted(set(role.permission_codes) | set(extra)))
