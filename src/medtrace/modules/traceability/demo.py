"""The traceability permissions of the demo roles: everyone whose job touches a lot or a unit
may trace it; those who make, move, install or judge things record or decide. The demo's
story itself (lots, units, genealogy, shipments) is written by the inventory demo, through the
stock ledger, which journals here."""

from __future__ import annotations

from medtrace.modules.traceability.permissions import ROLE_GRANTS
from medtrace.platform.auth import roles
from medtrace.platform.db.uow import UnitOfWork


def load(uow: UnitOfWork) -> None:
    roles.add_grants(uow, ROLE_GRANTS)
